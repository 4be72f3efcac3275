"""FT116 undeclared-function."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope
from ftprep.suggest import closest

SPEC = RuleSpec(
    code="FT116", name="undeclared-function", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A call names a function that the example's `tools` do not declare.",
    why="The model learns to call the tools listed in the example. A call to an undeclared "
        "name, often a renamed tool or a typo, teaches it to invent functions that will not "
        "exist at inference time. Checked only when the example declares `tools` (or legacy "
        "`functions`).",
    bad='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
        '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_wether", '
        '"arguments": "{}"}}]}], "tools": [{"type": "function", '
        '"function": {"name": "get_weather", '
        '"parameters": {"type": "object", "properties": {}}}}]}',
    good='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
         '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
         '"arguments": "{}"}}]}], "tools": [{"type": "function", '
         '"function": {"name": "get_weather", '
         '"parameters": {"type": "object", "properties": {}}}}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    holder = h.tools_holder(record)
    if holder is None or ("tools" not in holder and "functions" not in holder):
        return
    declared = _declared(holder)
    if declared is None:
        return  # FT117 reports a `tools` that is not a list
    for pointer, function in h.functions_called(record):
        name = function.get("name")
        if type(name) is str and name not in declared:
            hint = closest(name, sorted(declared))
            extra = f" (did you mean {h.quoted(hint)}?)" if hint else ""
            yield Finding(
                f"{pointer}/name", f"function {h.show(name)} is not declared in tools{extra}"
            )


def _declared(holder: dict[str, object]) -> set[str] | None:
    names: set[str] = set()
    tools = holder.get("tools", [])
    functions = holder.get("functions", [])
    if type(tools) is not list or type(functions) is not list:
        return None
    for tool in tools:
        function = tool.get("function") if type(tool) is dict else None
        if type(function) is dict and type(function.get("name")) is str:
            names.add(function["name"])
    for function in functions:
        if type(function) is dict and type(function.get("name")) is str:
            names.add(function["name"])
    return names
