"""`ftprep diff`: one full lint of NEW, two cheap passes over OLD, and a lint of what changed.

1. OLD, pass 1 (`old.py`): parse each unit and keep its identity; no tokens, no rules.
2. NEW, a full lint (every rule, `--validation` too), with an engine that also hands each
   training example to the diff: one whose identity OLD holds is unchanged; the rest (added or
   edited) are collected with their token counts, label and shingles (`match.py`).
3. OLD, pass 2: the units nothing in NEW matched, read again without parsing the rest and
   linted alone with the line and record rules (dataset rules would judge a fragment).
4. Removed and added examples are paired by similarity (edits), problems are sorted into new
   and fixed (`problems.py`) and OLD's totals are derived from NEW's (`consequences.py`).

So a diff costs one lint plus a parse of OLD and a lint of the change: for two versions of a
million examples differing in 1 %, about 1.3 times a lint of one (bench/bench_diff.py).
Memory holds 16 bytes and a dict entry per OLD unit, plus the changed examples' shingles.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ftprep.checks.dataset._labels import LabelOptions
from ftprep.config import Settings
from ftprep.diff.consequences import after_side, before_side
from ftprep.diff.identity import record_identity
from ftprep.diff.match import DEFAULT_THRESHOLD, Collector, Example, pair
from ftprep.diff.old import OldIndex
from ftprep.diff.problems import Triage
from ftprep.diff.result import Change, ChangeKind, Diff, Place, Problems
from ftprep.diff.versions import Version
from ftprep.diff.watch import WatchedEngine
from ftprep.lint.selection import FileIgnores, active_rules
from ftprep.lint.setup import build_engine
from ftprep.model.diagnostics import Diagnostic, Location
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.record import Record
from ftprep.model.sources import FileStats
from ftprep.readers.jsonl import training_and_validation
from ftprep.registry import Scope

LABEL_RULES = ("FT306", "FT307")


def run_diff(
    settings: Settings, old: Sequence[Version], new: Sequence[Version], *,
    validation: Sequence[str] = (), threshold: float = DEFAULT_THRESHOLD,
    progress: Progress = NO_PROGRESS,
) -> Diff:
    """Compare `old` with `new` (see the module docstring); `progress` hears each phase (the
    CLI's bar: OLD indexed, NEW linted as `lint` shows it, the change linted, edits paired)."""
    with tempfile.TemporaryDirectory(prefix="ftprep-diff-") as folder:
        shown: dict[str, str] = {}
        paths = []
        for version in new:
            path = version.on_disk(Path(folder))
            if path is not None:
                paths.append(path)
                shown[path] = version.name
        return _diff(settings, old, paths, shown, validation, threshold, new, progress)


def _diff(
    settings: Settings, old: Sequence[Version], paths: list[str], shown: dict[str, str],
    validation: Sequence[str], threshold: float, new: Sequence[Version],
    progress: Progress,
) -> Diff:
    progress.status(f"indexing the old version ({', '.join(v.name for v in old)})")
    index = OldIndex.scan(old)
    rules = active_rules(settings)
    engine = build_engine(settings, engine_class=WatchedEngine)  # no sharder: one process
    assert isinstance(engine, WatchedEngine)
    context = engine.context
    label_field = next((r.options.label_field for r in rules if r.code in LABEL_RULES
                        and isinstance(r.options, LabelOptions)), None)
    formats = context.provider.formats
    added = Collector(label_field, formats)
    triage = Triage({r.code: r.rule.spec.scope for r in rules}, index)

    def watch_new(record: Record) -> None:
        if not index.take(record_identity(record.data)):
            triage.changed.add(added.add(record).key)

    engine.watcher = watch_new
    engine.progress = progress
    sources = training_and_validation(paths, list(validation)) if paths or validation else []
    for diagnostic in engine.run(sources):
        triage.observe_new(diagnostic)
    added.finish()

    progress.status("linting what the old version had and the new one does not")
    removed = Collector(label_field, formats)
    partial = WatchedEngine([r for r in rules if r.rule.spec.scope is not Scope.DATASET], context,
                            engine.counter, FileIgnores(settings.per_file_ignores))
    partial.watcher = removed.add
    for version, units in index.unmatched(old):
        for diagnostic in partial.scan_units(units, FileStats(version.name)):
            triage.observe_old(diagnostic)
    removed.finish()

    progress.status(f"pairing {len(removed.examples):,} removed with {len(added.examples):,} "
                    "added examples")
    pairs = pair(removed.examples, added.examples, threshold)
    progress.finish()
    problems = triage.settle((removed.examples[i], added.examples[j]) for i, j, _s in pairs)
    summary = engine.summary
    after = after_side(summary, context, settings)
    before = before_side(summary, context, settings, added.examples, removed.examples)
    changes = _changes(removed.examples, added.examples, pairs)
    return Diff(
        old_names=tuple(v.name for v in old), new_names=tuple(v.name for v in new),
        changes=tuple(_renamed_change(c, shown) for c in changes),
        unchanged=summary.examples - len(added.examples),
        before=before, after=after, problems=_renamed_problems(problems, shown),
        fail_on=settings.fail_on, threshold=threshold, validation=tuple(validation),
        notes=context.notes,
    )


def _changes(removed: list[Example], added: list[Example], pairs: list[tuple[int, int, float]]) -> list[Change]:
    paired_old = {i for i, _j, _s in pairs}
    paired_new = {j for _i, j, _s in pairs}
    changes = [
        Change(ChangeKind.MODIFIED, _place(removed[i]), _place(added[j]), removed[i].tokens,
               added[j].tokens, round(score, 4))
        for i, j, score in pairs
    ]
    changes += [Change(ChangeKind.ADDED, None, _place(e), None, e.tokens)
                for j, e in enumerate(added) if j not in paired_new]
    changes += [Change(ChangeKind.REMOVED, _place(e), None, e.tokens, None)
                for i, e in enumerate(removed) if i not in paired_old]
    return sorted(changes, key=_order)


def _order(change: Change) -> tuple[int, str, int, str, int]:
    """Changes in NEW's order (by path and line), then removals in OLD's."""
    new, old = change.new, change.old
    return (new is None, new.path if new else "", new.line if new else 0,
            old.path if old else "", old.line if old else 0)


def _place(example: Example) -> Place:
    return Place(example.path, example.line)


def _renamed_location(location: Location, shown: dict[str, str]) -> Location:
    name = shown.get(location.path)
    return location if name is None else location._replace(path=name)


def _renamed(diagnostic: Diagnostic, shown: dict[str, str]) -> Diagnostic:
    if diagnostic.location.path not in shown and not any(r.path in shown for r in diagnostic.related):
        return diagnostic
    return dataclasses.replace(
        diagnostic, location=_renamed_location(diagnostic.location, shown),
        related=tuple(_renamed_location(r, shown) for r in diagnostic.related),
    )


def _renamed_change(change: Change, shown: dict[str, str]) -> Change:
    if change.new is None or change.new.path not in shown:
        return change
    return dataclasses.replace(change, new=Place(shown[change.new.path], change.new.line))


def _renamed_problems(problems: Problems, shown: dict[str, str]) -> Problems:
    return Problems(*(tuple(_renamed(d, shown) for d in group) for group in (
        problems.new, problems.fixed, problems.uncompared, problems.internal)))
