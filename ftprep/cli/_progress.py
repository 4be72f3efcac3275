"""The progress bar of long runs, on stderr, only when a person is watching it.

Library code reports to `ftprep.model.progress.Progress`; here that becomes a rich progress
bar when stderr is a terminal (and not `TERM=dumb`, and not `--quiet`), and nothing otherwise:
piped and CI runs print exactly what they printed before. rich is imported only when a bar is
shown, so `ftprep lint` in a pre-commit hook pays nothing for it at start-up.

The bar is transient: it is erased when the command ends, or fails, or is interrupted (the
`with` block stops it before the error or "ftprep: interrupted" is printed), so what stays on
the terminal is the report and the notes. While it is shown, lines written to stderr (notes)
are printed above it by rich. When stdout is a terminal too (the report goes to the same
screen), stdout's lines are routed above the bar as well, or the bar would be redrawn over
them; when stdout is a file or a pipe it is never touched, so its bytes are the same with or
without a bar.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ftprep.model.progress import NO_PROGRESS, Progress


def shown(quiet: bool) -> bool:
    """Whether a bar goes to stderr: a terminal that can draw one, and not --quiet."""
    if quiet or os.environ.get("TERM") == "dumb" or sys.stderr is None:
        return False
    try:
        return sys.stderr.isatty()
    except ValueError:  # a closed stderr
        return False


@contextmanager
def progress_for(quiet: bool) -> Iterator[Progress]:
    """A `Progress` for one command: a live bar on a terminal (stopped and erased on the way
    out, whatever the way), else `NO_PROGRESS`."""
    if not shown(quiet):
        yield NO_PROGRESS
        return
    bar = RichProgress()
    with bar.live:
        yield bar


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except ValueError:
        return False


class RichProgress:
    """`Progress` drawn by rich: spinner, what is being read, a bar by bytes, a percentage,
    records and records/s, elapsed time. One task at a time, replaced at each phase (a task's
    total cannot go back to unknown in rich, and a phase without one shows a pulsing bar)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bars

        self.live = Bars(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.fields[measure]}"), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
            redirect_stdout=_stdout_is_terminal(), redirect_stderr=True,
        )
        self._task: Any = None
        self._total: int | None = None
        self._status = False
        self._started = time.monotonic()

    def _replace(self, description: str, total: int | None) -> None:
        if self._task is not None:
            self.live.remove_task(self._task)
        self._task = self.live.add_task(description, total=total, measure="")
        self._total = total
        self._status = False
        self._started = time.monotonic()

    def start(self, label: str, total: int | None) -> None:
        self._replace(label, total)

    def update(self, done: int, records: int) -> None:
        if self._task is None:
            return
        elapsed = time.monotonic() - self._started
        parts = [f"{records:,} records"]
        if self._total:
            parts.insert(0, f"{done / self._total:4.0%}")
        elif done:  # stdin or a pipe: how much has gone by
            parts.insert(0, f"{done / 1e6:,.1f} MB")
        if elapsed > 0 and records:
            parts.append(f"{records / elapsed:,.0f}/s")
        # Drawn at once when a file is read to its end, so 100% shows however short the read.
        at_end = bool(self._total) and done >= (self._total or 0)
        self.live.update(self._task, completed=done, measure=" · ".join(parts), refresh=at_end)

    def status(self, text: str) -> None:
        # A status after a status (a job's, at each poll) keeps its task, so the elapsed time
        # counts from the first.
        if self._task is not None and self._status:
            self.live.update(self._task, description=text, refresh=True)
            return
        self._replace(text, None)
        self._status = True

    def finish(self) -> None:
        if self._task is not None:
            self.live.remove_task(self._task)
            self._task = None
            self._status = False
            self.live.refresh()  # gone now, not at the next tick: the report may print next
