"""What every layout shares: options, the `Layout` contract, and record-level rejection.

A layout turns one `SourceRecord` into one training record. Anything about the record that
makes it unusable raises `RecordError` from deep inside the helpers; `Layout.convert` turns it
into a `Rejected` carrying the reason and the source fields, so no layout can drop a record
silently or crash on a hostile one.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import orjson

from ftprep.convert.model import Converted
from ftprep.model.errors import FtprepError
from ftprep.model.sources import Rejected, SourceRecord
from ftprep.parsing import kind_of
from ftprep.suggest import closest

OutputKind = Literal["chat", "preference"]
MAP_ROLES = ("system", "user", "assistant")


class RecordError(Exception):
    """This record cannot become a training example; `reason` says why, in the user's terms."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ConvertOptions:
    """Layout options; the CLI builds this from --map, --system, --system-column, --template."""

    mapping: tuple[tuple[str, str], ...] = ()  # (role, column) in turn order: --map user=question
    system: str | None = None  # a system prompt for every record that has none of its own
    system_column: str | None = None  # a per-row system prompt; rows where it is empty get `system`
    template: str | None = None  # the user turn, with {column} placeholders ({{ and }} are braces)
    clean: bool = True  # prompt/completion: drop the shared separator, ending and leading space
    sample_size: int = 1000  # records read before converting, to detect the layout and conventions


def parse_mapping(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """`["user=question", "assistant=answer"]` -> `(("user", "question"), ("assistant", ...))`."""
    pairs: list[tuple[str, str]] = []
    for item in items:
        role, sep, column = item.partition("=")
        role = role.strip().lower()
        if not sep or not column:
            raise FtprepError(
                f"--map {item!r}: expected ROLE=COLUMN", hint="e.g. --map user=question"
            )
        if role not in MAP_ROLES:
            guess = closest(role, MAP_ROLES)
            raise FtprepError(
                f"--map {item!r}: unknown role {role!r} (roles: {', '.join(MAP_ROLES)})",
                hint=f"did you mean {guess!r}?" if guess else None,
            )
        pairs.append((role, column))
    return tuple(pairs)


def missing_column(column: str, columns: Collection[str], what: str) -> FtprepError:
    """The exit-2 error for a column the user named that the source does not have."""
    names = sorted(columns)
    guess = closest(column, names)
    shown = ", ".join(names) if names else "(none)"
    return FtprepError(
        f"{what}: no column {column!r}; the source has: {shown}",
        hint=f"did you mean {guess!r}?" if guess else None,
    )


def sample_columns(sample: Sequence[SourceRecord]) -> dict[str, None]:
    """Every key of the sampled records, in first-seen order (JSON records may differ)."""
    columns: dict[str, None] = {}
    for record in sample:
        columns.update(dict.fromkeys(record.fields))
    return columns


def text(value: Any, where: str, required: bool = True) -> str:
    """A field as text: strings as they are, numbers and booleans spelt out; else a RecordError.

    With `required`, a missing, empty or whitespace-only value is a RecordError too.
    """
    if isinstance(value, str):
        result = value
    elif isinstance(value, bool):
        result = "true" if value else "false"
    elif isinstance(value, int):
        result = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise RecordError(f"{where} is {value}, not text")
        result = str(int(value)) if value.is_integer() else repr(value)
    elif value is None:
        result = ""
    else:
        raise RecordError(f"{where} is {kind_of(value)}, not text")
    if required and not result.strip():
        raise RecordError(f"{where} is empty")
    return result


def structured(value: Any) -> Any:
    """A list or object that a CSV cell (or a dataset) stored as a JSON string, decoded."""
    if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


class Layout(ABC):
    """One source record layout: how to recognise it and how to convert one record.

    Use: `layout = SomeLayout(options)`, `layout.prepare(sample)` once with the first records
    (validates options against the columns, learns dataset-wide conventions, fills `notes`),
    then `layout.convert(record)` for every record, in any order.
    """

    name: ClassVar[str]
    kind: ClassVar[OutputKind] = "chat"
    summary: ClassVar[str]  # one line for `--from` help and error messages

    def __init__(self, options: ConvertOptions) -> None:
        self.options = options
        self.system_column = options.system_column
        self.notes: list[str] = []

    @classmethod
    def matches(cls, fields: Collection[str]) -> bool:
        """Whether a record with these keys is in this layout (used by auto-detection)."""
        return False

    def prepare(self, sample: Sequence[SourceRecord]) -> None:
        """Check the options against the sample's columns; learn conventions."""
        column = self.system_column
        if column is not None and sample:
            columns = sample_columns(sample)
            if column not in columns:
                raise missing_column(column, columns, "--system-column")

    def convert(self, record: SourceRecord) -> Converted | Rejected:
        try:
            return Converted(record.origin, self.build(record.fields), source=record.fields)
        except RecordError as error:
            return Rejected(record.origin, error.reason, record.fields)

    @abstractmethod
    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The training record for these fields; raise RecordError when there is none."""

    def system_prompt(self, fields: dict[str, Any]) -> str | None:
        """The per-row system prompt when there is one, else the constant one."""
        column = self.system_column
        if column is not None:
            value = fields.get(column)
            if value is not None and value != "":
                prompt = text(value, f"system column {column!r}", required=False)
                if prompt.strip():
                    return prompt
        return self.options.system

    def with_system(
        self, messages: list[dict[str, Any]], fields: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Prepend the configured system prompt unless the record brought its own."""
        if messages and messages[0].get("role") == "system":
            return messages
        prompt = self.system_prompt(fields)
        if prompt:
            return [{"role": "system", "content": prompt}, *messages]
        return messages
