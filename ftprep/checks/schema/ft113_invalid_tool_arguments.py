"""FT113 invalid-tool-arguments."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.parsing import kind_of
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT113", name="invalid-tool-arguments", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A call's `arguments` is not a string holding the JSON of an object.",
    why="`function.arguments` is a JSON string, exactly what the model will be trained to "
        "emit: `\"{\\\"city\\\": \\\"Paris\\\"}\"`. An object there (a common mistake), a "
        "truncated string or a JSON list teaches the model output no tool parser accepts.",
    bad='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
        '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
        '"arguments": {"city": "Paris"}}}]}]}',
    good='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
         '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
         '"arguments": "{\\"city\\": \\"Paris\\"}"}}]}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    for pointer, function in h.functions_called(record):
        if "arguments" not in function:
            yield Finding(pointer, "function has no arguments")
            continue
        arguments = function["arguments"]
        at = f"{pointer}/arguments"
        if type(arguments) is not str:
            yield Finding(at, f"arguments is {h.show(arguments)}, not a JSON string")
            continue
        if not arguments.strip():
            yield Finding(at, "arguments is an empty string")
            continue
        value = h.decode_json(arguments)
        if type(value) is dict:
            continue
        if isinstance(value, h.Undecodable):
            yield Finding(at, f"arguments is not valid JSON ({value.reason})")
        elif type(value) is str:
            if type(h.decode_json(value)) is not dict:  # a JSON object inside is FT114's
                yield Finding(at, "arguments is a JSON string, not a JSON object")
        else:
            yield Finding(at, f"arguments holds {kind_of(value)}, not a JSON object")
