"""What text and markdown both show: the headline counts and the before/after table."""

from __future__ import annotations

from collections import Counter

from ftprep.diff.result import Change, ChangeKind, Diff
from ftprep.model.diagnostics import Diagnostic, Severity
from ftprep.reporters._coverage import plural

TOP_CHANGES = 10
TOP_PROBLEMS = 20
TOP_LABELS = 8


def signed(value: int) -> str:
    return f"{value:+,}" if value else "0"


def headline(diff: Diff) -> str:
    """`30 added, 12 removed, 8 modified, 12,340 unchanged`."""
    return (f"{diff.count(ChangeKind.ADDED):,} added, {diff.count(ChangeKind.REMOVED):,} removed, "
            f"{diff.count(ChangeKind.MODIFIED):,} modified, {diff.unchanged:,} unchanged")


def problems_line(diff: Diff) -> str:
    """`3 new problems (1 error, 2 warnings), 2 fixed`."""
    new = diff.problems.new
    by = Counter(d.severity for d in new)
    parts = ", ".join(plural(by[s], s.label) for s in reversed(Severity) if by[s])
    text = plural(len(new), "new problem") + (f" ({parts})" if parts else "")
    return f"{text}, {len(diff.problems.fixed):,} fixed"


def _places(*costs: float | None) -> int:
    """Decimals that show a change: cents for runs of a dollar or more, else a hundredth of
    a cent ($0.0766 -> $0.0823 is +$0.0057, where cents would print $0.08 -> $0.08, +$0.01)."""
    return 2 if max((abs(c) for c in costs if c is not None), default=0) >= 1 else 4


def _money(value: float, places: int, sign: bool = False) -> str:
    text = f"{abs(value):,.{places}f}"
    return f"{'-' if value < 0 else '+' if sign else ''}${text}"


def table(diff: Diff) -> list[tuple[str, str, str, str]]:
    """(what, before, after, change) rows."""
    before, after = diff.before, diff.after
    rows = [("examples", f"{before.examples:,}", f"{after.examples:,}",
             signed(after.examples - before.examples))]
    b, a = before.tokens, after.tokens
    for label, old, new in (
        ("tokens, total", b.total if b else 0, a.total if a else 0),
        ("tokens, median", b.p50 if b else 0, a.p50 if a else 0),
        ("tokens, p95", b.p95 if b else 0, a.p95 if a else 0),
        ("tokens, max", b.max if b else 0, a.max if a else 0),
        ("billed tokens per epoch", before.estimate.billed_tokens_per_epoch,
         after.estimate.billed_tokens_per_epoch),
    ):
        rows.append((label, f"{old:,}", f"{new:,}", signed(new - old)))
    eb, ea = before.estimate.epochs, after.estimate.epochs
    rows.append(("epochs", str(eb) if eb is not None else "unknown",
                 str(ea) if ea is not None else "unknown",
                 signed(ea - eb) if ea is not None and eb is not None else ""))
    cb, ca = before.estimate.cost, after.estimate.cost
    places = _places(cb, ca)
    rows.append(("estimated cost",
                 _money(cb, places) if cb is not None else "unknown",
                 _money(ca, places) if ca is not None else "unknown",
                 _money(ca - cb, places, sign=True) if ca is not None and cb is not None else ""))
    return rows


def label_rows(diff: Diff) -> list[tuple[str, str, str, str]]:
    """(label, before, after, change), the labels that moved most first."""
    old, new = diff.before.labels or {}, diff.after.labels or {}
    names = sorted(set(old) | set(new), key=lambda n: (-abs(new.get(n, 0) - old.get(n, 0)), n))
    return [(repr(n), f"{old.get(n, 0):,}", f"{new.get(n, 0):,}", signed(new.get(n, 0) - old.get(n, 0)))
            for n in names[:TOP_LABELS]]


def by_rule(diff: Diff) -> list[tuple[str, str, int, int]]:
    """(code, name, new, fixed) per rule, most new first."""
    new = Counter((d.code, d.name) for d in diff.problems.new)
    fixed = Counter((d.code, d.name) for d in diff.problems.fixed)
    rules = sorted(set(new) | set(fixed), key=lambda r: (-new[r], -fixed[r], r))
    return [(code, name, new[(code, name)], fixed[(code, name)]) for code, name in rules]


def severity_of(diagnostics: tuple[Diagnostic, ...], code: str) -> str:
    return next((d.severity.label for d in diagnostics if d.code == code), "")


def top_changes(diff: Diff) -> list[Change]:
    """The changes that move the most tokens, then in NEW's order."""
    ranked = sorted(range(len(diff.changes)), key=lambda i: (-abs(diff.changes[i].token_delta), i))
    return [diff.changes[i] for i in sorted(ranked[:TOP_CHANGES])]
