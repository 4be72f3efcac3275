"""The finished run as reporters see it: summary, estimate, context, and the exit decision."""

from __future__ import annotations

from dataclasses import dataclass

from ftprep.checks.base import RunContext
from ftprep.lint.summary import Summary
from ftprep.model.diagnostics import Severity
from ftprep.model.errors import EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE
from ftprep.providers.estimate import Estimate
from ftprep.registry import Rule


@dataclass(frozen=True)
class Suppressed:
    """What a baseline hid: already taken out of the summary's counts, named for the reader."""

    path: str
    count: int


@dataclass(frozen=True)
class Report:
    summary: Summary
    estimate: Estimate
    context: RunContext
    tokenizer: str
    fail_on: Severity
    baseline: Suppressed | None = None
    rules: tuple[Rule, ...] = ()  # the registry this run chose from, for formats that describe rules

    @property
    def failing(self) -> int:
        return sum(n for severity, n in self.summary.by_severity.items() if severity >= self.fail_on)

    def exit_code(self) -> int:
        if self.summary.internal_errors:
            return EXIT_USAGE
        return EXIT_PROBLEMS if self.failing else EXIT_CLEAN
