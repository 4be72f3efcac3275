"""No output, log or report of ftprep prints a full secret: a masked prefix at most.

A report is read by more people than the dataset (CI logs, SARIF uploads, pull-request
comments, baselines committed to git), so a secret quoted there is a second leak. One file
holds distinctive keys in every place some rule quotes record text: message content, an unknown
key's name (also in the pointer) and value, a role, a message name, a tool name, invalid tool
arguments, a long answer where labels are judged (too long to be one), system prompt variants, conflicting answers, a duplicate record, a
duplicate JSON key, an invalid JSON line and an example over the token limit. Every command
that reports runs over it, and no stdout, stderr or report file may contain any key whole.
Data files (cleaned output, rejects, splits, exports) hold records and may hold them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ftprep.reporters import FORMATS
from tests.test_cli import run

ALPHABET = "Wd4Rn8Kx2Pq6Tz1Lm9Vb3Hs7Jc5Fg0Ya8Ue2Oi6Np4Qr1St9Xw3Zk7Ml5Bv0Cy2Dh6Ej"


def _key(tag: str) -> str:
    """A distinctive OpenAI project key per place, so a leak names where it came from."""
    body = (tag.upper() + ALPHABET)[:64]
    return f"sk-proj-{body}"


PLACES = ("content", "keyname", "keyvalue", "role", "name", "tool", "args", "label", "system",
          "conflict", "duplicate", "dupkey", "invalid", "long")
KEYS = {place: _key(f"Zz{place}") for place in PLACES}


def chat(user: str, answer: str, system: str | None = None) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system is not None else []
    return {"messages": [*messages, {"role": "user", "content": user},
                         {"role": "assistant", "content": answer}]}


def _records() -> Iterator[str]:
    dump = json.dumps
    # a classification set: labels, one written two ways, and one system prompt used by most
    system = "Classify the review."
    for n in range(400):
        label = ("positive", "negative")[n % 2]
        yield dump(chat(f"Review {n}: item {n} was {'great' if n % 2 == 0 else 'bad'}", label, system))
    for n in range(3):
        yield dump(chat(f"Review label {n}: token check", KEYS["label"], system))
    yield dump(chat("Review label 9: token check again", KEYS["label"] + ".", system))
    for n, verb in enumerate(("Classify", "Label", "Sort", "Judge", "Rate", "Tag", "Grade")):
        yield dump(chat(f"Review v{n}: fine", "positive", f"{KEYS['system']} {verb} the review."))
    # the same prompt, two answers
    yield dump(chat("Which key do I use for billing?", f"Use {KEYS['conflict']}", system))
    yield dump(chat("Which key do I use for billing?", "Ask the admin.", system))
    # content, unknown key (name and value), role, name, tool, arguments
    yield dump(chat(f"my key is {KEYS['content']}", "noted", system))
    record = chat("hello there", "hi", system)
    record[KEYS["keyname"]] = "x"
    record["notes"] = KEYS["keyvalue"]
    yield dump(record)
    record = chat("hello again", "hi", system)
    record["messages"][1]["role"] = KEYS["role"]
    yield dump(record)
    record = chat("hello once more", "hi", system)
    record["messages"][1]["name"] = KEYS["name"]
    yield dump(record)
    call = {"id": "call_1", "type": "function",
            "function": {"name": KEYS["tool"], "arguments": f"key={KEYS['args']}"}}
    yield dump({
        "messages": [
            {"role": "system", "content": system}, {"role": "user", "content": "look it up"},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": "done"},
            {"role": "assistant", "content": "Done."},
        ],
        "tools": [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}],
    })
    # an exact duplicate, a duplicate JSON key, an invalid line, a line over the limit
    copy = dump(chat(f"copy {KEYS['duplicate']}", "same", system))
    yield copy
    yield copy
    yield ('{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], '
           f'"{KEYS["dupkey"]}": 1, "{KEYS["dupkey"]}": 2}}')
    yield "{'messages': [{'role': 'user', 'content': '" + KEYS["invalid"] + "'}]}"
    yield '{"messages": [{"role": "user", "content": "' + KEYS["invalid"] + '"}'
    yield "prefix " + KEYS["invalid"] + " not json at all"
    yield KEYS["invalid"] + " is the key"
    yield dump(chat(("word " * 70000) + KEYS["long"], "ok", system))


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("leaks")
    path = folder / "leaky.jsonl"
    path.write_text("".join(line + "\n" for line in _records()), encoding="utf-8")
    return path


WINDOW = 12  # characters of a key's body that count as a leak (a mask shows 4 of the key)


def _pieces(key: str) -> set[str]:
    body = key[len("sk-proj-"):]
    return {body[i : i + WINDOW] for i in range(len(body) - WINDOW + 1)}


def assert_no_secret(where: str, *texts: str) -> None:
    """No key in full, and no run of 12 characters of one: a cut excerpt leaks as much."""
    for text in texts:
        whole = [place for place, key in KEYS.items() if key in text]
        assert whole == [], f"{where} prints the {', '.join(whole)} key(s) in full"
        parts = [place for place, key in KEYS.items() if any(p in text for p in _pieces(key))]
        assert parts == [], f"{where} prints part of the {', '.join(parts)} key(s)"


def test_the_file_reaches_the_rules_that_quote_record_text(leaky: Path) -> None:
    """Guard against a test that passes because nothing fires: each place is reported."""
    _code, out, _err = run("lint", str(leaky), "--isolated", "--format", "json",
                           "--model", "gpt-4.1-mini")
    codes = {d["code"] for d in json.loads(out)["diagnostics"]}
    for code in ("FT005", "FT007", "FT103", "FT109", "FT113", "FT201", "FT303",
                 "FT305", "FT309", "FT401"):
        assert code in codes, f"{code} does not fire on the leaky file"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_lint_reports_mask_every_secret(leaky: Path, tmp_path: Path, fmt: str) -> None:
    code, out, err = run("lint", str(leaky), "--isolated", "--format", fmt,
                         "--model", "gpt-4.1-mini", "--no-color")
    assert code == 1 and out
    assert_no_secret(f"lint --format {fmt}", out, err)
    report = tmp_path / f"report.{fmt}"
    run("lint", str(leaky), "--isolated", "--format", fmt, "-o", str(report))
    assert_no_secret(f"lint --format {fmt} -o", report.read_text(encoding="utf-8"))


def test_a_baseline_file_holds_no_secret(leaky: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, out, err = run("lint", str(leaky), "--isolated", "--write-baseline", str(baseline))
    assert code == 0 and baseline.exists()
    assert_no_secret("lint --write-baseline", out, err, baseline.read_text(encoding="utf-8"))
    code, out, err = run("lint", str(leaky), "--isolated", "--baseline", str(baseline))
    assert_no_secret("lint --baseline", out, err)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_fix_summaries_mask_every_secret(leaky: Path, tmp_path: Path, fmt: str) -> None:
    out_file, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    code, out, err = run("fix", str(leaky), "-o", str(out_file), "--rejects", str(rejects),
                         "--isolated", "--summary-format", fmt)
    assert code == 0 and err
    assert_no_secret(f"fix --summary-format {fmt}", out, err)
    # the rejects file is data (the records themselves), but its messages are report text
    for line in rejects.read_text(encoding="utf-8").splitlines():
        problems = json.loads(line)["problems"]
        assert_no_secret("the rejects file's messages", json.dumps(problems))
    code, out, err = run("fix", str(leaky), "-o", str(tmp_path / "red.jsonl"), "--isolated",
                         "--redact", "--summary-format", fmt)
    assert_no_secret(f"fix --redact --summary-format {fmt}", out, err)
    written = (tmp_path / "red.jsonl").read_text(encoding="utf-8")
    assert KEYS["content"] not in written and "<API_KEY>" in written


def test_fix_in_place_masks_every_secret(leaky: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(leaky.read_bytes())
    _code, out, err = run("fix", "--in-place", "--isolated", str(copy))
    assert_no_secret("fix --in-place", out, err)


def test_estimate_split_export_convert_and_rule_mask_every_secret(leaky: Path, tmp_path: Path) -> None:
    _code, out, err = run("estimate", str(leaky), "--isolated", "--model", "gpt-4.1-mini")
    assert_no_secret("estimate", out, err)
    _code, out, err = run("estimate", str(leaky), "--isolated", "--model", "gpt-4.1-mini",
                          "--format", "json")
    assert_no_secret("estimate --format json", out, err)
    _code, out, err = run("split", str(leaky), "-o", str(tmp_path / "split.jsonl"))
    assert_no_secret("split", out, err)
    _code, out, err = run("export", str(leaky), "--to", "trl", "-o", str(tmp_path / "trl.jsonl"))
    assert_no_secret("export", out, err)
    _code, out, err = run("convert", str(leaky), "-o", str(tmp_path / "converted.jsonl"))
    assert_no_secret("convert", out, err)
    for rule in ("FT401", "FT109", "FT307"):
        _code, out, err = run("rule", rule)
        assert_no_secret(f"rule {rule}", out, err)
