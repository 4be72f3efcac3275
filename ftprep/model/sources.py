"""Where data comes from: the inputs named, what a reader saw in each, raw lines, and the
provenance of every converted or rejected record. Readers produce these; the engine, checks
and convert consume them, so they live below all three."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}


@dataclass(slots=True)
class RawLine:
    """One physical line (bytes without the line ending), or one value of a JSON document.

    A document's value may span lines and start mid-line: `line` and `column` are where it
    starts. `problem` marks where a document's structure breaks (its `data` is then an excerpt).
    """

    path: str
    line: int
    offset: int
    data: bytes
    crlf: bool
    column: int = 1
    unit: str = "line"  # "line" of JSON Lines; "item" of an array or "value" of a document
    problem: str | None = None


@dataclass(slots=True)
class Source:
    """An input the user named: a readable JSONL file, stdin, or something we must skip."""

    path: str
    skip_reason: str | None = None
    document: str | None = None  # "a CSV file" etc. when its name says it is not JSON Lines
    validation: bool = False  # a `--validation` file: checked, and compared with the training data


@dataclass(slots=True)
class FileStats:
    """What a reader saw in one file, so every line (or value) is accounted for in the summary.

    JSON Lines: lines = records + blank + unparsed. A JSON document read as records
    (`document_read`): values = records + unparsed, and `lines` stays 0. Lines, columns and
    bytes of a compressed file are those of its decompressed data.
    """

    path: str
    lines: int = 0
    bytes: int = 0
    blank: int = 0
    crlf: int = 0
    first_crlf_line: int = 0
    unparsed: int = 0
    records: int = 0
    skipped: str | None = None
    document: str | None = None  # set when the file is not JSON Lines: "a JSON array", "a CSV file"
    document_read: bool = False  # the document's top-level values were read as records
    values: int = 0  # top-level values read from a document
    compression: str | None = None  # "gzip", "bzip2", "xz" or "zstd"
    compressed_bytes: int = 0  # bytes read from the file itself (`bytes` counts them decompressed)
    read_error: str | None = None  # why the compressed data ended early
    read_error_line: int = 0  # the line where it did
    validation: bool = False  # a `--validation` file (`Source.validation`)


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
