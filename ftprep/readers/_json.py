"""JSON arrays and JSON Lines as source records, one object at a time.

A JSON array up to `WHOLE_FILE_BYTES` is parsed by one `orjson.loads` (3x faster than splitting
it); a larger one, or one that fails to parse, is split into its top-level elements by a
tokenizer that skips strings with a regular expression and counts brackets, and each element is
parsed on its own. Memory is then bounded by one read block plus the largest element, and a
broken element is rejected with its index while the rest are read. Only a structural break (a
bracket never closed) ends the array, and everything after it is one rejected item.

A `.json` file whose first line is a complete object is JSON Lines under another name (common
on dataset hubs) and is read as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

import orjson

from ftprep.convert.model import Origin, Rejected, SourceRecord
from ftprep.errors import FtprepError

WHOLE_FILE_BYTES = 64 << 20
BLOCK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"
# A complete string, a lone quote (a string cut by the block end) or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|["\[\]{}]', re.DOTALL)
_SPACE = re.compile(rb"[ \t\r\n]*")
_SCALAR_END = re.compile(rb"[,\]\s]")
_QUOTE, _OPEN_BRACE, _OPEN_BRACKET = 0x22, 0x7B, 0x5B


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _record(path: str, index: int, unit: str, value: Any) -> SourceRecord | Rejected:
    origin = Origin(path, index, unit=unit)
    if isinstance(value, dict):
        return SourceRecord(origin, value)
    return Rejected(origin, f"{unit} is {_kind(value)}, not an object", value)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def read_jsonl(
    path: str, lines: Iterable[bytes], on_blank: Callable[[], None]
) -> Iterator[SourceRecord | Rejected]:
    """One object per line; a line that is not JSON, or not an object, is rejected."""
    loads = orjson.loads
    for number, raw in enumerate(lines, 1):
        data = raw.rstrip(b"\r\n")
        if number == 1 and data.startswith(_BOM):
            data = data[len(_BOM) :]
        if not data.strip():
            on_blank()
            continue
        try:
            value = loads(data)
        except orjson.JSONDecodeError as error:
            yield Rejected(
                Origin(path, number, unit="line"), f"line is not valid JSON: {error}", _text(data)
            )
            continue
        yield _record(path, number, "line", value)


def looks_like_jsonl(prefix: bytes) -> bool:
    """True when the first line is a complete JSON object (a `.json` file holding JSON Lines)."""
    first = prefix.removeprefix(_BOM).split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def read_json_array(
    path: str,
    stream: Readable,
    size: int | None,
    on_note: Callable[[str], None],
    whole_file_bytes: int = WHOLE_FILE_BYTES,
) -> Iterator[SourceRecord | Rejected]:
    """The elements of a top-level JSON array, numbered from 1 as `item`s."""
    if size is not None and size <= whole_file_bytes:
        data = stream.read().removeprefix(_BOM)
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            yield from _stream_array(path, iter((data,)), on_note)  # locate the bad items
            return
        if not isinstance(value, list):
            raise FtprepError(
                f"{path}: top-level JSON value is {_kind(value)}, not an array of records"
            )
        for index, item in enumerate(value, 1):
            yield _record(path, index, "item", item)
        return
    blocks = iter(lambda: stream.read(BLOCK_BYTES), b"")
    yield from _stream_array(path, _strip_bom(blocks), on_note)


def _strip_bom(blocks: Iterator[bytes]) -> Iterator[bytes]:
    first = next(blocks, b"")
    yield first.removeprefix(_BOM)
    yield from blocks


class _Buffer:
    """Bytes read so far from the current element on; refilled block by block."""

    __slots__ = ("blocks", "data", "eof")

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self.blocks = blocks
        self.data = b""
        self.eof = False

    def more(self, keep_from: int) -> int:
        """Drop bytes before `keep_from`, append a block; returns how many bytes were dropped."""
        block = next(self.blocks, b"")
        if not block:
            self.eof = True
        self.data = self.data[keep_from:] + block
        return keep_from


def _stream_array(
    path: str, blocks: Iterator[bytes], on_note: Callable[[str], None]
) -> Iterator[SourceRecord | Rejected]:
    buf = _Buffer(blocks)
    pos = _skip_space(buf, 0)
    if pos >= len(buf.data) or buf.data[pos] != _OPEN_BRACKET:
        what = "empty" if pos >= len(buf.data) else f"starts with {buf.data[pos : pos + 1]!r}"
        raise FtprepError(f"{path}: not a JSON array of records (the file is {what})")
    pos += 1
    index = 0
    while True:
        pos = _skip_space(buf, pos)
        if pos >= len(buf.data):
            on_note(f"file ends after item {index} without the array's closing ']' (truncated?)")
            return
        if index == 0 and buf.data[pos] == ord("]"):
            return
        index += 1
        start, end = _element_end(buf, pos)
        if end < 0:
            yield Rejected(
                Origin(path, index, unit="item"),
                "file ends inside this item (truncated or unbalanced brackets)",
                _text(buf.data[start : start + 200]),
            )
            return
        element = buf.data[start:end]
        try:
            value = orjson.loads(element)
        except orjson.JSONDecodeError as error:
            yield Rejected(
                Origin(path, index, unit="item"), f"item is not valid JSON: {error}", _text(element)
            )
        else:
            yield _record(path, index, "item", value)
        pos = _skip_space(buf, end)
        if pos < len(buf.data) and buf.data[pos] == ord(","):
            pos += 1
        elif pos < len(buf.data) and buf.data[pos] == ord("]"):
            return
        elif pos >= len(buf.data):
            on_note(f"file ends after item {index} without the array's closing ']' (truncated?)")
            return
        else:
            yield Rejected(
                Origin(path, index + 1, unit="item"),
                "expected ',' or ']' after the previous item; the rest of the file is not read",
                _text(buf.data[pos : pos + 200]),
            )
            return
        # Keep the buffer small: drop what has been consumed.
        if pos > BLOCK_BYTES:
            buf.data = buf.data[pos:]
            pos = 0


def _skip_space(buf: _Buffer, pos: int) -> int:
    """The first non-space offset at or after `pos`, reading more (and dropping what is before)."""
    while True:
        match = _SPACE.match(buf.data, pos)
        end = match.end() if match else pos
        if end < len(buf.data) or buf.eof:
            return end
        buf.more(end)
        pos = 0


def _element_end(buf: _Buffer, start: int) -> tuple[int, int]:
    """Where the element starting at `start` begins and ends once the buffer holds all of it.

    Reading more may drop consumed bytes, so the start moves too; the end is -1 at EOF.
    """
    first = buf.data[start]
    if first not in (_OPEN_BRACE, _OPEN_BRACKET, _QUOTE):
        while True:
            match = _SCALAR_END.search(buf.data, start)
            if match:
                return start, match.start()
            if buf.eof:
                return start, len(buf.data)
            start -= buf.more(start)
    depth = 0
    pos = start
    while True:
        for match in _TOKEN.finditer(buf.data, pos):
            char = buf.data[match.start()]
            if char == _QUOTE:
                if match.end() - match.start() == 1:  # a string cut by the block end
                    pos = match.start()
                    break
                if depth == 0:
                    return start, match.end()
            elif char == _OPEN_BRACE or char == _OPEN_BRACKET:
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return start, match.end()
        else:
            pos = len(buf.data)
        if buf.eof:
            return start, -1
        dropped = buf.more(start)
        start -= dropped
        pos -= dropped
