"""`ftprep report` and `lint --format html`: a page whose numbers are the run's, with nothing
that reaches outside the file, byte-identical from run to run."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import check_golden, run

ROOT = Path(__file__).resolve().parents[2]
MIXED = ("tests/data/mixed_defects.jsonl", "--model", "gpt-4o-mini", "--isolated")
SAMPLE = ("sample_data/support_chat.jsonl", "--model", "gpt-4.1-mini", "--isolated")


class Page(HTMLParser):
    """Every tag with its attributes, each section's text, and the hover titles of SVG shapes."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.titles: dict[str, list[str]] = {}  # section id -> <title> texts of its charts
        self.text: dict[str, str] = {}  # section id -> its text
        self._section = ""
        self._in_title = False
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self._section = dict(attrs).get("id") or ""
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text[self._section] = self.text.get(self._section, "") + data
        if self._in_title and self._section:
            self.titles.setdefault(self._section, []).append(data)

    def shapes(self, section: str, css: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == "rect" and a.get("class") == css]


def _html(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    code, out, _err = run("lint", *args, "--format", "html", cwd=cwd)
    return code, out


def _json(*args: str, cwd: Path | None = None) -> dict[str, Any]:
    _code, out, _err = run("lint", *args, "--format", "json", cwd=cwd)
    return json.loads(out)


def test_html_output_is_golden() -> None:
    code, out = _html(*MIXED)
    assert code == 1  # as a lint format, html keeps lint's exit code
    check_golden("lint_mixed_defects.html", out)


def test_the_page_is_self_contained() -> None:
    """No script, no stylesheet or image to fetch, and a policy that would block one."""
    _code, out = _html(*SAMPLE)
    page = Page(out)
    tags = {tag for tag, _attrs in page.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href") and value:
                assert value.startswith("#"), (tag, name, value)
    policy = [a["content"] for t, a in page.tags
              if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'"]
    assert "url(" not in out and "@import" not in out


def test_the_same_input_gives_the_same_bytes_and_report_writes_what_lint_prints(tmp_path: Path) -> None:
    _code, first = _html(*SAMPLE)
    _code, second = _html(*SAMPLE)
    assert first == second
    target = tmp_path / "report.html"
    code, _out, err = run("report", *SAMPLE, "-o", str(target))
    assert code == 0  # the report is the job: problems do not fail it
    assert target.read_text(encoding="utf-8") == first
    assert f"wrote {target}" in err and "9 problems" in err


def test_numbers_on_the_page_are_the_runs() -> None:
    summary = _json(*SAMPLE)["summary"]
    page = Page(_html(*SAMPLE)[1])
    cards = page.text["overview"]
    assert f"examples{summary['examples']:,}" in cards.replace("\n", "")
    assert f"problems{summary['counts']['problems']}" in cards
    # one bar title per rule and severity, with the rule's count
    titled = {}
    for title in page.titles["problems"]:
        match = re.fullmatch(r"(FT\d+) [\w-]+: (\d+) (error|warning|info)s?", title)
        if match:
            titled[match[1]] = titled.get(match[1], 0) + int(match[2])
    assert titled == summary["counts"]["by_code"]
    # the histogram's bars hold every example with tokens
    counts = [int(m[1]) for t in page.titles["tokens"]
              if (m := re.search(r": (\d+) examples?", t))]
    assert sum(counts) == summary["tokens"]["per_example"]["count"]


def test_examples_over_the_limit_are_the_red_bars() -> None:
    args = ("sample_data/", "--isolated", "--max-tokens", "150")
    summary = _json(*args)["summary"]
    page = Page(_html(*args)[1])
    over = [int(m[1]) for t in page.titles["tokens"]
            if (m := re.search(r": (\d+) examples? over the limit", t))]
    assert sum(over) == summary["tokens"]["over_limit"] == 14
    assert "14 examples over the 150-token limit (red)" in page.text["tokens"]
    # no model: the limit is the flag's, and no "(None)" stands in for a model's name
    assert "14 examples over 150 tokens (--max-tokens)" in page.text["estimate"]
    assert "None" not in page.text["estimate"]
    assert any(a.get("class") == "limit" for t, a in page.tags if t == "line")


def test_labels_are_drawn_from_the_distribution() -> None:
    page = Page(_html("sample_data/sentiment_prompt_completion.jsonl", "--isolated")[1])
    assert page.titles["labels"][1::2] == [" Positive: 11 (36.7%)", " Negative: 11 (36.7%)",
                                           " Neutral: 8 (26.7%)"]
    assert "3 classes from final answer." in page.text["labels"]


def _chat(i: int, answer: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": f"question number {i}"},
                                    {"role": "assistant", "content": answer}]})


def test_duplicate_groups_by_size_with_the_largest_first(tmp_path: Path) -> None:
    words = [f"{w}{i}" for i, w in enumerate(["alpha", "bravo", "delta", "kilo", "lima"] * 40)]
    lines = [_chat(i, " ".join(words[i * 7:i * 7 + 7])) for i in range(20)]
    lines += [lines[0]] * 4 + [lines[1]] * 2 + [lines[2]]  # groups of 5, 3 and 2
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = Page(_html("d.jsonl", "--isolated", cwd=tmp_path)[1])
    text = page.text["duplicates"]
    assert "7 extra copies in 3 groups (FT303)" in text
    assert [t for t in page.titles["duplicates"] if re.fullmatch(r"\d+ groups? of \d+", t)] == [
        "1 group of 2", "1 group of 3", "1 group of 5"]
    rows = re.findall(r"(\d)(d\.jsonl:\d+)example", text)  # cells: size, first, finding
    assert rows == [("5", "d.jsonl:1"), ("3", "d.jsonl:2"), ("2", "d.jsonl:3")]


def test_the_problem_list_is_capped_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "d.jsonl").write_text('{"messages": []}\n' * 230, encoding="utf-8")
    markup = _html("d.jsonl", "--isolated", "--select", "FT1", cwd=tmp_path)[1]
    page = Page(markup)
    total = _json("d.jsonl", "--isolated", "--select", "FT1", cwd=tmp_path)["summary"]["counts"]["problems"]
    assert total > 200
    assert f"The first 200 of {total:,}; ftprep lint lists every one." in page.text["list"]
    assert markup.split('<section id="list">')[1].count("<tr>") == 201  # header + 200 rows


