"""Decide which side of a train/validation split each example goes to; no I/O here.

Examples come in clusters (an exact or near-duplicate cluster, or a single example) and a
cluster always goes to one side whole. Clusters are visited in an order fixed by a 64-bit mix
of the seed and the cluster's content key (the smallest exact-text key of its members), so the
order depends on what the examples say, not on Python's `hash()`, numpy's random generators or
where a record sits in the file: the same input and seed give the same split on every machine,
and appending examples does not reshuffle the ones already there.

Stratified: each class (a normalised label; one class when unlabelled) gets
`round(fraction * size)` validation examples, at least 1 and at most size - 1. Visiting
clusters in order, a cluster goes to validation when it fits every class it holds. When
clusters too large to fit leave a class short of `fraction * size - 1`, a second visit takes
the clusters that bring it up without pushing another class over `fraction * size + 1`, and
then, as a last resort, clusters that still leave every class an example in training. With
singleton clusters each class lands exactly on its rounded target; what clusters prevent is
reported in `Plan.notes`, and a class that cannot be on both sides is refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ftprep.model.errors import FtprepError

_MASK = (1 << 64) - 1


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser over uint64 values: plain integer arithmetic, so the same on every
    platform and numpy version (array arithmetic wraps modulo 2**64 without warning)."""
    z = values.astype(np.uint64, copy=True)
    z ^= z >> np.uint64(30)
    z *= np.uint64(0xBF58476D1CE4E5B9)
    z ^= z >> np.uint64(27)
    z *= np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return z


def visit_order(cluster_keys: np.ndarray, seed: int) -> np.ndarray:
    """Cluster indices in the order the planner visits them: by mix(key ^ mix(seed)), then index."""
    salt = mix64(np.array([seed & _MASK], dtype=np.uint64))
    priority = mix64(cluster_keys.astype(np.uint64) ^ salt)
    return np.lexsort((np.arange(len(cluster_keys)), priority))


@dataclass(frozen=True)
class ClassSplit:
    """One class's examples on each side, and the validation count the fraction asked for."""

    name: str
    total: int
    validation: int
    target: float  # fraction * total

    @property
    def train(self) -> int:
        return self.total - self.validation


@dataclass(frozen=True)
class Plan:
    """The assignment: `validation[i]` is True when example i goes to validation."""

    validation: np.ndarray  # bool, one per example
    classes: list[ClassSplit]  # one per class; a single unnamed class when unlabelled
    clusters: int  # clusters of more than one example, each kept on one side
    clustered: int  # examples in those clusters
    notes: list[str]  # classes the clusters kept more than one example from their target


NO_LABEL = "(no label)"  # the stratum of examples without a label, when some have none


def _describe(name: str | None) -> str:
    return f"class {name!r}" if name is not None else "the data"


