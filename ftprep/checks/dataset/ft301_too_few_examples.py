"""FT301 too-few-examples."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.diagnostics import Finding, Location, Severity
from ftprep.readers.jsonl import FileStats
from ftprep.record import Record
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT301", name="too-few-examples", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="The dataset has fewer examples than the provider's minimum for a training job.",
    why="The provider refuses to start the job (OpenAI's minimum is 10 examples), after the "
        "upload has already been made.",
    bad="(a file with 7 valid chat examples, for OpenAI)",
    good="(a file with at least 10 valid chat examples; 50-100 to see improvements)",
)


class Check(DatasetCheck):
    def __init__(self, options: None, context) -> None:  # type: ignore[no-untyped-def]
        super().__init__(options, context)
        self.examples = 0
        self.first_path: str | None = None

    def observe(self, record: Record) -> None:
        self.examples += 1

    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if self.first_path is None and not stats.skipped:
            self.first_path = stats.path
        return iter(())

    def finish(self) -> Iterator[Finding]:
        minimum = self.context.provider.min_examples
        if self.first_path is not None and self.examples < minimum:
            yield Finding.at(
                Location(self.first_path),
                f"dataset has {self.examples:,} examples, below {self.context.provider.name}'s "
                f"minimum of {minimum:,}",
            )
