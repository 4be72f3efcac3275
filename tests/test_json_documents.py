"""`lint` reads a pretty-printed JSON document value by value, each record at its own line:col.

Issue 7 items 5 and 16: axolotl's conversation.json (one pretty-printed object) was "not read",
25 pretty-printed objects one after another were "a multi-line JSON object", and the summary
then printed `lines 0` with an epoch count for zero examples.
"""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import ftprep.lint.engine
from ftprep.cli._main import run
from ftprep.config import Settings
from ftprep.lint.run import lint_job
from ftprep.model.sources import FileStats, Source
from ftprep.readers._open import open_input
from ftprep.readers._values import document_values
from ftprep.readers.jsonl import read_values
from ftprep.reporters import make_reporter
from tests.helpers import CORPORA, compact, run_engine

REALWORLD = CORPORA / "realworld"
AXOLOTL = REALWORLD / "axolotl" / "conversation.json"
# a user's validation file: 25 pretty-printed chat examples one after another, named .jsonl
STREAM = REALWORLD / "userfiles" / "edersonbadeca+OpenIA-fine-tunning-LLM__fine_tuning_data_val.jsonl"
needs_corpora = pytest.mark.skipif(not AXOLOTL.is_file(), reason="../shared corpora not present")


def _messages(index: int) -> str:
    return (f'{{"messages": [{{"role": "user", "content": "Question {index}?"}}, '
            f'{{"role": "assistant", "content": "Answer {index}."}}]}}')


@needs_corpora
def test_one_pretty_printed_object_is_one_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lint", str(AXOLOTL), "--isolated", "--no-color"]) == 1
    out = capsys.readouterr().out
    assert (f"{AXOLOTL}:1:1: FT013 [error] file is one pretty-printed JSON object, not JSON Lines; "
            "it was read as a record") in out
    # the ShareGPT record is checked where its key is, inside the document
    assert f"{AXOLOTL}:2:3: FT100 [error] record looks like a ShareGPT record" in out
    assert "json values    1 in 1 JSON document: 1 example, 0 not a JSON object" in out
    assert "top-level JSON value is a number" not in out and "  lines " not in out


@needs_corpora
def test_25_pretty_printed_objects_are_25_records_at_their_start_lines(tmp_path: Path) -> None:
    text = AXOLOTL.read_text(encoding="utf-8").strip() + "\n"
    path = tmp_path / "conversations.json"
    path.write_text(text * 25, encoding="utf-8")
    diagnostics, engine = run_engine(path, {"select": ["FT013", "FT100"]})
    height = text.count("\n")
    assert [d.location.line for d in diagnostics if d.code == "FT100"] == [
        1 + k * height + 1 for k in range(25)
    ]
    (ft013,) = [d.message for d in diagnostics if d.code == "FT013"]
    assert ft013 == ("file is 25 pretty-printed JSON objects one after another, not JSON Lines; "
                     "each was read as a record")
    (stats,) = engine.summary.files
    assert (stats.values, stats.records, stats.lines, engine.summary.examples) == (25, 25, 0, 25)


