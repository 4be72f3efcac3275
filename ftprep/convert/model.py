"""The shapes data takes on its way through `convert`: source records, turns, outcomes.

Every value carries an `Origin`, so a rejected or written record can always be traced back to
the row, line or conversation it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


# Origin and Converted are made once per source row on the hot path; frozen dataclasses cost
# ~0.5 us each to build (object.__setattr__ per field), so these two are plain slotted classes.
@dataclass(slots=True)
class Origin:
    """Where a source record came from: file, 1-based row/line/index, conversation id."""

    path: str
    row: int | None = None
    conversation: str | None = None
    unit: str = "row"  # what `row` counts: "row", "line", "item" (of a JSON array), "value" (one of
    # several top-level JSON values one after another, or a lone object), "message"

    def __str__(self) -> str:
        parts = [self.path]
        if self.row is not None:
            parts.append(f"{self.unit} {self.row}")
        if self.conversation is not None:
            parts.append(f"conversation {self.conversation}")
        return ":".join(parts[:1]) + "".join(f", {p}" for p in parts[1:])

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, self.unit: self.row, "conversation": self.conversation}


@dataclass(slots=True)
class SourceRecord:
    """One row or object as read from a tabular or JSON source, before any layout applies."""

    origin: Origin
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a chat log, after the exporter's format is gone.

    `speaker` is the name the chat showed; `aliases` are other names the same person has in the
    export (a Discord account name under a server nickname, a Slack bot's id), so `--assistant`
    may name either.
    """

    speaker: str
    text: str
    time: datetime | None = None
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class Conversation:
    """A chat log's conversation (or channel/thread) as ordered turns, before roles are assigned."""

    origin: Origin
    turns: list[Turn] = field(default_factory=list)
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A source record that could not become a training example, and why (never silent).

    `units` is how many source units it stands for, when one reject covers several (a WhatsApp
    file whose dates cannot be read rejects all its messages at once).
    """

    origin: Origin
    reason: str
    source: Any = None  # the offending record, JSON-serialisable, for the rejects file
    units: int = 1


@dataclass(frozen=True, slots=True)
class Skipped:
    """Source units that are deliberately not training text, and why: a chat's join and leave
    events, a sticker or a file without text, a blank line. Counted by reason, not written to
    the rejects file (nothing is wrong with them), so read = written + rejected + skipped.
    """

    origin: Origin
    reason: str
    units: int = 1


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
