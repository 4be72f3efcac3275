"""FT115 unmatched-tool-call-id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT115", name="unmatched-tool-call-id", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A tool message's `tool_call_id` is missing or answers no earlier tool call.",
    why="A tool result is tied to its call by id; one that matches no call leaves the model "
        "unable to tell which call it answers, and the provider rejects the example. It "
        "usually comes from ids regenerated on one side only, or a result copied between "
        "conversations.",
    bad='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
        '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
        '"arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "call_2", "content": "18 C"}, '
        '{"role": "assistant", "content": "18 C."}]}',
    good='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
         '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
         '"arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "18 C"}, '
         '{"role": "assistant", "content": "18 C."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if "tool" not in h.survey(record).roles:
        return
    for base, messages, _holder in h.conversations(record):
        yield from _check_ids(base, messages)


def _ids(latest: list[str]) -> str:
    """The ids of the most recent call, for the message: usually the intended answer."""
    if not latest:
        return ""
    shown = ", ".join(h.show(i) for i in latest[:3]) + (", …" if len(latest) > 3 else "")
    return f" (the last call's ids: {shown})"


def _check_ids(base: str, messages: list[Any]) -> Iterator[Finding]:
    known: set[str] = set()
    latest: list[str] = []  # the ids of the most recent call, for the message
    for index, message in enumerate(messages):
        if type(message) is not dict:
            continue
        role = message.get("role")
        if role == "assistant" and "tool_calls" in message:
            latest = h.call_ids(message)
            known.update(latest)
        elif role == "tool" and known:  # with no call at all, FT108 reports the tool message
            at = f"{base}/{index}"
            if "tool_call_id" not in message:
                yield Finding(at, "tool message has no tool_call_id")
                continue
            answer = message["tool_call_id"]
            if type(answer) is not str:
                shown = h.show(answer)
                yield Finding(f"{at}/tool_call_id", f"tool_call_id is {shown}, not a string")
            elif answer not in known:
                yield Finding(
                    f"{at}/tool_call_id",
                    f"tool_call_id {h.show(answer)} answers no earlier tool call{_ids(latest)}",
                )
