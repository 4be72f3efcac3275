"""Charts as inline SVG, computed here: no JavaScript, no CDN, a few kilobytes each.

A report is something people open from a CI artifact or an e-mail, often offline, sometimes
printed. SVG drawn in Python renders in any browser with scripts off, prints sharply, keeps the
file small (a chart library inlined would be 200 KB to 3 MB of JavaScript), and is deterministic:
the same input gives the same bytes. Hover text comes from SVG `<title>` elements, which every
browser shows natively. Colours are CSS classes so the page's light and dark themes apply.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

WIDTH = 720
ROW = 22  # height of one horizontal bar row
LABEL_CHARS = 34  # labels longer than this are cut (the full text stays in the hover title)


@dataclass(frozen=True)
class Segment:
    """One coloured part of a bar: its value, CSS class and hover text."""

    value: float
    css: str
    title: str


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart: a label, stacked segments and the text at its end."""

    label: str
    segments: tuple[Segment, ...]
    total_text: str


@dataclass(frozen=True)
class Bin:
    """`[low, high)` of a histogram and how many values fell in it."""

    low: int
    high: int
    count: int
    tail: bool = False  # the long tail, drawn as a bar of its own right of the axis


MIN_BAR = 2.0  # pixels: the height of a bar of a few examples next to thousands
TAIL_PERCENTILE = 99.5  # examples longer than this share, when far longer, are the tail
TAIL_MIN_VALUES = 100  # fewer examples than this: every one is drawn on the axis


def nice_step(span: float, target: int = 5) -> float:
    """A step of 1, 2 or 5 x 10^k that cuts `span` into about `target` parts."""
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns at factor 10


def ticks(top: float, target: int = 5, whole: bool = False) -> list[float]:
    """Axis ticks from 0 to at least `top`, on a nice step (a whole number for counts)."""
    step = nice_step(top, target)
    if whole:
        step = float(max(1, math.ceil(step)))
    count = max(1, math.ceil(top / step - 1e-9))
    return [step * i for i in range(count + 1)]


def short_number(value: float) -> str:
    """Tick labels: 950, 1.2k, 3M (rounded first, so 999,999 is 1M, not 1e+03k)."""
    value = float(f"{value:.3g}")
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}" if value != int(value) else f"{int(value)}"


def token_bins(values: np.ndarray, limit: int | None, target: int = 40) -> list[Bin]:
    """Integer bins over `values`, one edge at `limit + 1` so that every bin holds only
    examples within the limit or only examples over it (a bar is never half red).

    A long tail (the longest 0.5 % more than twice as long as the rest) would squash every
    other bar into one: the axis then ends at the 99.5th percentile and the tail is one bar
    beyond it (two, split at the limit, when the limit falls inside the tail)."""
    if values.size == 0:
        return []
    low_value, high_value = int(values.min()), int(values.max())
    top = high_value
    if values.size >= TAIL_MIN_VALUES:
        tail_from = int(np.percentile(values, TAIL_PERCENTILE, method="lower"))
        if high_value > 2 * max(tail_from, 1):
            top = tail_from
    start = 0 if low_value < top / 2 else low_value
    width = max(1, math.ceil(nice_step(top - start + 1, target)))
    start -= start % width
    end = top + 1  # exclusive: the last bin on the axis holds `top`
    edges = list(range(start, end, width)) + [end]
    if limit is not None and start < limit + 1 < end:
        cut = limit + 1
        edges = sorted({*edges, cut} - {e for e in edges if 0 < abs(e - cut) < width / 4})
        if edges[0] != start:
            edges.insert(0, start)
        if edges[-1] != end:
            edges.append(end)
    axis_bins = len(edges) - 1
    if top < high_value:
        if limit is not None and end < limit + 1 <= high_value:
            edges.append(limit + 1)
        edges.append(high_value + 1)
    counts, _ = np.histogram(values, bins=np.asarray(edges, dtype=np.float64) - 0.5)
    return [Bin(edges[i], edges[i + 1], int(counts[i]), i >= axis_bins)
            for i in range(len(counts))]


