"""`ftprep diff` for a terminal: the changes, what they do to the run, new and fixed problems."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO

from ftprep.diff.result import Change, ChangeKind, Diff
from ftprep.model.diagnostics import Diagnostic
from ftprep.reporters.diff._rows import (
    TOP_PROBLEMS,
    by_rule,
    headline,
    label_rows,
    problems_line,
    table,
    top_changes,
)
from ftprep.reporters.text import plain_line

_MARKS = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.MODIFIED: "~"}


def change_text(change: Change) -> str:
    """`~ new.jsonl:20 modified (was old.jsonl:19, similarity 0.93, +12 tokens)`."""
    mark = _MARKS[change.kind]
    if change.kind is ChangeKind.ADDED:
        return f"{mark} {change.new} added ({change.tokens_after or 0:,} tokens)"
    if change.kind is ChangeKind.REMOVED:
        return f"{mark} {change.old} removed ({change.tokens_before or 0:,} tokens)"
    return (f"{mark} {change.new} modified (was {change.old}, similarity "
            f"{change.similarity or 0:.2f}, {change.token_delta:+,} tokens)")


def render(diff: Diff, out: IO[str]) -> None:
    write = out.write
    write(f"ftprep diff {', '.join(diff.old_names) or '(nothing)'} -> "
          f"{', '.join(diff.new_names) or '(nothing)'}\n")
    for note in diff.notes:
        write(f"note: {note}\n")
    write(f"{headline(diff)}\n")
    if diff.changes:
        write("\nChanges (top, lines in NEW; removed at lines in OLD)\n")
        for change in top_changes(diff):
            write(f"  {change_text(change)}\n")
        more = len(diff.changes) - len(top_changes(diff))
        if more > 0:
            write(f"  ... and {more:,} more (--format json lists every change)\n")
    write("\nConsequences\n")
    rows = [("", "before", "after", "change"), *table(diff)]
    for what, before, after, delta in rows:
        write(f"  {what:<24}{before:>16}{after:>16}{delta:>12}".rstrip() + "\n")
    labels = label_rows(diff)
    if labels:
        write("\nLabels\n")
        for what, before, after, delta in labels:
            write(f"  {what:<24}{before:>16}{after:>16}{delta:>12}".rstrip() + "\n")
    problems = diff.problems
    _listed(write, f"New problems ({len(problems.new):,})", problems.new)
    _listed(write, f"Fixed problems ({len(problems.fixed):,}, lines in OLD)", problems.fixed)
    if problems.new or problems.fixed:
        write("\nBy rule (new / fixed)\n")
        for code, name, new, fixed in by_rule(diff):
            write(f"  {code} {name:<32}{new:>8,}{fixed:>8,}\n")
    if problems.uncompared:
        write(f"\nDataset-level problems in NEW, not compared with OLD ({len(problems.uncompared):,})\n")
        for diagnostic in problems.uncompared[:TOP_PROBLEMS]:
            write(f"  {plain_line(diagnostic)}\n")
    for diagnostic in problems.internal:
        write(f"\n{plain_line(diagnostic)}\n")
    write(f"\n{problems_line(diff)}.\n")


def _listed(write: Callable[[str], object], title: str, found: Sequence[Diagnostic]) -> None:
    """A heading and the first TOP_PROBLEMS of `found`, with how many more; nothing if none."""
    if not found:
        return
    write(f"\n{title}\n")
    for diagnostic in found[:TOP_PROBLEMS]:
        write(f"  {plain_line(diagnostic)}\n")
    if len(found) > TOP_PROBLEMS:
        write(f"  ... and {len(found) - TOP_PROBLEMS:,} more\n")
