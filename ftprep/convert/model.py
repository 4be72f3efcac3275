"""The shapes data takes on its way through `convert`: source records, turns, outcomes.

Every value carries an `Origin`, so a rejected or written record can always be traced back to
the row, line or conversation it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ftprep.model.sources import Origin, Rejected


@dataclass(slots=True)
class Converted:
    """A training example ready to write, with where it came from.

    `units` is how many source units (rows, or chat messages) the example consumed, so the
    summary can say read = written + rejected + skipped in the source's own unit. `span` is the
    time from a chat-log example's first message to its last, when the log has times.
    """

    origin: Origin
    record: dict[str, Any]
    units: int = 1
    span: timedelta | None = None
    source: Any = None  # the source unit as read (a row's fields), for the rejects file
    parts: list[tuple[Origin, Any]] | None = None  # or each unit's origin and source, when several

    def rejected(self, reason: str) -> list[Rejected]:
        """The example refused after all: each source unit it consumed, as read, with `reason`."""
        if self.parts is None:
            return [Rejected(self.origin, reason, self.source, self.units)]
        return [Rejected(origin, reason, source) for origin, source in self.parts]
