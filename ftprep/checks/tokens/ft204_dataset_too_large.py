"""FT204 dataset-too-large."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.sources import FileStats
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    max_bytes: int | None = Field(
        default=None, gt=0,
        description="per-file size limit in bytes (default: the provider profile's "
                    "`max_file_bytes`, e.g. 512 MB for OpenAI)",
    )


SPEC = RuleSpec(
    code="FT204", name="dataset-too-large", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="A training file is larger than the provider accepts in one upload.",
    why="The upload is refused after the whole file has been sent (OpenAI: 512 MB per file), "
        "so the job never starts; split the data or sample it before uploading.",
    bad="(a 600 MB JSONL file, for OpenAI)",
    good="(a 200 MB JSONL file, for OpenAI)",
    options=Options,
)


class Check(DatasetCheck):
    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.limit = options.max_bytes or context.provider.max_file_bytes
        self.whose = "max-bytes" if options.max_bytes else f"{context.provider.name}'s limit"

    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        limit = self.limit
        if limit is None or stats.skipped or stats.bytes <= limit:
            return
        over = stats.bytes - limit
        yield Finding.at(
            Location(stats.path),
            f"file has {_size(stats.bytes)}, {over:,} byte{'s' * (over != 1)} over "
            f"{self.whose} of {_size(limit)}",
        )


def _size(count: int) -> str:
    """`629,145,600 bytes (600.0 MiB)`: exact, plus a scale a person reads at a glance."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count:,} bytes ({count / scale:,.1f} {unit})"
    return f"{count:,} bytes"
