"""FT014 corrupt-compressed-data."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.sources import FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT014", name="corrupt-compressed-data", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="A gzip, bzip2, xz or zstd file is truncated or damaged: decompression stopped before "
            "the end of its data.",
    why="A download or copy cut short leaves a compressed file that decompresses up to the break "
        "and then fails, so the examples after it are silently missing from whatever reads it. "
        "ftprep reads every line before the break (the line it cuts usually fails to parse as "
        "well) and reports where the data ends, in lines of the decompressed text.",
    bad="(train.jsonl.gz whose last kilobytes are missing: `head -c -1000 full.gz > train.jsonl.gz`)",
    good="(train.jsonl.gz that `gzip -t` accepts)",
)


class Check(DatasetCheck):
    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if not stats.read_error:
            return
        unit, count = ("line", stats.lines)
        if stats.document_read:
            unit, count = ("item" if stats.document == "a JSON array" else "value"), stats.values
        where = f"after {unit} {count:,}" if count else f"before the first {unit}"
        yield Finding.at(
            Location(stats.path, max(stats.read_error_line, 1), 1),
            f"{stats.read_error}; decompression stopped {where} ({stats.bytes:,} bytes)",
        )
