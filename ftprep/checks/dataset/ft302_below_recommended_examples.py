"""FT302 below-recommended-examples."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.diagnostics import Finding, Location, Severity
from ftprep.readers.jsonl import FileStats
from ftprep.record import Record
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT302", name="below-recommended-examples", scope=Scope.DATASET,
    severity=Severity.WARNING,
    summary="The dataset meets the provider's minimum but has fewer examples than it recommends.",
    why="The job will run, but so few examples rarely change the model's behaviour: OpenAI "
        "sees clear improvements from 50-100 examples and suggests starting with about 50.",
    bad="(a file with 30 valid chat examples, for OpenAI)",
    good="(a file with 50 or more valid chat examples, for OpenAI)",
)


class Check(DatasetCheck):
    def __init__(self, options: None, context: RunContext) -> None:
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
        provider = self.context.provider
        recommended = provider.recommended_examples
        if self.first_path is None or recommended is None:
            return
        if provider.min_examples <= self.examples < recommended:
            yield Finding.at(
                Location(self.first_path),
                f"dataset has {self.examples:,} examples, below the {recommended:,} "
                f"{provider.name} recommends",
            )