def histogram(bins: Sequence[Bin], limit: int | None, unit: str, limit_label: str) -> str:
    """Vertical bars of `bins`; bins above `limit` are drawn as over the limit, and a dashed
    line marks the limit when it falls within the drawn range."""
    left, right, top, bottom = 56, 16, 24, 40
    height = 260
    axis = [b for b in bins if not b.tail]
    tail = [b for b in bins if b.tail]
    tail_w, gap = 52, 14  # each tail bar (wide enough for its "≥65.5k"), the break before
    plot_w = WIDTH - left - right - (len(tail) * tail_w + gap if tail else 0)
    plot_h = height - top - bottom
    x_min = axis[0].low
    x_max = axis[-1].high
    show_limit = limit is not None and limit + 1 <= x_max * 1.5 + 1 and not (
        tail and limit + 1 > x_max)
    if show_limit and limit is not None:
        x_max = max(x_max, math.ceil((limit + 1) * 1.04))
    peak = max(b.count for b in bins) or 1
    y_ticks = ticks(peak, 4, whole=True)
    y_top = y_ticks[-1]

    def x(value: float) -> float:
        return left + (value - x_min) / max(1, x_max - x_min) * plot_w

    tail_x = {b.low: float(left + plot_w + gap + i * tail_w) for i, b in enumerate(tail)}

    def y(value: float) -> float:
        return top + plot_h - value / y_top * plot_h

    parts = [_svg_open(height, f"Histogram of {unit} per example")]
    for tick in y_ticks:
        parts.append(f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{short_number(tick)}</text>')
    for b in bins:
        if not b.count:
            continue
        over = limit is not None and b.low > limit
        x0, x1 = (tail_x[b.low], tail_x[b.low] + tail_w) if b.tail else (x(b.low), x(b.high))
        span = f"{b.low:,}" if b.high - b.low == 1 else f"{b.low:,}–{b.high - 1:,}"
        noun = "example" if b.count == 1 else "examples"
        title = (f"{span} {unit}: {b.count:,} {noun}{' over the limit' if over else ''}"
                 f"{' (the long tail)' if b.tail else ''}")
        tall = max(MIN_BAR, y(0) - y(b.count))  # 3 examples among 2,000 still show
        parts.append(
            f'<rect class="bar{" over" if over else ""}" x="{x0:.1f}" y="{y(0) - tall:.1f}" '
            f'width="{max(1.0, x1 - x0 - 1):.1f}" height="{tall:.1f}">'
            f"<title>{escape(title)}</title></rect>")
    step = max(1, math.ceil(nice_step(x_max - x_min, 6)))
    for value in range(-(-x_min // step) * step, x_max + 1, step):
        # an integer v is the slot [v, v + 1): its label goes in the middle
        parts.append(f'<text class="tick" x="{x(value + 0.5):.1f}" y="{top + plot_h + 16}" '
                     f'text-anchor="middle">{short_number(value)}</text>')
    for b in tail:  # below each tail bar: where it starts
        parts.append(f'<text class="tick" x="{tail_x[b.low] + tail_w / 2:.1f}" '
                     f'y="{top + plot_h + 16}" text-anchor="middle">'
                     f'≥{short_number(b.low)}</text>')
    parts.append(f'<line class="axis" x1="{left}" x2="{WIDTH - right}" y1="{y(0):.1f}" '
                 f'y2="{y(0):.1f}"/>')
    parts.append(f'<text class="axis-label" x="{left + plot_w / 2:.1f}" y="{height - 6}" '
                 f'text-anchor="middle">{escape(unit)} per example</text>')
    if limit is not None and len(tail) == 2:  # the limit splits the tail
        show_limit = True
        at = tail_x[tail[1].low]
    elif show_limit and limit is not None:
        at = x(limit + 1)
    if show_limit and limit is not None:
        parts.append(f'<line class="limit" x1="{at:.1f}" x2="{at:.1f}" y1="{top - 8}" '
                     f'y2="{y(0):.1f}"><title>{escape(limit_label)}</title></line>')
        anchor = "end" if at > left + plot_w * 0.8 else "start"
        shift = -4 if anchor == "end" else 4
        parts.append(f'<text class="limit-label" x="{at + shift:.1f}" y="{top - 10}" '
                     f'text-anchor="{anchor}">{escape(limit_label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def hbars(bars: Sequence[Bar], description: str) -> str:
    """Horizontal stacked bars, one row per `Bar`, longest first as given."""
    label_w, right, top = 250, 90, 8
    height = top + ROW * len(bars) + 8
    plot_w = WIDTH - label_w - right
    peak = max((sum(s.value for s in b.segments) for b in bars), default=0) or 1
    parts = [_svg_open(height, description)]
    for row, bar in enumerate(bars):
        y0 = top + row * ROW
        label = cut(bar.label)
        parts.append(f'<text class="label" x="{label_w - 8}" y="{y0 + 15}" text-anchor="end">'
                     f"<title>{escape(bar.label)}</title>{escape(label)}</text>")
        offset = 0.0
        for segment in bar.segments:
            if segment.value <= 0:
                continue
            w = segment.value / peak * plot_w
            parts.append(f'<rect class="{segment.css}" x="{label_w + offset:.1f}" y="{y0 + 3}" '
                         f'width="{max(w, 1.0):.1f}" height="{ROW - 6}">'
                         f"<title>{escape(segment.title)}</title></rect>")
            offset += w
        parts.append(f'<text class="value" x="{label_w + offset + 6:.1f}" y="{y0 + 15}">'
                     f"{escape(bar.total_text)}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def cut(label: str) -> str:
    """A label that fits: long paths keep their end (the file name), other text its start."""
    if len(label) <= LABEL_CHARS:
        return label
    if "/" in label and " " not in label:
        return "…" + label[-(LABEL_CHARS - 1):]
    return label[:LABEL_CHARS - 1] + "…"


def _svg_open(height: int, description: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-label="{escape(description)}">')
