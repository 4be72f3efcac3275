"""FT306 label-imbalance."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from ftprep.checks.base import DatasetFact, RunContext
from ftprep.checks.dataset._labels import (
    KEEP,
    MAX_SPELLINGS,
    LabelCheck,
    LabelOptions,
    shown,
    source_name,
)
from ftprep.checks.dataset._rows import MAX_LISTED, listed
from ftprep.model.diagnostics import Finding, Severity
from ftprep.registry import RuleSpec, Scope

# Labels the summary's text row names; JSON lists them all.
SHOWN_CLASSES = 8


class Options(LabelOptions, frozen=True, extra="forbid"):
    max_ratio: float = Field(
        default=10.0, gt=1,
        description="report a label when the most common label has more than this many times "
                    "its examples",
    )
    min_share: float = Field(
        default=0.01, ge=0, lt=1,
        description="report a label with less than this share of the labelled examples",
    )


SPEC = RuleSpec(
    code="FT306", name="label-imbalance", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="A classification dataset has labels with far fewer examples than the most common "
            "one.",
    why="A fine-tuned model learns the label distribution along with the task: a label seen in "
        "1% of the examples is rarely predicted, and one with 10 times fewer examples than the "
        "largest is learnt from too little. Add examples of the rare labels, or down-sample the "
        "common ones. Labels are read from `label-field` (a JSON pointer, for data that keeps "
        "them beside the conversation) or, by default, from the final assistant answer when the "
        "answers look like class labels: at least `min-examples` labelled examples, 95% of the "
        "answers at most 64 characters long, 2 to `max-classes` distinct labels with 3 examples "
        "each on average. Spellings of one label (FT307) count as one. A label is reported when "
        "the most common label has more than `max-ratio` times its examples, or when its share "
        "is below `min-share`. With a `label-field`, examples without one are reported too. The "
        "distribution is in the summary (`dataset.labels` in JSON). Only training files count.",
    bad="(a sentiment dataset: 190 examples answered 'positive', 10 'negative')",
    good="(a sentiment dataset: 110 'positive', 90 'negative', 60 'neutral')",
    options=Options,
)


class Check(LabelCheck):
    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options

    def finish(self) -> Iterator[Finding]:
        tally = self.tally
        if tally.field:
            yield from self._missing()
            if tally.labelled and tally.too_many():
                yield self._not_labels()
                return
        if not tally.classification():
            return
        groups = tally.groups()
        total = tally.labelled
        largest = groups[0]
        for group in groups[1:]:
            reasons = []
            ratio = largest.count / group.count
            if ratio > self.options.max_ratio:
                reasons.append(f"{_times(ratio)} fewer than {shown(largest.name)} "
                               f"({largest.count:,}), over max-ratio {self.options.max_ratio:g}")
            if group.count / total < self.options.min_share:
                reasons.append(f"below min-share {self.options.min_share:g}")
            if reasons:
                rows = group.rows()
                yield Finding.at(
                    rows[0],
                    f"label {shown(group.name)} has {group.count:,} of {total:,} examples "
                    f"({_percent(group.count / total)}): {'; '.join(reasons)}",
                    related=tuple(rows[1:KEEP]),
                )

    def _missing(self) -> Iterator[Finding]:
        tally = self.tally
        if not tally.missing:
            return
        rows = tally.missing_rows
        where = repr(tally.field)
        if tally.missing == tally.rows:
            message = (f"none of the {tally.rows:,} examples has a label at {where}"
                       if tally.rows > 1 else f"the example has no label at {where}")
        else:
            shown_rows = listed(rows[:MAX_LISTED], rows[0].path)
            more = tally.missing - MAX_LISTED
            message = (f"{tally.missing:,} of {tally.rows:,} examples have no label at {where} "
                       f"({shown_rows}{f' and {more:,} more' if more > 0 else ''})")
        yield Finding.at(rows[0], message, related=tuple(rows[1:]))

    def _not_labels(self) -> Finding:
        tally = self.tally
        first = min(s.rows[0] for s in (tally.spellings or {}).values()) if tally.spellings else None
        counted = (f"{len(tally.groups()):,}" if tally.spellings is not None
                   else f"more than {MAX_SPELLINGS:,}")
        message = (f"the label field {tally.field!r} has {counted} distinct values, more than "
                   f"max-classes ({self.options.max_classes})")
        return Finding.at(first, message) if first else Finding("", message)

    def facts(self) -> list[DatasetFact]:
        tally = self.tally
        if not tally.classification():
            return []
        groups = tally.groups()
        total = tally.labelled
        shown_groups = groups[:SHOWN_CLASSES]
        parts = [f"{shown(g.name)} {g.count:,} ({_percent(g.count / total)})" for g in shown_groups]
        if len(groups) > SHOWN_CLASSES:
            parts.append(f"{len(groups) - SHOWN_CLASSES:,} more")
        source = source_name(tally.field)
        classes = f"{len(groups):,} class{'' if len(groups) == 1 else 'es'}"
        text = f"{classes} from {'the ' if not tally.field else ''}{source}: " + " · ".join(parts)
        if tally.field and tally.missing:
            text += f"; {tally.missing:,} example{'' if tally.missing == 1 else 's'} without one"
        data = {
            "source": source,
            "classes": len(groups),
            "examples": tally.rows,
            "labelled": total,
            "unlabelled": tally.missing,
            "distribution": {g.name: g.count for g in groups},
        }
        return [DatasetFact("labels", "labels", text, data)]


def _times(ratio: float) -> str:
    return f"{ratio:,.0f}x" if ratio >= 100 else f"{ratio:.3g}x"


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%" if share < 0.1 else f"{share * 100:.0f}%"