def test_text_from_the_data_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert(1)<'
    lines = [json.dumps({"prompt": f"review {i}", "completion": hostile if i % 2 else "ok"})
             for i in range(30)]
    (tmp_path / f"{hostile}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _out, _err = run("report", f"{hostile}.jsonl", "--isolated", "-o", "r.html", cwd=tmp_path)
    assert code == 0
    markup = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script" not in markup
    assert "&lt;script&gt;alert(1)&lt;" in markup
    assert hostile in Page(markup).text["labels"]


def test_compare_adds_a_row_per_quote(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    code, _out, _err = run("report", *SAMPLE[:1], "--isolated", "--compare", "-o", str(target))
    assert code == 0
    _code, out, _err = run("estimate", SAMPLE[0], "--isolated", "--compare", "--format", "json")
    quotes = json.loads(out)["quotes"]
    page = Page(target.read_text(encoding="utf-8"))
    compare = page.text["compare"]
    assert sum(1 for q in quotes if q["model"] in compare) == len(quotes)
    priced = [q for q in quotes if q["cost_usd"] is not None and q["unavailable"] is None]
    bars = [t for t in page.titles["compare"] if "billed tokens at" in t]
    assert len(bars) == len(priced) > 0


@pytest.mark.parametrize(("args", "message"), [
    ((), "no input given"),
    (("missing.jsonl",), "missing.jsonl"),
    (("-", "--compare"), "stdin only once"),
])
def test_bad_usage_writes_nothing(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, _out, err = run("report", *args, "--isolated", "-o", "r.html", cwd=tmp_path)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(("sizes", "rows"), [
    ({2: 427, 3: 145}, [("2", 427), ("3", 145)]),
    ({5: 1, 6: 2, 10: 3, 11: 4}, [("5", 1), ("6–10", 5), ("11–20", 4)]),
    ({20: 1, 21: 1, 50: 1, 51: 1, 100: 1, 101: 1}, [("11–20", 1), ("21–50", 2), ("51–100", 2),
                                                   ("101–1,000", 1)]),
    ({1_000: 1, 1_001: 2, 250_000: 1}, [("101–1,000", 1), ("over 1,000", 3)]),
])
def test_group_sizes_are_exact_up_to_five_then_ranged(
        sizes: dict[int, int], rows: list[tuple[str, int]]) -> None:
    from ftprep.reporters.html.sections import size_buckets

    assert size_buckets(sizes) == rows


def test_a_dash_writes_the_page_to_stdout(tmp_path: Path) -> None:
    sample = str(Path(SAMPLE[0]).resolve())
    code, out, err = run("report", sample, *SAMPLE[1:], "-o", "-", cwd=tmp_path)
    assert code == 0
    assert out == _html(sample, *SAMPLE[1:])[1]
    assert "wrote the page to stdout" in err
    assert not (tmp_path / "-").exists()


def test_the_closing_line_counts_in_words(tmp_path: Path) -> None:
    (tmp_path / "one.jsonl").write_text('{"messages": []}\n', encoding="utf-8")
    code, _out, err = run("report", "one.jsonl", "--isolated", "--select", "FT102", "-o", "r.html",
                          cwd=tmp_path)
    assert code == 0 and "1 example, 1 problem" in err


def test_epochs_from_the_configuration_are_named_as_such(tmp_path: Path) -> None:
    """The report's estimate says where its epochs came from, as lint's does (it said
    --epochs for a configured value)."""
    (tmp_path / "d.jsonl").write_bytes((ROOT / "sample_data" / "support_chat.jsonl").read_bytes())
    (tmp_path / "ftprep.toml").write_text("epochs = 3\n", encoding="utf-8")
    code, _out, _err = run("report", "d.jsonl", "-o", "r.html", cwd=tmp_path)
    assert code == 0
    page = Page((tmp_path / "r.html").read_text(encoding="utf-8"))
    expected = f"3 (epochs in {tmp_path / 'ftprep.toml'})"
    assert expected in page.text["estimate"]
    _code, out, _err = run("lint", "d.jsonl", cwd=tmp_path)
    assert expected in out  # the same words as lint's summary
    code, _out, _err = run("report", "d.jsonl", "--epochs", "5", "-o", "r.html", cwd=tmp_path)
    assert "5 (--epochs)" in Page((tmp_path / "r.html").read_text(encoding="utf-8")).text["estimate"]
