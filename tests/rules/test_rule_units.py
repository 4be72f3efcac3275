"""What a case file cannot reach: provider limits no real profile has, sizes no case should hold.

The case files lint real input against the real provider profile (OpenAI, 512 MB per file), so
FT204's provider-limit path and its MiB/GiB wording are pinned here, on the rule itself.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any, cast

import pytest

from ftprep.checks.base import RunContext
from ftprep.checks.dataset import ft302_below_recommended_examples as ft302
from ftprep.checks.tokens import ft203_length_outlier as ft203
from ftprep.checks.tokens import ft204_dataset_too_large as ft204
from ftprep.config import Settings
from ftprep.lint.setup import run_context
from ftprep.model.diagnostics import Finding, Location
from ftprep.model.record import Record, RecordFormat, TokenFacts
from ftprep.model.sources import FileStats


def _record(**fields: Any) -> Record:
    """A stand-in record: dataset rules read only a few of its attributes."""
    return cast(Record, SimpleNamespace(**fields))


def _context(max_file_bytes: int | None) -> RunContext:
    context = run_context(Settings())
    provider = context.provider.model_copy(update={"max_file_bytes": max_file_bytes})
    return dataclasses.replace(context, provider=provider)


def _ft204(options: ft204.Options, max_file_bytes: int | None, size: int) -> list[str]:
    check = ft204.Check(options, _context(max_file_bytes))
    return [f.message for f in check.end_file(FileStats("data.jsonl", bytes=size))]


def test_ft204_names_the_provider_limit_when_max_bytes_is_not_set() -> None:
    assert _ft204(ft204.Options(), 100, 101) == [
        "file has 101 bytes, 1 byte over OpenAI's limit of 100 bytes"
    ]
    assert _ft204(ft204.Options(), 100, 100) == []


def test_ft204_max_bytes_overrides_the_provider_limit() -> None:
    assert _ft204(ft204.Options(max_bytes=200), 100, 150) == []
    assert _ft204(ft204.Options(max_bytes=50), 100, 60) == [
        "file has 60 bytes, 10 bytes over max-bytes of 50 bytes"
    ]


def test_ft204_a_provider_without_a_limit_checks_nothing() -> None:
    assert _ft204(ft204.Options(), None, 10**12) == []
    assert _ft204(ft204.Options(max_bytes=10), None, 11) == [
        "file has 11 bytes, 1 byte over max-bytes of 10 bytes"
    ]


@pytest.mark.parametrize(("count", "shown"), [
    (0, "0 bytes"),
    (1023, "1,023 bytes"),
    (1024, "1,024 bytes (1.0 KiB)"),
    (1536, "1,536 bytes (1.5 KiB)"),
    ((1 << 20) - 1, "1,048,575 bytes (1,024.0 KiB)"),
    (1 << 20, "1,048,576 bytes (1.0 MiB)"),
    (600 << 20, "629,145,600 bytes (600.0 MiB)"),
    ((1 << 30) - 1, "1,073,741,823 bytes (1,024.0 MiB)"),
    (1 << 30, "1,073,741,824 bytes (1.0 GiB)"),
    (3 << 29, "1,610,612,736 bytes (1.5 GiB)"),
])
def test_ft204_size_wording(count: int, shown: str) -> None:
    assert ft204._size(count) == shown


# FT203: the dataset's lengths, fed straight to the rule, so the thresholds and the bounded list
# of longest examples are pinned without case files of hundreds of records.

def _ft203(lengths: list[int], **options: Any) -> list[Finding]:
    check = ft203.Check(ft203.Options(**options), _context(None))
    for line, tokens in enumerate(lengths, 1):
        facts = TokenFacts(total=tokens)
        check.observe(_record(tokens=facts, location=Location("data.jsonl", line, 1)))
    return list(check.finish())


def _lines(finding: Finding) -> tuple[int, list[int]]:
    assert finding.location is not None
    return finding.location.line, [r.line for r in finding.related]


def test_ft203_a_length_exactly_at_the_threshold_is_not_an_outlier() -> None:
    # ten of 10 tokens: no spread, so the threshold is min-ratio x median = 40
    assert _ft203([10] * 10 + [40]) == []
    [finding] = _ft203([10] * 10 + [41])
    assert finding.message == "example has 41 tokens, 4x the median of 10 (outlier threshold 40)"
    [finding] = _ft203([10] * 10 + [40, 41, 40])
    assert finding.message == "example has 41 tokens, 4x the median of 10 (outlier threshold 40)"
    assert _lines(finding) == (12, [])


def test_ft203_one_token_is_a_length_zero_is_not() -> None:
    [finding] = _ft203([1] * 10 + [5])
    assert finding.message == "example has 5 tokens, 5x the median of 1 (outlier threshold 4)"
    assert _ft203([0] * 10 + [5]) == []  # one counted example: too few to judge


def test_ft203_related_lists_the_other_outliers_in_file_order() -> None:
    [finding] = _ft203([10] * 10 + [300, 500, 100, 200])
    assert finding.message == (
        "4 examples are far longer than the rest: the longest has 500 tokens, "
        "50x the median of 10 (outlier threshold 40)"
    )
    assert _lines(finding) == (12, [11, 13, 14])


def test_ft203_of_equal_outliers_the_first_is_reported() -> None:
    [finding] = _ft203([10] * 10 + [90, 90, 90])
    assert _lines(finding) == (11, [12, 13])


def test_ft203_keeps_the_longest_hundred_and_the_earliest_of_equals() -> None:
    # 149 outliers: 99 of 50 tokens and a 60 push out the first hundred examples (10 tokens);
    # the later 50s are not longer than the shortest kept, so the earliest ones stay.
    [finding] = _ft203([10] * 200 + [50] * 99 + [60] + [50] * 49)
    assert finding.message == (
        "149 examples are far longer than the rest: the longest has 60 tokens, "
        "6x the median of 10 (outlier threshold 40)"
    )
    assert _lines(finding) == (300, list(range(201, 300)))


def test_ft203_a_longer_example_pushes_out_the_shortest_kept() -> None:
    # the list is full of outliers, the 50 at line 201 the shortest: the 60 at 301 replaces it
    [finding] = _ft203([10] * 200 + [50] + [70] * 99 + [60])
    assert finding.message == (
        "101 examples are far longer than the rest: the longest has 70 tokens, "
        "7x the median of 10 (outlier threshold 40)"
    )
    assert _lines(finding) == (202, [*range(203, 301), 301])


def test_ft203_a_wide_spread_raises_the_threshold_above_min_ratio() -> None:
    # lengths 10..40 spread the logs: the fence (median x e^(z x sigma)) passes 4 x median
    lengths = {10: 3, 20: 3, 30: 3, 40: 3}
    assert ft203.cutoff(lengths, ft203.Options()) == (20, 163)  # 20 x e^(3.5 x 1.4826 x ln 1.5)
    assert ft203.cutoff(lengths, ft203.Options(z=0.5)) == (20, 80)  # the fence is 27: 4 x 20
    examples = [10, 20, 30, 40] * 3  # with one more example the median is 30
    assert _ft203([*examples, 245]) == []
    [finding] = _ft203([*examples, 246])
    assert finding.message == "example has 246 tokens, 8x the median of 30 (outlier threshold 245)"


@pytest.mark.parametrize(("pairs", "median"), [
    ([(5, 1)], 5),
    ([(1, 1), (2, 1)], 1),
    ([(1, 1), (2, 1), (3, 1)], 2),
    ([(1, 2), (2, 1)], 1),
    ([(1, 1), (2, 2)], 2),
    ([(1, 1), (2, 1), (3, 1), (4, 1)], 2),
])
def test_ft203_weighted_median_is_the_lower_median(pairs: list[tuple[int, int]], median: int) -> None:
    assert ft203._weighted_median(pairs) == median


def test_ft203_weighted_median_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="^no values$"):
        ft203._weighted_median([])


# FT301/FT302's shared count: what only another provider profile or a folder run would show.

def test_example_count_names_a_format_the_provider_does_not_train_on() -> None:
    context = _context(None)
    context = dataclasses.replace(
        context, provider=context.provider.model_copy(update={"formats": ("chat",)})
    )
    count = ft302.Check(None, context)
    for fmt in (RecordFormat.CHAT, RecordFormat.PREFERENCE, RecordFormat.PREFERENCE):
        count.observe(_record(format=fmt, errors=0))
    assert count.described() == "dataset has 1 usable example of 3 (2 preference)"


def test_example_count_shows_findings_at_the_first_file_read() -> None:
    count = ft302.Check(None, _context(None))
    for stats in (FileStats("a.csv", skipped="not a JSONL file (.csv)"), FileStats("b.jsonl"),
                  FileStats("c.jsonl")):
        assert list(count.end_file(stats)) == []
    assert count.first_path == "b.jsonl"


def test_ft302_a_provider_without_a_recommendation_says_nothing() -> None:
    context = _context(None)
    context = dataclasses.replace(
        context, provider=context.provider.model_copy(update={"recommended_examples": None})
    )
    check = ft302.Check(None, context)
    check.end_file(FileStats("data.jsonl"))
    for _ in range(20):
        check.observe(_record(format=RecordFormat.CHAT, errors=0))
    assert list(check.finish()) == []
