"""FT004 blank-line."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.lines import Line
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT004", name="blank-line", scope=Scope.LINE, severity=Severity.WARNING,
    summary="The line is empty or holds only whitespace.",
    why="JSONL has one JSON value per line and no empty lines. Lenient readers skip them, but "
        "strict ones (a `json.loads` per line) fail on the first, and a blank line in the middle "
        "of a file often marks where two files were joined or a record was deleted by hand.",
    bad="(an empty line between two examples)",
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    fix=FixSpec("remove the blank line", FixSafety.SAFE),
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    if line.blank:
        what = "empty" if not line.data else "blank (only whitespace)"
        yield Finding("", f"line is {what}", column=1)
