"""`ftprep split`: the planner's guarantees as properties, the files it writes, its refusals."""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftprep.model.errors import FtprepError
from ftprep.split.labels import LabelTable, classification_like
from ftprep.split.plan import NO_LABEL, Plan, mix64, plan_split
from ftprep.split.run import SplitRequest, split_file
from tests.test_cli import run

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
    table = LabelTable()
    assert table.add(label) == 0 and list(table.ids) == [key]


@pytest.mark.parametrize(("classes", "labelled", "examples", "expected"), [
    (1, 100, 100, False), (2, 6, 6, True), (2, 5, 5, False), (3, 30, 30, True),
    (20, 60, 60, True), (21, 1000, 1000, False), (3, 95, 100, True), (3, 94, 100, False),
])
def test_classification_like(classes: int, labelled: int, examples: int, expected: bool) -> None:
    assert classification_like(classes, labelled, examples) is expected


# ---------------------------------------------------------------------------------------------
# Files: what the two passes read and write

WORDS = [f"word{i}" for i in range(500)]


def chat(user: str, answer: str, **extra: object) -> bytes:
    record = {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}
    return json.dumps({**record, **extra}).encode()


def sentence(rnd: random.Random, words: int = 100) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(words))


def near_copy(text: str, rnd: random.Random) -> str:
    """A small edit: case, punctuation and one word changed (Jaccard ~0.9 at 100 words).

    Not two word edits: that lands at ~0.82, where MinHash LSH misses a pair with probability
    ~0.2% (by design: FT304's `plausible` filter), and a missed pair may be split.
    """
    words = text.split()
    words[rnd.randrange(len(words))] = "changed"
    return " ".join(words).capitalize() + "!"


def write(path: Path, lines: list[bytes], end: bytes = b"\n") -> Path:
    path.write_bytes(b"".join(line + end for line in lines))
    return path


def split_lines(path: Path, *args: str) -> tuple[int, str, list[bytes], list[bytes]]:
    """Run `ftprep split` on `path`; (exit code, stderr, train lines, validation lines)."""
    train, held = path.with_name("out.train.jsonl"), path.with_name("out.val.jsonl")
    code, _out, err = run("split", str(path), "-o", str(train), "--validation-output", str(held), *args)
    if code:
        return code, err, [], []
    return code, err, train.read_bytes().splitlines(), held.read_bytes().splitlines()