def plan_split(
    cluster_of: np.ndarray,
    cluster_keys: np.ndarray,
    fraction: float,
    seed: int,
    labels: np.ndarray | None = None,
    names: Sequence[str] | None = None,
) -> Plan:
    """Assign examples to sides; see the module docstring.

    `cluster_of[i]` is example i's cluster (0..k-1), `cluster_keys[k]` the cluster's content
    key; `labels[i]` is its class (0..len(names)-1), or None for unlabelled data. Examples
    labelled -1 have no label: they are stratified as one more stratum, `NO_LABEL`, which
    (unlike a class) may end up on one side only.
    """
    if not 0 < fraction < 1:
        raise FtprepError(f"validation fraction {fraction} is not between 0 and 1")
    n = len(cluster_of)
    if n < 2:
        raise FtprepError(
            f"the input has {n} example{'s' * (n != 1)}: a split needs at least 2",
            "a validation set needs examples of its own; add data or train without one",
        )
    k = len(cluster_keys)
    class_names: list[str | None] = [None]
    klass = np.zeros(n, np.int64)
    optional: set[int] = set()
    if labels is not None and names is not None:
        class_names = list(names)
        klass = labels.astype(np.int64)
        if (klass < 0).any():
            optional.add(len(class_names))
            klass[klass < 0] = len(class_names)
            class_names.append(NO_LABEL)
    m = len(class_names)
    totals = np.bincount(klass, minlength=m).tolist()
    sizes = np.bincount(cluster_of, minlength=k)

    # Each cluster's class counts: one class (most clusters), or a few kept in a dict.
    pair, pair_count = np.unique(cluster_of * m + klass, return_counts=True)
    pair_cluster, pair_class = pair // m, pair % m
    classes_in = np.bincount(pair_cluster, minlength=k)
    single = classes_in[pair_cluster] == 1
    pure = np.full(k, -1, dtype=np.int64)
    pure[pair_cluster[single]] = pair_class[single]
    mixed: dict[int, list[tuple[int, int]]] = {}
    for cl, c, count in zip(pair_cluster[~single].tolist(), pair_class[~single].tolist(),
                            pair_count[~single].tolist(), strict=True):
        mixed.setdefault(cl, []).append((c, count))
    spread = np.bincount(pair_class, minlength=m).tolist()
    for c in range(m):
        if c not in optional:
            _refuse_unsplittable(class_names[c], totals[c], spread[c])

    # Per class: the goal of pass 1, the band "within one example" of the target, the ceiling.
    need = [0 if c in optional else 1 for c in range(m)]
    target = [fraction * t for t in totals]
    goal = [min(max(math.floor(target[c] + 0.5), need[c]), totals[c] - need[c]) for c in range(m)]
    low = [max(need[c], math.ceil(target[c] - 1)) for c in range(m)]
    high = [min(totals[c] - need[c], math.floor(target[c] + 1)) for c in range(m)]
    top = [totals[c] - need[c] for c in range(m)]

    order = visit_order(cluster_keys, seed).tolist()
    pure_l, sizes_l = pure.tolist(), sizes.tolist()
    taken = [False] * k
    counts = [0] * m

    def members(cl: int) -> list[tuple[int, int]]:
        c = pure_l[cl]
        return [(c, sizes_l[cl])] if c >= 0 else mixed[cl]

    def fits(cl: int, limit: list[int]) -> bool:
        return all(counts[c] + count <= limit[c] for c, count in members(cl))

    def take(cl: int) -> None:
        taken[cl] = True
        for c, count in members(cl):
            counts[c] += count

    for cl in order:  # the common case: fill each class up to its goal
        c = pure_l[cl]
        if c >= 0:
            if counts[c] + sizes_l[cl] <= goal[c]:
                taken[cl] = True
                counts[c] += sizes_l[cl]
        elif fits(cl, goal):
            take(cl)
    for limit in (high, top):  # clusters left a class short: bring it up, within `limit`
        if all(counts[c] >= low[c] for c in range(m)):
            break
        for cl in order:
            if not taken[cl] and any(counts[c] < low[c] for c, _ in members(cl)) and fits(cl, limit):
                take(cl)

    for c in range(m):
        if counts[c] < need[c]:
            raise FtprepError(
                f"{_describe(class_names[c])} ({totals[c]:,} examples) cannot get a validation "
                "example: every cluster holding it would leave another class without a training "
                "example",
                "split with --no-stratify, or with --no-near-duplicates to keep only exact "
                "duplicates together",
            )
    validation = np.asarray(taken, dtype=bool)[cluster_of]
    shown = [name if name is not None else "" for name in class_names]
    result = [ClassSplit(shown[c], totals[c], counts[c], target[c]) for c in range(m)]
    notes = [
        f"{_describe(class_names[c])}: {counts[c]:,} of {totals[c]:,} in validation, target "
        f"{target[c]:,.1f}; clusters of duplicates kept whole allow no closer split"
        for c in range(m) if abs(counts[c] - target[c]) > 1
    ]
    multi = sizes > 1
    return Plan(validation, result, int(multi.sum()), int(sizes[multi].sum()), notes)


def _refuse_unsplittable(name: str | None, total: int, spread: int) -> None:
    """A class needs 2 examples, in 2 clusters, to be on both sides of a split."""
    if name is None and spread < 2:
        raise FtprepError(
            f"all {total:,} examples are duplicates or near-duplicates of one another (one "
            "cluster): they cannot be split without the same text on both sides",
            "deduplicate the data first (ftprep lint reports the cluster)",
        )
    if total < 2:
        raise FtprepError(
            f"class {name!r} has {total} example: it cannot be in both train and validation",
            "add examples of it, fix its label if it is a typo, or split with --no-stratify",
        )
    if spread < 2:
        raise FtprepError(
            f"class {name!r} has {total:,} examples, all duplicates or near-duplicates of one "
            "another (one cluster): it cannot be in both train and validation",
            "add distinct examples of it, or split with --no-stratify",
        )
