"""A physical line prepared for line rules: BOM stripped, blank detected, parsed once."""

from __future__ import annotations

from typing import Any

from ftprep.parsing import BOM, ParseError, TooDeep, may_have_duplicate_keys, parse_line
from ftprep.readers.jsonl import RawLine


class Line:
    """What LINE-scope rules see. `plain` lines (a parsed object with nothing odd about its
    bytes) skip rules marked `only_if_not_plain`."""

    __slots__ = ("_text", "blank", "bom", "data", "duplicate_suspect", "error", "raw", "value")

    def __init__(self, raw: RawLine) -> None:
        self.raw = raw
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
