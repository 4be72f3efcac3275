"""State shared by dataset rules about the number of examples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.model.diagnostics import Finding
from ftprep.model.record import Record, is_usable
from ftprep.model.sources import FileStats

_FORMAT_NAMES = {"unknown": "unrecognized", "prompt-completion": "prompt/completion"}


class ExampleCount(DatasetCheck):
    """Counts examples, and the usable ones, and remembers the first file read, where dataset
    findings are shown.

    Usable (`ftprep.model.record.is_usable`): in a format the provider trains on, with no error from
    a record rule. A broken example does not count towards a minimum, because the provider
    rejects it (or the file) and fixing it usually means dropping it.
    """

    def __init__(self, options: Any, context: RunContext) -> None:
        super().__init__(options, context)
        self.examples = 0
        self.usable = 0
        self.with_errors = 0
        self.other_formats: Counter[str] = Counter()  # formats the provider does not train on
        self.formats = frozenset(context.provider.formats)
        self.first_path: str | None = None

    def observe(self, record: Record) -> None:
        self.examples += 1
        if is_usable(record, self.formats):
            self.usable += 1
        elif record.format.value not in self.formats:
            self.other_formats[record.format.value] += 1
        else:
            self.with_errors += 1

    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if self.first_path is None and not stats.skipped:
            self.first_path = stats.path
        return iter(())

    def described(self) -> str:
        """`dataset has 24 examples`, or `dataset has 20 usable examples of 24 (4 with errors)`."""
        if self.usable == self.examples:
            return f"dataset has {self.examples:,} example{'' if self.examples == 1 else 's'}"
        parts = [f"{self.with_errors:,} with errors"] if self.with_errors else []
        parts += [f"{n:,} {_FORMAT_NAMES.get(fmt, fmt)}"
                  for fmt, n in sorted(self.other_formats.items())]
        return (f"dataset has {self.usable:,} usable example{'' if self.usable == 1 else 's'} of "
                f"{self.examples:,} ({', '.join(parts)})")
