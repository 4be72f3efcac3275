"""Connected components of verified pairs: each cluster of near duplicates, once."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from ftprep.similarity._arrays import distinct


def clusters(n: int, pairs: np.ndarray) -> list[list[int]]:
    """Components with two or more of the rows 0..n-1 linked by `pairs` (m, 2).

    Each component is sorted; the list is sorted by first member. Union-find done on arrays:
    every edge hooks the larger of its two roots under the smaller, then paths are halved
    until every row points at its root, repeated until no edge joins two roots.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(pairs):
        return []
    if pairs.min() < 0 or pairs.max() >= n:
        raise ValueError(f"pairs must index rows 0..{n - 1}")
    # Work on the rows that occur in pairs only, renumbered 0..k-1 (in order, so the smallest
    # row of a component is still its root): k is usually far below n.
    members = distinct(pairs)
    a, b = np.searchsorted(members, pairs[:, 0]), np.searchsorted(members, pairs[:, 1])
    parent = np.arange(len(members), dtype=np.int64)
    while True:
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        if not apart.any():
            break
        lo, hi = np.minimum(ra[apart], rb[apart]), np.maximum(ra[apart], rb[apart])
        np.minimum.at(parent, hi, lo)  # hi is a root: it now points lower
        while True:  # point every row at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    order = np.argsort(parent, kind="stable")  # members stay increasing within a component
    members, roots = members[order], parent[order]
    cuts = [0, *(np.flatnonzero(roots[1:] != roots[:-1]) + 1).tolist(), len(members)]
    rows = members.tolist()
    return [rows[lo:hi] for lo, hi in pairwise(cuts)]
