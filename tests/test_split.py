"""`ftprep split`: the planner's guarantees as properties, the files it writes, its refusals."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftprep.model.errors import FtprepError
from ftprep.split.labels import classification_like, normalise_label
from ftprep.split.plan import NO_LABEL, Plan, mix64, plan_split

# ---------------------------------------------------------------------------------------------
# The planner, on clusters and labels alone


Data = tuple[np.ndarray, np.ndarray, "np.ndarray | None", int]


@st.composite
def clustered(draw: st.DrawFn, singletons: bool = False) -> Data:
    """(cluster_of, cluster keys, labels or None, class count) for 2..150 examples."""
    n = draw(st.integers(2, 150))
    if singletons:
        cluster_of = np.arange(n, dtype=np.int64)
    else:  # an example joins an earlier one's cluster now and then
        raw = draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n))
        cluster_of = np.unique(np.asarray(raw), return_inverse=True)[1].reshape(-1).astype(np.int64)
    k = int(cluster_of.max()) + 1
    keys = mix64(np.arange(k, dtype=np.uint64) + np.uint64(draw(st.integers(0, 2**32))))
    classes = draw(st.integers(0, 4))
    if not classes:
        return cluster_of, keys, None, 1
    lowest = draw(st.sampled_from([0, 0, -1]))  # -1: some examples have no label
    labels = np.asarray(draw(st.lists(st.integers(lowest, classes - 1), min_size=n, max_size=n)))
    return cluster_of, keys, labels.astype(np.int32), classes


fractions = st.floats(0.01, 0.99)
seeds = st.integers(0, 2**64 - 1)


def _names(classes: int) -> list[str]:
    return [f"c{i}" for i in range(classes)]


def _plan(data: Data, fraction: float, seed: int) -> Plan:
    cluster_of, keys, labels, classes = data
    return plan_split(cluster_of, keys, fraction, seed, labels,
                      _names(classes) if labels is not None else None)


def _per_class(labels: np.ndarray | None, n: int, classes: int) -> np.ndarray:
    """Each example's stratum as the plan numbers them: examples without a label come last."""
    if labels is None:
        return np.zeros(n, dtype=np.int32)
    return np.where(labels < 0, classes, labels)


@settings(max_examples=300, deadline=None)
@given(clustered(), fractions, seeds)
def test_clusters_never_straddle_and_every_class_is_on_both_sides(
    data: Data, fraction: float, seed: int
) -> None:
    cluster_of, _keys, labels, classes = data
    try:
        plan = _plan(data, fraction, seed)
    except FtprepError as error:  # only when some class cannot be on both sides
        klass = _per_class(labels, len(cluster_of), classes)
        spread = [len(np.unique(cluster_of[klass == c])) for c in range(classes)]
        assert min(spread) < 2 or "cannot get a validation example" in error.message
        return
    side = plan.validation
    for cluster in np.unique(cluster_of):
        assert len(np.unique(side[cluster_of == cluster])) == 1, "a cluster straddles the split"
    klass = _per_class(labels, len(cluster_of), classes)
    for c, result in enumerate(plan.classes):
        held = int(side[klass == c].sum())
        assert result.validation == held and result.total == int((klass == c).sum())
        if result.name != NO_LABEL:  # a class is on both sides; unlabelled examples may not be
            assert 0 < held < result.total
        named = repr(result.name) if labels is not None else "the data"
        assert abs(held - fraction * result.total) <= 1 or any(named in n for n in plan.notes)


@settings(max_examples=300, deadline=None)
@given(clustered(singletons=True), fractions, seeds)
def test_without_duplicates_each_class_is_within_one_example_of_its_share(
    data: Data, fraction: float, seed: int
) -> None:
    cluster_of, _keys, labels, classes = data
    klass = _per_class(labels, len(cluster_of), classes)
    totals = np.bincount(klass, minlength=classes + 1)
    if totals[:classes].min() < 2:
        with pytest.raises(FtprepError, match=r"has [01] example"):
            _plan(data, fraction, seed)
        return
    plan = _plan(data, fraction, seed)
    assert plan.notes == [] and plan.clusters == 0
    for c in range(classes + 1):
        held = int(plan.validation[klass == c].sum())
        assert abs(held - fraction * totals[c]) <= 1
        assert 0 < held < totals[c] or c == classes


