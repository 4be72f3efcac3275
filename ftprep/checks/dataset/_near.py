"""What the near-duplicate rules (FT304 within training data, FT308 between training and
validation data) share: the columns they keep per record, and verifying candidate pairs.

MinHash LSH only proposes pairs; candidates sharing too few bands to be likely at the threshold
are dropped (`plausible`), and a pair is reported when the exact Jaccard similarity of the two
texts' word shingles reaches the threshold. The texts are read again by byte offset
(`DatasetCheck.revisit`) and compared with `ftprep.similarity.pair_jaccard`. Records that
cannot be read again (stdin, a pipe, a file changed since) get a similarity estimated from
their band keys instead, and the message says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from ftprep.checks.dataset._fingerprint import Fingerprints
from ftprep.checks.dataset._rows import Rows
from ftprep.model.views import View, view_text
from ftprep.similarity import MinHashParams, pair_jaccard

_DEFAULTS = MinHashParams()


class NearOptions(BaseModel, frozen=True, extra="forbid"):
    """The options FT304 and FT308 share: both read the same MinHash keys, so they must agree
    on the text and the shingles (the engine computes one set per record)."""

    text: Literal["example", "user", "assistant"] = Field(
        default="example",
        description="which text is compared: `example` (every turn with its role), `user` or "
                    "`assistant` (those turns only); FT304 and FT308 must compare the same text",
    )
    threshold: float = Field(
        default=_DEFAULTS.threshold, ge=0.5, le=1.0,
        description="Jaccard similarity of word shingles at or above which two examples are "
                    "near copies (0.8: one word changed in a 50-word text)",
    )
    ngram: int = Field(
        default=_DEFAULTS.ngram, ge=1, le=16,
        description="words per shingle (shorter texts use fewer); FT304 and FT308 must agree",
    )


class NearRows:
    """Exact keys, band keys, group and position of each record kept, as columns."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.rows = Rows()
        self._keys: list[np.ndarray] = []
        self._bands: list[np.ndarray] = []
        self._groups: list[np.ndarray] = []
        self.keys = np.zeros(0, dtype=np.uint64)
        self.bands = np.zeros((0, 0), dtype=np.uint64)
        self.groups = np.zeros(0, dtype=np.int8)

    def add(self, prints: Fingerprints, keep: np.ndarray | None = None) -> None:
        """Keep the batch's rows (those where `keep` is true)."""
        assert prints.bands is not None  # `needs()` asked for them
        keys, bands, groups = prints.exact[self.view], prints.bands, prints.groups
        if keep is None or keep.all():
            self.rows.add(prints.locations)
        else:
            keys, bands, groups = keys[keep], bands[keep], groups[keep]
            self.rows.add([prints.locations[i] for i in np.flatnonzero(keep)])
        self._keys.append(keys)
        self._bands.append(bands)
        self._groups.append(groups)

    def merge(self) -> None:
        """Join the batches' columns (once, before the first use)."""
        if self._keys:
            self.keys = np.concatenate([self.keys, *self._keys])
            self.groups = np.concatenate([self.groups, *self._groups])
            bands = [b for b in self._bands if len(b)]
            if bands:
                self.bands = np.concatenate(([self.bands] if len(self.bands) else []) + bands)
            self._keys, self._bands, self._groups = [], [], []


@dataclass
class Scores:
    """Similarity of each candidate pair, and which were estimated rather than verified."""

    similarity: np.ndarray  # float64 per pair
    estimated: np.ndarray  # bool per pair


