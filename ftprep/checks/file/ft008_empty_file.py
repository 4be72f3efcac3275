"""FT008 empty-file."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.sources import FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT008", name="empty-file", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="The file has no bytes, only blank lines, or an empty JSON array: it holds no example.",
    why="Providers reject empty training files (Together's checker refuses them before upload), "
        "and an empty file in a dataset usually means an export or a shell redirect failed "
        "silently. Emptiness is decided by reading, so a pipe (`<(zcat data.jsonl.gz)`) whose "
        "size on disk is 0 is not mistaken for an empty file, and a compressed file is judged "
        "by what it holds once decompressed.",
    bad="(a file of 0 bytes, of three empty lines, or holding only `[]`)",
    good="(a file with at least one example per line)",
)


class Check(DatasetCheck):
    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if stats.skipped or stats.read_error:  # FT011 / FT014 say what happened instead
            return
        if stats.document_read:
            if stats.values == 0 and stats.document == "a JSON array":
                yield Finding.at(Location(stats.path), "file holds no example: its JSON array is empty")
            return
        if stats.document or stats.blank < stats.lines:
            return
        if stats.lines == 0:
            where = f" once {stats.compression}-decompressed" if stats.compression else ""
            message = f"file is empty (0 bytes{where})"
        elif stats.lines == 1:
            message = "file has no content: its only line is blank"
        else:
            message = f"file has no content: all {stats.lines:,} lines are blank"
        yield Finding.at(Location(stats.path), message)
