"""FT108 role-order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.diagnostics import Finding, Severity
from ftprep.record import Record
from ftprep.registry import RecordFormat, RuleSpec, Scope

SPEC = RuleSpec(
    code="FT108", name="role-order", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A system message is not first or not the only one, or a tool result answers no "
            "preceding tool call.",
    why="The system message sets up the conversation and providers expect at most one, first "
        "(Fireworks' docs; Mistral's trainer rejects a second one). A tool (or legacy function) "
        "message is the answer to the assistant's call just before it; without that call the "
        "example is incoherent and the provider rejects it.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "system", '
        '"content": "Be brief."}, '
        '{"role": "assistant", "content": "Hello"}]}',
    good='{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", '
         '"content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    roles = record.roles
    if roles is not None and "system" not in roles[1:]:
        return  # plain: no tool messages, and no system message after the first
    if record.format is RecordFormat.CHAT:
        yield from _check_order("/messages", record.messages)
    else:
        for base, messages, _holder in h.conversations(record):
            yield from _check_order(base, messages)


def _check_order(base: str, messages: list[Any]) -> Iterator[Finding]:
    systems = 0
    previous: dict[str, Any] = {}  # the last message that is not a tool result
    for index, message in enumerate(messages):
        if type(message) is not dict:
            continue  # FT102
        role = message.get("role")
        if role == "user" or role == "assistant":  # the common case, decided first
            previous = message
        elif role == "system" or role == "developer":
            at = f"{base}/{index}/role"
            if systems:
                yield Finding(at, f"more than one system message ({role} is message {index + 1})")
            elif index:
                yield Finding(at, f"{role} message is message {index + 1}, not the first")
            systems += 1
            previous = message
        elif role == "tool":
            calls = previous.get("tool_calls")
            if previous.get("role") != "assistant" or type(calls) is not list or not calls:
                yield Finding(
                    f"{base}/{index}/role",
                    "tool message does not follow an assistant message with tool_calls",
                )
        elif role == "function":
            called = type(previous.get("function_call")) is dict
            if previous.get("role") != "assistant" or not called:
                yield Finding(
                    f"{base}/{index}/role",
                    "function message does not follow an assistant message with function_call",
                )
        else:
            previous = message  # an unknown role (FT103) still ends a run of tool results
