"""How long runs say how far they are, without printing: the library reports to a `Progress`,
the CLI decides whether anything is shown (a bar on a terminal, nothing in a pipe or CI).

Callers report cheaply, once per batch of records or per poll, never per record, so a run
with nothing shown (`NO_PROGRESS`) pays one method call per batch.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """One phase at a time: `start` it, `update` it as input is read, `finish` it.

    `status` replaces the current phase with a line of text and no measure (the dataset rules
    after reading, a job's status while waiting for it).
    """

    def start(self, label: str, total: int | None) -> None:
        """A new phase over `label` (a file's path); `total` bytes, or None when unknown (stdin,
        a pipe)."""

    def update(self, done: int, records: int) -> None:
        """`done` bytes read (monotonic within a phase; 0 when the reader cannot tell) and
        `records` read so far in it."""

    def status(self, text: str) -> None:
        """A phase without a measure: what the run is doing now."""

    def finish(self) -> None:
        """The current phase is over (nothing is shown for it any more)."""


class _NoProgress:
    """Shows nothing: the default, for piped output, CI, --quiet, and library callers."""

    def start(self, label: str, total: int | None) -> None:
        pass

    def update(self, done: int, records: int) -> None:
        pass

    def status(self, text: str) -> None:
        pass

    def finish(self) -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()
