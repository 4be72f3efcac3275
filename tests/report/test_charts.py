"""The SVG charts: bins that never mix examples within and over the limit, honest axes, and
text that cannot break out of the markup."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftprep.reporters.html.charts import (
    Bar,
    Bin,
    Segment,
    cut,
    hbars,
    histogram,
    nice_step,
    short_number,
    ticks,
    token_bins,
)


def _svg(markup: str) -> ET.Element:
    """Inline SVG parsed as XML: every chart must be well-formed on its own."""
    return ET.fromstring(markup)


@pytest.mark.parametrize(("span", "step"), [
    (10, 2), (9, 2), (11, 5), (100, 20), (101, 50), (7, 2), (1, 0.2), (0, 1), (1234, 500),
])
def test_nice_steps_are_one_two_or_five(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_ticks_start_at_zero_and_reach_the_top() -> None:
    assert ticks(26, 4) == [0, 10, 20, 30]
    assert ticks(30, 4) == [0, 10, 20, 30]
    assert ticks(1, 4) == [0, 0.5, 1.0]


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (950, "950"), (1000, "1k"), (1500, "1.5k"), (65536, "65.5k"), (3_000_000, "3M"),
    (0.5, "0.5"),
])
def test_short_numbers(value: float, text: str) -> None:
    assert short_number(value) == text


@pytest.mark.parametrize(("label", "shown"), [
    ("FT303 exact-duplicate", "FT303 exact-duplicate"),
    ("/a/very/long/path/to/some/dataset/folder/train.jsonl", "…o/some/dataset/folder/train.jsonl"),
    ("a label that goes on and on and on past the width", "a label that goes on and on and on…"[:33] + "…"),
    ("x" * 34, "x" * 34),
    ("x" * 35, "x" * 33 + "…"),
])
def test_long_labels_keep_the_part_that_names_them(label: str, shown: str) -> None:
    """A path keeps its file name; other text its start; 34 characters fit."""
    assert cut(label) == shown
    assert len(cut(label)) <= 34


def _check_bins(bins: list[Bin], values: list[int], limit: int | None) -> None:
    assert sum(b.count for b in bins) == len(values)
    assert all(b.low < b.high for b in bins)
    assert all(a.high == b.low for a, b in itertools.pairwise(bins))
    assert bins[0].low <= min(values) and bins[-1].high == max(values) + 1
    for b in bins:
        inside = [v for v in values if b.low <= v < b.high]
        assert len(inside) == b.count
        if limit is not None:  # never a bar that is part within, part over the limit
            assert b.high <= limit + 1 or b.low >= limit + 1


@given(st.lists(st.integers(0, 200_000), min_size=1, max_size=300),
       st.one_of(st.none(), st.integers(1, 250_000)))
def test_bins_count_every_value_once_and_split_at_the_limit(values: list[int], limit: int | None) -> None:
    _check_bins(token_bins(np.asarray(values, dtype=np.int64), limit), values, limit)


@pytest.mark.parametrize("limit", [99, 100, 101])
def test_the_example_at_the_limit_is_within_it_and_one_more_is_over(limit: int) -> None:
    values = [10, 50, 99, 100, 101, 150]
    bins = token_bins(np.asarray(values, dtype=np.int64), limit)
    svg = histogram(bins, limit, "tokens", f"limit {limit}")
    over = [int(m) for m in re.findall(r'class="bar over"[^>]*><title>[^<]*?: (\d+) example', svg)]
    assert sum(over) == sum(v > limit for v in values)
    within = [int(m) for m in re.findall(r'class="bar"[^>]*><title>[^<]*?: (\d+) example', svg)]
    assert sum(within) == sum(v <= limit for v in values)


def test_a_tight_distribution_is_not_drawn_from_zero() -> None:
    bins = token_bins(np.asarray([1000, 1010, 1020, 1100], dtype=np.int64), None)
    assert bins[0].low >= 900
    assert len(bins) > 5


def test_no_values_no_bins() -> None:
    assert token_bins(np.zeros(0, dtype=np.int64), 10) == []


def test_the_limit_line_is_drawn_when_near_and_left_out_when_far_off() -> None:
    bins = token_bins(np.asarray([10, 20, 30, 40], dtype=np.int64), 50)
    near = _svg(histogram(bins, 50, "tokens", "limit 50"))
    assert near.find("line[@class='limit']") is not None
    assert any(t.text == "limit 50" for t in near.iter("text"))
    bins = token_bins(np.asarray([10, 20, 30, 40], dtype=np.int64), 65_536)
    far = _svg(histogram(bins, 65_536, "tokens", "limit 65,536"))
    assert far.find("line[@class='limit']") is None
    # the axis is the data's, not stretched to a limit far away
    assert max(float(r.get("x", 0)) + float(r.get("width", 0)) for r in far.iter("rect")) <= 720


def test_bars_are_proportional_and_stacked() -> None:
    svg = _svg(hbars([
        Bar("FT001", (Segment(30, "bar-error", "30 errors"), Segment(10, "bar-warning", "10")), "40"),
        Bar("FT002", (Segment(20, "bar-info", "20 info"),), "20"),
    ], "Problems"))
    rects = list(svg.iter("rect"))
    assert [r.get("class") for r in rects] == ["bar-error", "bar-warning", "bar-info"]
    widths = [float(r.get("width", 0)) for r in rects]
    assert widths[0] == pytest.approx(3 * widths[1], rel=0.01)
    assert widths[2] == pytest.approx((widths[0] + widths[1]) / 2, rel=0.01)
    # the second segment starts where the first ends
    assert float(rects[1].get("x", 0)) == pytest.approx(float(rects[0].get("x", 0)) + widths[0], abs=0.1)
    assert [t.text for t in svg.iter("title")][:2] == ["FT001", "30 errors"]


def test_text_from_the_data_cannot_break_out_of_the_chart() -> None:
    hostile = '</svg><script>alert("x")</script>&'
    markup = hbars([Bar(hostile, (Segment(1, "bar", hostile),), hostile)], hostile)
    assert "<script>" not in markup
    svg = _svg(markup)  # still one well-formed element
    assert svg.get("aria-label") == hostile
    assert hostile in [t.text for t in svg.iter("title")]


def _rects(svg: ET.Element) -> list[dict[str, str]]:
    return [dict(r.attrib) | {"title": r.findtext("title") or ""} for r in svg.iter("rect")]


def test_one_token_wide_bins_put_the_example_at_the_limit_within_it() -> None:
    values = np.asarray([18, 19, 20, 20, 21, 22], dtype=np.int64)
    bins = token_bins(values, 20)
    assert [(b.low, b.high, b.count) for b in bins] == [
        (18, 19, 1), (19, 20, 1), (20, 21, 2), (21, 22, 1), (22, 23, 1)]
    rects = _rects(_svg(histogram(bins, 20, "tokens", "limit 20")))
    assert [(r["class"], r["title"]) for r in rects] == [
        ("bar", "18 tokens: 1 example"), ("bar", "19 tokens: 1 example"),
        ("bar", "20 tokens: 2 examples"), ("bar over", "21 tokens: 1 example over the limit"),
        ("bar over", "22 tokens: 1 example over the limit")]


def test_wide_bins_name_their_range_and_the_limit_line_is_at_the_first_bar_over_it() -> None:
    values = np.asarray(list(range(0, 400, 7)), dtype=np.int64)
    bins = token_bins(values, 199)
    svg = _svg(histogram(bins, 199, "tokens", "limit 199"))
    rects = _rects(svg)
    first_over = next(r for r in rects if r["class"] == "bar over")
    assert first_over["title"].startswith("200–")
    line = svg.find("line[@class='limit']")
    assert line is not None and float(line.get("x1", 0)) == pytest.approx(float(first_over["x"]), abs=0.1)
    # a bar's range is its integers, both ends included
    low, high = (int(x.replace(",", "")) for x in rects[0]["title"].split(" ")[0].split("–"))
    assert (low, high) == (bins[0].low, bins[0].high - 1)


def test_bars_stay_in_the_plot_and_their_heights_follow_the_counts() -> None:
    values = np.asarray([1000] * 8 + [1010] * 4 + [1020] * 2 + [1100], dtype=np.int64)
    svg = _svg(histogram(token_bins(values, None), None, "tokens", ""))
    rects = _rects(svg)
    assert all(56 <= float(r["x"]) and float(r["x"]) + float(r["width"]) <= 720 - 16 + 0.1
               for r in rects)
    heights = {int(r["title"].split(": ")[1].split(" ")[0]): float(r["height"]) for r in rects}
    assert heights[8] == pytest.approx(2 * heights[4]) == pytest.approx(4 * heights[2])
    assert heights[8] == pytest.approx(4 * heights[2]) and heights[1] == pytest.approx(heights[8] / 8)


@pytest.mark.parametrize(("limit", "drawn"), [(150, True), (151, False)])
def test_the_limit_is_drawn_up_to_half_again_past_the_data(limit: int, drawn: bool) -> None:
    """The axis stretches to a limit up to 1.5 times the data's end (here 100); further off,
    the caption says so instead of squashing every bar."""
    bins = token_bins(np.asarray([10, 99], dtype=np.int64), limit)
    assert bins[-1].high == 100
    svg = _svg(histogram(bins, limit, "tokens", f"limit {limit}"))
    assert (svg.find("line[@class='limit']") is not None) is drawn


def test_a_limit_just_under_the_end_leaves_no_sliver_but_keeps_every_value() -> None:
    values = [0, 50, 100]
    bins = token_bins(np.asarray(values, dtype=np.int64), 99)
    _check_bins(bins, values, 99)
    assert bins[-1].low == 100 and bins[-1].high == 101


@pytest.mark.parametrize(("value", "text"), [
    (1e9, "1G"), (2.5e9, "2.5G"), (999_999, "1M"), (999_499, "999k"), (1_000_000, "1M"), (1_234_567, "1.23M"),
    (2.5, "2.5"), (7, "7"),
])
def test_short_numbers_at_each_suffix(value: float, text: str) -> None:
    assert short_number(value) == text


def test_a_span_of_five_steps_by_one() -> None:
    assert nice_step(5) == 1.0


def test_a_label_with_spaces_and_a_slash_is_text_not_a_path() -> None:
    label = "a long label that names the data/labels file and more words"
    assert cut(label) == label[:33] + "…"


def _tailed(n: int = 300) -> np.ndarray:
    """n examples of 10-209 tokens, and two far longer ones."""
    return np.asarray([10 + i % 200 for i in range(n)] + [5_000, 90_000], dtype=np.int64)


def test_a_long_tail_is_one_bar_beyond_the_axis() -> None:
    values = _tailed()
    bins = token_bins(values, None)
    _check_bins(bins, values.tolist(), None)
    tail = [b for b in bins if b.tail]
    assert len(tail) == 1 and tail[0].high == 90_001 and tail[0].count >= 2
    assert max(b.high for b in bins if not b.tail) <= 300  # the axis is the body's
    svg = _svg(histogram(bins, None, "tokens", ""))
    rects = _rects(svg)
    assert rects[-1]["title"].endswith("(the long tail)")
    assert float(rects[-1]["x"]) > max(float(r["x"]) for r in rects[:-1])
    assert any((t.text or "").startswith("≥") for t in svg.iter("text"))


@pytest.mark.parametrize(("values", "tailed"), [
    (list(range(98)) + [10_000], False),  # 99 examples: every one on the axis
    (list(range(99)) + [10_000], True),  # 100: the longest is drawn apart
    (list(range(200)) + [390], False),  # the longest under twice the 99.5th percentile
    (list(range(200)) + [10_000], True),
])
def test_what_counts_as_a_long_tail(values: list[int], tailed: bool) -> None:
    bins = token_bins(np.asarray(values, dtype=np.int64), None)
    assert any(b.tail for b in bins) is tailed


def test_a_limit_inside_the_tail_splits_it_and_draws_the_line_there() -> None:
    values = _tailed()
    bins = token_bins(values, 65_536)
    _check_bins(bins, values.tolist(), 65_536)
    tail = [b for b in bins if b.tail]
    assert [(b.high, b.count) for b in tail][1] == (90_001, 1) and tail[1].low == 65_537
    svg = _svg(histogram(bins, 65_536, "tokens", "limit 65,536"))
    over = [r for r in _rects(svg) if r["class"] == "bar over"]
    assert len(over) == 1 and over[0]["title"] == (
        "65,537–90,000 tokens: 1 example over the limit (the long tail)")
    line = svg.find("line[@class='limit']")
    assert line is not None and float(line.get("x1", 0)) == pytest.approx(float(over[0]["x"]))


def test_a_bar_of_a_few_examples_among_thousands_is_still_seen() -> None:
    values = np.asarray([100] * 5000 + [200] * 3, dtype=np.int64)
    rects = _rects(_svg(histogram(token_bins(values, 150), 150, "tokens", "limit 150")))
    over = next(r for r in rects if r["class"] == "bar over")
    assert over["title"] == "200 tokens: 3 examples over the limit" and float(over["height"]) >= 2
