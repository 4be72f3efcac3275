"""The top-level values of a JSON document, one at a time, with the line and column each starts at.

A document is a JSON array (its items are the values) or a stream of values one after another
(a single pretty-printed object is a stream of one; tools also write many objects back to back).
A tokenizer that skips strings with a regular expression and counts brackets finds where each
value ends, so memory holds one read block plus the largest value, never the document. Values
are handed over as bytes for the caller to parse: a broken value is one problem at its own
position, and the values after it are still read.

Only a break in the document's structure ends it early (a missing `,`, a bracket never closed,
data after the array's `]`): it becomes a last `Value` with `problem` set, placed where the
break is. Lines are 1-based, columns 1-based code points (a byte-order mark is not counted),
offsets count bytes from the start of the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import orjson

BLOCK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"
# A complete string, a lone quote (a string cut by the block end) or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|["\[\]{}]', re.DOTALL)
_SPACE = re.compile(rb"[ \t\r\n]*")
_SCALAR_END = re.compile(rb"[,\]\s]")
# A closing bracket that could end a value: followed by a separator, the next value or the end.
_CANDIDATE = re.compile(rb"[}\]](?=[ \t\r\n]*(?:[,\]{\[]|\Z))")
_QUICK_CANDIDATES = 256
_QUICK_TRIES = 4
_QUOTE, _OPEN_BRACE, _OPEN_BRACKET, _CLOSE_BRACKET, _COMMA = 0x22, 0x7B, 0x5B, 0x5D, 0x2C
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 continuation bytes start no code point
_SHOWN = 24  # bytes of an unexpected token quoted in a problem
EXCERPT_BYTES = 200

Problem = Literal["truncated", "unclosed", "break"]


@dataclass(slots=True)
class Value:
    """A top-level value's bytes and where it starts; with `problem`, where the structure broke.

    `problem` is "truncated" (the input ends inside this value), "unclosed" (it ends before the
    array's `]`) or "break" (something other than a separator or a value; the rest is unread);
    `message` then says so in the user's terms and `data` holds at most `EXCERPT_BYTES` of
    what is there, for a rejects file.
    """

    unit: str  # "item" (of an array) or "value" (of a stream of values)
    index: int  # 1-based among the document's values (for a problem: the value it stands for)
    offset: int
    line: int
    column: int
    data: bytes
    problem: Problem | None = None
    message: str = ""


def document_kind(head: bytes) -> str | None:
    """`a JSON array` or `a JSON object` when the input opens like a pretty-printed document.

    JSON Lines holds a whole value on every line. A document opens with a line that cannot parse
    on its own and ends in an opener, a comma or a colon (`[`, `{`, `[{"a": 1},`,
    `{"messages": [`), and its second line cannot parse on its own either. Anything else is
    JSON Lines, whose bad lines are reported one by one (a cut-off line is not a document).
    `head` is the first few kilobytes; the second line must be in it.
    """
    lines = [line.strip() for line in head.removeprefix(_BOM).split(b"\n")]
    lines = [line for line in lines if line][:2]
    if len(lines) < 2 or lines[0][:1] not in (b"[", b"{") or lines[0][-1:] not in b"[{,:":
        return None
    kind = "a JSON array" if lines[0].startswith(b"[") else "a JSON object"
    if lines[0] in (b"[", b"{"):
        return kind  # a bare opener is never a line of JSON Lines
    for line in lines:
        try:
            orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        return None
    return kind


def _code_points(data: bytes) -> int:
    return len(data.translate(None, _CONTINUATION))


def _shown(data: bytes) -> str:
    token = data[:_SHOWN].decode("utf-8", "replace")
    token = token.split()[0] if token.split() else token
    return repr(token)


class _Buffer:
    """Bytes read so far from the current value on, refilled block by block.

    `base` is the offset of `data[0]` in the input; (`line`, `column`) is the position of
    `data[seen]`, moved forward over every byte once, before the byte is dropped.
    """

    __slots__ = ("base", "blocks", "column", "data", "eof", "line", "seen")

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self.blocks = blocks
        self.data = b""
        self.eof = False
        self.base = 0
        self.line = 1
        self.column = 1
        self.seen = 0

    def position(self, pos: int) -> tuple[int, int]:
        """Line and column of `data[pos]`; asked for in increasing order of position."""
        data, seen = self.data, self.seen
        newlines = data.count(b"\n", seen, pos)
        if newlines:
            self.line += newlines
            self.column = 1 + _code_points(data[data.rfind(b"\n", seen, pos) + 1 : pos])
        else:
            self.column += _code_points(data[seen:pos])
        self.seen = pos
        return self.line, self.column

    def drop(self, keep_from: int) -> int:
        """Forget the bytes before `keep_from`; returns how many were dropped."""
        if keep_from > self.seen:
            self.position(keep_from)
        self.data = self.data[keep_from:]
        self.base += keep_from
        self.seen -= keep_from
        return keep_from

    def more(self, keep_from: int) -> int:
        """Drop the bytes before `keep_from` and append a block; returns how many were dropped."""
        block = next(self.blocks, b"")
        if not block:
            self.eof = True
        dropped = self.drop(keep_from)
        self.data += block
        return dropped


def document_values(blocks: Iterator[bytes]) -> Iterator[Value]:
    """The items of a top-level array, or each value of a stream of values; see the module doc."""
    buf = _Buffer(blocks)
    while len(buf.data) < len(_BOM) and not buf.eof:
        buf.more(0)
    if buf.data.startswith(_BOM):
        buf.data = buf.data[len(_BOM) :]
        buf.base = len(_BOM)
    pos = _skip_space(buf, 0)
    if pos < len(buf.data) and buf.data[pos] == _OPEN_BRACKET:
        yield from _array(buf, pos + 1)
    else:
        yield from _stream(buf, pos)


def _array(buf: _Buffer, pos: int) -> Iterator[Value]:
    index = 0
    while True:
        pos = _skip_space(buf, pos)
        if pos < len(buf.data) and buf.data[pos] == _CLOSE_BRACKET and index == 0:
            pos += 1
            break
        if pos >= len(buf.data):
            yield _problem(buf, pos, index + 1, "unclosed", _unclosed(index))
            return
        index += 1
        value, pos = _value(buf, pos, index, "item")
        yield value
        if value.problem:
            return
        pos = _skip_space(buf, pos)
        if pos >= len(buf.data):
            yield _problem(buf, pos, index + 1, "unclosed", _unclosed(index))
            return
        char = buf.data[pos]
        if char == _CLOSE_BRACKET:
            pos += 1
            break
        if char != _COMMA:
            found = _shown(buf.data[pos:])
            yield _problem(buf, pos, index + 1, "break",
                           f"expected ',' or ']' after item {index}, found {found}; "
                           "the rest of the file is not read")
            return
        pos += 1
        if pos > BLOCK_BYTES:  # keep the buffer small: drop what has been handed over
            pos -= buf.drop(pos)
    pos = _skip_space(buf, pos)
    if pos < len(buf.data):
        yield _problem(buf, pos, index + 1, "break",
                       f"unexpected {_shown(buf.data[pos:])} after the array's closing ']'; "
                       "the rest of the file is not read")


def _unclosed(items: int) -> str:
    return f"file ends after item {items} without the array's closing ']' (truncated?)"


def _stream(buf: _Buffer, pos: int) -> Iterator[Value]:
    index = 0
    while True:
        pos = _skip_space(buf, pos)
        if pos >= len(buf.data):
            return
        index += 1
        value, pos = _value(buf, pos, index, "value")
        yield value
        if value.problem:
            return
        if pos > BLOCK_BYTES:
            pos -= buf.drop(pos)


def _value(buf: _Buffer, pos: int, index: int, unit: str) -> tuple[Value, int]:
    """The value starting at `pos` and the position after it (or a problem and -1)."""
    line, column = buf.position(pos)
    offset = buf.base + pos
    start, end = _element_end(buf, pos)
    if end < 0:
        message = f"file ends inside this {unit} (truncated, or a bracket is never closed)"
        excerpt = buf.data[start : start + EXCERPT_BYTES]
        return Value(unit, index, offset, line, column, excerpt, "truncated", message), -1
    if end == start:  # a separator or closing bracket where a value should start
        message = (f"expected a JSON value, found {_shown(buf.data[start:])}; "
                   "the rest of the file is not read")
        excerpt = buf.data[start : start + EXCERPT_BYTES]
        return Value(unit, index, offset, line, column, excerpt, "break", message), -1
    return Value(unit, index, offset, line, column, buf.data[start:end]), end


def _problem(buf: _Buffer, pos: int, index: int, problem: Problem, message: str) -> Value:
    line, column = buf.position(pos)
    excerpt = buf.data[pos : pos + EXCERPT_BYTES]
    return Value("item", index, buf.base + pos, line, column, excerpt, problem, message)


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
    if first == _OPEN_BRACE or first == _OPEN_BRACKET:
        start, end = _quick_end(buf, start)
        if end is not None:
            return start, end
    elif first != _QUOTE:
        while True:
            match = _SCALAR_END.search(buf.data, start)
            if match:
                return start, match.start()
            if buf.eof:
                return start, len(buf.data)
            start -= buf.more(start)
    return _bracket_end(buf, start)


def _quick_end(buf: _Buffer, start: int) -> tuple[int, int | None]:
    """The end of the object or array at `start`, found by letting orjson confirm a guess.

    If `data[start:end]` parses as one JSON value, the value that starts at `start` ends at
    `end`, whatever follows: its extent is fixed by its first bracket. So the guess only has to
    be good, not right: the first closing bracket followed by a separator where the brackets
    seen so far balance (counted in C, strings not skipped). orjson then checks it in C, where
    the tokenizer below walks every string in Python (several times slower on chat records).
    Brackets inside strings can spoil the count and a broken value parses nowhere: after
    `_QUICK_CANDIDATES` brackets or `_QUICK_TRIES` failed parses the tokenizer takes over from
    `start`, so the cost stays linear in the value's size. Returns the (moved) start and the
    end, or None for the end when the tokenizer must decide.
    """
    data = buf.data
    pos = counted = start
    depth = 0
    tries = 0
    for _ in range(_QUICK_CANDIDATES):
        match = _CANDIDATE.search(data, pos)
        while match is None and not buf.eof:
            dropped = buf.more(start)
            start, pos, counted = start - dropped, pos - dropped, counted - dropped
            data = buf.data
            match = _CANDIDATE.search(data, pos)
        if match is None:
            return start, None
        end = match.end()
        depth += (data.count(b"{", counted, end) + data.count(b"[", counted, end)
                  - data.count(b"}", counted, end) - data.count(b"]", counted, end))
        counted = pos = end
        if depth < 0:  # more closed than opened: brackets in strings; let the tokenizer count
            return start, None
        if depth:
            continue
        try:
            orjson.loads(data[start:end])
        except orjson.JSONDecodeError:
            tries += 1
            if tries == _QUICK_TRIES:
                return start, None
            continue
        return start, end
    return start, None


def _bracket_end(buf: _Buffer, start: int) -> tuple[int, int]:
    """The tokenizer: skip strings, count brackets; the end is -1 at EOF."""
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
