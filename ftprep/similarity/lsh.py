"""Candidate pairs from LSH band keys: rows that share a key in any band, found by sorting.

Per band, rows are sorted by key (a bucket is a run of equal keys) and pairs are read off the
runs with array operations, never a Python dict of buckets. A bucket of k <= BUCKET_CAP rows
gives its k(k-1)/2 pairs; a bigger one (a template or boilerplate shared by thousands of rows)
links each member to the bucket's first row only, k - 1 pairs, so a million copies of one text
cost a million pairs, not 5e11. Those members still end in one cluster, but the pairs among
them are not candidates: verification sees the star, not the clique. With `groups`, a big
bucket links each member to the first row of every other group in it instead.
"""

from __future__ import annotations

import numpy as np

from ftprep.similarity._arrays import distinct
from ftprep.similarity.minhash import EMPTY_KEY

BUCKET_CAP = 64  # buckets with more rows than this are linked as a star, not all pairs
_EMPTY = np.uint64(EMPTY_KEY)


def candidate_pairs(keys: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """int64 (m, 2) row pairs (i < j) sharing a key in at least one band; unique, sorted.

    `keys` is (n, bands) uint64 from `band_keys` (batches may be concatenated); rows whose key
    is EMPTY_KEY are in no bucket. With `groups` (n,) (e.g. 0 train, 1 validation), only pairs
    whose rows are in different groups are returned.
    """
    keys = np.asarray(keys, dtype=np.uint64)
    if keys.ndim != 2:
        raise ValueError(f"keys must be a (rows, bands) array, not shape {keys.shape}")
    n = keys.shape[0]
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape != (n,):
            raise ValueError(f"groups must have shape ({n},), not {groups.shape}")
    # each band's keys copied contiguous once (a column of (n, bands) strides 8 of 128 bytes)
    found = [_band_pairs(np.ascontiguousarray(keys[:, band]), groups)
             for band in range(keys.shape[1])]
    pairs = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    if not len(pairs):
        return np.zeros((0, 2), dtype=np.int64)
    codes = distinct(pairs)  # i * n + j, i < j: sorted by i, then j
    return np.stack([codes // n, codes % n], axis=1)


def _shared_buckets(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows in buckets of two or more, ordered by key then row, and their keys.

    Sorting (high key bits, row) packed into one uint64 is several times faster than an
    argsort of the keys, and rows whose high bits match no other row's (nearly all) drop out
    before any row's full key is looked at; the few left are sorted exactly by (key, row).
    """
    valid = column != _EMPTY
    rows = np.arange(len(column)) if valid.all() else np.flatnonzero(valid)
    n_bits = max(1, int(len(column) - 1).bit_length())
    low = np.uint64((1 << n_bits) - 1)
    packed = ((column if len(rows) == len(column) else column[rows]) & ~low) | rows.astype(np.uint64)
    packed.sort()
    high = packed & ~low
    same = high[1:] == high[:-1]
    shared = np.zeros(len(packed), dtype=bool)
    shared[1:] = same
    shared[:-1] |= same
    rows = (packed[shared] & low).astype(np.int64)
    key = column[rows]
    order = np.lexsort((rows, key))
    rows, key = rows[order], key[order]
    same = key[1:] == key[:-1]
    shared = np.zeros(len(key), dtype=bool)
    shared[1:] = same
    shared[:-1] |= same
    return rows[shared], key[shared]


def _band_pairs(column: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Pair codes i * n + j (i < j) of one band's buckets (see the module docstring)."""
    n = len(column)
    rows, key = _shared_buckets(column)
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    sizes = np.diff(np.append(starts, len(rows)))
    run = np.repeat(np.arange(len(starts)), sizes)  # each position's bucket
    parts = []
    # Small buckets: every pair, as (position p, position p + d) inside one bucket.
    small = sizes <= BUCKET_CAP
    if small.any():
        in_small = np.flatnonzero(small[run])
        members, bucket = rows[in_small], run[in_small]
        for d in range(1, int(sizes[small].max())):
            apart_d = bucket[d:] == bucket[:-d]  # positions d apart in one bucket
            parts.append((members[:-d][apart_d], members[d:][apart_d]))
    # Big buckets: each member with the first row of its bucket (of each other group).
    for big in np.flatnonzero(sizes > BUCKET_CAP).tolist():
        members = rows[starts[big]:starts[big] + sizes[big]]  # increasing
        if groups is None:
            parts.append((np.full(len(members) - 1, members[0]), members[1:]))
            continue
        member_groups = groups[members]
        _, first = np.unique(member_groups, return_index=True)  # first row of each group
        for hub in members[first].tolist():
            other = members[member_groups != groups[hub]]
            parts.append((np.full(len(other), hub), other))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    if groups is not None:
        cross = groups[a] != groups[b]
        a, b = a[cross], b[cross]
    codes: np.ndarray = np.minimum(a, b) * n + np.maximum(a, b)
    return codes
