"""FT117 invalid-tools."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT117", name="invalid-tools", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="`tools` is not a list of `{type: \"function\", function: {name, description?, "
            "parameters?}}` with an object JSON Schema as parameters.",
    why="The tool declarations are part of what the model sees in training; the provider "
        "rejects a malformed list, and a parameters schema that is not an object schema, or "
        "requires properties it does not define, describes calls that can never be valid.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", '
        '"content": "Hello"}], '
        '"tools": [{"type": "function", "function": {"name": "get_weather", '
        '"parameters": {"type": "object", "properties": {}, "required": ["city"]}}}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}], '
         '"tools": [{"type": "function", "function": {"name": "get_weather", '
         '"parameters": {"type": "object", "properties": {"city": {"type": "string"}}, '
         '"required": ["city"]}}}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)

_MAX_FUNCTIONS = 128  # OpenAPI FineTuneChatRequestInput: `functions` has 1..128 items


def check(record: Record, _options: None) -> Iterator[Finding]:
    holder = h.tools_holder(record)
    if holder is None:
        return
    base = "/input" if record.format is RecordFormat.PREFERENCE else ""
    if "tools" in holder:
        yield from _check_tools(f"{base}/tools", holder["tools"])
    if "functions" in holder:
        yield from _check_functions(f"{base}/functions", holder["functions"])


def _check_tools(where: str, tools: Any) -> Iterator[Finding]:
    if type(tools) is not list:
        yield Finding(where, f"tools is {h.show(tools)}, not a list")
        return
    seen: set[str] = set()
    for index, tool in enumerate(tools):
        at = f"{where}/{index}"
        if type(tool) is not dict:
            yield Finding(at, f"tool is {h.show(tool)}, not an object")
            continue
        kind = tool.get("type")
        if kind != "function":
            what = "has no type" if kind is None else f"type is {h.show(kind)}, not \"function\""
            yield Finding(f"{at}/type" if kind is not None else at, f"tool {what}")
        if "function" not in tool:
            yield Finding(at, "tool has no function")
            continue
        function = tool["function"]
        if type(function) is not dict:
            yield Finding(f"{at}/function", f"function is {h.show(function)}, not an object")
            continue
        yield from _check_function(f"{at}/function", function, seen)


def _check_functions(where: str, functions: Any) -> Iterator[Finding]:
    if type(functions) is not list:
        yield Finding(where, f"functions is {h.show(functions)}, not a list")
        return
    if not functions or len(functions) > _MAX_FUNCTIONS:
        yield Finding(where, f"functions has {len(functions)} items, not 1 to {_MAX_FUNCTIONS}")
    seen: set[str] = set()
    for index, function in enumerate(functions):
        if type(function) is not dict:
            yield Finding(f"{where}/{index}", f"function is {h.show(function)}, not an object")
        else:
            yield from _check_function(f"{where}/{index}", function, seen)


def _check_function(at: str, function: dict[str, Any], seen: set[str]) -> Iterator[Finding]:
    name = function.get("name")
    if name is None:
        yield Finding(at, "function has no name")
    elif type(name) is not str or not name.strip():
        yield Finding(f"{at}/name", f"function name is {h.show(name)}, not a non-empty string")
    elif name in seen:
        yield Finding(f"{at}/name", f"function {h.show(name)} is declared twice")
    else:
        seen.add(name)
    description = function.get("description")
    if description is not None and type(description) is not str:
        yield Finding(f"{at}/description", f"description is {h.show(description)}, not a string")
    if "parameters" in function:
        yield from _check_parameters(f"{at}/parameters", function["parameters"])


def _check_parameters(at: str, schema: Any) -> Iterator[Finding]:
    if type(schema) is not dict:
        yield Finding(at, f"parameters is {h.show(schema)}, not a JSON Schema object")
        return
    kind = schema.get("type")
    if kind is not None and kind != "object":
        yield Finding(f"{at}/type", f"parameters type is {h.show(kind)}, not \"object\"")
    properties = schema.get("properties")
    if properties is not None and type(properties) is not dict:
        yield Finding(f"{at}/properties", f"properties is {h.show(properties)}, not an object")
        properties = None
    required = schema.get("required")
    if required is None:
        return
    if type(required) is not list:
        yield Finding(f"{at}/required", f"required is {h.show(required)}, not a list of names")
        return
    for index, item in enumerate(required):
        if type(item) is not str:
            yield Finding(
                f"{at}/required/{index}", f"required name is {h.show(item)}, not a string"
            )
        elif properties is not None and item not in properties:
            yield Finding(
                f"{at}/required/{index}", f"required property {h.show(item)} is not in properties"
            )
