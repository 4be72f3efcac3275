"""The base class of dataset-scope rules, and the run context they are built with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftprep.model.diagnostics import Finding
    from ftprep.model.record import Record
    from ftprep.model.sources import FileStats
    from ftprep.providers.profile import ModelProfile, ProviderProfile


@dataclass(frozen=True)
class RunContext:
    """Facts about the run a dataset rule may need: provider, model, tokenizer, limit."""

    provider: ProviderProfile
    model: ModelProfile | None
    model_name: str | None
    encoding: str
    limit: int | None
    notes: tuple[str, ...] = ()  # things the user should know about the setup (shown on stderr)


class DatasetCheck:
    """A rule that accumulates typed state over every record and reports at the end.

    State must grow with the record count, never record size: keep digests, counts and
    locations, not texts.
    """

    def __init__(self, options: Any, context: RunContext) -> None:
        self.options = options
        self.context = context

    def observe(self, record: Record) -> None:
        """See one record (after its token facts are set)."""

    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        """Called once per input file after its last line."""
        return iter(())

    def finish(self) -> Iterator[Finding]:
        """Report what the whole dataset showed."""
        return iter(())
