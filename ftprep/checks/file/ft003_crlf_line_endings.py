"""FT003 crlf-line-endings."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Location, Severity
from ftprep.model.sources import FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT003", name="crlf-line-endings", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="Lines end with CRLF (`\\r\\n`, Windows style) instead of LF; reported once per file.",
    why="JSON parsers skip the `\\r` as whitespace, but line-oriented tools do not: byte hashes, "
        "`split`, diffs and deduplication see different bytes for the same example, and a file "
        "that mixes LF and CRLF was usually stitched together from different sources.",
    bad="(a file saved on Windows, every line ending in \\r\\n)",
    good="(the same file with every line ending in \\n)",
    fix=FixSpec("convert the line endings to LF", FixSafety.SAFE),
)


class Check(DatasetCheck):
    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if not stats.crlf:
            return
        yield Finding.at(
            Location(stats.path, stats.first_crlf_line, 1),
            f"{stats.crlf:,} of {stats.lines:,} lines end with CRLF (\\r\\n)",
        )
