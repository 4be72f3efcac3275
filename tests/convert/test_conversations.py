"""Chat-log conversations to examples: roles, gap splits, merging, and turn accounting."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ftprep.convert.conversations import (
    NO_GAP,
    LogOptions,
    conversation_examples,
    describe_gap,
    parse_gap,
)
from ftprep.convert.model import Converted
from ftprep.model.sources import Conversation, Origin, Rejected, Turn

T0 = datetime(2024, 5, 1, 9, 0)


def turn(speaker: str, text: str, minutes: float) -> Turn:
    return Turn(speaker, text, T0 + timedelta(minutes=minutes))


def run(turns: list[Turn], **options: object) -> list[Converted | Rejected]:
    conversation = Conversation(Origin("chat.txt", conversation="c1"), turns)
    settings = LogOptions(assistant=frozenset({"Ann"}), **options)  # type: ignore[arg-type]
    return list(conversation_examples(conversation, settings))


def roles(outcome: Converted | Rejected) -> list[str]:
    assert isinstance(outcome, Converted)
    return [m["role"] for m in outcome.record["messages"]]


def test_consecutive_turns_merge_and_group_speakers_are_named() -> None:
    out = run([turn("Bob", "hi", 0), turn("Cy", "hello?", 1), turn("Ann", "Hi both", 2),
               turn("Ann", "How can I help?", 3)])
    assert len(out) == 1 and isinstance(out[0], Converted)
    messages = out[0].record["messages"]
    assert messages[0] == {"role": "user", "content": "Bob: hi\nCy: hello?"}
    assert messages[1] == {"role": "assistant", "content": "Hi both\nHow can I help?"}
    assert out[0].units == 4


def test_group_chat_names_every_user_line_even_a_lone_speaker() -> None:
    out = run([turn("Bob", "hi", 0), turn("Ann", "Hello Bob", 1), turn("Cy", "me too?", 2),
               turn("Dee", "and me", 3), turn("Ann", "Welcome both", 4)])
    (example,) = out
    assert isinstance(example, Converted)
    assert [m["content"] for m in example.record["messages"]] == [
        "Bob: hi", "Hello Bob", "Cy: me too?\nDee: and me", "Welcome both"]
    # one person besides the assistant: nobody's name is added
    one_to_one = run([turn("Bob", "hi", 0), turn("Ann", "Hello", 1), turn("Bob", "bye", 2),
                      turn("Ann", "Bye", 3)])
    assert [m["content"] for m in one_to_one[0].record["messages"]] == ["hi", "Hello", "bye", "Bye"]  # type: ignore[union-attr]


def test_assistant_is_matched_by_any_of_its_names() -> None:
    out = run([turn("Bob", "hi", 0), Turn("Annie", "Hello", T0 + timedelta(minutes=1), aliases=("Ann",))])
    assert roles(out[0]) == ["user", "assistant"]


def test_gap_splits_into_separate_examples() -> None:
    turns = [turn("Bob", "q1", 0), turn("Ann", "a1", 1), turn("Bob", "q2", 200), turn("Ann", "a2", 201)]
    assert len(run(turns)) == 1
    split = run(turns, gap=timedelta(minutes=30))
    assert [type(o) for o in split] == [Converted, Converted]
    assert split[1].origin.row == 3  # the example starts at the conversation's third message


def test_unlearnable_turns_are_rejected_with_reasons_and_counted() -> None:
    turns = [turn("Ann", "welcome", 0), turn("Bob", "q", 1), turn("Ann", "a", 2), turn("Bob", "thanks", 3),
             turn("Bob", "   ", 4)]
    out = run(turns, system="Be kind.")
    converted = [o for o in out if isinstance(o, Converted)]
    rejected = [o for o in out if isinstance(o, Rejected)]
    assert roles(converted[0]) == ["system", "user", "assistant"]
    reasons = sorted(r.reason for r in rejected)
    assert reasons == ["assistant message before any user message", "empty message",
                       "message after the assistant's last reply"]
    assert sum(c.units for c in converted) + len(rejected) == len(turns)


def test_segment_without_assistant_rejects_every_turn() -> None:
    out = run([turn("Bob", "a", 0), turn("Cy", "b", 1)])
    assert [o.reason for o in out if isinstance(o, Rejected)] == ["segment has no message from the assistant"] * 2


@pytest.mark.parametrize(("text", "expected"), [("30m", timedelta(minutes=30)), ("2h", timedelta(hours=2)),
                                                 ("1d", timedelta(days=1)), ("45", timedelta(minutes=45)),
                                                 ("none", NO_GAP), ("OFF", NO_GAP)])
def test_parse_gap(text: str, expected: timedelta) -> None:
    assert parse_gap(text) == expected
    assert parse_gap(describe_gap(expected)) == expected


def test_example_span_is_measured_from_first_to_last_message() -> None:
    out = run([turn("Bob", "q", 0), turn("Ann", "a", 60 * 30)])
    assert isinstance(out[0], Converted) and out[0].span == timedelta(hours=30)
    out = run([turn("Bob", "q", 0), turn("Ann", "a", 60 * 30)], measure_span=False)
    assert isinstance(out[0], Converted) and out[0].span is None


@pytest.mark.parametrize("text", ["soon", "-5m", "0"])
def test_parse_gap_rejects_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="invalid gap"):
        parse_gap(text)
