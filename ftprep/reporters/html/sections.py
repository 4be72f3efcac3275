"""The report's sections, each from the finished run: a heading, a chart and a few words.

A section with nothing to show (no labels, no duplicates, no comparison) is left out rather
than drawn empty. Every number shown is one the text and JSON reports also give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import numpy as np

from ftprep.estimate.quote import Quote
from ftprep.estimate.run import Estimates
from ftprep.lint.report import Report
from ftprep.model.diagnostics import Severity
from ftprep.reporters._coverage import plural
from ftprep.reporters.html.charts import Bar, Segment, hbars, histogram, token_bins
from ftprep.reporters.html.collect import DUPLICATE_RULES, TABLE_ROWS, Collected
from ftprep.reporters.text import format_location, related_text, summary_rows, totals_line

MAX_BARS = 25  # rows in a bar chart; the rest are summed into one "N more" row
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def section(anchor: str, title: str, *body: str) -> str:
    return (f'<section id="{anchor}"><h2>{escape(title)}</h2>' + "".join(body)
            + "</section>")


def prose(text: str) -> str:
    """Escaped text where `backquoted` words, commands, become code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def paragraph(text: str, css: str = "") -> str:
    return f'<p{f" class={css!r}" if css else ""}>{prose(text)}</p>'


def figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{prose(caption)}</figcaption></figure>"


def table(header: Sequence[str] | None, rows: Sequence[Sequence[str]],
          numeric: frozenset[int] = frozenset(), css: str = "") -> str:
    """A table of plain cells (escaped here); `numeric` columns align right; no header row
    for a list of label and value."""
    def cells(tag: str, row: Sequence[str]) -> str:
        return "".join(f"<{tag}{' class=num' if i in numeric else ''}>{escape(c)}</{tag}>"
                       for i, c in enumerate(row))
    head = f"<thead><tr>{cells('th', header)}</tr></thead>" if header else ""
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return f"<table{f' class={css}' if css else ''}>{head}<tbody>{body}</tbody></table>"


def cards(report: Report) -> str:
    """The few numbers a reader wants first."""
    summary, estimate = report.summary, report.estimate
    counts = summary.by_severity
    usable = summary.usable(report.context.provider.formats)
    items = [
        ("examples", f"{summary.examples:,}", f"{usable:,} usable"),
        ("problems", f"{sum(counts.values()):,}",
         " · ".join(plural(counts[s], s.label) for s in SEVERITIES if counts[s]) or "none"),
    ]
    stats = summary.tokens()
    if stats is not None:
        items.append(("tokens per example", f"{stats.p50:,}", f"median; max {stats.max:,}"))
    if report.context.limit is not None:
        items.append(("over the limit", f"{summary.over_limit:,}",
                      f"of {report.context.limit:,} tokens"))
    items.append(("billed tokens", f"{estimate.billed_tokens_per_epoch:,}", "per epoch"))
    if estimate.epochs is not None:
        items.append(("epochs", f"{estimate.epochs}", _short(estimate.epochs_source)))
    if estimate.cost is not None and estimate.price is not None:
        items.append(("estimated cost", f"${estimate.cost:,.2f}",
                      f"{estimate.model} · price as of {estimate.price.as_of}"))
    body = "".join(
        f'<div class="card"><div class="card-label">{escape(label)}</div>'
        f'<div class="card-value">{escape(value)}</div>'
        f'<div class="card-note">{escape(note)}</div></div>'
        for label, value, note in items)
    failing = report.failing
    verdict = (paragraph(f"{totals_line(report)} {failing:,} at or above --fail-on "
                         f"{report.fail_on.label}: `ftprep lint` exits 1.", "verdict bad")
               if failing else paragraph(f"{totals_line(report)} `ftprep lint` exits 0.",
                                         "verdict good"))
    return f'<section id="overview">{verdict}<div class="cards">{body}</div></section>'


def _short(text: str) -> str:
    """The head of an epochs source: `provider default, estimated as in ...` -> its first part."""
    head = text.split(",")[0].split(" (")[0]
    return head if len(head) <= 40 else head[:39] + "…"


