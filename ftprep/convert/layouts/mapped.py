"""`mapped`: any columns, mapped to roles by the user.

`--map user=question --map assistant=answer` makes one turn per mapping, in the order given
(repeat them for multi-turn rows); `--map system=COLUMN` or `--system-column COLUMN` is a
per-row system prompt, `--system TEXT` a constant one (used where the row's is empty), and
`--template "Review: {text}"` writes the user turn from columns (`{{`/`}}` for literal braces;
any column name may go between braces, spaces and dots included). A column the source does not
have is an exit-2 error naming the columns it does have and the closest match; a row where a
mapped value is empty is rejected.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from ftprep.convert.layouts._base import (
    ConvertOptions,
    Layout,
    RecordError,
    missing_column,
    sample_columns,
    text,
)
from ftprep.model.errors import FtprepError
from ftprep.model.sources import SourceRecord

_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_TEMPLATE = ""  # the column slot that stands for the rendered template
_MISSING = object()


def compile_template(template: str) -> list[tuple[str, bool]]:
    """The template as (literal text, False) and (column name, True) pieces."""
    pieces: list[tuple[str, bool]] = []
    literal: list[str] = []
    pos = 0
    for match in _TEMPLATE_TOKEN.finditer(template):
        literal.append(template[pos : match.start()])
        pos = match.end()
        token = match.group()
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        name = match.group(1)
        if name is None or not name.strip():
            raise FtprepError(
                f"--template {template!r}: unmatched or empty brace "
                f"at character {match.start() + 1}",
                hint="write {column} for a value and {{ or }} for a literal brace",
            )
        pieces.append(("".join(literal), False))
        literal = []
        pieces.append((name.strip(), True))
    literal.append(template[pos:])
    pieces.append(("".join(literal), False))
    return [p for p in pieces if p[1] or p[0]]


class Mapped(Layout):
    name = "mapped"
    summary = "any columns: --map ROLE=COLUMN, --template TEXT, --system / --system-column"

    def __init__(self, options: ConvertOptions) -> None:
        super().__init__(options)
        turns: list[tuple[str, str]] = []
        for role, column in options.mapping:
            if role == "system":
                if self.system_column not in (None, column):
                    raise FtprepError(
                        "give the system column once: --map system=COL or --system-column COL"
                    )
                self.system_column = column
            else:
                turns.append((role, column))
        self.template = compile_template(options.template) if options.template is not None else None
        if self.template is not None:
            if any(role == "user" for role, _ in turns):
                raise FtprepError(
                    "--template writes the user turn: drop --map user=... or the template"
                )
            first_assistant = next(
                (i for i, (role, _) in enumerate(turns) if role == "assistant"), 0
            )
            turns.insert(first_assistant, ("user", _TEMPLATE))
        if not any(role == "user" for role, _ in turns):
            raise FtprepError("no user turn: add --map user=COLUMN or --template TEXT")
        if not any(role == "assistant" for role, _ in turns):
            raise FtprepError("no assistant turn: add --map assistant=COLUMN")
        self.turns = turns

    @classmethod
    def matches(cls, fields: Collection[str]) -> bool:
        return False  # chosen by options, never by the shape of a record

    def columns(self) -> list[tuple[str, str]]:
        """Every (option, column) pair this layout reads, for validation."""
        used = [
            (f"--map {role}={column}", column) for role, column in self.turns if column != _TEMPLATE
        ]
        if self.system_column is not None:
            used.append(("--system-column", self.system_column))
        for piece, is_column in self.template or ():
            if is_column:
                used.append(("--template", piece))
        return used

    def prepare(self, sample: Sequence[SourceRecord]) -> None:
        if not sample:
            return
        columns = sample_columns(sample)
        for option, column in self.columns():
            if column not in columns:
                raise missing_column(column, columns, option)

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        # The hot path of a 1M-row CSV: inline the common case (a non-blank string), call
        # `text` only for anything else.
        messages: list[dict[str, Any]] = []
        system = self.options.system if self.system_column is None else self.system_prompt(fields)
        if system:
            messages.append({"role": "system", "content": system})
        for role, column in self.turns:
            if column == _TEMPLATE:
                value: Any = self._render(fields)
            else:
                value = fields.get(column, _MISSING)
                if type(value) is not str or not value.strip():
                    value = self._value(fields, column, value)
            messages.append({"role": role, "content": value})
        return {"messages": messages}

    @staticmethod
    def _value(fields: dict[str, Any], column: str, value: Any) -> str:
        if value is _MISSING:
            raise RecordError(f"record has no {column!r}")
        return text(value, f"column {column!r}")

    def _render(self, fields: dict[str, Any]) -> str:
        assert self.template is not None
        out: list[str] = []
        for piece, is_column in self.template:
            if not is_column:
                out.append(piece)
            elif piece in fields:
                out.append(text(fields[piece], f"column {piece!r}", required=False))
            else:
                raise RecordError(f"record has no {piece!r} for the template")
        return text("".join(out), "templated user turn")
