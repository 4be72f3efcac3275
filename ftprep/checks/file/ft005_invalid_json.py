"""FT005 invalid-json."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.parsing import ParseErrorKind
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT005", name="invalid-json", scope=Scope.LINE, severity=Severity.ERROR,
    summary="The line is not valid JSON; the column is where the parser stopped.",
    why="A line that does not parse cannot be trained on: providers reject the whole file, "
        "usually without saying which line. Typical causes are a record split over several "
        "lines (pretty-printed JSON), single quotes or trailing commas from hand editing, and "
        "lines cut short by a crashed export.",
    bad="{'messages': [{'role': 'user', 'content': 'Hi'}]}",
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    error = line.error
    if error is not None and error.kind is ParseErrorKind.SYNTAX:
        yield Finding("", error.message, column=error.column)
