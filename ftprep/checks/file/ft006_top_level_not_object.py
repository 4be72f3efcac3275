"""FT006 top-level-not-object."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.parsing import json_type
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT006", name="top-level-not-object", scope=Scope.LINE, severity=Severity.ERROR,
    summary="The line (or an item of a JSON document) is valid JSON but not an object: an array, "
            "string, number, boolean or null.",
    why="Every training format is one JSON object per line; Together's checker and OpenAI's "
        "validation reject any other value. A line holding an array of examples usually means "
        "a JSON file was renamed to .jsonl instead of being converted.",
    bad='[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    value = line.value
    if line.error is not None or line.blank or type(value) is dict:
        return
    kind = json_type(value)
    if isinstance(value, list):
        kind = f"array of {len(value):,} item{'s' * (len(value) != 1)}"
    yield Finding("", f"{line.raw.unit} holds a JSON {kind}, not an object")
