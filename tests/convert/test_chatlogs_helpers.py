"""The pieces every chat-log reader leans on: the streaming JSON array and time ordering."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Turn
from ftprep.readers.chatlogs import _helpers
from ftprep.readers.chatlogs._helpers import in_time_order, iter_json_array, iter_json_members


def stream(text: str) -> list[object]:
    return list(iter_json_array(io.StringIO(text), "x.json"))


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force many refills, so elements and numbers straddle chunk boundaries."""
    monkeypatch.setattr(_helpers._StreamReader, "CHUNK", 3)


@pytest.mark.parametrize("chunked", [False, True])
def test_array_elements_match_json_load(chunked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if chunked:
        monkeypatch.setattr(_helpers._StreamReader, "CHUNK", 3)
    values = [{"a": [1, 2, {"b": "x\u00e9\\n"}]}, 12345678901234567890, -1.5e10, "s,]", None,
              [], {}, True, {"nested": [[[]]]}]
    text = "\n [\n" + ",\n  ".join(json.dumps(v, ensure_ascii=False) for v in values) + "\n]\n"
    assert stream(text) == values


def test_empty_array_and_whitespace(tiny_chunks: None) -> None:
    assert stream("[]") == []
    assert stream("  [ \n ]  \n") == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "file is empty"),
        ("   \n", "file is empty"),
        ('{"a": 1}', "expected a JSON array"),
        ("[1, 2", "not closed"),
        ("[1 2]", "expected ',' or ']'"),
        ('[{"a": }]', "invalid JSON"),
        ("[1,]", "invalid JSON"),
        ("[1] x", "extra data"),
        ('[{"a": "unterminated', "invalid JSON"),
    ],
)
def test_broken_arrays_raise_with_the_file_name(text: str, reason: str, tiny_chunks: None) -> None:
    with pytest.raises(FtprepError) as caught:
        stream(text)
    assert caught.value.message.startswith("x.json: ")
    assert reason in caught.value.message


def test_error_position_is_absolute_across_refills(tiny_chunks: None) -> None:
    text = "[" + ", ".join(["1"] * 50) + ", ?]"
    with pytest.raises(FtprepError, match=f"character {text.index('?') + 1} "):
        stream(text)


def members(text: str) -> list[tuple[str, object, bool]]:
    return list(iter_json_members(io.StringIO(text), "x.json", "messages"))


def test_object_members_stream_one_array(tiny_chunks: None) -> None:
    text = '{"guild": {"id": "1"}, "messages": [{"a": 1}, 2], "messageCount": 2, "x": [3]}'
    assert members(text) == [("guild", {"id": "1"}, False), ("messages", {"a": 1}, True),
                             ("messages", 2, True), ("messageCount", 2, False), ("x", [3], False)]
    assert members('{"messages": {"not": "a list"}}') == [("messages", {"not": "a list"}, False)]
    assert members("{}") == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[]", "expected a JSON object"),
        ('{"a" 1}', "expected ':'"),
        ("{1: 2}", "expected a member name"),
        ('{"a": 1', "not closed"),
        ('{"a": ', "not closed"),
        ('{"messages": [1, 2}', "expected ',' or ']'"),
        ('{"a": 1} {}', "extra data"),
    ],
)
def test_broken_objects_raise(text: str, reason: str, tiny_chunks: None) -> None:
    with pytest.raises(FtprepError, match=reason):
        members(text)


def test_time_order_is_stable_and_mixes_aware_and_naive() -> None:
    aware = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    naive_earlier = datetime(2024, 1, 1, 11, 0)
    turns = [Turn("a", "1", aware), Turn("b", "2", naive_earlier), Turn("c", "3", aware)]
    ordered = in_time_order(turns)
    assert [t.text for t in ordered] == ["2", "1", "3"]
    assert all(t.time is not None and t.time.tzinfo is None for t in ordered)


def test_time_order_keeps_a_speakers_other_names() -> None:
    """Aliases let `--assistant` name an account under its nickname; re-timing must keep them."""
    aware = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    turns = [Turn("Grace", "1", aware, ("grace.h",)), Turn("b", "2", datetime(2024, 1, 1, 11, 0))]
    assert [t.aliases for t in in_time_order(turns)] == [(), ("grace.h",)]


def test_time_order_keeps_file_order_when_a_time_is_missing() -> None:
    turns = [Turn("a", "1", datetime(2024, 1, 2)), Turn("b", "2", None), Turn("c", "3", datetime(2024, 1, 1))]
    assert [t.text for t in in_time_order(turns)] == ["1", "2", "3"]
