"""FT126 unanswered-tool-call."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT126", name="unanswered-tool-call", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="A tool call gets no tool message with its id before the conversation moves on.",
    why="The chat API requires a tool result for every call before the next turn, so a "
        "conversation that continues past an unanswered call cannot happen at inference time "
        "and teaches the model to carry on without results. A call that ends the example is "
        "fine: that is how a model learns to call. (Whether fine-tuning uploads enforce this "
        "is unverified, hence a warning.)",
    bad='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
        '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
        '"arguments": "{}"}}]}, {"role": "assistant", "content": "It is sunny."}]}',
    good='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
         '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
         '"arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}, '
         '{"role": "assistant", "content": "It is sunny."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if "tool_calls" not in h.survey(record).keys:
        return
    for base, messages, _holder in h.conversations(record):
        yield from _check_answers(base, messages)


def _check_answers(base: str, messages: list[Any]) -> Iterator[Finding]:
    last = len(messages) - 1
    for index, message in enumerate(messages):
        if index == last or type(message) is not dict or message.get("role") != "assistant":
            continue
        calls = message.get("tool_calls")
        if type(calls) is not list or not calls:
            continue
        answered: set[Any] = set()
        for reply in messages[index + 1:]:
            if type(reply) is not dict or reply.get("role") != "tool":
                break
            answer = reply.get("tool_call_id")
            if type(answer) is str:
                answered.add(answer)
        for number, call in enumerate(calls):
            call_id = call.get("id") if type(call) is dict else None
            if type(call_id) is str and call_id not in answered:
                yield Finding(
                    f"{base}/{index}/tool_calls/{number}/id",
                    f"tool call {h.show(call_id)} has no tool result before the next turn",
                )
