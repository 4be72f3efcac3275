"""FT009 non-finite-number."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.parsing import ParseErrorKind
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT009", name="non-finite-number", scope=Scope.LINE, severity=Severity.ERROR,
    summary="The line holds NaN, Infinity or -Infinity, or a number too large for a 64-bit "
            "float (such as 1e999).",
    why="JSON has no NaN or Infinity, yet Python's `json.dumps` writes them by default "
        "(`allow_nan=True`), e.g. for a score computed on an empty set. Strict parsers (orjson, "
        "Rust's serde_json, JavaScript's `JSON.parse`) reject the line. A number beyond a 64-bit "
        "float reads as infinity, which no JSON writer can write back.",
    bad='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
        '{"role": "assistant", "content": "Paris is the capital of France.", "weight": NaN}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France.", "weight": 1}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    error = line.error
    if error is not None and error.kind is ParseErrorKind.NON_FINITE:
        yield Finding("", error.message, column=error.column)
