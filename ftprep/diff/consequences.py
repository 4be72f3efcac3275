"""Both sides' totals from one full lint: OLD's are NEW's minus the additions plus the removals.

Exact for what is a sum or a multiset over examples (examples, token counts and so their
percentiles, billed tokens, usable examples, labels); the estimate (epochs, cost) is then
computed for each side the way `ftprep lint` computes it.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence

from ftprep.checks.base import RunContext
from ftprep.checks.dataset._labels import canonical
from ftprep.config import Settings
from ftprep.diff.match import Example
from ftprep.diff.result import Side
from ftprep.lint.run import run_estimate
from ftprep.lint.summary import Summary, token_stats


def after_side(summary: Summary, context: RunContext, settings: Settings) -> Side:
    est = run_estimate(summary.examples, summary.billed_tokens,
                       summary.usable(context.provider.formats), context, settings)
    return Side(summary.examples, summary.tokens(), est, labels_of(summary))


def before_side(
    summary: Summary, context: RunContext, settings: Settings,
    added: Sequence[Example], removed: Sequence[Example],
) -> Side:
    """OLD's side: NEW's summary with the added examples taken out and the removed put back."""
    examples = summary.examples - len(added) + len(removed)
    billed = summary.billed_tokens - sum(e.billed for e in added) + sum(e.billed for e in removed)
    usable = (summary.usable(context.provider.formats)
              - sum(e.usable for e in added) + sum(e.usable for e in removed))
    est = run_estimate(examples, billed, usable, context, settings)
    tokens = _without(summary.example_tokens, [e.tokens for e in added if e.counted])
    tokens.extend(e.tokens for e in removed if e.counted)
    labels = labels_of(summary)
    if labels is not None:
        labels = _relabelled(labels, added, removed)
    return Side(examples, token_stats(tokens), est, labels)


def _without(values: array, taken: list[int]) -> array:  # type: ignore[type-arg]
    """`values` with one occurrence of each of `taken` removed."""
    left = Counter(taken)
    kept = array("q")
    for value in values:
        if left.get(value):
            left[value] -= 1
        else:
            kept.append(value)
    return kept


def labels_of(summary: Summary) -> dict[str, int] | None:
    """The label distribution FT306 reported for NEW, keyed by each label's canonical form."""
    for fact in summary.dataset:
        if fact.key == "labels":
            counts: Counter[str] = Counter()
            for name, count in fact.data["distribution"].items():
                counts[canonical(name)] += count
            return dict(counts)
    return None


def _relabelled(after: dict[str, int], added: Sequence[Example], removed: Sequence[Example]) -> dict[str, int]:
    counts = Counter(after)
    counts.subtract(canonical(e.label) for e in added if e.label is not None)
    counts.update(canonical(e.label) for e in removed if e.label is not None)
    return {label: n for label, n in counts.items() if n > 0}
