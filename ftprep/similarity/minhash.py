"""MinHash signatures and LSH band keys for a batch of texts, vectorised with numpy.

Each permutation is an affine map x -> a*x + b mod 2^32 (a odd: a bijection) of the high 32
bits of a shingle hash (already well mixed), as datasketch's default "affine32" scheme does; a
text's signature holds each permutation's minimum over its shingles. Permutations are applied
to blocks of shingles laid out (permutation, shingle), so every numpy call runs a long
contiguous loop, and minima are taken with `np.minimum.reduceat` over each text's span.
Each band's `rows` minima are packed two per uint64 and folded with splitmix64 into one key.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ftprep.similarity._hashing import S32, constants, mix64
from ftprep.similarity.shingling import Words, shingle_hashes

# The band key of a text with no words. No other text's key takes this value (a computed key
# equal to it is moved down by one), and `candidate_pairs` skips it, so empty texts are never
# near duplicates of anything (exact duplicates of "" are `exact_key`'s business).
EMPTY_KEY = (1 << 64) - 1
_EMPTY = np.uint64(EMPTY_KEY)
_TEXTS_PER_BATCH = 512  # texts whose bytes, words and shingles are in memory (and cache) at once
_SHINGLES_PER_BLOCK = 8192  # columns of the (permutation, shingle) uint32 block: 2 MB at 64


@dataclass(frozen=True)
class MinHashParams:
    """Shingling, LSH banding and the verification threshold; see the package docstring."""

    ngram: int = 5  # words per shingle (texts under 49 words use fewer, see shingling.py)
    bands: int = 16  # LSH bands: a pair is a candidate when all rows of any band agree
    rows: int = 4  # rows per band; bands * rows permutations
    seed: int = 1  # chooses the permutations (and so the keys), not the shingles
    threshold: float = 0.8  # verified Jaccard at or above which two texts are near duplicates

    def __post_init__(self) -> None:
        if not 1 <= self.ngram <= 16:
            raise ValueError(f"ngram must be 1..16, not {self.ngram}")
        if self.bands < 1 or self.rows < 1:
            raise ValueError(f"bands and rows must be positive, not {self.bands}, {self.rows}")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold}")

    @property
    def permutations(self) -> int:
        return self.bands * self.rows

    def candidate_probability(self, similarity: float) -> float:
        """Chance that two texts of this Jaccard similarity share a band key: 1-(1-s^r)^b."""
        return float(1.0 - (1.0 - similarity**self.rows) ** self.bands)


def band_keys(texts: Sequence[str], params: MinHashParams) -> np.ndarray:
    """uint64 array (len(texts), params.bands): each text's MinHash signature, one key per band.

    Texts are raw (near-normalised here). The same text and params give the same keys in any
    process, run or batch, so keys of several batches can be concatenated. A text with no
    words gets `EMPTY_KEY` in every band.
    """
    out = np.empty((len(texts), params.bands), dtype=np.uint64)

    def fill(start: int) -> None:
        batch = texts[start:start + _TEXTS_PER_BATCH]
        out[start:start + len(batch)] = _batch_keys(batch, params)

    starts = range(0, len(texts), _TEXTS_PER_BATCH)
    workers = min(threads(), len(starts))
    if workers <= 1:
        for start in starts:
            fill(start)
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="ftprep-minhash") as pool:
            for _ in pool.map(fill, starts):  # re-raises a batch's exception
                pass
    return out


def threads() -> int:
    """Threads for `band_keys`: $FTPREP_SIMILARITY_THREADS, else the usable cores, up to 4.

    numpy releases the GIL inside its array loops, where most of the time goes, so batches
    overlap on several cores; normalising each text in Python does not.
    """
    pinned = os.environ.get("FTPREP_SIMILARITY_THREADS", "")
    if pinned.isdigit() and int(pinned) > 0:
        return int(pinned)
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _batch_keys(texts: Sequence[str], params: MinHashParams) -> np.ndarray:
    hashes, bounds = shingle_hashes(Words(texts), params.ngram)
    sizes = np.diff(bounds)
    nonempty = sizes > 0
    keys = np.full((len(texts), params.bands), _EMPTY, dtype=np.uint64)
    if len(hashes):
        sig = _signatures((hashes >> S32).astype(np.uint32), bounds[:-1][nonempty], params)
        found = _fold_bands(sig, params)
        found[found == _EMPTY] = _EMPTY - np.uint64(1)
        keys[nonempty] = found
    return keys


def _permutations(params: MinHashParams) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) as (permutations, 1) uint32 columns, a odd."""
    values = constants(params.seed, 4, params.permutations)
    a = ((values & np.uint64(0xFFFFFFFF)) | np.uint64(1)).astype(np.uint32)
    b = (values >> S32).astype(np.uint32)
    return a[:, None], b[:, None]


def _signatures(x: np.ndarray, starts: np.ndarray, params: MinHashParams) -> np.ndarray:
    """(permutations, texts) minima of a*x + b over each text's shingles.

    `starts` (increasing) are where each text's shingles begin in `x`; a text runs to the next
    start. Shingles are taken in fixed blocks, so a long text spans blocks: minima are taken
    per segment (a text's part within one block), then per text over its segments.
    """
    a, b = _permutations(params)
    total = len(x)
    segments = np.union1d(starts, np.arange(0, total, _SHINGLES_PER_BLOCK))
    seg_min = np.empty((len(a), len(segments)), dtype=np.uint32)
    block = np.empty((len(a), min(total, _SHINGLES_PER_BLOCK)), dtype=np.uint32)
    bounds = np.searchsorted(segments, np.arange(0, total + _SHINGLES_PER_BLOCK,
                                                 _SHINGLES_PER_BLOCK))
    for i, lo in enumerate(range(0, total, _SHINGLES_PER_BLOCK)):
        hi = min(lo + _SHINGLES_PER_BLOCK, total)
        view = block[:, :hi - lo]
        np.multiply(a, x[None, lo:hi], out=view)
        view += b
        first, last = bounds[i], bounds[i + 1]
        seg_min[:, first:last] = np.minimum.reduceat(view, segments[first:last] - lo, axis=1)
    if len(segments) == len(starts):
        return seg_min
    return np.minimum.reduceat(seg_min, np.searchsorted(segments, starts), axis=1)


def _fold_bands(sig: np.ndarray, params: MinHashParams) -> np.ndarray:
    """(texts, bands) keys: each band's rows packed two per uint64 and folded with splitmix64."""
    rows = sig.reshape(params.bands, params.rows, -1).astype(np.uint64)
    keys = np.repeat(constants(params.seed, 5, params.bands)[:, None], rows.shape[2], axis=1)
    for r in range(0, params.rows, 2):
        packed = rows[:, r, :]
        if r + 1 < params.rows:
            packed = packed | (rows[:, r + 1, :] << S32)
        keys ^= packed
        mix64(keys)
    return np.ascontiguousarray(keys.T)
