"""Turn one line of bytes into a JSON value, or into a precise description of why it is not one.

orjson does the work on the happy path (~700 MB/s); only failing lines pay for classification,
which tells a user *which* of invalid UTF-8, NaN/Infinity, too-deep nesting or plain syntax
broke the line, with the column the parser stopped at.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

BOM = b"\xef\xbb\xbf"
_ORJSON_SUFFIX = re.compile(r": line \d+ column \d+ \(char \d+\)$")
_SPACED_COLON = re.compile(rb'"[ \t\r\n]+:')


class ParseErrorKind(enum.Enum):
    INVALID_UTF8 = "invalid-utf8"
    NON_FINITE = "non-finite-number"
    TOO_DEEP = "too-deep"
    SYNTAX = "syntax"


@dataclass(frozen=True, slots=True)
class ParseError:
    """Why a line is not JSON: kind, message and 1-based column (code points) in the line."""

    kind: ParseErrorKind
    message: str
    column: int
    byte_offset: int | None = None


def parse_line(raw: bytes) -> tuple[Any, ParseError | None]:
    """Decode one JSONL line (without its newline and BOM)."""
    try:
        return orjson.loads(raw), None
    except orjson.JSONDecodeError as error:
        return None, _classify(raw, error)


def _classify(raw: bytes, error: orjson.JSONDecodeError) -> ParseError:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        column = len(raw[: bad.start].decode("utf-8")) + 1
        return ParseError(
            ParseErrorKind.INVALID_UTF8,
            f"byte 0x{raw[bad.start]:02x} at byte offset {bad.start} is not valid UTF-8",
            column,
            bad.start,
        )
    message = _ORJSON_SUFFIX.sub("", str(error))
    column = error.colno if error.lineno == 1 else error.pos + 1
    if "depth limit" in message:
        return ParseError(ParseErrorKind.TOO_DEEP, "nesting deeper than 1,024 levels", column)
    if "infinity" in message or _is_non_finite_at(text, error.pos):
        token = text[error.pos : error.pos + 9].split(",")[0].split("}")[0].strip()
        return ParseError(
            ParseErrorKind.NON_FINITE,
            f"{token or 'number'} is not a finite JSON number (NaN and Infinity are not JSON)",
            column,
        )
    return ParseError(ParseErrorKind.SYNTAX, message, column)


def _is_non_finite_at(text: str, pos: int) -> bool:
    rest = text[pos : pos + 9]
    return rest.startswith(("NaN", "Infinity", "-Infinity"))


def _key_marks(data: bytes) -> int:
    """Occurrences of a quote directly followed by a colon that no backslash escapes."""
    return data.count(b'":') - data.count(b'\\":')


def may_have_duplicate_keys(raw: bytes, value: object) -> bool:
    """A cheap, conservative test: False only when `raw` cannot hold a repeated key.

    orjson keeps the last of repeated keys silently. Re-serialising the parsed value (compact,
    in C) and comparing the number of `":` key marks finds every line where keys were lost;
    lines whose layout makes the count unreliable (a space before a colon) answer True, and the
    exact scanner in `ftprep.pointer` decides.
    """
    marks = _key_marks(raw)
    if marks == 0 and b":" not in raw:
        return False
    if _SPACED_COLON.search(raw):
        return True
    return marks != _key_marks(orjson.dumps(value))


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def loads_lenient(text: str) -> Any:
    """Decode JSON embedded in a string field (tool arguments), raising ValueError if invalid."""
    return json.loads(text)
