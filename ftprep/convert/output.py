"""Write converted examples and rejects: self-checked, deterministic, atomic, nothing lost.

Every example first gets the safe repairs `fix` applies (`ftprep.fix.repairs`: double-encoded
arguments decoded once, ...), then is checked with the same record rules `lint` runs (error
severity, schema families, and with `--model` the per-example token limit) before it is written;
one that still fails becomes a reject naming the rule, so `convert` cannot emit a file that lints with errors. For the same reason one output holds one format:
a preference example after chat ones (or the reverse) stops the run, since lint calls a mixed
file an error (FT123) and a fine-tuning job takes one method per file. Output is UTF-8, LF, one
object per line, keys in construction order: the same input gives byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import orjson

from ftprep.config import Settings
from ftprep.convert.model import Converted
from ftprep.convert.summary import ConvertSummary
from ftprep.fix.repairs import repair_record
from ftprep.lint.engine import RecordChecker
from ftprep.lint.selection import active_rules
from ftprep.model.diagnostics import Location, Severity
from ftprep.model.errors import FtprepError
from ftprep.model.record import Record
from ftprep.model.sources import Origin, Rejected, Skipped
from ftprep.tokens.counting import plan_for
from ftprep.tokens.encoders import Counter

SELF_CHECK_FAMILIES = ("FT1",)
LIMIT_RULE = "FT201"  # example-too-long: checked when the target model is known


@dataclass(frozen=True)
class ExampleLimit:
    """The target model's per-example token limit and the counter for its tokenizer."""

    model: str
    limit: int
    counter: Counter


class SelfCheck:
    """The error rules `lint` would run on one output record: the schema rules, and with a
    known model the per-example token limit (so `lint --model` agrees with what was written)."""

    def __init__(self, limit: ExampleLimit | None = None) -> None:
        select = SELF_CHECK_FAMILIES + ((LIMIT_RULE,) if limit is not None else ())
        rules = [r for r in active_rules(Settings(select=select)) if r.severity >= Severity.ERROR]
        self._checker = RecordChecker(rules)
        self._limit = limit

    def problems(self, record: dict[str, Any], raw: bytes, line: int, path: str) -> list[str]:
        item = Record(Location(path, line), raw, record)
        if self._limit is not None:
            self._count(item, self._limit)
        found: list[str] = []
        for active in self._checker.rules_for(item):
            try:
                for finding in active.rule.check(item, active.options):  # type: ignore[misc]
                    found.append(f"{active.code} {finding.message}")
            except Exception as error:  # noqa: BLE001 (the rule boundary, as in the engine)
                found.append(f"internal error in {active.code}: {type(error).__name__}: {error}")
        if self._limit is not None:  # FT201 names no model: say which limit this is
            model = self._limit.model
            found = [f"{p} of {model}" if p.startswith(LIMIT_RULE) else p for p in found]
        return found

    @staticmethod
    def _count(item: Record, limit: ExampleLimit) -> None:
        plan = plan_for(item.data, item.format)
        counts = limit.counter.count(plan.content + plan.other)
        split = len(plan.content)
        plan.apply(item.tokens, sum(counts[:split]), sum(counts[split:]), limit.limit)


def _dump(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)


def reject_json(rejected: Rejected) -> dict[str, Any]:
    document = {"origin": rejected.origin.as_json(), "reason": rejected.reason, "source": rejected.source}
    if rejected.units != 1:
        document["units"] = rejected.units
    return document


def write_outcomes(
    outcomes: Iterable[Converted | Rejected | Skipped], out: IO[bytes], rejects: IO[bytes] | None,
    summary: ConvertSummary, out_name: str, limit: ExampleLimit | None = None,
) -> None:
    """Stream outcomes to `out` and `rejects`, counting every unit into `summary`."""
    check = SelfCheck(limit)
    line = 0
    first: tuple[str, Origin] | None = None  # the format of the output, and who set it
    for outcome in outcomes:
        unit = outcome.origin.unit
        units = outcome.units
        summary.read[unit] += units
        if isinstance(outcome, Skipped):
            summary.skipped_units[unit] += units
            summary.skip_reasons.add(outcome.reason, units)
            continue
        if isinstance(outcome, Converted):
            record, changes = repair_record(outcome.record)
            raw = _dump(record)
            problems = check.problems(record, raw, line + 1, out_name)
            if not problems:
                kind = "preference" if "input" in record else "chat"
                if first is None:
                    first = (kind, outcome.origin)
                elif kind != first[0]:
                    raise _mixed(first, (kind, outcome.origin), out_name)
                out.write(raw)
                line += 1
                summary.examples += 1
                summary.note_span(outcome.span, outcome.origin)
                summary.written_units[unit] += units
                summary.formats[kind] += 1
                summary.repairs.update(change.code for change in changes)
                continue
            if any(p.startswith(LIMIT_RULE) for p in problems):
                summary.over_limit += 1
            for refused in outcome.rejected("invalid example: " + "; ".join(problems)):
                _reject(refused, rejects, summary)
            continue
        _reject(outcome, rejects, summary)


def _reject(rejected: Rejected, rejects: IO[bytes] | None, summary: ConvertSummary) -> None:
    summary.rejected_units[rejected.origin.unit] += rejected.units
    summary.reasons.add(rejected.reason, rejected.units)
    if rejects is not None:
        try:
            rejects.write(_dump(reject_json(rejected)))
        except TypeError as error:  # a source value orjson cannot encode
            raise FtprepError(f"cannot write reject from {rejected.origin}: {error}") from None


def _mixed(first: tuple[str, Origin], later: tuple[str, Origin], out_name: str) -> FtprepError:
    """The exit-2 error for a second format in one output, naming where each came from."""
    (kind, origin), (other, where) = first, later
    return FtprepError(
        f"{out_name}: {kind} examples (first from {origin}) and {other} examples (first from "
        f"{where}) cannot share one file",
        hint=f"a fine-tuning job takes one format per file (lint reports a mix as FT123); convert "
             f"them separately, e.g. `ftprep convert {origin.path} -o {kind}.jsonl` and "
             f"`ftprep convert {where.path} -o {other}.jsonl`",
    )
