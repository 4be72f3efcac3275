"""`path:line:col: CODE [severity] message`, one per line, then the summary.

Plain and stable when piped (golden-tested); coloured only when asked (a TTY without NO_COLOR).
"""

from __future__ import annotations

from typing import IO

import click

from ftprep.lint.report import Report
from ftprep.lint.summary import Summary
from ftprep.model.diagnostics import Diagnostic, Severity
from ftprep.model.sources import FileStats
from ftprep.providers.estimate import Estimate
from ftprep.reporters._coverage import (
    images_row,
    lower_bound,
    token_label,
    unreadable_row,
    usable_row,
    verdicts_row,
)
from ftprep.reporters._coverage import plural as _plural
from ftprep.reporters._coverage import thousands as _n

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
MAX_RELATED = 5


def format_location(diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    if loc.line <= 0:
        return loc.path
    return f"{loc.path}:{loc.line}:{max(loc.column, 1)}"


def related_text(diagnostic: Diagnostic) -> str:
    """` (see a.jsonl:15, a.jsonl:20 and 3 more)`, or "" when nothing is related."""
    if not diagnostic.related:
        return ""
    shown = ", ".join(str(loc) for loc in diagnostic.related[:MAX_RELATED])
    more = len(diagnostic.related) - MAX_RELATED
    return f" (see {shown}{f' and {more} more' if more > 0 else ''})"


def plain_line(diagnostic: Diagnostic) -> str:
    """`path:line:col: CODE [severity] message (see ...)`: the text format's line, uncoloured,
    for formats that quote it (JUnit, diff)."""
    return (f"{format_location(diagnostic)}: {diagnostic.code} [{diagnostic.severity.label}] "
            f"{diagnostic.message}{related_text(diagnostic)}")


def totals_line(report: Report) -> str:
    """`Found 9 problems: 4 errors, 4 warnings, 1 info.` or `No problems found.`"""
    counts = report.summary.by_severity
    total = sum(counts.values())
    if not total:
        return "No problems found."
    parts = [_plural(counts[s], s.label) for s in reversed(Severity) if counts[s]]
    return f"Found {_plural(total, 'problem')}: {', '.join(parts)}."


class TextReporter:
    def __init__(self, out: IO[str], color: bool = False) -> None:
        self.out = out
        self.color = color

    def _style(self, text: str, **styles: object) -> str:
        return click.style(text, **styles) if self.color else text  # type: ignore[arg-type]

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        where = self._style(format_location(diagnostic), bold=True)
        severity = diagnostic.severity
        tag = self._style(f"[{severity.label}]", fg=_COLORS[severity])
        code = self._style(diagnostic.code, fg=_COLORS[severity], bold=True)
        line = f"{where}: {code} {tag} {diagnostic.message}{related_text(diagnostic)}"
        self.out.write(line + "\n")
        if diagnostic.fix:
            self.out.write(f"  help: {diagnostic.fix.title}\n")

    def finish(self, report: Report) -> None:
        write = self.out.write
        write(f"\n{totals_line(report)}\n")
        if report.baseline is not None:  # counted out of `counts` already (Summary.discount)
            hidden = report.baseline
            write(f"{_plural(hidden.count, 'problem')} suppressed by baseline {hidden.path}\n")
        write("\nSummary\n")
        for label, value in summary_rows(report):
            write(f"  {label:<15}{value}\n")

def summary_rows(report: Report) -> list[tuple[str, str]]:
    """The summary as (label, value) rows: the text format prints them, the HTML report
    shows them as its table, so both say the same thing in the same words."""
    summary = report.summary
    context = report.context
    rows = [("files", _files_row(summary))]
    documents = [f for f in summary.files if f.document_read]
    if len(documents) < len(summary.files) or not documents:
        rows.append(("lines", _lines_row(summary)))
    if documents:
        rows.append(("json values", _values_row(documents)))
    if summary.formats:
        rows.append(("formats", ", ".join(f"{k} {_n(v)}" for k, v in sorted(summary.formats.items()))))
    usable = usable_row(report)
    if usable:
        rows.append(("usable", usable))
    rows.append(("messages", _n(summary.messages)))
    if summary.validation_examples:
        rows.append(("validation", _plural(summary.validation_examples, "example")))
    rows.extend((fact.label, fact.text) for fact in summary.dataset)
    model_id = context.model.id if context.model else context.model_name
    for label, value in (("images", images_row(summary, model_id)),
                         ("unreadable", unreadable_row(summary)),
                         ("provider", verdicts_row(report))):
        if value:
            rows.append((label, value))
    stats = summary.tokens()
    exact = token_label(report)
    if stats:
        rows.append(("tokens/example",
                     (f"min {_n(stats.min)} · mean {stats.mean:,.1f} · p50 {_n(stats.p50)} · "
                     f"p95 {_n(stats.p95)} · max {_n(stats.max)} · total {_n(stats.total)} ({exact})")))
    if context.limit is not None:
        whose = f" ({model_id})" if model_id else " (--max-tokens)"
        rows.append(("over limit", (f"{_plural(summary.over_limit, 'example')} over {_n(context.limit)} "
                     f"tokens{whose}; training truncates them")))
    rows.extend(_estimate_rows(report.estimate, context.model_name, lower_bound(summary)))
    return rows


def _files_row(summary: Summary) -> str:
    skipped = sum(1 for f in summary.files if f.skipped)
    notes = [f"{_n(skipped)} skipped"] if skipped else []
    compressed = summary.compression_note()
    if compressed:
        notes.append(compressed)
    return _n(len(summary.files)) + (f" ({'; '.join(notes)})" if notes else "")


def _values_row(documents: list[FileStats]) -> str:
    """JSON documents read as records: their top-level values, not lines, are the units."""
    values = sum(f.values for f in documents)
    examples = sum(f.records for f in documents)
    unparsed = sum(f.unparsed for f in documents)
    return (f"{_n(values)} in {_plural(len(documents), 'JSON document')}: "
            f"{_plural(examples, 'example')}, {_n(unparsed)} not a JSON object")


def _lines_row(summary: Summary) -> str:
    rejected = summary.unparsed_lines
    examples = sum(f.records for f in summary.files if not f.document_read)
    parts = [f"{_n(examples)} {'example' if examples == 1 else 'examples'}"]
    parts.append(f"{_n(summary.blank_lines)} blank")
    parts.append(f"{_n(rejected)} not a JSON object")
    return f"{_n(summary.lines)}: " + ", ".join(parts)


def _estimate_rows(
    estimate: Estimate, model_name: str | None, missing: str | None = None
) -> list[tuple[str, str]]:
    """Epochs, billed tokens and cost; `missing` says what the counts leave out, if anything."""
    rows = []
    if estimate.epochs is None:
        rows.append(("epochs", estimate.epochs_source))
        return rows
    rows.append(("epochs", f"{estimate.epochs} ({estimate.epochs_source})"))
    rows.append(("billed tokens", (f"{_n(estimate.billed_tokens_per_epoch)} per epoch × "
                 f"{estimate.epochs} = {_n(estimate.billed_tokens or 0)}")))
    if model_name is None:
        rows.append(("cost", "unknown: pass --model to price the run"))
    elif estimate.cost is None or estimate.price is None:
        rows.append(("cost", f"unknown: no sourced training price for {model_name}"))
    else:
        price = estimate.price
        cost = f"at least ${estimate.cost:,.2f} (a lower bound: {missing})" if missing else (
            f"${estimate.cost:,.2f}")
        rows.append(("cost", (f"{cost} at ${price.training_per_1m_tokens:,.2f} per 1M "
                     f"training tokens (as of {price.as_of}; {price.source})")))
    return rows
