"""The vocabulary every rule, reporter and writer shares: severities, locations, findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Severity(enum.IntEnum):
    """How bad a problem is; ordered so `severity >= fail_on` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; use one of {names}") from None


class FixSafety(enum.Enum):
    """Ruff's fix safety: safe fixes keep meaning; unsafe ones may change what is learned."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class FixSpec:
    """A rule's fix: what it does (the remedy, in the user's terms) and how safe it is."""

    title: str
    safety: FixSafety = FixSafety.SAFE


class Location(NamedTuple):
    """Where a problem is: 1-based line and column (code points), byte offset, record, pointer.

    `origin` says where a converted record came from (a CSV row, a chat id) so a user can fix
    the source rather than the generated file. A NamedTuple because every record gets one:
    it costs a third of a frozen dataclass to build.
    """

    path: str
    line: int = 0
    column: int = 0
    offset: int = 0
    record: int | None = None
    pointer: str = ""
    origin: str | None = None

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}"

    def with_(self, **changes: Any) -> Location:
        return self._replace(**changes)


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule yields: a pointer into the record and a message; the engine adds the rest.

    `column` is for line rules that know a position in the raw bytes; `location` is for dataset
    rules, which report after the record is gone and so must say where themselves. `severity` is
    for a rule that grades what it finds (FT501: an error once a date has passed, a warning close
    to it); None means the rule's severity, and a severity set in the configuration always wins.
    """

    pointer: str
    message: str
    column: int | None = None
    location: Location | None = None
    related: tuple[Location, ...] = ()
    severity: Severity | None = None

    @classmethod
    def at(cls, location: Location, message: str, related: tuple[Location, ...] = ()) -> Finding:
        return cls(location.pointer, message, location=location, related=related)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One reported problem, complete: what every reporter renders."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    fix: FixSpec | None = None
    related: tuple[Location, ...] = field(default=())

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.path, self.location.line, self.location.column, self.code)
