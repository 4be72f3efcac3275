"""The scanner at its edges: RE2 set chunks and their failure fallback, record windows,
field and role selection, overlaps, messages and columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from ftprep.model.diagnostics import Location
from ftprep.model.record import Record
from ftprep.packs import scan
from ftprep.packs.load import read_pack
from ftprep.packs.scan import SET_SIZE, WINDOW, ContentScanner, Slot
from ftprep.packs.schema import Field_, PackOptions
from tests.packs.test_scanner import _chat, _found, _records, _rule, _scanner


class _Set:
    """Stands in for an RE2 set: counts its calls, and can fail as a set out of DFA memory does
    (answering nothing, not even the sentinel)."""

    def __init__(self, real: Any, fail: bool) -> None:
        self.real, self.fail, self.calls = real, fail, 0

    def Match(self, buffer: bytes) -> list[int]:
        self.calls += 1
        return [] if self.fail else self.real.Match(buffer)


def _wrap(scanner: ContentScanner, *failing: int) -> list[_Set]:
    wrapped = [_Set(group, n in failing) for n, (_first, _size, group) in enumerate(scanner._sets)]
    scanner._sets = [(first, size, w) for (first, size, _g), w in zip(scanner._sets, wrapped)]
    return wrapped


def _many(tmp_path: Path, count: int) -> ContentScanner:
    return _scanner(tmp_path, *(_rule(f"XX{n:03d}", f"\\bword{n}x\\b") for n in range(count)))


def _buffer(*texts: str) -> bytes:
    return b"\x00" + b"\x00".join(t.encode() for t in texts) + b"\x00\x00\x00"


# -- RE2 sets ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "sets"), [
    (1, [(0, 1)]),
    (SET_SIZE, [(0, SET_SIZE)]),  # exactly one full set
    (SET_SIZE + 1, [(0, SET_SIZE), (SET_SIZE, 1)]),  # one more opens a second set
])
def test_patterns_are_chunked_into_sets_of_set_size(tmp_path: Path, count: int, sets: list) -> None:
    scanner = _many(tmp_path, count)
    assert [(first, size) for first, size, _group in scanner._sets] == sets


@pytest.mark.parametrize(("failing", "matched"), [
    ((), [3, SET_SIZE + 1]),  # working sets: exactly the patterns that matched
    ((0,), [*range(SET_SIZE), SET_SIZE + 1]),  # the first set failed: all of it, and the second still read
    ((1,), [3, SET_SIZE, SET_SIZE + 1, SET_SIZE + 2]),  # the second failed: all of it, from its first
    ((0, 1), list(range(SET_SIZE + 3))),  # both failed: everything
])
def test_a_failed_set_runs_all_its_patterns(tmp_path: Path, failing: tuple[int, ...], matched: list[int]) -> None:
    scanner = _many(tmp_path, SET_SIZE + 3)
    _wrap(scanner, *failing)
    text = f"word3x and word{SET_SIZE + 1}x"
    assert scanner._matching_patterns(_buffer(text)) == matched


@pytest.mark.parametrize("failing", [(), (0,), (1,), (0, 1)])
def test_a_failed_set_still_finds_every_match(tmp_path: Path, failing: tuple[int, ...]) -> None:
    scanner = _many(tmp_path, SET_SIZE + 3)
    _wrap(scanner, *failing)
    text = f"word3x and word{SET_SIZE + 1}x"
    codes = [h.slot.rule.spec.code for h in scanner.hits(_records(_chat(text)))]
    assert codes == ["XX003", f"XX{SET_SIZE + 1:03d}"]


def test_a_clean_window_matches_nothing(tmp_path: Path) -> None:
    scanner = _many(tmp_path, 3)
    assert scanner._matching_patterns(_buffer("nothing", "here")) == []


# -- windows of records -------------------------------------------------------------------------

def test_the_sets_run_once_per_window_of_records(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "acme"))
    (wrapped,) = _wrap(scanner)
    scanner.hits(_records(*[_chat("clean")] * (WINDOW + 1)))
    assert wrapped.calls == 2  # 17 records: a window of 16 and one of 1


@pytest.mark.parametrize(("before", "why"), [
    ({"metadata": 1}, "records without a text to read: an empty window"),
    (_chat("clean"), "records without a match: a window where no pattern matched"),
])
def test_a_match_after_a_whole_window_is_found(tmp_path: Path, before: dict[str, Any], why: str) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "acme"))
    records = _records(*[before] * WINDOW, _chat("acme here"))
    assert _found(scanner.hits(records)) == [(WINDOW, "XX001", "/messages/0/content", "acme")], why


def test_a_lone_surrogate_is_scanned_not_fatal(tmp_path: Path) -> None:
    """A CSV read with surrogateescape can hold lone surrogates: they encode (surrogatepass) and
    offsets stay in characters."""
    scanner = _scanner(tmp_path, _rule("XX001", "k[0-9]+"))
    data = {"messages": [{"role": "user", "content": "bad \udc80 byte k42"}]}
    record = Record(Location("t.jsonl", 1), b'{"messages":[]}', data)
    (hit,) = scanner.hits([record])
    assert (hit.start, hit.end, hit.found) == (11, 14, "k42")


# -- which texts a rule reads ---------------------------------------------------------------

def test_field_other_reads_the_roles_of_a_plain_record(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "\\bassistant\\b", fields=["other"]))
    assert _found(scanner.hits(_records(_chat("hi", "hello")))) == [
        (0, "XX001", "/messages/1/role", "assistant")]


def test_field_arguments_reads_nothing_of_a_plain_record(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "acme", fields=["arguments"]))
    assert scanner.hits(_records(_chat("acme", "acme"))) == []


def test_a_rule_reads_only_its_own_fields_beside_another_rule(tmp_path: Path) -> None:
    """Rule 2 makes the scanner read roles; rule 1 (content only) must not see them."""
    scanner = _scanner(tmp_path, _rule("XX001", "assistant"), _rule("XX002", "\\buser\\b", fields=["other"]))
    assert _found(scanner.hits(_records(_chat("hi", "hello")))) == [
        (0, "XX002", "/messages/0/role", "user")]


@pytest.mark.parametrize(("min_length", "found"), [
    (3, ["the"]),  # a text exactly min_length long is read
    (4, []),  # one character short is skipped
])
def test_min_length_is_inclusive(tmp_path: Path, min_length: int, found: list[str]) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "the", min_length=min_length))
    assert [h.found for h in scanner.hits(_records(_chat("the")))] == found


@pytest.mark.parametrize(("options", "roles", "fields", "allow"), [
    (None, None, {Field_.CONTENT, Field_.ARGUMENTS}, ()),  # the pack's defaults
    (PackOptions(fields=[Field_.TOOLS]), None, {Field_.TOOLS}, ()),  # fields replace the pack's
    (PackOptions(roles=["assistant"]), {"assistant"}, {Field_.CONTENT, Field_.ARGUMENTS}, ()),
    (PackOptions(allow=["Acme-Test"]), None, {Field_.CONTENT, Field_.ARGUMENTS}, ("acme-test",)),  # lower-cased
])
def test_slot_of_applies_options(tmp_path: Path, options: Any, roles: Any, fields: set, allow: tuple) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(_rule("XX001", "acme"), encoding="utf-8")
    (rule,) = read_pack(path)
    slot = Slot.of(rule, options)
    assert (slot.roles, slot.fields, slot.allow) == (roles and frozenset(roles), frozenset(fields), allow)


def test_slot_fields_option_changes_what_is_scanned(tmp_path: Path) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(_rule("XX001", "\\buser\\b"), encoding="utf-8")
    (rule,) = read_pack(path)
    scanner = ContentScanner([Slot.of(rule, PackOptions(fields=[Field_.OTHER]))])
    assert [h.text.pointer for h in scanner.hits(_records(_chat("user")))] == ["/messages/0/role"]


def test_the_scanner_gives_validators_the_end_of_the_match(tmp_path: Path) -> None:
    """`outside-code` reads the line after the match's end: "it`s {name} here" is prose (an odd
    backtick before, none after), "see `x {name}` here" is inline code."""
    pack = _rule("XX001", "[{][a-z]+[}]") + 'validate = ["outside-code"]\n'
    scanner = _scanner(tmp_path, pack)
    hits = scanner.hits(_records(_chat("it`s {name} here", "see `x {name}` here")))
    assert _found(hits) == [(0, "XX001", "/messages/0/content", "{name}")]


# -- overlaps ---------------------------------------------------------------------------------

def test_adjacent_matches_are_both_kept(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "ab"))
    assert [(h.start, h.end) for h in scanner.hits(_records(_chat("abab")))] == [(0, 2), (2, 4)]


def test_two_rules_on_one_stretch_both_report(tmp_path: Path) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "key-[0-9]+"), _rule("XX002", "key"))
    assert [h.slot.rule.spec.code for h in scanner.hits(_records(_chat("key-42")))] == ["XX001", "XX002"]


# -- findings: messages and columns ---------------------------------------------------------

@pytest.mark.parametrize(("record", "message"), [
    (_chat("acme"), "[rule xx001|'acme'|user message|user|content|1]"),
    ({"text": "acme and acme"}, "[rule xx001|'acme'|text||content|2] (and 1 more in this text)"),  # no role: empty
])
def test_message_template_fields(tmp_path: Path, record: dict[str, Any], message: str) -> None:
    scanner = _scanner(tmp_path, _rule("XX001", "acme", message="[{label}|{match}|{where}|{role}|{field}|{count}]"))
    assert [f.message for _n, _s, f in scanner.findings(_records(record))] == [message]


def test_the_column_of_a_repeated_text_is_found_by_its_pointer(tmp_path: Path) -> None:
    """The same text twice in a record: the finding's column is that of the text it is in."""
    scanner = _scanner(tmp_path, _rule("XX001", "k42", roles=["assistant"]))
    record = _chat("say k42", "say k42")
    line = orjson.dumps(record).decode()
    (finding,) = [f for _n, _s, f in scanner.findings(_records(record))]
    assert finding.column == line.rindex("k42") + 1


def test_scanner_module_constants_are_what_the_tests_assume() -> None:
    assert (scan.SET_SIZE, scan.WINDOW) == (128, 16)
