"""FT114 double-encoded-arguments."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT114", name="double-encoded-arguments", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A call's `arguments` is JSON-encoded twice: a JSON string whose value is the JSON "
            "text of an object.",
    why="The model learns to emit exactly the training text, so it learns to wrap its "
        "arguments in an extra layer of quotes and backslashes that no tool parser expects. "
        "Real case: 6 of 87 lines of the OpenAI cookbook's drone_training.jsonl at a7e107d.",
    bad='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
        '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
        '"arguments": "\\"{\\\\\\"city\\\\\\": \\\\\\"Paris\\\\\\"}\\""}}]}]}',
    good='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
         '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
         '"arguments": "{\\"city\\": \\"Paris\\"}"}}]}]}',
    fix=FixSpec("decode the arguments once", FixSafety.SAFE),
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    for pointer, function in h.functions_called(record):
        arguments = function.get("arguments")
        if type(arguments) is not str or not arguments.lstrip().startswith('"'):
            continue  # the common case: `{...}` text, decided without parsing
        value = h.decode_json(arguments)
        if type(value) is str and type(h.decode_json(value)) is dict:
            yield Finding(
                f"{pointer}/arguments", "arguments is a JSON string holding the JSON of an object"
            )
