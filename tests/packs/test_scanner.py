"""The batch scanner: texts of many records in one buffer must behave like one text at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from ftprep.model.diagnostics import Location
from ftprep.model.record import Record
from ftprep.packs.load import read_pack
from ftprep.packs.scan import SET_SIZE, ContentScanner, Hit, Slot
from ftprep.packs.schema import Field_
from ftprep.packs.texts import plain_contents, record_texts

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def _rule(code: str, regex: str, **keys: Any) -> str:
    extra = "".join(f"{k} = {orjson.dumps(v).decode()}\n" for k, v in keys.items())
    return (f'[[rule]]\ncode = "{code}"\nname = "rule-{code.lower()}"\nsummary = "s"\nwhy = "w"\n'
            f'show = "full"\nbad = ["x"]\ngood = ["y"]\n{extra}'
            f"[[rule.pattern]]\nregex = '{regex}'\n")


def _scanner(tmp_path: Path, *rules: str) -> ContentScanner:
    path = tmp_path / "pack.toml"
    path.write_text("\n".join(rules), encoding="utf-8")
    return ContentScanner([Slot.of(rule) for rule in read_pack(path)])


def _records(*data: dict[str, Any]) -> list[Record]:
    return [Record(Location("t.jsonl", n + 1), orjson.dumps(d), d) for n, d in enumerate(data)]


def _chat(*contents: str) -> dict[str, Any]:
    roles = ["user", "assistant"] * len(contents)
    return {"messages": [{"role": r, "content": c} for r, c in zip(roles, contents)]}


def _found(hits: list[Hit]) -> list[tuple[int, str, str, str]]:
    return [(h.record, h.slot.rule.spec.code, h.text.pointer, h.found) for h in hits]


def test_the_plain_fast_path_reads_what_the_walk_reads() -> None:
    """For every plain record of the sample data, the contents match the walker's content texts."""
    checked = 0
    for path in sorted(SAMPLE.glob("**/*.jsonl")):
        for line in path.read_bytes().splitlines():
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if not isinstance(data, dict):
                continue
            record = Record(Location(str(path)), line, data)
            if record.plain_shape:
                walked = [t.text for t in record_texts(data) if t.field is Field_.CONTENT]
                assert plain_contents(data) == walked
                checked += 1
    assert checked > 10


def test_a_match_across_two_texts_is_not_a_finding(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "end[^x]{0,3}start"))
    hits = scanner.hits(_records(_chat("the end", "start here"), _chat("the end start")))
    assert _found(hits) == [(1, "XX001", "/messages/0/content", "end start")]


def test_anchors_touch_the_ends_of_each_text(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "and", anchor="end"), _rule("XX002", "so", anchor="start"))
    hits = scanner.hits(_records(_chat("salt and", "and pepper"), _chat("so it goes", "it goes so")))
    assert _found(hits) == [(0, "XX001", "/messages/0/content", "and"),
                            (1, "XX002", "/messages/0/content", "so")]


def test_every_pattern_is_found_beyond_one_re2_set(tmp_path: Path) -> None:
    count = SET_SIZE * 2 + 5
    rules = [_rule(f"XX{n:03d}", f"\\bword{n}x\\b") for n in range(count)]
    scanner = _scanner(tmp_path, *rules)
    text = " ".join(f"word{n}x" for n in reversed(range(count)))
    codes = sorted(h.slot.rule.spec.code for h in scanner.hits(_records(_chat(text))))
    assert codes == [f"XX{n:03d}" for n in range(count)]