def score(
    pairs: np.ndarray, near: NearRows, records: Mapping[tuple[str, int], dict[str, Any]],
    params: MinHashParams,
) -> Scores:
    """Score candidate `pairs` (rows of `near`): exact Jaccard where both records came back
    from `revisit`, estimated from band keys otherwise."""
    m = len(pairs)
    similarity = np.zeros(m, dtype=np.float64)
    estimated = np.zeros(m, dtype=np.bool_)
    if not m:
        return Scores(similarity, estimated)
    wanted = np.unique(pairs)
    slot = np.full(near.rows.count, -1, dtype=np.int64)  # row -> index into texts
    texts: list[str] = []
    for row in wanted.tolist():
        loc = near.rows.location(row)
        data = records.get((loc.path, loc.offset))
        if data is not None:
            slot[row] = len(texts)
            texts.append(view_text(data, near.view))
    a, b = slot[pairs[:, 0]], slot[pairs[:, 1]]
    known = (a >= 0) & (b >= 0)
    if known.any():
        similarity[known] = pair_jaccard(texts, np.stack([a[known], b[known]], axis=1),
                                         params.ngram)
    unknown = ~known
    if unknown.any():
        similarity[unknown] = estimated_similarity(
            near.bands, pairs[unknown, 0], pairs[unknown, 1], params.rows
        )
        estimated[unknown] = True
    return Scores(similarity, estimated)


def similarity_range(values: np.ndarray, estimated: bool) -> str:
    """`similarity 0.86-0.97`, `similarity 0.91`, or `estimated similarity 0.84`: rounded
    down, so a reported pair never shows more than it measured."""
    low, high = (float(np.floor(v * 100) / 100) for v in (values.min(), values.max()))
    shown = f"{low:.2f}" if low == high else f"{low:.2f}-{high:.2f}"
    return f"{'estimated ' if estimated else ''}similarity {shown}"


# A candidate whose bands agree so rarely that a pair at the threshold would do so less often
# than this is not read again: see `plausible`. On 200k generated chat examples (305k LSH
# candidates, 2,392 pairs at 0.8 or more) no candidate sharing fewer than 3 bands reached 0.8
# (the best: 0.795), and checking only those sharing 3 or more read 12k pairs instead of 305k.
MISS_AT_THRESHOLD = 0.02


def agreeing_bands(bands: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many LSH bands rows a[i] and b[i] share (taken in chunks: a gather of both rows'
    keys costs 256 bytes a pair)."""
    out = np.zeros(len(a), dtype=np.int64)
    for start in range(0, len(a), 1 << 16):
        part = slice(start, start + (1 << 16))
        out[part] = np.count_nonzero(bands[a[part]] == bands[b[part]], axis=1)
    return out


def min_agreeing(params: MinHashParams, threshold: float, miss: float = MISS_AT_THRESHOLD) -> int:
    """The fewest agreeing bands worth verifying: the largest k such that a pair of Jaccard
    similarity `threshold` shares fewer than k of the bands with probability at most `miss`
    (each band agrees with probability threshold^rows, independently).
    At the defaults (16 bands of 4 rows, 0.8) k = 3: a pair at exactly 0.8 shares fewer than 3
    bands with probability 0.015 (at 0.85, 0.0012; at 0.9, 0.00002), while most candidates
    share just one or two, so ~95% of them need no second read."""
    p = threshold**params.rows
    n = params.bands
    below = 0.0  # P(fewer than k bands agree)
    k = 0
    while k < n:
        below += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if below > miss:
            break
        k += 1
    return max(k, 1)


def plausible(
    pairs: np.ndarray, bands: np.ndarray, params: MinHashParams, threshold: float,
    miss: float = MISS_AT_THRESHOLD,
) -> np.ndarray:
    """Which candidate pairs share enough bands to be worth reading again (`min_agreeing`);
    a caller that must not lose a pair at the threshold (`split`) can pass a smaller `miss`."""
    need = min_agreeing(params, threshold, miss)
    if need <= 1 or not len(pairs):
        return np.ones(len(pairs), dtype=np.bool_)
    return agreeing_bands(bands, pairs[:, 0], pairs[:, 1]) >= need


def estimated_similarity(bands: np.ndarray, a: np.ndarray, b: np.ndarray, rows: int) -> np.ndarray:
    """Jaccard similarity estimated from the share of LSH bands two texts agree on: a band
    agrees with probability s^rows, so s ~ share^(1/rows). For records that cannot be read
    again (stdin, a pipe); rough (16 bands give a share to within ~0.1)."""
    share = agreeing_bands(bands, a, b) / bands.shape[1]
    return np.asarray(share ** (1.0 / rows), dtype=np.float64)
