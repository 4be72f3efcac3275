"""What `fix` reports: records in = written + rejected, every change by rule, every reject by
reason and rule. Library code fills it; the CLI prints `text_lines()` or `as_json()`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ftprep.fix.repairs import Change, describe
from ftprep.model.diagnostics import Diagnostic

# Why a record is not written, in the order the summary lists them.
REASONS = {
    "error": "with errors no repair fixes",
    "over-limit": "over the per-example token limit (--over-limit keep writes them)",
    "mixed-format": "in a format other than the file's own (FT123)",
    "duplicate": "duplicates of a record written before them (--keep-duplicates keeps them)",
}


@dataclass
class Redacted:
    """What `--redact` did for one rule: its placeholder, how often, in how many records."""

    placeholder: str
    matches: int = 0
    records: int = 0

    def text(self) -> str:
        """`redacted 3 matches in 2 records as <API_KEY>`."""
        return (f"redacted {self.matches:,} {_plural('match', self.matches, 'es')} in "
                f"{self.records:,} {_plural('record', self.records)} as {self.placeholder}")

    def as_json(self) -> dict[str, Any]:
        return {"placeholder": self.placeholder, "matches": self.matches, "records": self.records}


@dataclass
class FixSummary:
    """One input's accounting. In place, nothing is rejected: `kept` counts records written
    with problems no safe repair fixes, by the reason they would have been rejected."""

    path: str
    output: str
    rejects: str | None = None
    in_place: bool = False
    records: int = 0  # non-blank lines read
    written: int = 0
    rejected: Counter[str] = field(default_factory=Counter)  # reason -> records
    rejected_codes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (reason, code)
    kept: Counter[str] = field(default_factory=Counter)  # in place: reason -> records kept
    kept_codes: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: Counter[str] = field(default_factory=Counter)  # code -> changes made
    repaired: int = 0  # records written with at least one record-level repair
    reverted: Counter[str] = field(default_factory=Counter)  # code -> records left unrepaired
    unsafe_available: Counter[str] = field(default_factory=Counter)
    notes: list[Diagnostic] = field(default_factory=list)
    redacted: dict[str, Redacted] = field(default_factory=dict)  # code -> placeholders written
    redact_available: frozenset[str] = frozenset()  # codes --redact would redact, when not given

    @property
    def changed(self) -> bool:
        return bool(self.changes) or bool(self.redacted)

    def count(self, changes: list[Change]) -> None:
        """A written record's changes: repairs by code, redactions by code and placeholder."""
        self.repaired += 1
        self.changes.update(c.code for c in changes if not c.redacted)
        seen: set[str] = set()
        for change in changes:
            if change.redacted:
                counted = self.redacted.setdefault(change.code, Redacted(change.description))
                counted.matches += 1
                counted.records += change.code not in seen
                seen.add(change.code)

    @property
    def rejected_records(self) -> int:
        return sum(self.rejected.values())

    @property
    def balanced(self) -> bool:
        return self.records == self.written + self.rejected_records

    def reject(self, reason: str, codes: list[str]) -> None:
        self.rejected[reason] += 1
        self.rejected_codes.update((reason, code) for code in sorted(set(codes)))

    def keep(self, reason: str, codes: list[str]) -> None:
        self.kept[reason] += 1
        self.kept_codes.update((reason, code) for code in sorted(set(codes)))

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "output": self.output, "rejects": self.rejects,
            "in_place": self.in_place, "records": self.records, "written": self.written,
            "rejected": dict(sorted(self.rejected.items())),
            "kept_with_problems": dict(sorted(self.kept.items())),
            "changes": dict(sorted(self.changes.items())), "repaired_records": self.repaired,
            "redacted": {code: r.as_json() for code, r in sorted(self.redacted.items())},
            "reverted": dict(sorted(self.reverted.items())),
            "unsafe_fixes_available": dict(sorted(self.unsafe_available.items())),
            "balanced": self.balanced,
            "notes": [f"{d.code} {d.message}" for d in self.notes],
        }

    def text_lines(self) -> list[str]:
        rejected = self.rejected_records
        if self.in_place:
            state = "rewritten" if self.changed else "unchanged"
            lines = [f"{self.path}: {self.records:,} {_plural('record', self.records)}, {state}"]
        else:
            noun = _plural("record", self.records)
            head = (f"{self.path}: read {self.records:,} {noun}: {self.written:,} written + "
                    f"{rejected:,} rejected")
            lines = [head]
        if self.changes:
            lines.append("repaired:")
            lines += [f"  {n:>7,}  {describe(code)}" for code, n in sorted(self.changes.items())]
        if self.redacted:
            lines.append("redacted (--redact):")
            lines += [f"  {code} {r.text()}" for code, r in sorted(self.redacted.items())]
        if rejected:
            where = f" (details in {self.rejects})" if self.rejects else \
                " (pass --rejects FILE to keep them)"
            lines.append(f"rejected{where}:")
            lines += _reason_lines(self.rejected, self.rejected_codes)
        if self.kept:
            lines.append("kept with problems no safe repair fixes (run ftprep lint to see them):")
            lines += _reason_lines(self.kept, self.kept_codes)
        for code, n in sorted(self.reverted.items()):
            lines.append(f"note: {n:,} {_plural('record', n)} left unrepaired: repairing made a "
                         f"new error appear ({code})")
        hidden = sorted({code for (_reason, code) in self.rejected_codes} & self.redact_available)
        if hidden:
            lines.append(f"note: --redact would replace each {', '.join(hidden)} match with a "
                         "typed placeholder (<API_KEY> ...) and keep the record")
        if self.unsafe_available:
            n = sum(self.unsafe_available.values())
            codes = ", ".join(sorted(self.unsafe_available))
            lines.append(f"note: {n:,} more {_plural('fix', n, 'es')} available with "
                         f"--unsafe-fixes ({codes})")
        for diagnostic in self.notes:
            lines.append(f"note: lint still reports {diagnostic.code} ({diagnostic.name}): "
                         f"{diagnostic.message}")
        if not self.balanced:  # a bug, not a user error: say so loudly
            lines.append("ftprep: internal error: records != written + rejected; please report this")
        return lines


def _reason_lines(counts: Counter[str], codes: Counter[tuple[str, str]]) -> list[str]:
    lines = []
    for reason, text in REASONS.items():
        if counts[reason]:
            listed = ", ".join(f"{code} ×{n:,}" for (r, code), n in sorted(codes.items())
                               if r == reason)
            lines.append(f"  {counts[reason]:>7,}  {text}: {listed}")
    return lines


def _plural(noun: str, count: int, suffix: str = "s") -> str:
    return noun if count == 1 else noun + suffix
