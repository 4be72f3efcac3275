"""FT002 byte-order-mark."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.lines import Line
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT002", name="byte-order-mark", scope=Scope.LINE, severity=Severity.ERROR,
    summary="The line starts with a UTF-8 byte-order mark (bytes EF BB BF).",
    why="RFC 8259 forbids adding a BOM to JSON and only allows parsers to ignore it: orjson and "
        "Python's `json.loads` on a text line reject the line, so an upload can fail on line 1. "
        "Windows editors add the mark when saving; a mark on a later line means files with marks "
        "were joined together. ftprep still checks the record behind the mark.",
    bad="(a file whose first line starts with the bytes EF BB BF, as Notepad's 'UTF-8 with BOM' writes)",
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    fix=FixSpec("remove the byte-order mark", FixSafety.SAFE),
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    if line.bom:
        yield Finding("", "line starts with a UTF-8 byte-order mark (bytes EF BB BF)", column=1)
