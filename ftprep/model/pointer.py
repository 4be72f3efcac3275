"""Positions inside one JSON text: the column of a JSON pointer, and repeated object keys.

Only records with findings pay for this: the hot path never scans text in Python. The scanner
assumes the text already parsed (it is never the validator) and walks it iteratively, so
1,024-deep nesting cannot exhaust Python's stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The unrolled form: runs of plain characters match in one step, so a 10 MB string scans in
# ~0.1 s where the alternation `(?:[^"\\]|\\.)*` takes seconds.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SCALAR = re.compile(r"[^\s,\]\}]+")
_WS = re.compile(r"\s*")


def escape(token: str) -> str:
    """One pointer reference token, escaped as RFC 6901 requires."""
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [_unescape(part) for part in pointer.lstrip("/").split("/")]


def _decode_key(raw: str) -> str:
    import json

    try:
        value = json.loads(raw)
    except ValueError:
        return raw[1:-1]
    return value if isinstance(value, str) else raw[1:-1]


@dataclass(slots=True)
class _Frame:
    kind: str  # "{" or "["
    pointer: str
    index: int = 0
    keys: set[str] | None = None


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key that occurs twice in one object: the object's pointer and the later key's column."""

    object_pointer: str
    key: str
    column: int


def _walk(text: str, want: list[str] | None, dup: list[DuplicateKey] | None) -> int:
    """Scan `text`; return the 1-based column of pointer `want` (or its deepest prefix)."""
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    stack: list[_Frame] = []
    best = pos + 1
    path: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char in "{[":
            frame = _Frame(char, "/" + "/".join(escape(p) for p in path) if path else "")
            if char == "{" and dup is not None:
                frame.keys = set()
            stack.append(frame)
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if pos < len(text) and text[pos] in "}]":
                continue
            if char == "[":
                path.append("0")
                if want is not None and on_path_prefix(path, want):
                    best = pos + 1
            continue
        if char in "}]":
            stack.pop()
            if path and len(path) > len(stack):
                path.pop()
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if char == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            frame = stack[-1]
            if frame.kind == "[":
                frame.index += 1
                path[-1] = str(frame.index)
                if want is not None and on_path_prefix(path, want):
                    best = pos + 1
            continue
        if char == '"':
            match = _STRING.match(text, pos)
            end = match.end() if match else len(text)
            after = _WS.match(text, end).end()  # type: ignore[union-attr]
            if stack and stack[-1].kind == "{" and after < len(text) and text[after] == ":":
                key = _decode_key(text[pos:end])
                frame = stack[-1]
                if frame.keys is not None:
                    if key in frame.keys and dup is not None:
                        dup.append(DuplicateKey(frame.pointer, key, pos + 1))
                    frame.keys.add(key)
                if len(path) == len(stack):
                    path[-1] = key
                else:
                    path.append(key)
                if want is not None and on_path_prefix(path, want):
                    best = pos + 1
                pos = _WS.match(text, after + 1).end()  # type: ignore[union-attr]
                continue
            pos = _WS.match(text, end).end()  # type: ignore[union-attr]
            pos = _pop_member(text, pos, stack, path)
            continue
        match = _SCALAR.match(text, pos)
        pos = _WS.match(text, match.end() if match else pos + 1).end()  # type: ignore[union-attr]
        pos = _pop_member(text, pos, stack, path)
    return best


def _pop_member(text: str, pos: int, stack: list[_Frame], path: list[str]) -> int:
    """After a scalar value inside an object, drop its key from the path at `,` or `}`."""
    in_object = stack and stack[-1].kind == "{"
    if in_object and pos < len(text) and text[pos] in ",}" and len(path) == len(stack):
        path.pop()
    return pos


def on_path_prefix(path: list[str], want: list[str]) -> bool:
    return len(path) <= len(want) and path == want[: len(path)]


def column_of(text: str, pointer: str) -> int:
    """1-based column (code points) of the member at `pointer`, or of its deepest existing parent.

    An object member's column is its key's, so `/messages/0/foo` points at `"foo"`.
    """
    if not pointer:
        return _WS.match(text, 0).end() + 1  # type: ignore[union-attr]
    return _walk(text, _split(pointer), None)


def duplicate_keys(text: str) -> list[DuplicateKey]:
    """Every key that repeats within one object, in text order."""
    found: list[DuplicateKey] = []
    _walk(text, None, found)
    return found


_MISSING = object()


def value_at(data: object, pointer: str) -> object:
    """The value an RFC 6901 pointer names in parsed JSON, or `MISSING` when there is none."""
    value = data
    for token in _split(pointer):
        if type(value) is dict:
            value = value.get(token, _MISSING)
        elif type(value) is list and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


MISSING = _MISSING


def column_in_string(text: str, pointer: str, index: int, value: str | None = None) -> int:
    """1-based column of character `index` of the string value at `pointer` in `text`.

    Content rules find a match at a position of the decoded string; a user fixes the raw line,
    where escapes (`\\n`, `\\u00e9`, a surrogate pair) take more than one column. Given the
    decoded `value`, its JSON text is looked for directly (as `json.dumps` writes it, with and
    without `ensure_ascii`): one unambiguous occurrence saves walking the line. Falls back to
    the member's column when the value there is not a string.
    """
    start = _literal_start(text, value) if value is not None else -1
    if start < 0:
        start = _value_start(text, pointer)
    if text[start : start + 1] != '"':
        return start + 1
    pos, left = start + 1, index
    while left > 0:
        escape = text.find("\\", pos, pos + left)
        if escape < 0:
            return pos + left + 1
        left -= escape - pos
        pos = escape
        if text[pos + 1 : pos + 2] != "u":
            pos += 2
        elif 0xD800 <= _hex(text, pos + 2) < 0xDC00 and 0xDC00 <= _hex(text, pos + 8) < 0xE000:
            pos += 12  # a surrogate pair: one character
        else:
            pos += 6
        left -= 1
    return pos + 1


def _literal_start(text: str, value: str) -> int:
    """Where the JSON string literal of `value` starts in `text`, if it occurs exactly once as
    a whole value (an unescaped opening quote, and no colon after it: not a key)."""
    import json

    for literal in {json.dumps(value, ensure_ascii=False), json.dumps(value)}:
        found = text.find(literal)
        if found < 0 or text.find(literal, found + 1) >= 0:
            continue
        before = found
        while before and text[before - 1] == "\\":
            before -= 1
        slashes = found - before
        after = _WS.match(text, found + len(literal)).end()  # type: ignore[union-attr]
        if slashes % 2 == 0 and text[after : after + 1] != ":":
            return found
    return -1


def _value_start(text: str, pointer: str) -> int:
    start = column_of(text, pointer) - 1
    key = _STRING.match(text, start)
    if key is not None:  # an object member's column is its key's: step over the key and colon
        after = _WS.match(text, key.end()).end()  # type: ignore[union-attr]
        if text[after : after + 1] == ":":
            start = _WS.match(text, after + 1).end()  # type: ignore[union-attr]
    return start


def _hex(text: str, at: int) -> int:
    try:
        return int(text[at : at + 4], 16) if text[at - 2 : at] == "\\u" else -1
    except ValueError:
        return -1