def test_fields_and_roles_choose_the_texts(tmp_path: Path) -> None:
    record = {
        "messages": [
            {"role": "user", "content": "call acme", "name": "acme-bot"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {
                "name": "lookup", "arguments": "{\"q\": \"acme\"}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "acme found"},
            {"role": "assistant", "content": "acme is here"},
        ],
        "tools": [{"type": "function", "function": {"name": "lookup", "description": "find acme"}}],
    }
    every = _scanner(tmp_path, _rule("XX001", "acme", fields=["content", "arguments", "tools", "other"]))
    pointers = [h.text.pointer for h in every.hits(_records(record))]
    assert pointers == ["/messages/0/content", "/messages/0/name",
                        "/messages/1/tool_calls/0/function/arguments", "/messages/2/content",
                        "/messages/3/content", "/tools/0/function/description"]
    default = _scanner(tmp_path, _rule("XX001", "acme"))
    assert [h.text.field.value for h in default.hits(_records(record))] == [
        "content", "arguments", "content", "content"]
    answers = _scanner(tmp_path, _rule("XX001", "acme", roles=["assistant"]))
    assert [h.text.pointer for h in answers.hits(_records(record))] == [
        "/messages/1/tool_calls/0/function/arguments", "/messages/3/content"]


@pytest.mark.parametrize(("record", "pointers"), [
    ({"prompt": "acme?", "completion": "acme!"}, ["/completion"]),
    ({"input": {"messages": [{"role": "user", "content": "acme?"}]},
      "preferred_output": [{"role": "assistant", "content": "acme!"}],
      "non_preferred_output": [{"role": "assistant", "content": "no acme"}]},
     ["/preferred_output/0/content", "/non_preferred_output/0/content"]),
    ({"text": "acme"}, []),
])
def test_other_formats_speak_as_the_assistant_where_they_answer(
    tmp_path: Path, record: dict[str, Any], pointers: list[str]
) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "acme", roles=["assistant"]))
    assert [h.text.pointer for h in scanner.hits(_records(record))] == pointers


def test_overlapping_patterns_of_one_rule_report_once(tmp_path: Path) -> None:
    pack = _rule("XX001", "key-[a-z]+-[0-9]+") + "[[rule.pattern]]\nregex = 'key-[a-z]+'\n"
    scanner = _scanner(tmp_path, pack)
    hits = scanner.hits(_records(_chat("use key-abc-123 then key-def")))
    assert [h.found for h in hits] == ["key-abc-123", "key-def"]
    findings = scanner.findings(_records(_chat("use key-abc-123 then key-def")))
    message = "rule xx001 'key-abc-123' in user message (and 1 more in this text)"
    assert [f.message for _n, _s, f in findings] == [message]


def test_offsets_are_characters_of_the_decoded_text(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "k[0-9]+"))
    text = "日本語 🙂 k42 é"
    hit = scanner.hits(_records(_chat(text)))[0]
    assert text[hit.start:hit.end] == "k42" == hit.found


def test_min_length_skips_short_texts(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "\\bthe\\b", min_length=10))
    assert _found(scanner.hits(_records(_chat("the", "and then the end")))) == [
        (0, "XX001", "/messages/1/content", "the")]


TRICKY = [
    {"messages": [
        {"content": "first", "role": "user", "name": "n"},
        {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {
            "name": "f", "arguments": "{\"a\": 1}"}}], "content": None},
        {"role": "tool", "tool_call_id": "c", "content": [{"type": "text", "text": "part"}]},
        {"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "u"}},
                                          {"type": "text", "text": "seen"}],
         "function_call": {"name": "g", "arguments": {"nested": ["x", {"content": "y"}]}}},
    ], "tools": [{"type": "function", "function": {"name": "f", "description": "d",
                  "parameters": {"properties": {"content": {"type": "string"}}}}}],
     "metadata": {"text": "meta", "n": 3, "ok": True, "none": None}},
    {"input": {"messages": [{"role": "user", "content": "q"}]},
     "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": []},
    {"prompt": "p", "completion": "c", "extra": ["l", 2]},
]


@pytest.mark.parametrize("fields", [
    {Field_.CONTENT}, {Field_.CONTENT, Field_.ARGUMENTS}, {Field_.TOOLS}, {Field_.OTHER}, set(Field_),
])
def test_the_fast_walk_reads_what_the_pointer_walk_reads(fields: set[Field_]) -> None:
    """The scanner extracts with `record_strings` and maps matches back with `record_texts`:
    the two must list the same strings in the same order, or a match lands on the wrong text."""
    from ftprep.packs.texts import record_strings

    checked = 0
    corpora = Path(__file__).resolve().parents[3] / "shared" / "corpora"
    paths = sorted(SAMPLE.glob("**/*.jsonl")) + sorted(corpora.glob("**/*.jsonl"))[:40]
    tricky = [orjson.dumps(r) for r in TRICKY]
    for lines in [tricky, *(path.read_bytes().splitlines()[:300] for path in paths)]:
        for line in lines:
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if isinstance(data, dict):
                wanted = frozenset(fields)
                assert record_strings(data, wanted) == [
                    t.text for t in record_texts(data) if t.field in wanted]
                checked += 1
    assert checked > 50
