"""FT001 invalid-utf8."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.parsing import ParseErrorKind
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT001", name="invalid-utf8", scope=Scope.LINE, severity=Severity.ERROR,
    summary="The line contains bytes that are not valid UTF-8.",
    why="Fine-tuning APIs accept UTF-8 only; one bad byte makes the upload or the whole file "
        "fail, usually with no line number. Such bytes come from Latin-1 or Windows-1252 exports; "
        "a UTF-16 file (Windows PowerShell 5 writes one with `>`) is named as such on its first line.",
    bad="(a line whose text holds the Latin-1 byte 0xE9 where UTF-8 needs 0xC3 0xA9: caf\\xe9)",
    good='{"messages": [{"role": "user", "content": "café?"}, {"role": "assistant", "content": "Oui."}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    error = line.error
    if error is not None and error.kind is ParseErrorKind.INVALID_UTF8:
        yield Finding("", error.message, column=error.column)
