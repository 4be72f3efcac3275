"""Turn one line of bytes into a JSON value, or into a precise description of why it is not one.

orjson does the work on the happy path (~700 MB/s); only failing lines pay for classification,
which tells a user *which* of invalid UTF-8, NaN/Infinity, too-deep nesting, a lone surrogate
escape or plain syntax broke the line, with the column the parser stopped at.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

import orjson

BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The deepest nesting ftprep accepts: orjson reads 1,024 levels but writes back only 254, so a
# deeper record could be neither token-counted nor fixed nor written; no training record nests
# anywhere near this.
MAX_DEPTH = 254
_ORJSON_SUFFIX = re.compile(r": line \d+ column \d+ \(char \d+\)$")
_NUMBER = re.compile(r"-?[0-9][0-9.eE+-]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SHOWN_TOKEN = 24  # characters of an offending token quoted in a message
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PYTHON_LITERALS = {"True": "true", "False": "false", "None": "null"}
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')  # strings skip their brackets


class ParseErrorKind(enum.Enum):
    INVALID_UTF8 = "invalid-utf8"
    NON_FINITE = "non-finite-number"
    TOO_DEEP = "too-deep"
    LONE_SURROGATE = "lone-surrogate"
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
        return _invalid_utf8(raw, bad)
    message = _ORJSON_SUFFIX.sub("", str(error))
    pos = error.pos  # a code-point index: lines hold no newline, so orjson's line is always 1
    if "depth limit" in message:
        return _too_deep(text)
    if "surrogate" in message:
        escape = _SURROGATE_ESCAPE.match(text, pos)
        if escape is not None:
            return ParseError(
                ParseErrorKind.LONE_SURROGATE,
                f"{escape.group()} is half of a UTF-16 surrogate pair without its other half",
                pos + 1,
            )
    non_finite = _non_finite(text, pos, message)
    if non_finite is not None:
        return non_finite
    return ParseError(ParseErrorKind.SYNTAX, _describe(message, text, pos), pos + 1)


class TooDeep(ValueError):
    """A parsed value nests deeper than `MAX_DEPTH`; `error` says where."""

    def __init__(self, error: ParseError) -> None:
        super().__init__(error.message)
        self.error = error


def _too_deep(text: str) -> ParseError:
    """Point at the bracket that opens the first level past `MAX_DEPTH`."""
    depth = 0
    column = 1
    for token in _BRACKETS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                column = token.start() + 1
                break
        elif char in "]}":
            depth -= 1
    return ParseError(
        ParseErrorKind.TOO_DEEP,
        f"nesting deeper than {MAX_DEPTH:,} levels: level {MAX_DEPTH + 1:,} opens here",
        column,
    )


def _invalid_utf8(raw: bytes, bad: UnicodeDecodeError) -> ParseError:
    if raw.startswith(UTF16_BOMS):
        return ParseError(
            ParseErrorKind.INVALID_UTF8,
            f"line starts with the UTF-16 byte-order mark 0x{raw[0]:02x} 0x{raw[1]:02x}: "
            "the file is UTF-16, not UTF-8",
            1,
            0,
        )
    column = len(raw[: bad.start].decode("utf-8")) + 1
    return ParseError(
        ParseErrorKind.INVALID_UTF8,
        f"byte 0x{raw[bad.start]:02x} at byte offset {bad.start} is not valid UTF-8",
        column,
        bad.start,
    )


def _non_finite(text: str, pos: int, message: str) -> ParseError | None:
    """NaN, Infinity and -Infinity (Python's json.dumps writes them), and overflowing numbers."""
    if "infinity" in message:  # orjson: "number is infinity when parsed as double"
        number = _NUMBER.match(text, pos)
        token = _shorten(number.group() if number else "number")
        return ParseError(
            ParseErrorKind.NON_FINITE,
            f"{token} is too large for a 64-bit float (it reads as infinity)",
            pos + 1,
        )
    for literal in ("NaN", "Infinity"):
        if text.startswith(literal, pos):
            start = pos - 1 if pos and text[pos - 1] == "-" else pos
            token = text[start : pos + len(literal)]
            return ParseError(
                ParseErrorKind.NON_FINITE,
                f"{token} is not a JSON number (JSON has no NaN or Infinity)",
                start + 1,
            )
    return None


def _describe(message: str, text: str, pos: int) -> str:
    """orjson's message, naming the character it stopped at and the user's terms."""
    if message == "unexpected end of data":
        return "line ends before the JSON value is complete"
    found = _show(text[pos]) if pos < len(text) else ""
    word = _WORD.match(text, pos)
    if word and (message.startswith("invalid literal") or message.endswith("expected a JSON value")):
        if word.group() in _PYTHON_LITERALS:
            return f"{word.group()} is Python, not JSON (JSON writes {_PYTHON_LITERALS[word.group()]})"
        return f"unexpected word '{_shorten(word.group())}', expected a JSON value"
    if message == "unexpected content after document":
        return f"unexpected {found} after the end of the JSON value"
    for prefix in ("unexpected character", "unexpected control character"):
        if message.startswith(prefix) and found:
            return f"{prefix} {found}{message[len(prefix):]}"
    return message


def _show(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f'"{char}"' if char == "'" else f"'{char}'"
    return f"U+{ord(char):04X}"


def _shorten(token: str) -> str:
    return token if len(token) <= _SHOWN_TOKEN else token[: _SHOWN_TOKEN - 1] + "…"


def may_have_duplicate_keys(raw: bytes, value: object) -> bool:
    """A cheap prefilter that runs on every line: False when `raw` repeats no object key.

    orjson keeps the last of repeated keys silently. Every key in the line is followed by a
    colon, and re-serialising the parsed value (compact, in C) writes back every colon that
    survived parsing: those of kept keys and those in string text. A line that lost a key
    therefore has more colons than its re-serialisation, whatever its whitespace or escapes.
    The one blind spot: colons spelt as `\\u003a` escapes exactly as often as the lost members
    held colons; no serialiser writes those. The exact scanner in `ftprep.model.pointer` decides.

    Raises `TooDeep` for a value that orjson cannot write back (deeper than `MAX_DEPTH`): the
    re-serialisation is the depth check, so the happy path pays nothing extra for it. A value
    without a colon holds no object, so it cannot be a record and skips both checks.
    """
    colons = raw.count(b":")
    if colons == 0:
        return False
    try:
        written = orjson.dumps(value)
    except orjson.JSONEncodeError as error:
        if "recursion" not in str(error).lower():
            return True  # no other failure is known for a parsed value; let the scanner decide
        raise TooDeep(_too_deep(raw.decode("utf-8"))) from None
    return colons != written.count(b":")


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


def kind_of(value: object) -> str:
    """A decoded value's JSON type with its article, for messages: `a string`, `null`, `a list`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"
