"""FT013 not-json-lines."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.diagnostics import FixSafety, FixSpec, Finding, Location, Severity
from ftprep.readers.jsonl import FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT013", name="not-json-lines", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="A file named for linting is not JSON Lines: a pretty-printed JSON document (an "
            "array of examples), or a CSV, Excel, Parquet or compressed file.",
    why="Fine-tuning uploads take JSON Lines: one complete example per line. A JSON array "
        "(the shape many tools and Hugging Face exports write) or a spreadsheet is rejected "
        "whole, and reading it line by line would report every line as broken JSON.",
    bad='(train.json holding "[\\n  {\\"messages\\": [...]},\\n  ...\\n]")',
    good="(train.jsonl holding one example object per line)",
    fix=FixSpec("convert it: `ftprep convert FILE -o train.jsonl`", FixSafety.SAFE),
)


class Check(DatasetCheck):
    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if stats.document:
            yield Finding.at(
                Location(stats.path, 1, 1),
                f"file is {stats.document}, not JSON Lines; it was not read",
            )
