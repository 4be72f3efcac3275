"""FT008 empty-file."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.diagnostics import Finding, Location, Severity
from ftprep.readers.jsonl import FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT008", name="empty-file", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="The file has no bytes, or only blank lines: it holds no example at all.",
    why="Providers reject empty training files (Together's checker refuses them before upload), "
        "and an empty file in a dataset usually means an export or a shell redirect failed "
        "silently.",
    bad="(a file of 0 bytes, or of three empty lines)",
    good="(a file with at least one example per line)",
)


class Check(DatasetCheck):
    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if stats.skipped or stats.document or stats.blank < stats.lines:
            return
        if stats.lines == 0:
            message = "file is empty (0 bytes)"
        elif stats.lines == 1:
            message = "file has no content: its only line is blank"
        else:
            message = f"file has no content: all {stats.lines:,} lines are blank"
        yield Finding.at(Location(stats.path), message)