@settings(max_examples=150, deadline=None)
@given(clustered(), fractions, seeds, st.randoms(use_true_random=False))
def test_the_plan_is_deterministic_and_ignores_record_order(
    data: Data, fraction: float, seed: int, rnd: random.Random
) -> None:
    cluster_of, keys, labels, classes = data
    try:
        first = _plan(data, fraction, seed)
    except FtprepError:
        return
    again = _plan(data, fraction, seed)
    assert np.array_equal(first.validation, again.validation)
    order = list(range(len(cluster_of)))
    rnd.shuffle(order)
    perm = np.asarray(order)
    moved = (cluster_of[perm], keys, labels[perm] if labels is not None else None, classes)
    assert np.array_equal(_plan(moved, fraction, seed).validation, first.validation[perm])


def test_another_seed_gives_another_split() -> None:
    n = 200
    cluster_of = np.arange(n, dtype=np.int64)
    keys = mix64(np.arange(n, dtype=np.uint64))
    sides = {tuple(plan_split(cluster_of, keys, 0.1, seed).validation.tolist()) for seed in range(5)}
    assert len(sides) == 5


def test_mix64_is_splitmix64s_finaliser() -> None:
    def reference(z: int) -> int:
        mask = (1 << 64) - 1
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return z ^ (z >> 31)

    values = [0, 1, 2**63, 2**64 - 1, 0x1234_5678_9ABC_DEF0]
    assert mix64(np.asarray(values, dtype=np.uint64)).tolist() == [reference(v) for v in values]


@pytest.mark.parametrize(("labels", "message"), [
    ([0, 0, 0, 1], "class 'c1' has 1 example: it cannot be in both train and validation"),
    ([0, 0, 1, 1], "class 'c1' has 2 examples, all duplicates or near-duplicates"),
])
def test_a_class_that_cannot_be_on_both_sides_is_refused(labels: list[int], message: str) -> None:
    cluster_of = np.asarray([0, 1, 2, 2])
    with pytest.raises(FtprepError, match=message):
        plan_split(cluster_of, mix64(np.arange(3, dtype=np.uint64)), 0.5, 0,
                   np.asarray(labels), _names(2))


def test_one_cluster_of_everything_is_refused() -> None:
    with pytest.raises(FtprepError, match="all 3 examples are duplicates or near-duplicates"):
        plan_split(np.zeros(3, dtype=np.int64), np.ones(1, dtype=np.uint64), 0.5, 0)


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_examples_are_refused(n: int) -> None:
    with pytest.raises(FtprepError, match=f"the input has {n} example"):
        plan_split(np.zeros(n, dtype=np.int64), np.ones(n, dtype=np.uint64), 0.5, 0)


def test_large_clusters_are_reported_when_they_keep_a_class_off_target() -> None:
    # 10 examples in two clusters of 5: a 10% validation share can only be 0 or 5 examples
    cluster_of = np.asarray([0] * 5 + [1] * 5)
    plan = plan_split(cluster_of, mix64(np.arange(2, dtype=np.uint64)), 0.1, 0)
    assert plan.validation.sum() == 5
    note = ("the data: 5 of 10 in validation, target 1.0; clusters of duplicates kept whole "
            "allow no closer split")
    assert plan.notes == [note]


# ---------------------------------------------------------------------------------------------
# Labels


@pytest.mark.parametrize(("label", "key"), [
    (" Positive", "positive"), ("positive.", "positive"), ("Positive", "positive"),
    ("POSITIVE!!", "positive"), ("Straße", "strasse"), ("?", "?"), ("  neutral ... ", "neutral"),
])
def test_label_variants_share_one_class(label: str, key: str) -> None:
    assert normalise_label(label) == key


@pytest.mark.parametrize(("classes", "records", "expected"), [
    (1, 100, False), (2, 6, True), (2, 5, False), (3, 30, True), (50, 150, True), (51, 1000, False),
])
def test_classification_like(classes: int, records: int, expected: bool) -> None:
    assert classification_like(classes, records) is expected
