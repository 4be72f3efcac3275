"""The raw bytes of the line a diagnostic points at, read back by byte offset for baselines.

Diagnostics carry a location (path, line, byte offset of the line's start), not the line: the
engine keeps no text. A baseline fingerprint needs the bytes, so they are read again, one handle
per file, only for lines that have a problem:

- a regular uncompressed JSON Lines file: seek to the offset, read one line;
- a compressed file or a JSON document (an array, concatenated values): offsets are positions in
  the decompressed data, or a value may span lines, so the file is streamed again with the same
  readers as the lint and the unit starting at the offset is taken (a JSON value's bytes, all its
  lines). Diagnostics arrive in file order per batch, so this is one forward pass; a backward
  offset (a dataset rule's finding at the end) restarts it;
- stdin, a pipe, a binary or plain-text file, or a location without a line: no bytes (None), and
  the fingerprint uses the message instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Protocol

from ftprep.model.diagnostics import Location
from ftprep.model.errors import FtprepError
from ftprep.model.sources import RawLine
from ftprep.readers._encoding import binary_kind
from ftprep.readers._open import Input, open_input
from ftprep.readers._values import document_kind
from ftprep.readers.jsonl import text_kind
from ftprep.readers.reread import read_units, rereadable


class _Reader(Protocol):
    def read(self, location: Location) -> bytes | None: ...

    def close(self) -> None: ...


def _strip(chunk: bytes) -> bytes:
    """A line without its ending, as `read_lines` gives it (LF, then one CR)."""
    data = chunk[:-1] if chunk.endswith(b"\n") else chunk
    return data[:-1] if data.endswith(b"\r") else data


def _placed_not_located(location: Location) -> bool:
    """A file-level finding shown at a line (FT003's first CRLF line) has no offset of its own:
    in JSON Lines only line 1 starts at byte 0."""
    return location.offset == 0 and location.line > 1


class _Seeker:
    """A regular uncompressed JSON Lines file: seek and read one line."""

    def __init__(self, path: str) -> None:
        self.stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 (closed by close())
        self.last: tuple[int, bytes] | None = None  # several findings often share a line

    def read(self, location: Location) -> bytes | None:
        if _placed_not_located(location):
            return None
        if self.last is not None and self.last[0] == location.offset:
            return self.last[1]
        self.stream.seek(location.offset)
        data = _strip(self.stream.readline())
        self.last = (location.offset, data)
        return data

    def close(self) -> None:
        self.stream.close()


class _Streamer:
    """A compressed file or a JSON document: read forward to the unit at the offset."""

    def __init__(self, path: str, document: bool) -> None:
        self.path = path
        self.document = document
        self.opened: Input | None = None
        self.units: Iterator[RawLine] = iter(())
        self.current: RawLine | None = None

    def _restart(self) -> None:
        self.close()
        self.opened = open_input(self.path)
        self.units = read_units(self.path, self.opened, self.document)
        self.current = None

    def read(self, location: Location) -> bytes | None:
        if not self.document and _placed_not_located(location):
            return None
        offset = location.offset
        if self.opened is None or self.current is None or offset < self.current.offset:
            self._restart()
        unit = self.current
        while unit is None or unit.offset < offset:
            unit = next(self.units, None)
            if unit is None:  # past the end: the file changed, or the offset is not a unit's
                self.current = None
                return None
            self.current = unit
        return unit.data if unit.offset == offset else None

    def close(self) -> None:
        if self.opened is not None:
            self.opened.close()
            self.opened = None
        self.units = iter(())


def _reader_for(path: str) -> _Reader | None:
    if not rereadable(path):  # stdin and pipes cannot be read twice
        return None
    with open_input(path) as opened:
        head, compression = opened.head, opened.compression
    if binary_kind(head) or text_kind(head):
        return None  # not JSON Lines: its one finding is file-level
    document = document_kind(head) is not None
    if compression is None and not document:
        return _Seeker(path)
    return _Streamer(path, document)


class RecordLines:
    """Line bytes by location, with one open reader per file until `close`."""

    def __init__(self) -> None:
        self._readers: dict[str, _Reader | None] = {}

    def line_of(self, location: Location) -> bytes | None:
        if location.line <= 0:
            return None
        path = location.path
        if path not in self._readers:
            try:
                self._readers[path] = _reader_for(path)
            except (OSError, FtprepError):  # gone or unreadable since the lint read it
                self._readers[path] = None
        reader = self._readers[path]
        if reader is None:
            return None
        try:
            return reader.read(location)
        except (OSError, FtprepError):
            reader.close()
            self._readers[path] = None
            return None

    def close(self) -> None:
        for reader in self._readers.values():
            if reader is not None:
                reader.close()
        self._readers.clear()
