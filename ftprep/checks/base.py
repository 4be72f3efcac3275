"""The base class of dataset-scope rules, and the run context they are built with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftprep.checks.dataset._fingerprint import Fingerprints, Needs
    from ftprep.model.diagnostics import Finding, Location
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


@dataclass(frozen=True)
class DatasetFact:
    """One row of the summary's dataset section: `text` for people (after `label`), `data` for
    `--format json` (under `dataset.<key>`)."""

    key: str
    label: str
    text: str
    data: dict[str, Any]


class DatasetCheck:
    """A rule that accumulates typed state over every record and reports at the end.

    State must grow with the record count, never record size: keep digests, counts and
    locations, not texts.
    """

    def __init__(self, options: Any, context: RunContext) -> None:
        self.options = options
        self.context = context

    def observe(self, record: Record) -> None:
        """See one training record (after its token facts are set)."""

    def needs(self) -> Needs | None:
        """The per-record facts this rule reads (`observe_batch`); None for none."""
        return None

    def observe_batch(self, prints: Fingerprints) -> None:
        """See one batch of records' facts, training and validation, in file order."""

    def revisit(self) -> Iterable[Location]:
        """Records whose parsed JSON this rule needs again before `finish` (to verify a
        candidate, say); the engine re-reads them by offset and calls `revisited`."""
        return ()

    def revisited(self, records: Mapping[tuple[str, int], dict[str, Any]]) -> None:
        """The records `revisit` asked for, by (path, byte offset); unreadable ones missing."""

    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        """Called once per input file after its last line."""
        return iter(())

    def finish(self) -> Iterator[Finding]:
        """Report what the whole dataset showed."""
        return iter(())

    def facts(self) -> list[DatasetFact]:
        """What the summary's dataset section shows for this rule, after `finish`."""
        return []
