"""Read chosen records again, by byte offset, after a streaming pass.

Dataset rules keep keys, not texts; to verify a candidate (two examples whose MinHash bands
agree) they ask for those few records again. A regular uncompressed JSON Lines file is read
by seeking to each offset; a compressed file or a JSON document is streamed once more and only
the wanted values are parsed. Stdin and pipes cannot be read twice: nothing comes back for them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import Any

import orjson

from ftprep.model.errors import FtprepError
from ftprep.model.sources import FileStats, RawLine, Source
from ftprep.readers._open import STDIN, Input, open_input
from ftprep.readers._values import document_kind
from ftprep.readers.jsonl import read_lines, read_values


def _parse(data: bytes) -> dict[str, Any] | None:
    try:
        value = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError:
        return None
    return value if type(value) is dict else None


def rereadable(path: str) -> bool:
    """Whether `path` can be read a second time (not stdin, not a pipe)."""
    if path == STDIN:
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def read_units(path: str, opened: Input, document: bool) -> Iterator[RawLine]:
    """The units of an opened file as the lint read them: a JSON document's values, or lines."""
    source, stats = Source(path), FileStats(path)
    if document:
        return read_values(source, opened, stats)
    return read_lines(source, stats, opened=opened)


def reread(path: str, offsets: set[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(offset, parsed object) for each wanted offset of `path` that still holds one, in
    offset order. Files that changed or vanished since the first pass yield what still parses."""
    if not offsets or not rereadable(path):
        return
    try:
        with open_input(path) as opened:
            document = document_kind(opened.head) is not None
            if opened.compression is None and not document:
                opened.close()
                yield from _seek_lines(path, sorted(offsets))
                return
            for unit in read_units(path, opened, document):
                if unit.offset in offsets:
                    value = _parse(unit.data)
                    if value is not None:
                        yield unit.offset, value
    except (OSError, FtprepError):  # gone or unreadable since the first pass
        return


def _seek_lines(path: str, offsets: list[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    with open(path, "rb") as stream:
        for offset in offsets:
            stream.seek(offset)
            line = stream.readline().rstrip(b"\r\n")
            value = _parse(line)
            if value is not None:
                yield offset, value
