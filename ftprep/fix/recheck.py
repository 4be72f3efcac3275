"""Check a repaired record again with the record rules the lint run used, tokens included.

Only repaired records are checked again: for every other record the lint run's verdict stands.
The rules, severities, per-file ignores, tokenizer and per-example limit are the lint run's own
(taken from its engine), so a record judged here is judged as `ftprep lint` would judge it.
"""

from __future__ import annotations

from typing import Any

from ftprep.fix.facts import OVER_LIMIT, Problem
from ftprep.lint.engine import INTERNAL_ERROR, Engine, RecordChecker
from ftprep.lint.selection import ActiveRule
from ftprep.model.diagnostics import Location, Severity
from ftprep.model.record import Record
from ftprep.tokens.counting import plan_for


class Rechecker:
    """The record rules of a lint run, applied to one record at a time."""

    def __init__(self, engine: Engine, rules: list[ActiveRule]) -> None:
        self._checker = RecordChecker(rules)
        self._engine = engine

    def problems(self, data: dict[str, Any], location: Location) -> list[Problem]:
        """The record's errors (and any FT201), as `LintFacts.problems` holds them."""
        record = Record(location, b"", data)
        self._count(record)
        found: list[Problem] = []
        ignores = self._engine.ignores
        for active in self._checker.rules_for(record):
            if ignores.ignored(location.path, active.rule):
                continue
            try:
                for finding in active.rule.check(record, active.options):  # type: ignore[misc]
                    if active.code == OVER_LIMIT or active.severity_of(finding) >= Severity.ERROR:
                        found.append(Problem(active.code, finding.pointer, finding.message))
            except Exception as error:  # noqa: BLE001 (the rule boundary, as in the engine)
                message = (f"internal error in rule {active.code} ({active.rule.spec.name}): "
                           f"{type(error).__name__}: {error}")
                found.append(Problem(INTERNAL_ERROR, "", message))
        return found

    def _count(self, record: Record) -> None:
        context = self._engine.context
        images = context.model.images if context.model is not None else None
        plan = plan_for(record.data, record.format, images)
        counts = self._engine.counter.count(plan.content + plan.other)
        split = len(plan.content)
        plan.apply(record.tokens, sum(counts[:split]), sum(counts[split:]), context.limit)
