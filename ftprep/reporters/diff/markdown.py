"""`ftprep diff --format markdown`: a compact summary for a pull-request comment or a GitHub job
summary (`>> $GITHUB_STEP_SUMMARY`): counts, a before/after table, problems by rule, and the
top changes and new problems at their lines in NEW. Cells are escaped so a message holding `|`
or a newline cannot break a table."""

from __future__ import annotations

from typing import IO

from ftprep.diff.result import Change, ChangeKind, Diff
from ftprep.reporters.diff._rows import (
    TOP_PROBLEMS,
    by_rule,
    headline,
    label_rows,
    problems_line,
    severity_of,
    table,
    top_changes,
)
from ftprep.reporters.text import format_location


def cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def code(text: str) -> str:
    quoted = text.replace("`", "'")
    return f"`{quoted}`"


def _change_row(change: Change) -> str:
    where = code(str(change.new)) if change.new else "—"
    was = code(str(change.old)) if change.old else "—"
    similarity = f"{change.similarity:.2f}" if change.similarity is not None else ""
    return f"| {change.kind.value} | {where} | {was} | {similarity} | {change.token_delta:+,} |"


def render(diff: Diff, out: IO[str]) -> None:
    lines = [(f"### ftprep diff: {', '.join(map(code, diff.old_names)) or '(nothing)'} → "
             f"{', '.join(map(code, diff.new_names)) or '(nothing)'}"), ""]
    verdict = "❌" if diff.exit_code() else "✅"
    lines += [f"{verdict} {headline(diff)}; **{problems_line(diff)}**", ""]
    lines += ["| | before | after | change |", "|---|---:|---:|---:|"]
    lines += [f"| {what} | {before} | {after} | {change} |" for what, before, after, change in table(diff)]
    labels = label_rows(diff)
    if labels:
        lines += ["", "| label | before | after | change |", "|---|---:|---:|---:|"]
        lines += [f"| {cell(what)} | {before} | {after} | {change} |" for what, before, after, change in labels]
    rules = by_rule(diff)
    if rules:
        lines += ["", "| rule | severity | new | fixed |", "|---|---|---:|---:|"]
        for rule, name, added, fixed in rules:
            severity = severity_of(diff.problems.new, rule) or severity_of(diff.problems.fixed, rule)
            lines.append(f"| {rule} {name} | {severity} | {added:,} | {fixed:,} |")
    new = diff.problems.new
    if new:
        lines += ["", f"**New problems** (first {min(len(new), TOP_PROBLEMS)} of {len(new):,})", ""]
        lines += [f"- {code(format_location(d))} {d.code} [{d.severity.label}] {cell(d.message)}"
                  for d in new[:TOP_PROBLEMS]]
    if diff.changes:
        shown = top_changes(diff)
        lines += ["", (f"<details><summary>Top changes ({len(shown)} of {len(diff.changes):,}, "
                  "by tokens moved)</summary>"), "",
                  "| change | line in NEW | was | similarity | tokens |", "|---|---|---|---:|---:|"]
        lines += [_change_row(c) for c in shown]
        lines += ["", "</details>"]
    if diff.problems.uncompared:
        lines += ["", (f"{len(diff.problems.uncompared):,} dataset-level problem(s) in NEW were "
                  "not compared with OLD (see `ftprep lint`).")]
    modified = diff.count(ChangeKind.MODIFIED)
    if modified:
        lines += ["", f"_Edits matched at similarity ≥ {diff.threshold:g}._"]
    out.write("\n".join(lines) + "\n")