@pytest.mark.skipif(not STREAM.is_file(), reason="../shared corpora not present")
def test_a_real_stream_of_pretty_printed_examples_is_read_and_converted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    starts = [n for n, line in enumerate(STREAM.read_text(encoding="utf-8").splitlines(), 1)
              if line.startswith("{")]
    assert len(starts) == 25
    _diagnostics, engine = run_engine(STREAM, {"select": ["FT0"]})
    assert engine.summary.examples == 25 and engine.summary.messages == 75
    assert engine.summary.tokens() is not None
    run(["lint", str(STREAM), "--isolated", "--no-color", "--select", "FT013"])
    out = capsys.readouterr().out
    assert (f"{STREAM}:1:1: FT013 [error] file is 25 pretty-printed JSON objects one after another, "
            "not JSON Lines; each was read as a record") in out
    assert "json values    25 in 1 JSON document: 25 examples, 0 not a JSON object" in out
    assert "lines 0" not in out
    # the help says `ftprep convert FILE`: it must then write the 25 examples as JSON Lines
    converted = tmp_path / "train.jsonl"
    assert run(["convert", str(STREAM), "-o", str(converted)]) == 0
    assert len(converted.read_bytes().splitlines()) == 25
    _diagnostics, again = run_engine(converted, {"select": ["FT0"]})
    assert again.summary.files[0].document is None and again.summary.examples == 25


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
def test_each_value_starts_where_it_is(tmp_path: Path, bom: bytes) -> None:
    """Lines and code-point columns of each value's first byte; offsets count the BOM's bytes."""
    first, second, third = _messages(1).encode(), b'{\n  "messages": ["\xc3\xa9"]}', _messages(3).encode()
    path = tmp_path / "train.json"
    path.write_bytes(bom + b"\n  " + first + b"\n" + second + b" " + third + b"\n")
    stats = FileStats(str(path))
    with open_input(str(path)) as opened:
        units = list(read_values(Source(str(path)), opened, stats))
    base = len(bom)
    assert [(u.line, u.column, u.offset, u.data) for u in units] == [
        (2, 3, base + 3, first),
        (3, 1, base + 4 + len(first), second),
        (4, 22, base + 4 + len(first) + len(second) + 1, third),  # "é" is 2 bytes, 1 column
    ]
    assert (stats.values, stats.bytes) == (3, path.stat().st_size)


