"""FT203 length-outlier."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from typing import TypeVar

from pydantic import BaseModel, Field

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.record import Record
from ftprep.registry import RuleSpec, Scope

_T = TypeVar("_T", int, float)

# Outliers kept for `related`: the longest examples, so the state stays bounded.
MAX_RELATED = 100
# Scales a median absolute deviation to a normal distribution's standard deviation.
_MAD_TO_SIGMA = 1.4826


class Options(BaseModel, frozen=True, extra="forbid"):
    z: float = Field(
        default=3.5, gt=0,
        description="robust z-score of log-length above which an example is an outlier "
                    "(3.5: Iglewicz and Hoaglin's modified z-score cut-off)",
    )
    min_ratio: float = Field(
        default=4.0, ge=1,
        description="an outlier is also at least this many times the median length, so "
                    "datasets of near-identical lengths do not flag ordinary variation",
    )
    min_examples: int = Field(
        default=10, ge=3,
        description="judge only datasets with at least this many fully counted examples",
    )


SPEC = RuleSpec(
    code="FT203", name="length-outlier", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="Some examples are far longer than the rest of the dataset.",
    why="One pasted document, a runaway repetition or two conversations glued together can "
        "cost more than the rest of the file, get truncated, and teach the model a length "
        "nothing else in the data has. Split, shorten or drop the ones that are mistakes. The "
        "cut-off is robust (median and median absolute deviation of log token counts), so the "
        "outliers themselves cannot hide it. Only examples whose tokens were all counted take "
        "part (not those with images of unknown size or content that is neither text nor an "
        "image part): their totals are too low and would drag the median down.",
    bad="(100 examples of 40-80 tokens and one of 8,000 tokens: a reply repeated 1,000 times)",
    good="(100 examples between 40 and 900 tokens: ordinary variation, nothing far from the rest)",
    options=Options,
)


class Check(DatasetCheck):
    """Counts of each token length (bounded by the longest example, not by the record count)
    plus the longest examples' locations; the cut-off is computed once at the end."""

    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options
        self.lengths: dict[int, int] = {}
        self.longest: list[tuple[int, int, Location]] = []  # min-heap of (tokens, -seq, where)
        self.seen = 0

    def observe(self, record: Record) -> None:
        facts = record.tokens
        tokens = facts.total
        if tokens <= 0 or not facts.complete:
            return  # only real lengths: a total missing images or unreadable content is too low
        lengths = self.lengths
        lengths[tokens] = lengths.get(tokens, 0) + 1
        self.seen += 1
        longest = self.longest
        if len(longest) < MAX_RELATED:
            heapq.heappush(longest, (tokens, -self.seen, record.location))
        elif tokens > longest[0][0]:
            heapq.heapreplace(longest, (tokens, -self.seen, record.location))

    def finish(self) -> Iterator[Finding]:
        if self.seen < self.options.min_examples:
            return
        median, threshold = cutoff(self.lengths, self.options)
        outliers = sum(count for tokens, count in self.lengths.items() if tokens > threshold)
        if not outliers:
            return
        found = sorted((item for item in self.longest if item[0] > threshold), reverse=True)
        top, _seq, where = found[0]
        ratio = f"{top / median:,.0f}x the median of {median:,}"
        limit = f"outlier threshold {threshold:,}"
        if outliers == 1:
            message = f"example has {top:,} tokens, {ratio} ({limit})"
        else:
            message = (f"{outliers:,} examples are far longer than the rest: the longest has "
                       f"{top:,} tokens, {ratio} ({limit})")
        others = sorted(item[2] for item in found[1:])  # file order: path, line, column, offset
        yield Finding.at(where, message, related=tuple(others))


def cutoff(lengths: dict[int, int], options: Options) -> tuple[int, int]:
    """The median length and the largest length that is not an outlier.

    Lengths are compared on a log scale (token counts are skewed: ratios, not differences,
    describe them); the spread is the median absolute deviation, which outliers cannot inflate.
    """
    median = _weighted_median(sorted(lengths.items()))
    centre = math.log(median)
    deviations = sorted((abs(math.log(tokens) - centre), count) for tokens, count in lengths.items())
    spread = _MAD_TO_SIGMA * _weighted_median(deviations)
    fence = median * math.exp(options.z * spread)
    return median, math.floor(max(fence, options.min_ratio * median))


def _weighted_median(pairs: list[tuple[_T, int]]) -> _T:
    """The lower median of values given as sorted (value, count) pairs."""
    half = (sum(count for _value, count in pairs) + 1) // 2
    seen = 0
    for value, count in pairs:
        seen += count
        if seen >= half:
            return value
    raise ValueError("no values")
