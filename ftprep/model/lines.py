"""A physical line (or a JSON document's value) prepared for line rules: parsed once."""

from __future__ import annotations

from typing import Any

from ftprep.model.sources import RawLine
from ftprep.parsing import (
    BOM,
    ParseError,
    ParseErrorKind,
    TooDeep,
    may_have_duplicate_keys,
    parse_line,
)


def place(line: int, column: int, text: str, at: int) -> tuple[int, int]:
    """The file's line and column of column `at` of `text`, when `text` starts at (line, column).

    A line of JSON Lines starts at column 1 and holds no newline, so it maps to itself; a value
    of a pretty-printed document starts anywhere and spans lines.
    """
    index = at - 1
    newlines = text.count("\n", 0, index)
    if not newlines:
        return line, column + index
    return line + newlines, index - text.rfind("\n", 0, index)


class Line:
    """What LINE-scope rules see. `plain` lines (a parsed object with nothing odd about its
    bytes) skip rules marked `only_if_not_plain`."""

    __slots__ = ("_text", "blank", "bom", "data", "duplicate_suspect", "error", "raw", "value")

    def __init__(self, raw: RawLine) -> None:
        self.raw = raw
        if raw.problem is not None:  # where a document's structure breaks: not a value at all
            self._broken(raw)
            return
        data = raw.data
        self.bom = data.startswith(BOM)
        if self.bom:
            data = data[len(BOM):]
        self.data = data
        self.blank = not data or data.isspace()
        self.value: Any = None
        self.error: ParseError | None = None
        self.duplicate_suspect = False
        self._text: str | None = None
        if not self.blank:
            self.value, self.error = parse_line(data)
            if self.error is None and isinstance(self.value, dict | list):
                try:
                    self.duplicate_suspect = may_have_duplicate_keys(data, self.value)
                except TooDeep as deep:  # parsed, but too deep for the rest of the pipeline
                    self.value, self.error = None, deep.error

    def _broken(self, raw: RawLine) -> None:
        self.bom = self.blank = self.duplicate_suspect = False
        self.data = raw.data
        self.value = None
        self.error = ParseError(ParseErrorKind.SYNTAX, raw.problem or "", 1)
        self._text = None

    @property
    def plain(self) -> bool:
        return (
            type(self.value) is dict
            and not self.bom
            and not self.duplicate_suspect
            and self.error is None
        )

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.data.decode("utf-8", errors="replace")
        return self._text
