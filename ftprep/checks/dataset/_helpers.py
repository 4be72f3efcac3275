"""State shared by dataset rules about the number of examples."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.diagnostics import Finding
from ftprep.readers.jsonl import FileStats
from ftprep.record import Record


class ExampleCount(DatasetCheck):
    """Counts examples and remembers the first file read, where dataset findings are shown."""

    def __init__(self, options: Any, context: RunContext) -> None:
        super().__init__(options, context)
        self.examples = 0
        self.first_path: str | None = None

    def observe(self, record: Record) -> None:
        self.examples += 1

    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if self.first_path is None and not stats.skipped:
            self.first_path = stats.path
        return iter(())