@st.composite
def datasets(draw: st.DrawFn) -> tuple[list[bytes], list[int]]:
    """Chat lines with exact and near-duplicate copies; each line's family (copies share one)."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    families = draw(st.integers(2, 40))
    labels = draw(st.sampled_from([["yes", "no"], ["Positive", "Negative", "Neutral"], None]))
    lines: list[bytes] = []
    family: list[int] = []
    for f in range(families):
        text = sentence(rnd)
        label = rnd.choice(labels) if labels else sentence(rnd, 12)
        for copy in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
            kind = draw(st.sampled_from(["exact", "near"])) if copy else "exact"
            lines.append(chat(text if kind == "exact" else near_copy(text, rnd), label))
            family.append(f)
    order = draw(st.permutations(range(len(lines))))
    return [lines[i] for i in order], [family[i] for i in order]


@settings(max_examples=40, deadline=None)
@given(datasets(), fractions.filter(lambda f: 0.05 < f < 0.95), st.integers(0, 2**64 - 1))
def test_split_files_partition_the_input_keep_copies_together_and_repeat(
    data: tuple[list[bytes], list[int]], fraction: float, seed: int,
) -> None:
    lines, family = data
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "data.jsonl", lines)
        request = SplitRequest(str(path), Path(tmp) / "t.jsonl", Path(tmp) / "v.jsonl", fraction, seed)
        try:
            result = split_file(request)
        except FtprepError as error:
            assert "cannot be in both train and validation" in error.message or \
                "duplicates or near-duplicates of one another" in error.message
            return
        train = request.train.read_bytes()
        held = request.validation.read_bytes()
        split_file(request)
        assert request.train.read_bytes() == train and request.validation.read_bytes() == held
    side = {line: False for line in train.splitlines()} | {line: True for line in held.splitlines()}
    # every input line is on exactly one side, in input order, unchanged
    assert sorted(train.splitlines() + held.splitlines()) == sorted(lines)
    assert [line for line in lines if not side[line]] == train.splitlines()
    assert len(train.splitlines()) + len(held.splitlines()) == len(lines) == result.scan.examples
    assert train and held
    for f in set(family):  # copies, exact or near, never straddle the split
        assert len({side[line] for line, g in zip(lines, family, strict=True) if g == f}) == 1
    if result.label_source is not None:
        for c in result.plan.classes:
            assert abs(c.validation - fraction * c.total) <= 1 or result.plan.notes


# ---------------------------------------------------------------------------------------------
# The command: outputs, summary, refusals


def sentiment(n: int, rnd: random.Random, labels: tuple[str, ...] = ("Positive", "Negative", "Neutral")) -> list[bytes]:
    return [chat(f"Review {i}: {sentence(rnd, 20)}", labels[i % len(labels)]) for i in range(n)]


def test_a_classification_file_is_split_by_class_and_lines_are_copied_as_read(tmp_path: Path) -> None:
    lines = sentiment(300, random.Random(1))
    lines[5] = b'{"messages" :[ {"role":"user","content":"spacing kept"},{"role":"assistant","content":"Neutral"}]}'
    code, err, train, held = split_lines(write(tmp_path / "data.jsonl", lines), "--validation", "0.2")
    assert code == 0, err
    assert len(train) == 240 and len(held) == 60
    assert set(train) | set(held) == set(lines) and not set(train) & set(held)
    assert train == [line for line in lines if line in set(train)]  # input order kept
    assert "data.jsonl: 300 examples, seed 0" in err
    assert "classes     3, by the final answer" in err
    for name in ("Positive", "Negative", "Neutral"):
        assert f"    {name:<8}  20 of 100 (20.0)" in err
    assert Counter(json.loads(line)["messages"][1]["content"] for line in held) == \
        {"Positive": 20, "Negative": 20, "Neutral": 20}


def test_default_outputs_sit_beside_the_input_and_a_seed_repeats_its_split(tmp_path: Path) -> None:
    path = write(tmp_path / "data.jsonl", sentiment(100, random.Random(2)))
    outputs = tmp_path / "data.train.jsonl", tmp_path / "data.val.jsonl"
    assert run("split", str(path), "--seed", "7")[0] == 0
    first = [p.read_bytes() for p in outputs]
    assert run("split", str(path), "--seed", "7")[0] == 0
    assert [p.read_bytes() for p in outputs] == first
    assert run("split", str(path), "--seed", "8")[0] == 0
    assert [p.read_bytes() for p in outputs] != first


def test_label_variants_are_one_class(tmp_path: Path) -> None:
    rnd = random.Random(3)
    lines = sentiment(60, rnd, (" Positive", "positive.", "Positive", "Negative", "negative"))
    code, err, _train, held = split_lines(write(tmp_path / "d.jsonl", lines), "--validation", "0.5")
    assert code == 0, err
    assert "classes     2, by the final answer" in err
    assert "    Positive  18 of 36 (18.0), 3 spellings" in err
    assert "    Negative  12 of 24 (12.0), 2 spellings" in err
    assert len(held) == 30


def test_a_label_field_stratifies_and_must_be_on_every_example(tmp_path: Path) -> None:
    rnd = random.Random(4)
    lines = [chat(sentence(rnd, 30), sentence(rnd, 30), meta={"label": ["a", "b"][i % 2]})
             for i in range(40)]
    code, err, _train, held = split_lines(write(tmp_path / "d.jsonl", lines), "--label-field", "/meta/label")
    assert code == 0, err
    assert "classes     2, by /meta/label" in err
    assert Counter(json.loads(line)["meta"]["label"] for line in held) == {"a": 2, "b": 2}
    lines[7] = chat("no label here", "none")
    code, err, _train, _held = split_lines(write(tmp_path / "d.jsonl", lines), "--label-field", "/meta/label")
    assert code == 2
    assert ("error: label field /meta/label is missing (or not a string, number or boolean) in "
            "1 of 40 examples (line 8)") in err
    assert "hint: give every example a label, or split with --no-stratify" in err
    code, err, _train, _held = split_lines(tmp_path / "d.jsonl", "--label-field", "meta/label")
    assert code == 2 and "'meta/label' is not a JSON pointer (try /meta/label)" in err
    code, err, _train, _held = split_lines(tmp_path / "d.jsonl", "--label-field", "/meta/label",
                                           "--no-stratify")
    assert code == 2 and "--label-field stratifies by that field; --no-stratify says not to" in err


def test_free_text_answers_are_split_without_strata(tmp_path: Path) -> None:
    rnd = random.Random(5)
    lines = [chat(sentence(rnd, 30), sentence(rnd, 30)) for _ in range(50)]
    code, err, train, held = split_lines(write(tmp_path / "d.jsonl", lines))
    assert code == 0, err
    assert (len(train), len(held)) == (45, 5)
    assert "not stratified: 50 of 50 final answers are missing or longer than 64 characters" in err


def test_duplicates_stay_on_one_side(tmp_path: Path) -> None:
    rnd = random.Random(6)
    base = sentence(rnd, 100)
    copies = [chat(base, "a reply"), chat(base.upper(), "a reply"), chat(near_copy(base, rnd), "a reply")]
    lines = copies + [chat(sentence(rnd, 100), "a reply") for _ in range(30)]
    for seed in range(20):
        code, err, train, held = split_lines(write(tmp_path / "d.jsonl", lines), "--validation", "0.5",
                                             "--seed", str(seed))
        assert code == 0, err
        assert all(c in train for c in copies) or all(c in held for c in copies)
    assert ("clusters    1 cluster of 3 examples, each kept on one side (1 exact repeat; near "
            "duplicates: 1 verified pair)") in err


def test_lines_that_are_not_examples_are_counted_and_written_nowhere(tmp_path: Path) -> None:
    lines = sentiment(30, random.Random(7))
    lines[:0] = [b"\xef\xbb\xbf" + lines.pop(0)]  # a BOM, stripped
    lines[3:3] = [b"", b"[1, 2]", b"{not json", b"   "]
    code, err, train, held = split_lines(write(tmp_path / "d.jsonl", lines, b"\r\n"))
    assert code == 0, err
    assert len(train) + len(held) == 30
    assert "d.jsonl: 30 examples of 34 lines, seed 0" in err
    assert not any(line.startswith(b"\xef") or line.endswith(b"\r") for line in train + held)
    assert ("skipped     4 lines, in neither file: 2 blank (lines 4, 7), 1 not valid JSON (line 6), "
            "1 not a JSON object (line 5)") in err


def test_compressed_input_and_a_last_line_without_newline(tmp_path: Path) -> None:
    lines = sentiment(40, random.Random(8))
    path = tmp_path / "data.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines)))
    assert run("split", str(path))[0] == 0
    train = (tmp_path / "data.train.jsonl").read_bytes()
    held = (tmp_path / "data.val.jsonl").read_bytes()
    assert train.endswith(b"\n") and held.endswith(b"\n")
    assert sorted(train.splitlines() + held.splitlines()) == sorted(lines)


def test_a_10_mb_example_is_split_like_any_other(tmp_path: Path) -> None:
    rnd = random.Random(9)
    lines = [chat(sentence(rnd, 30), "ok") for _ in range(9)] + [chat("x " * 5_000_000, "ok")]
    code, err, train, held = split_lines(write(tmp_path / "d.jsonl", lines))
    assert code == 0, err
    assert sorted(train + held) == sorted(lines)


@pytest.mark.parametrize(("lines", "message"), [
    ([], "the file is empty; nothing to split"),
    ([b"", b"[1]"], "none of its 2 lines holds a JSON object; nothing to split"),
    ([b'{"messages": []}'], "the input has 1 example: a split needs at least 2"),
    ([chat("same", "text")] * 5, "all 5 examples are duplicates or near-duplicates of one another"),
    ([chat(f"q{i}", "yes") for i in range(9)] + [chat("q", "no")],
     "class 'no' has 1 example: it cannot be in both train and validation"),
])
def test_data_that_cannot_be_split_is_refused(tmp_path: Path, lines: list[bytes], message: str) -> None:
    path = write(tmp_path / "d.jsonl", lines)
    code, err, _train, _held = split_lines(path)
    assert code == 2
    assert err.startswith("ftprep: error: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "out.train.jsonl").exists() and not (tmp_path / "out.val.jsonl").exists()


@pytest.mark.parametrize("fraction", ["0", "1", "1.5", "-0.1", "ten"])
def test_a_fraction_out_of_range_is_a_usage_error(tmp_path: Path, fraction: str) -> None:
    path = write(tmp_path / "d.jsonl", sentiment(10, random.Random(10)))
    code, _out, err = run("split", str(path), "--validation", fraction)
    assert code == 2 and "Invalid value for '--validation'" in err


def test_inputs_that_cannot_be_read_twice_or_are_not_json_lines_are_refused(tmp_path: Path) -> None:
    assert "split cannot read stdin: it reads its input twice" in run("split", "-", stdin="{}\n")[2]
    assert f"{tmp_path}: is a directory" in run("split", str(tmp_path))[2]
    assert "nope.jsonl: no such file" in run("split", str(tmp_path / "nope.jsonl"))[2]
    array = tmp_path / "a.jsonl"
    array.write_text('[\n  {"messages": []},\n  {"messages": []}\n]\n')
    code, _out, err = run("split", str(array))
    assert code == 2 and "a.jsonl: the file is a JSON array, not JSON Lines" in err
    csv = tmp_path / "a.csv"
    csv.write_text("prompt,completion\nhi,there\n")
    assert "a.csv: is a CSV file, not JSON Lines" in run("split", str(csv))[2]
    data = write(tmp_path / "d.jsonl", sentiment(10, random.Random(11)))
    code, _out, err = run("split", str(data), "-o", str(data))
    assert code == 2 and "the training output" in err and "is the input file" in err
    assert data.read_bytes() == b"".join(line + b"\n" for line in sentiment(10, random.Random(11)))


def test_a_damaged_compressed_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl.gz"
    path.write_bytes(gzip.compress(b"\n".join(sentiment(200, random.Random(12))))[:-200])
    code, _out, err = run("split", str(path))
    assert code == 2 and "gzip data is truncated" in err and "nothing was written" in err
    assert not (tmp_path / "d.train.jsonl").exists()


def test_outputs_that_cannot_be_written_are_refused_without_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path / "d.jsonl", sentiment(20, random.Random(13)))
    code, _out, err = run("split", str(path), "-o", str(tmp_path / "missing" / "t.jsonl"))
    assert code == 2 and f"t.jsonl: cannot write (no such directory: {tmp_path / 'missing'})" in err
    code, _out, err = run("split", str(path), "--validation-output", "/proc/v.jsonl")
    assert code == 2 and "/proc/v.jsonl: cannot write (" in err and "Traceback" not in err
    assert not (tmp_path / "d.train.jsonl").exists()
