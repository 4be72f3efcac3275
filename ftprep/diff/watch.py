"""An engine that also shows each training example to the diff, once it is checked and counted."""

from __future__ import annotations

from collections.abc import Callable

from ftprep.lint.engine import Engine
from ftprep.model.diagnostics import Diagnostic
from ftprep.model.record import Record


class WatchedEngine(Engine):
    """`watcher` sees every training record (not `--validation` ones) after its rules ran."""

    watcher: Callable[[Record], object] | None = None
    _training = True

    def set_group(self, validation: bool) -> None:
        super().set_group(validation)
        self._training = not validation

    def observe_record(self, record: Record, out: list[Diagnostic]) -> None:
        super().observe_record(record, out)
        if self.watcher is not None and self._training:
            self.watcher(record)
