"""FT112 malformed-tool-calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT112", name="malformed-tool-calls", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="`tool_calls` is not a list of calls with an `id`, `type: \"function\"` and a "
            "`function` with a `name`, or sits on a message that is not the assistant's.",
    why="Each tool call needs an id (tool results answer it), the type `function`, and the "
        "function's name; the provider rejects calls without them. Exports from other tools "
        "often put `name` and `arguments` beside `function` instead of inside it.",
    bad='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
        '"tool_calls": [{"id": "call_1", "name": "get_weather", "arguments": "{}"}]}]}',
    good='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
         '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
         '"arguments": "{\\"city\\": \\"Paris\\"}"}}]}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if not h.calls_functions(record):
        return
    for pointer, message in h.messages(record):
        if "tool_calls" in message:
            yield from _check_calls(pointer, message)
        if message.get("function_call") is not None:  # the schema lets it be null
            yield from _check_legacy(pointer, message)


def _wrong_role(message: dict[str, Any]) -> str | None:
    role = message.get("role")
    return role if type(role) is str and role in h.ROLE_KEYS and role != "assistant" else None


def _check_calls(pointer: str, message: dict[str, Any]) -> Iterator[Finding]:
    where = f"{pointer}/tool_calls"
    role = _wrong_role(message)
    if role:
        yield Finding(where, f"tool_calls on a {role} message; only the assistant calls tools")
        return
    calls = message["tool_calls"]
    if type(calls) is not list:
        yield Finding(where, f"tool_calls is {h.show(calls)}, not a list")
        return
    if not calls:
        yield Finding(where, "tool_calls is an empty list")
    seen: set[str] = set()
    for index, call in enumerate(calls):
        at = f"{where}/{index}"
        if type(call) is not dict:
            yield Finding(at, f"tool call is {h.show(call)}, not an object")
            continue
        call_id = call.get("id")
        if call_id is None:
            yield Finding(at, "tool call has no id")
        elif type(call_id) is not str or not call_id.strip():
            yield Finding(f"{at}/id", f"tool call id is {h.show(call_id)}, not a non-empty string")
        elif call_id in seen:
            yield Finding(
                f"{at}/id", f"tool call id {h.show(call_id)} repeats an earlier call's id"
            )
        else:
            seen.add(call_id)
        kind = call.get("type")
        if kind is None:
            yield Finding(at, "tool call has no type")
        elif kind != "function":
            yield Finding(f"{at}/type", f"tool call type is {h.show(kind)}, not \"function\"")
        yield from _check_function(at, call)


def _check_function(at: str, call: dict[str, Any]) -> Iterator[Finding]:
    if "function" not in call:
        stray = [key for key in ("name", "arguments") if key in call]
        if stray:
            keys = " and ".join(h.quoted(key) for key in stray)
            yield Finding(at, f"tool call has {keys} outside a \"function\" object")
        else:
            yield Finding(at, "tool call has no function")
        return
    function = call["function"]
    if type(function) is not dict:
        yield Finding(f"{at}/function", f"function is {h.show(function)}, not an object")
        return
    yield from _check_name(f"{at}/function", function)


def _check_name(at: str, function: dict[str, Any]) -> Iterator[Finding]:
    name = function.get("name")
    if name is None:
        yield Finding(at, "function has no name")
    elif type(name) is not str or not name.strip():
        yield Finding(f"{at}/name", f"function name is {h.show(name)}, not a non-empty string")


def _check_legacy(pointer: str, message: dict[str, Any]) -> Iterator[Finding]:
    where = f"{pointer}/function_call"
    role = _wrong_role(message)
    if role:
        yield Finding(
            where, f"function_call on a {role} message; only the assistant calls functions"
        )
        return
    function = message["function_call"]
    if type(function) is not dict:
        yield Finding(where, f"function_call is {h.show(function)}, not an object")
        return
    yield from _check_name(where, function)
