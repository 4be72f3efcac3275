"""FT010 nesting-too-deep."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.parsing import MAX_DEPTH, ParseErrorKind
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT010", name="nesting-too-deep", scope=Scope.LINE, severity=Severity.ERROR,
    summary=f"Arrays and objects nest deeper than {MAX_DEPTH:,} levels; the line is not read as "
            "a record.",
    why="A chat example nests a handful of levels, a tool schema a few dozen at most; hundreds "
        "of levels mean corrupt data or input built to crash parsers (recursive decoders run out "
        f"of stack). {MAX_DEPTH:,} is the deepest value orjson can write back, so a deeper record "
        "could be neither counted nor fixed nor written out; ftprep reports the line instead.",
    bad=f"(a line of {MAX_DEPTH + 1:,} opening brackets: [[[[ ... ]]]])",
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    error = line.error
    if error is not None and error.kind is ParseErrorKind.TOO_DEEP:
        yield Finding("", error.message, column=error.column)
