"""The accounting `convert` reports: units read = written + rejected + skipped, and the reasons.

Reasons are shown in full. Records that differ only in where the problem sits (the array
indices of a JSON pointer such as `/messages/2/content/0`) share one line, with `*` for the
indices that differ among them, so 10,000 rows with one defect read as one line, not 10,000.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ftprep.fix.repairs import describe
from ftprep.model.sources import Origin

# A JSON pointer inside a reason: starts at a word boundary with "/" and has a numeric segment.
_POINTER = re.compile(r"(?<![\w/])/[^\s:;,()]*")
_INDEX = re.compile(r"(?<=/)\d+(?=/|$)")
SHOWN_REASONS = 12  # the text summary lists this many reason lines; JSON lists them all
LONG_SPAN = timedelta(days=1)  # a chat-log example longer than this is warned about


def reason_group(reason: str) -> str:
    """The reason with every array index of its JSON pointers as `*`."""
    return _POINTER.sub(lambda m: _INDEX.sub("*", m.group(0)), reason)


def _indices(reason: str) -> list[str]:
    return [i for m in _POINTER.finditer(reason) for i in _INDEX.findall(m.group(0))]


@dataclass
class _Group:
    first: str  # the first reason seen in this group
    indices: list[str | None]  # its pointer indices; None where later reasons differ
    count: int = 0

    def shown(self) -> str:
        values = iter(self.indices)

        def pointer(match: re.Match[str]) -> str:
            return _INDEX.sub(lambda _m: next(values) or "*", match.group(0))

        return _POINTER.sub(pointer, self.first)


@dataclass
class ReasonCounts:
    """Counts per reason group; an index shows as `*` only where the group's reasons differ."""

    groups: dict[str, _Group] = field(default_factory=dict)

    def add(self, reason: str, units: int = 1) -> None:
        key = reason_group(reason)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(reason, list(_indices(reason)))
        elif reason != group.first:
            group.indices = [a if a == b else None for a, b in zip(group.indices, _indices(reason))]
        group.count += units

    def most_common(self) -> list[tuple[str, int]]:
        """(reason as shown, count), the most frequent first, ties in first-seen order."""
        ranked = sorted(enumerate(self.groups.values()), key=lambda item: (-item[1].count, item[0]))
        return [(group.shown(), group.count) for _i, group in ranked]

    def __bool__(self) -> bool:
        return bool(self.groups)


@dataclass
class ConvertSummary:
    """What `convert` prints: per unit kind, read = written + rejected + skipped."""

    read: Counter[str] = field(default_factory=Counter)  # unit -> count
    written_units: Counter[str] = field(default_factory=Counter)
    rejected_units: Counter[str] = field(default_factory=Counter)
    skipped_units: Counter[str] = field(default_factory=Counter)
    examples: int = 0
    reasons: ReasonCounts = field(default_factory=ReasonCounts)  # why units were rejected
    skip_reasons: ReasonCounts = field(default_factory=ReasonCounts)  # why units were skipped
    formats: Counter[str] = field(default_factory=Counter)
    long_spans: int = 0  # examples whose messages span more than LONG_SPAN
    longest: tuple[timedelta, Origin] | None = None
    over_limit: int = 0  # examples rejected for the model's per-example token limit
    repairs: Counter[str] = field(default_factory=Counter)  # rule code -> safe repairs applied

    def note_span(self, span: timedelta | None, origin: Origin) -> None:
        """Remember a written chat-log example's time span, for the long-span warning."""
        if span is None or span <= LONG_SPAN:
            return
        self.long_spans += 1
        if self.longest is None or span > self.longest[0]:
            self.longest = (span, origin)

    def warnings(self) -> list[str]:
        found: list[str] = []
        if self.longest is not None:
            span, origin = self.longest
            noun = "example spans" if self.long_spans == 1 else "examples span"
            found.append(f"{self.long_spans:,} {noun} more than a day (the longest, "
                         f"{duration(span)}, starts at {origin}); a shorter --gap splits them")
        if self.over_limit:
            noun = "example was" if self.over_limit == 1 else "examples were"
            found.append(f"{self.over_limit:,} {noun} rejected for the model's per-example "
                         "token limit; for chat logs, a shorter --gap splits them")
        return found

    @property
    def balanced(self) -> bool:
        return all(
            self.read[unit] == self.written_units[unit] + self.rejected_units[unit]
            + self.skipped_units[unit]
            for unit in self.read
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "read": dict(self.read), "written": dict(self.written_units),
            "rejected": dict(self.rejected_units), "skipped": dict(self.skipped_units),
            "examples": self.examples, "formats": dict(self.formats),
            "reasons": dict(self.reasons.most_common()),
            "skip_reasons": dict(self.skip_reasons.most_common()), "balanced": self.balanced,
            "repairs": dict(sorted(self.repairs.items())),
            "warnings": self.warnings(),
        }

    def text_lines(self, out_name: str, rejects: str | None) -> list[str]:
        """The summary as the lines `convert` prints on stderr."""
        lines: list[str] = []
        for unit in sorted(self.read):
            read, written = self.read[unit], self.written_units[unit]
            rejected, skipped = self.rejected_units[unit], self.skipped_units[unit]
            lines.append(f"read {read:,} {plural(unit, read)}: {written:,} written + "
                         f"{rejected:,} rejected + {skipped:,} skipped")
        kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(self.formats.items()))
        if self.examples:
            lines.append(f"wrote {self.examples:,} {plural('example', self.examples)} to {out_name}"
                         + (f" ({kinds})" if kinds else ""))
        # With no example nothing is written at all; the error that follows says so.
        if self.repairs:
            lines.append("repaired (safe fixes, as `ftprep fix` applies them):")
            lines += [f"  {count:>7,}  {describe(code)}"
                      for code, count in sorted(self.repairs.items())]
        if self.reasons:
            where = f" (details in {rejects})" if rejects else " (pass --rejects FILE to keep them)"
            lines.append("rejected" + where + ":")
            lines += _reason_lines(self.reasons.most_common(), rejects)
        if self.skip_reasons:
            lines.append("skipped (not training text):")
            lines += _reason_lines(self.skip_reasons.most_common(), None)
        lines += [f"warning: {warning}" for warning in self.warnings()]
        if not self.balanced:  # a bug, not a user error: say so loudly
            lines.append("ftprep: internal error: read != written + rejected + skipped; "
                         "please report this")
        return lines


def _reason_lines(ranked: list[tuple[str, int]], rejects: str | None) -> list[str]:
    lines = [f"  {count:>7,}  {reason}" for reason, count in ranked[:SHOWN_REASONS]]
    rest = ranked[SHOWN_REASONS:]
    if rest:
        where = f" (see {rejects})" if rejects else ""
        lines.append(f"  {sum(n for _r, n in rest):>7,}  for {len(rest):,} other reasons{where}")
    return lines


def duration(span: timedelta) -> str:
    """`30 hours`, `12 days`, `14 months`, `2.5 years`: a long span as a person says it."""
    days = span.total_seconds() / 86400
    if days < 2:
        return f"{round(days * 24)} hours"
    if days < 60:
        return f"{round(days)} days"
    if days < 730:
        return f"{round(days / 30.44)} months"
    return f"{days / 365.25:.1f} years"


def plural(noun: str, count: int) -> str:
    return noun if count == 1 else noun + "s"