def test_findings_inside_a_document_are_placed_at_their_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text(
        "[\n"
        f"  {_messages(1)},\n"
        '  {"messages": [\n'
        '      {"role": "user", "content": "Hi"},\n'
        '      {"role": "assistant", "content": ""}\n'
        "  ]},\n"
        '  {"messages": [1,]}, {"messages": []}, {"a": NaN}\n'
        "]\n",
        encoding="utf-8",
    )
    diagnostics, engine = run_engine(path, {"select": ["FT0", "FT104"]})
    assert sorted(compact(diagnostics)) == sorted([
        "1:1 FT013",
        "5:29 FT104",  # the empty content of item 2: its key, on the fifth line
        "7:18 FT005",  # the trailing comma inside item 3
        "7:47 FT009",  # NaN in item 5
    ])
    (stats,) = engine.summary.files
    assert (stats.values, stats.records, stats.unparsed) == (5, 3, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[\n {"a": 1},\n {"a": 2}\n {"a": 3}\n]\n',
         "4:2 FT005 expected ',' or ']' after item 2, found '{\"a\":'; the rest of the file is not read"),
        ('[\n {"a": 1},\n {"a": [2}\n', "3:2 FT005 file ends inside this item (truncated, or a bracket is never closed)"),
        ('[\n {"a": 1},\n {"a": 2}\n', "4:1 FT005 file ends after item 2 without the array's closing ']' (truncated?)"),
        ('[\n {"a": 1}\n]\n{"b": 2}\n', "4:1 FT005 unexpected '{\"b\":' after the array's closing ']'; the rest of the file is not read"),
        ('{\n "a": 1\n}\n,\n{"a": 2}\n', "4:1 FT005 expected a JSON value, found ','; the rest of the file is not read"),
    ],
    ids=["missing-comma", "unclosed-item", "unclosed-array", "data-after-array", "comma-between-objects"],
)
def test_a_broken_document_is_reported_where_it_breaks(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "train.json"
    path.write_text(text, encoding="utf-8")
    diagnostics, engine = run_engine(path, {"select": ["FT005"]})
    assert [f"{c} {d.message}" for c, d in zip(compact(diagnostics), diagnostics)] == [expected]
    (stats,) = engine.summary.files
    assert stats.values == stats.records + stats.unparsed  # the break itself is not a value


@needs_corpora
@pytest.mark.parametrize("name", ["llamafactory/dpo_zh_demo.json", "fastchat/dummy_conversation.json",
                                  "axolotl/alpaca.json", "chatgpt/explorer_conversations.json"])
def test_real_json_arrays_read_every_item(name: str) -> None:
    path = REALWORLD / name
    _diagnostics, engine = run_engine(path, {"select": ["FT0"]})
    (stats,) = engine.summary.files
    expected = json.loads(path.read_bytes())
    assert (stats.document, stats.values, stats.records) == ("a JSON array", len(expected), len(expected))


def test_memory_is_bounded_by_the_largest_value_not_the_document() -> None:
    item = (_messages(0) + ",\n").encode()
    count = 80_000  # ~9 MB of document, fed in 64 kB blocks
    blocks = (b"[\n" + item * (count - 1) + item[:-2] + b"\n]\n")
    feed = (blocks[i : i + (1 << 16)] for i in range(0, len(blocks), 1 << 16))
    tracemalloc.start()
    seen = sum(1 for _ in document_values(feed))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == count
    assert peak < 1 << 20, f"peak {peak:,} bytes for a {len(blocks):,}-byte document"


def test_sharded_runs_leave_documents_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "train.json"
    path.write_text("[\n" + ",\n".join(_messages(i) for i in range(3000)) + "\n]\n", encoding="utf-8")

    def report(jobs: int) -> str:
        out = io.StringIO()
        job = lint_job(Settings(model="gpt-4.1-mini", jobs=jobs), [Source(str(path))])
        reporter = make_reporter("json", out, color=False)
        for diagnostic in job.diagnostics():
            reporter.diagnostic(diagnostic)
        reporter.finish(job.report())
        return out.getvalue()

    single = report(1)
    monkeypatch.setattr(ftprep.lint.engine, "SHARD_MIN_BYTES", 0)
    assert report(3) == single
    assert json.loads(single)["summary"]["values"] == 3000


def test_nothing_read_means_no_epochs_and_no_bill(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("question,answer\nWhat is 2+2?,4\n", encoding="utf-8")
    run(["lint", str(path), "--isolated", "--no-color"])
    out = capsys.readouterr().out
    assert "epochs         none: no examples were read" in out
    assert "billed tokens" not in out and "cost" not in out
    run(["lint", str(path), "--isolated", "--format", "json"])
    estimate = json.loads(capsys.readouterr().out)["summary"]["estimate"]
    assert (estimate["epochs"], estimate["billed_tokens"]) == (None, None)


_TRICKY = st.sampled_from(["}", "]", "},", "],", "{", "[", '\\"}', "é", "\n", ""])
_STRINGS = st.lists(_TRICKY | st.characters(exclude_categories=("Cs",)), max_size=6).map("".join)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_STRINGS, inner, max_size=4),
    max_leaves=20,
)


@given(values=st.lists(_JSON, max_size=6), array=st.booleans(), indent=st.booleans(),
       block=st.integers(1, 64))
@hypothesis_settings(max_examples=300, deadline=None)
def test_values_are_found_exactly_whatever_their_strings_and_blocks(
    values: list[object], array: bool, indent: bool, block: int
) -> None:
    """Brackets inside strings, every nesting, any block boundary: each value comes back whole,
    at the offset, line and column where it starts."""
    option = orjson.OPT_INDENT_2 if indent else 0
    parts = [orjson.dumps(v, option=option) for v in values]
    if array:
        text = b"[\n" + b",\n".join(b"  " + p for p in parts) + b"\n]\n"
    else:
        values = [v for v in values if isinstance(v, dict)]  # a stream of objects (what is detected)
        parts = [orjson.dumps(v, option=option) for v in values]
        text = b"".join(p + b"\n" for p in parts)
    feed = (text[i : i + block] for i in range(0, len(text), block))
    found = list(document_values(feed))
    assert [v.problem for v in found] == [None] * len(found)
    assert [orjson.loads(v.data) for v in found] == values
    for value in found:
        before = text[: value.offset]
        assert text[value.offset :].startswith(value.data)
        assert value.line == before.count(b"\n") + 1
        assert value.column == len(before[before.rfind(b"\n") + 1 :].decode()) + 1
