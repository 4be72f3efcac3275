"""FT011 skipped-file."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.sources import COMPRESSED_SUFFIXES, JSONL_SUFFIXES, FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT011", name="skipped-file", scope=Scope.DATASET, severity=Severity.INFO,
    summary="A file in a directory given as input was not read because it is not JSONL.",
    why="A directory often mixes training files with CSVs, notes and exports; ftprep reads only "
        f"files ending in {', '.join(JSONL_SUFFIXES)} (compressed too: "
        f"{', '.join(COMPRESSED_SUFFIXES)}) and says which others it left out, so none is "
        "dropped silently. Convert a CSV or chat export with `ftprep convert`, or name the file "
        "explicitly to read it as JSONL.",
    bad="(data/ holding train.jsonl and notes.csv: notes.csv is skipped)",
    good="(data/ holding only .jsonl files)",
)


class Check(DatasetCheck):
    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if stats.skipped:
            yield Finding.at(Location(stats.path), f"file skipped: {stats.skipped}")
