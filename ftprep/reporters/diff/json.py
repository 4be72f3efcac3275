"""`ftprep diff --format json`: every change and problem, both sides' totals; versioned.

Bump SCHEMA_VERSION on any incompatible change (added keys are compatible).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, Any

import orjson

from ftprep import __version__
from ftprep.diff.result import Change, ChangeKind, Diff, Place, Side
from ftprep.reporters.json import diagnostic_json

SCHEMA_VERSION = 1


def _place(place: Place | None) -> dict[str, Any] | None:
    return {"path": place.path, "line": place.line} if place else None


def change_json(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind.value, "old": _place(change.old), "new": _place(change.new),
        "tokens_before": change.tokens_before, "tokens_after": change.tokens_after,
        "similarity": change.similarity,
    }


def side_json(side: Side) -> dict[str, Any]:
    est = side.estimate
    return {
        "examples": side.examples,
        "tokens": asdict(side.tokens) if side.tokens else None,
        "billed_tokens_per_epoch": est.billed_tokens_per_epoch,
        "epochs": est.epochs,
        "epochs_source": est.epochs_source,
        "billed_tokens": est.billed_tokens,
        "cost_usd": round(est.cost, 4) if est.cost is not None else None,
        "model": est.model,
        "labels": side.labels,
    }


def diff_json(diff: Diff) -> dict[str, Any]:
    problems = diff.problems
    return {
        "version": SCHEMA_VERSION,
        "ftprep": __version__,
        "old": list(diff.old_names),
        "new": list(diff.new_names),
        "validation": list(diff.validation),
        "threshold": diff.threshold,
        "counts": {
            "added": diff.count(ChangeKind.ADDED), "removed": diff.count(ChangeKind.REMOVED),
            "modified": diff.count(ChangeKind.MODIFIED), "unchanged": diff.unchanged,
            "new_problems": len(problems.new), "fixed_problems": len(problems.fixed),
        },
        "changes": [change_json(c) for c in diff.changes],
        "before": side_json(diff.before),
        "after": side_json(diff.after),
        "problems": {
            "new": [diagnostic_json(d) for d in problems.new],
            "fixed": [diagnostic_json(d) for d in problems.fixed],
            "uncompared": [diagnostic_json(d) for d in problems.uncompared],
            "internal": [diagnostic_json(d) for d in problems.internal],
        },
        "fail_on": diff.fail_on.label,
        "exit_code": diff.exit_code(),
        "notes": list(diff.notes),
    }


def render(diff: Diff, out: IO[str]) -> None:
    out.write(orjson.dumps(diff_json(diff), option=orjson.OPT_INDENT_2).decode() + "\n")
