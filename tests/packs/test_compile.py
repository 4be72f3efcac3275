"""compile_pattern: what a pack author's pattern becomes, and the errors a broken one gets."""

from __future__ import annotations

from typing import Any

import pytest

from ftprep.packs.compiled import PatternError, compile_pattern
from ftprep.packs.schema import PackRuleSpec, PatternSpec

_PATTERN_KEYS = {"regex", "group", "ignore_case", "validate_", "min_entropy", "allow"}


def _rule(**keys: Any) -> PackRuleSpec:
    pattern = PatternSpec(**{k: v for k, v in keys.items() if k in _PATTERN_KEYS})
    rest = {k: v for k, v in keys.items() if k not in _PATTERN_KEYS}
    return PackRuleSpec(code="XX001", name="rule-x", summary="s", why="w", bad=["x"], good=["y"],
                        pattern=[pattern], **rest)


def _compile(**keys: Any):
    rule = _rule(**keys)
    return compile_pattern(rule, rule.pattern[0])


def _error(**keys: Any) -> str:
    with pytest.raises(PatternError) as caught:
        _compile(**keys)
    return str(caught.value)


@pytest.mark.parametrize(("keys", "source", "group"), [
    ({"regex": "ab"}, b"ab", 0),  # anywhere: the pattern as written
    ({"regex": "ab", "anchor": "end"}, b"(ab)\\x00", 1),  # end: wrapped, the wrapper is group 1
    ({"regex": "ab", "anchor": "start"}, b"\\x00(ab)", 1),  # start: the NUL goes first
    ({"regex": "a(b)", "group": 1, "anchor": "end"}, b"(a(b))\\x00", 2),  # the user's group shifts by one
    ({"regex": "ab", "ignore_case": True}, b"(?i)ab", 0),  # ignore-case is a prefix flag
    ({"regex": "ab", "ignore_case": True, "anchor": "start"}, b"(?i)\\x00(ab)", 1),  # both
    ({"regex": "(?P<key>b)", "group": "key"}, b"(?P<key>b)", 1),  # a name resolves to its number
    ({"regex": "a(?P<key>b)", "group": "key", "anchor": "end"}, b"(a(?P<key>b))\\x00", 2),  # named, anchored
])
def test_the_compiled_source_and_group(keys: dict[str, Any], source: bytes, group: int) -> None:
    pattern = _compile(**keys)
    assert (pattern.source, pattern.group) == (source, group)


@pytest.mark.parametrize(("keys", "text", "found"), [
    ({"regex": "key-[a-z]+", "ignore_case": True}, b"use KEY-Abc now", b"KEY-Abc"),  # (?i) really applies
    ({"regex": "key-[a-z]+"}, b"use KEY-Abc now", None),  # and without it case matters
    ({"regex": "id=(?P<v>[0-9]+)", "group": "v"}, b"x id=42 y", b"42"),  # the named group's span
    ({"regex": "id=([0-9]+)", "group": 1, "anchor": "end"}, b"\x00x id=42\x00", b"42"),
])
def test_the_compiled_regex_finds_the_group(keys: dict[str, Any], text: bytes, found: bytes | None) -> None:
    pattern = _compile(**keys)
    match = pattern.regex.search(text)
    assert (match.group(pattern.group) if match else None) == found


@pytest.mark.parametrize(("keys", "message"), [
    # a backreference: the escape is named and RE2's limits explained
    ({"regex": "(a)\\1"}, ("RE2 cannot compile it: invalid escape sequence: \\1 "
                          "(RE2 has no backreferences or lookaround)")),
    # lookahead: "(?" in the reason gets the same hint
    ({"regex": "(?=a)b"}, ("RE2 cannot compile it: invalid perl operator: (?= "
                          "(RE2 has no backreferences or lookaround)")),
    # a plain syntax error: RE2's reason as text (not b'...'), no hint
    ({"regex": "[a"}, "RE2 cannot compile it: missing ]: [a"),
    # a name that is not in the pattern
    ({"regex": "(?P<key>a)", "group": "value"}, "group 'value' does not exist"),
    # a number past the groups
    ({"regex": "(a)", "group": 2}, "group 2 does not exist (the pattern has 1)"),
    # an unknown validator, with the known ones listed
    ({"regex": "a", "validate_": ("luhn", "lunh")},
     ("unknown validator 'lunh'; known: email-address, iban, luhn, nhs-number, not-placeholder, "
     "not-repeated, not-test-card, outside-code, phone-number, prose-line, uk-nino, us-ssn")),
])
def test_pattern_errors_say_what_is_wrong(keys: dict[str, Any], message: str) -> None:
    assert _error(**keys) == message


def test_a_bad_pattern_does_not_make_re2_log_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    """RE2 logs parse errors to stderr unless told not to: the user would see a C++ log line
    on top of ftprep's own message."""
    capfd.readouterr()
    _error(regex="[a")
    assert capfd.readouterr().err == ""


def test_the_group_count_in_the_error_is_the_users_for_an_anchored_pattern() -> None:
    assert _error(regex="(a)", group=2, anchor="end") == "group 2 does not exist (the pattern has 1)"


def test_a_negative_group_is_a_pack_error() -> None:
    """It would load, then fail at scan time (re2's span(-1))."""
    with pytest.raises(PatternError, match=r"group -1 does not exist \(the pattern has 1\)"):
        _compile(regex="(a)", group=-1)


@pytest.mark.parametrize(("found", "accepted"), [
    ("abcd", True),  # entropy exactly 2.0 bits: at the minimum is enough
    ("abca", False),  # 1.5 bits: under it
])
def test_min_entropy_is_inclusive(found: str, accepted: bool) -> None:
    pattern = _compile(regex="[a-z]+", min_entropy=2.0)
    assert pattern.accepts(found, found, 0, len(found), ()) is accepted


def test_validators_see_the_end_of_the_match() -> None:
    """`outside-code` looks for a closing backtick after the match's end: "it`s {name} here" has
    an odd backtick before the match but none after it on the line, so it is prose."""
    pattern = _compile(regex="[{][a-z]+[}]", validate_=("outside-code",))
    text = "it`s {name} here"
    start = text.index("{")
    assert pattern.accepts("{name}", text, start, start + 6, ()) is True
    text = "see `x {name}` here"
    start = text.index("{")
    assert pattern.accepts("{name}", text, start, start + 6, ()) is False
