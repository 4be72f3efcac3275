"""Which examples must stay on one side: exact duplicates, and verified near-duplicates.

Exact duplicates share a key. Near-duplicate candidates come from the MinHash band keys of one
representative per exact key (LSH); as for FT304, candidates sharing too few bands to be at the
threshold are dropped (`plausible`: a pair at 0.8 is lost with probability 0.0026), and the rest
are verified on the texts themselves, re-read by offset: only pairs whose shingle Jaccard
similarity reaches the threshold join a cluster, so a band collision never ties unrelated
examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ftprep.model.errors import FtprepError
from ftprep.model.views import View
from ftprep.readers.reread import reread
from ftprep.split.scan import Scan, record_text

if TYPE_CHECKING:
    from ftprep.similarity import MinHashParams


@dataclass(frozen=True)
class Groups:
    """`cluster_of[i]`: example i's cluster; `keys[k]`: cluster k's content key (its smallest)."""

    cluster_of: np.ndarray  # int64, one per example
    keys: np.ndarray  # uint64, one per cluster
    exact_duplicates: int  # examples that repeat an earlier one exactly
    near_pairs: int  # verified near-duplicate pairs (between different exact texts)


def group(scan: Scan, view: View, near: MinHashParams | None) -> Groups:
    """Cluster the scanned examples; see the module docstring."""
    keys, first, inverse = np.unique(scan.keys, return_index=True, return_inverse=True)
    count = len(keys)
    inverse = inverse.reshape(-1).astype(np.int64)
    exact_duplicates = scan.examples - count
    if near is None or scan.bands is None or count < 2:
        return Groups(inverse, keys, exact_duplicates, 0)
    pairs = _verified(scan, first, view, near)
    if not len(pairs):
        return Groups(inverse, keys, exact_duplicates, 0)
    from ftprep.similarity import clusters

    root = np.arange(count, dtype=np.int64)
    for members in clusters(count, pairs):
        root[members] = min(members)
    _, cluster_of_key = np.unique(root, return_inverse=True)
    cluster_of_key = cluster_of_key.reshape(-1)
    cluster_keys = np.full(int(cluster_of_key.max()) + 1, np.iinfo(np.uint64).max, dtype=np.uint64)
    np.minimum.at(cluster_keys, cluster_of_key, keys)
    return Groups(cluster_of_key[inverse], cluster_keys, exact_duplicates, len(pairs))


def _verified(scan: Scan, first: np.ndarray, view: View, near: MinHashParams) -> np.ndarray:
    """Candidate pairs of exact keys (indices into the unique keys) that really are similar."""
    from ftprep.checks.dataset._near import plausible
    from ftprep.similarity import candidate_pairs, pair_jaccard

    assert scan.bands is not None
    bands = scan.bands[first]
    candidates = candidate_pairs(bands)
    candidates = candidates[plausible(candidates, bands, near, near.threshold)]
    if not len(candidates):
        return np.zeros((0, 2), dtype=np.int64)
    wanted, slots = np.unique(candidates, return_inverse=True)
    offsets = scan.offsets[first[wanted]].tolist()
    found = {offset: record_text(data, view) for offset, data in reread(scan.path, set(offsets))}
    if len(found) < len(set(offsets)):  # pass 2 reports the change; nothing is written
        raise FtprepError(f"{scan.path}: the file changed while it was being split; nothing "
                          "was written", "split it again once nothing else writes to it")
    texts = [found[offset] for offset in offsets]
    similarity = pair_jaccard(texts, slots.reshape(-1, 2), near.ngram)
    verified: np.ndarray = candidates[similarity >= near.threshold]
    return verified