def token_lengths(report: Report) -> str:
    summary, context = report.summary, report.context
    values = np.frombuffer(summary.example_tokens, dtype=np.int64) if summary.example_tokens \
        else np.zeros(0, dtype=np.int64)
    if values.size == 0:
        return section("tokens", "Token lengths", paragraph("No example has countable text."))
    limit = context.limit
    model = context.model.id if context.model else context.model_name
    limit_label = "" if limit is None else f"limit {limit:,}" + (f" ({model})" if model else "")
    bins = token_bins(values, limit)
    svg = histogram(bins, limit, "tokens", limit_label)
    stats = summary.tokens()
    assert stats is not None
    words = [(f"{stats.count:,} examples: median {stats.p50:,} tokens, p95 {stats.p95:,}, "
              f"longest {stats.max:,} ({context.encoding}).")]
    tail = [b for b in bins if b.tail]
    if tail:
        longest = sum(b.count for b in tail)
        words.append(f"The longest {plural(longest, 'example')} ({tail[0].low:,} to "
                     f"{stats.max:,} tokens) are drawn apart, right of the axis.")
    if limit is None:
        words.append("No per-example limit is known: pass --model or --max-tokens.")
    elif summary.over_limit:
        words.append(f"{plural(summary.over_limit, 'example')} over the {limit:,}-token limit "
                     "(red): training truncates them.")
    elif stats.max * 1.5 < limit:
        words.append(f"Every example is within the {limit:,}-token limit, which is "
                     f"{_times(limit / max(stats.max, 1))} the longest: off the chart.")
    else:
        words.append(f"Every example is within the {limit:,}-token limit (dashed line).")
    return section("tokens", "Token lengths", figure(svg, " ".join(words)))


def _times(ratio: float) -> str:
    return f"{ratio:,.0f}×" if ratio >= 10 else f"{ratio:.2g}×"


def _severity_bar(label: str, counts: dict[Severity, int]) -> Bar:
    segments = tuple(Segment(counts.get(s, 0), f"bar-{s.label}",
                             f"{label}: {plural(counts.get(s, 0), s.label)}")
                     for s in SEVERITIES if counts.get(s, 0))
    return Bar(label, segments, f"{sum(counts.values()):,}")


def _capped(bars: list[Bar], what: str) -> list[Bar]:
    if len(bars) <= MAX_BARS:
        return bars
    rest = bars[MAX_BARS - 1:]
    merged: dict[str, float] = {}
    for bar in rest:
        for segment in bar.segments:
            merged[segment.css] = merged.get(segment.css, 0) + segment.value
    total = sum(merged.values())
    segments = tuple(Segment(v, css, f"{len(rest):,} more {what}: {v:,.0f}")
                     for css, v in merged.items())
    return [*bars[:MAX_BARS - 1], Bar(f"{len(rest):,} more {what}", segments, f"{total:,.0f}")]


def problems(collected: Collected) -> str:
    if not collected.total:
        return section("problems", "Problems", paragraph("No problems found."))
    by_rule = [_severity_bar(f"{code} {collected.names.get(code, '')}".strip(), counts)
               for code, counts in collected.rules()]
    by_file = [_severity_bar(path, counts) for path, counts in collected.files()]
    legend = ('<p class="legend"><span class="key bar-error"></span>error '
              '<span class="key bar-warning"></span>warning '
              '<span class="key bar-info"></span>info</p>')
    parts = [legend, "<h3>By rule</h3>",
             figure(hbars(_capped(by_rule, "rules"), "Problems by rule"),
                    "Run `ftprep rule CODE` for what a rule checks and how to fix it.")]
    if len(by_file) > 1:
        parts += ["<h3>By file</h3>",
                  figure(hbars(_capped(by_file, "files"), "Problems by file"),
                         f"{len(by_file):,} files with problems.")]
    return section("problems", "Problems", *parts)


def labels(report: Report) -> str:
    fact = next((f for f in report.summary.dataset if f.key == "labels"), None)
    if fact is None:
        return ""
    distribution: dict[str, int] = fact.data["distribution"]
    total = fact.data["labelled"] or 1
    bars = [Bar(name, (Segment(n, "bar", f"{name}: {n:,} ({n / total:.1%})"),),
                f"{n:,} ({n / total:.1%})") for name, n in distribution.items()]
    bars = _capped(bars, "labels")
    caption = f"{fact.data['classes']:,} classes from {fact.data['source']}"
    if fact.data["unlabelled"]:
        caption += f"; {fact.data['unlabelled']:,} examples have no label"
    return section("labels", "Labels",
                   figure(hbars(bars, "Label distribution"), caption + "."))


def duplicates(report: Report, collected: Collected) -> str:
    facts = {f.key: f for f in report.summary.dataset}
    parts = []
    for code, noun in DUPLICATE_RULES.items():
        key = "duplicates" if code == "FT303" else "near_duplicates"
        fact = facts.get(key)
        sizes = collected.cluster_sizes.get(code)
        if fact is None and not sizes:
            continue
        parts.append(f"<h3>{escape(noun.capitalize())} ({code})</h3>")
        if fact is not None:
            parts.append(paragraph(fact.text))
        if not sizes:
            continue
        bars = [Bar(f"{label} copies", (Segment(n, "bar", f"{plural(n, 'group')} of {label}"),),
                    plural(n, "group")) for label, n in size_buckets(sizes)]
        parts.append(figure(hbars(bars, f"Sizes of {noun} groups"),
                            "How many groups of each size; a group is one example and its "
                            "copies."))
        rows = [(str(c.size), c.where, c.message) for c in collected.clusters(code)]
        parts.append("<h4>Largest groups</h4>" + table(("size", "first", "finding"), rows,
                                                       frozenset({0})))
    if not parts:
        return ""
    return section("duplicates", "Duplicates", *parts)


