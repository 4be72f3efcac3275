"""Pass 1 of `fix`: a lint run over the input, kept as what pass 2 decides each line by.

Only what decides something is kept, so memory grows with the problems, not the file: per line
the errors (and any FT201, which `--over-limit` decides), the lines where a rule with a chosen
repair reported, the duplicate clusters, and the dataset diagnostics `fix` cannot act on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from ftprep.fix.duplicates import (
    DUPLICATE_RULES,
    EXACT,
    Duplicates,
    WrittenKeys,
    dropped_codes,
    members,
)
from ftprep.fix.repairs import FILE_REPAIRS, Repair
from ftprep.lint.engine import INTERNAL_ERROR
from ftprep.lint.selection import ActiveRule
from ftprep.model.diagnostics import Diagnostic, FixSafety, Severity
from ftprep.model.record import RecordFormat
from ftprep.model.sources import FileStats
from ftprep.model.views import View
from ftprep.registry import Scope

OVER_LIMIT = "FT201"  # example-too-long: written or rejected as `--over-limit` says
MIXED_FORMATS = "FT123"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding that decides a record's fate; `record` marks a record rule's (a repair may
    fix it), as opposed to a line rule's about the bytes (duplicate keys: never re-written)."""

    code: str
    pointer: str
    message: str
    record: bool = True

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "pointer": self.pointer, "message": self.message}


@dataclass
class LintFacts:
    """What the lint run of one file said, by line."""

    path: str
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)  # lines a chosen repair's rule reported
    duplicates: Duplicates = field(default_factory=lambda: Duplicates(""))
    written_keys: WrittenKeys | None = None  # when a repair may make a record a copy
    majority: str | None = None  # the file's majority format, when FT123 reports an error
    notes: list[Diagnostic] = field(default_factory=list)  # dataset errors fix cannot repair
    unsafe_available: Counter[str] = field(default_factory=Counter)  # code -> findings
    internal_errors: list[Diagnostic] = field(default_factory=list)
    stats: FileStats | None = None
    redact_available: frozenset[str] = frozenset()  # codes --redact would redact (when not given)


def collect(
    path: str, diagnostics: Iterable[Diagnostic], rules: list[ActiveRule], repairs: list[Repair],
    unsafe: list[Repair], keep_duplicates: Iterable[str], formats: Counter[str],
    unsafe_fixes: bool = False, redacting: Collection[str] = (),
) -> LintFacts:
    """Sort one lint run's diagnostics into `LintFacts` (consumes the whole run).

    `repairs` are the repairs chosen, `unsafe` every repair of an active rule (those not chosen
    are counted as on offer). `formats` is the run's count of records per format; it is complete
    by the time dataset diagnostics arrive, which come last. `redacting`: the codes `--redact`
    redacts, whose lines are flagged like a repair's.
    """
    scopes = {active.code: active.rule.spec.scope for active in rules}
    repairing = {repair.code for repair in repairs} | set(redacting)
    offered = {repair.code for repair in unsafe} - repairing
    safe = {
        active.code: active.rule.spec.fix is not None
        and active.rule.spec.fix.safety is FixSafety.SAFE
        for active in rules if active.code in DUPLICATE_RULES
    }
    drop = dropped_codes(safe, keep_duplicates, unsafe_fixes)
    on_offer = dropped_codes(safe, keep_duplicates, True) - drop
    facts = LintFacts(path, duplicates=Duplicates(path, drop))
    for diagnostic in diagnostics:
        code = diagnostic.code
        line = diagnostic.location.line
        scope = scopes.get(code)
        if code == INTERNAL_ERROR:
            facts.internal_errors.append(diagnostic)
        elif scope is Scope.DATASET:
            _dataset(facts, diagnostic, formats)
            if code in on_offer:  # dropped with --unsafe-fixes: say how many would go
                facts.unsafe_available[code] += max(len(members(diagnostic, path)) - 1, 0)
        elif line > 0 and diagnostic.location.path == path:
            if code in repairing:
                facts.flagged.add(line)
            elif code in offered:
                facts.unsafe_available[code] += 1
            if code == OVER_LIMIT or (
                diagnostic.severity >= Severity.ERROR and code not in FILE_REPAIRS
            ):
                problem = Problem(code, diagnostic.location.pointer, diagnostic.message,
                                  scope is Scope.RECORD)
                facts.problems.setdefault(line, []).append(problem)
    exact = next((a for a in rules if a.code == EXACT), None)
    if facts.flagged and exact is not None and EXACT in drop:
        facts.written_keys = WrittenKeys(View(getattr(exact.options, "text", View.EXAMPLE)))
    return facts


def _dataset(facts: LintFacts, diagnostic: Diagnostic, formats: Counter[str]) -> None:
    code = diagnostic.code
    if code in DUPLICATE_RULES:
        facts.duplicates.add(diagnostic)
    elif code in FILE_REPAIRS or diagnostic.severity < Severity.ERROR:
        return
    elif code == MIXED_FORMATS:
        # The format FT123 calls the file's own: the most common, ties in first-seen order.
        known = [(fmt, n) for fmt, n in formats.most_common() if fmt != RecordFormat.UNKNOWN.value]
        facts.majority = known[0][0] if known else None
    else:
        facts.notes.append(diagnostic)