SIZE_BUCKETS = ((2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 50), (51, 100),
                (101, 1_000), (1_001, None))


def size_buckets(sizes: dict[int, int]) -> list[tuple[str, int]]:
    """Groups counted by size, exact up to 5 and in ranges above, since a few groups of 200
    copies matter as much as many pairs and should not need 200 rows to be seen."""
    rows = []
    for low, high in SIZE_BUCKETS:
        n = sum(count for size, count in sizes.items()
                if low <= size and (high is None or size <= high))
        if n:
            label = (f"{low:,}" if low == high else f"{low:,}–{high:,}" if high is not None
                     else f"over {low - 1:,}")
            rows.append((label, n))
    return rows


ESTIMATE_ROWS = ("usable", "over limit", "epochs", "billed tokens", "cost")


def estimate(report: Report) -> str:
    rows = [(label, value) for label, value in summary_rows(report) if label in ESTIMATE_ROWS]
    if not rows:
        return ""
    return section("estimate", "Cost and epochs",
                   table(None, rows, css="pairs"),
                   paragraph("Prices are the provider profile's, with the day they were read "
                             "and their source; `ftprep estimate --compare` prices every "
                             "model.", "note"))


def comparison(estimates: Estimates | None) -> str:
    if estimates is None or not estimates.quotes:
        return ""
    open_quotes = [q for q in estimates.quotes if not q.available]
    priced = [q for q in open_quotes if q.cost is not None]
    parts = []
    if priced:
        bars = [Bar(f"{q.provider.name} · {q.model_id}",
                    (Segment(q.cost or 0.0, "bar", _quote_title(q)),), f"${q.cost:,.2f}")
                for q in priced]
        parts.append(figure(hbars(_capped(bars, "models"), "Estimated training cost by model"),
                            f"Models that take jobs on {estimates.on}, cheapest first."))
    header = ("provider", "model", "examples", "billed tokens", "epochs", "cost", "status")
    with_cost = [q for q in estimates.quotes if q.cost is not None]
    if with_cost:
        parts.append(table(header, [_quote_row(q) for q in with_cost], frozenset({2, 3, 4, 5})))
    unpriced = [q for q in estimates.quotes if q.cost is None]
    if unpriced:
        parts.append(f"<details><summary>{plural(len(unpriced), 'model')} without a sourced "
                     "price</summary>" + table(header, [_quote_row(q) for q in unpriced],
                                               frozenset({2, 3, 4})) + "</details>")
    if estimates.skipped:
        skipped = "".join(f"<li>{escape(t.provider.name)} {escape(t.model_id)}: "
                          f"{escape(why)}</li>" for t, why in estimates.skipped)
        parts.append(f"<details><summary>{plural(len(estimates.skipped), 'model')} not "
                     f"priced for this data</summary><ul>{skipped}</ul></details>")
    return section("compare", "Across providers", *parts)


def _quote_row(q: Quote) -> tuple[str, ...]:
    return (q.provider.name, q.model_id, f"{q.examples:,}",
            f"{q.billed_tokens:,}" if q.billed_tokens is not None else "unknown",
            str(q.epochs.count) if q.epochs.count is not None else "unknown",
            f"${q.cost:,.2f}" if q.cost is not None else q.price_text,
            q.available or q.closes or "takes jobs")


def _quote_title(q: Quote) -> str:
    price = q.price_text
    return (f"{q.provider.name} {q.model_id}: ${q.cost or 0:,.2f} ({q.billed_tokens or 0:,} "
            f"billed tokens at {price})")


def summary_table(report: Report) -> str:
    """The rest of the text summary: the rows the cost section did not show."""
    rows = [(label, value) for label, value in summary_rows(report) if label not in ESTIMATE_ROWS]
    return section("summary", "Summary", table(None, rows, css="pairs"))


def problem_table(collected: Collected) -> str:
    if not collected.rows:
        return ""
    rows = [(format_location(d), d.code, d.severity.label,
             d.message + related_text(d) + (f" — help: {d.fix.title}" if d.fix else ""))
            for d in collected.rows]
    shown = len(collected.rows)
    more = (f"The first {shown:,} of {collected.total:,}; `ftprep lint` lists every one."
            if collected.total > TABLE_ROWS else f"All {plural(shown, 'problem')}.")
    return section("list", "Every problem",
                   f"<details{' open' if shown <= 30 else ''}><summary>{prose(more)}</summary>"
                   + table(("where", "rule", "severity", "message"), rows, css="problems")
                   + "</details>")
