"""ftprep.similarity: normalisation, exact keys, shingles, MinHash band keys, LSH pairs, clusters.

Thresholds are tested from both sides with texts whose shingle overlap is known by
construction: distinct words w0, w1, ... make every 5-gram distinct, so a window of the same
words shifted by s shares exactly M - s of its M shingles (Jaccard (M - s) / (M + s)).
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftprep.similarity import (
    BUCKET_CAP,
    EMPTY_KEY,
    MinHashParams,
    band_keys,
    candidate_pairs,
    clusters,
    exact_key,
    jaccard,
    minhash,
    near_normalize,
    normalize,
    pair_jaccard,
    shingles,
)
from ftprep.similarity import normalization as normalize_module

PARAMS = MinHashParams()


def words(start: int, count: int) -> str:
    return " ".join(f"w{i}" for i in range(start, start + count))


def near_duplicates(texts: list[str], params: MinHashParams = PARAMS) -> set[tuple[int, int]]:
    """The whole pipeline: candidates from band keys, kept at verified Jaccard >= threshold."""
    pairs = candidate_pairs(band_keys(texts, params))
    kept = pairs[pair_jaccard(texts, pairs, params.ngram) >= params.threshold]
    return {(int(i), int(j)) for i, j in kept}


def reference_jaccard(a: str, b: str, ngram: int) -> float:
    """Jaccard of word-tuple sets, the shingle-size rule spelt out (no hashing)."""
    def grams(text: str) -> set[tuple[str, ...]]:
        w = near_normalize(text).split()
        n = min(ngram, max(1, (len(w) + 1) // 10))
        return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)} if w else set()

    sa, sb = grams(a), grams(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


# ------------------------------------------------------------------------------------------------
# Normalisation and exact keys


@pytest.mark.parametrize(("text", "expected"), [
    ("  Hello\tWORLD \n", "hello world"),
    ("Hello, World!", "hello, world!"),  # exact duplicates keep punctuation
    ("Straße", "strasse"),  # casefold, not lower
    ("e\u0301te\u0301", "\u00e9t\u00e9"),  # NFC
    ("a\u00a0b\u3000c\u2028d", "a b c d"),  # Unicode whitespace
    ("", ""),
])
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Hello, world!", "hello world"),
    ("It's a well-known fact\u2026", "its a wellknown fact"),
    ("\u00abÇa va?\u00bb \u2014 oui", "ça va oui"),
    ("1 + 1 = 2 $ #tag @you", "1 + 1 = 2 $ tag you"),  # symbols stay, punctuation goes
    ("a , b", "a b"),
    ("\u4f60\u597d\uff0c\u4e16\u754c\uff01", "\u4f60 \u597d \u4e16 \u754c"),  # one word per ideograph
    ("!!! ...", ""),
])
def test_near_normalize(text: str, expected: str) -> None:
    assert near_normalize(text) == expected


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_agrees_with_unicode_path(text: str) -> None:
    assert normalize_module.near_bytes(text) == normalize_module._near_unicode(text).encode()


@given(st.text())
def test_near_normalize_is_idempotent_and_matches_shingle_words(text: str) -> None:
    near = near_normalize(text)
    assert near_normalize(near) == near
    assert near == unicodedata.normalize("NFC", near)
    assert normalize_module.near_bytes(text).decode("utf-8", "surrogatepass").split() == near.split()


def test_exact_key_is_stable() -> None:
    # A hard-coded value: a change of normalisation or hashing shows here, not in production.
    assert exact_key("Hello, World!") == 4870045032163135244
    assert exact_key("") == 16476032584258269876


def test_exact_key_ignores_case_and_spacing_not_punctuation() -> None:
    key = exact_key("Hello, World!")
    assert exact_key("  hello,\n\tWORLD!  ") == key
    assert exact_key("Hello World!") != key
    assert 0 <= key < 2**64


# ------------------------------------------------------------------------------------------------
# Shingles and Jaccard


def test_shingles_of_a_long_text_are_its_5_grams() -> None:
    assert len(shingles(words(0, 100), 5)) == 96
    assert shingles("Hello, WORLD " + words(0, 60), 5) == shingles("hello world " + words(0, 60), 5)


@pytest.mark.parametrize(("count", "n"), [
    (1, 1), (8, 1), (18, 1), (19, 2), (28, 2), (29, 3), (39, 4), (48, 4), (49, 5), (500, 5),
])
def test_shingle_size_grows_with_length(count: int, n: int) -> None:
    assert len(shingles(words(0, count), 5)) == count - n + 1


def test_words_of_every_length_hash_apart() -> None:
    # 1-8 bytes: one block; 9-16: first and last block; 17-64: middle blocks; over 64: blake2b
    for size in (1, 7, 8, 9, 15, 16, 17, 30, 63, 64, 65, 200):
        base = "x" * size
        for at in range(size):
            other = base[:at] + "y" + base[at + 1:]
            assert jaccard(base, other, 5) == 0.0, (size, at)
        assert jaccard(base, base + "x", 5) == 0.0
        assert jaccard(base, base, 5) == 1.0


def test_jaccard_of_empty_texts() -> None:
    assert shingles("", 5) == frozenset()
    assert jaccard("", "!!!", 5) == 1.0  # two texts without words are the same text
    assert jaccard("", "hello", 5) == 0.0


def test_pair_jaccard_agrees_with_jaccard() -> None:
    texts = [words(0, 100), words(5, 100), "", "", "short text here", words(0, 100) + " w7"]
    pairs = np.array([[0, 1], [2, 3], [0, 4], [0, 5], [1, 5], [3, 4]])
    expected = [jaccard(texts[i], texts[j], 5) for i, j in pairs]
    assert pair_jaccard(texts, pairs, 5).tolist() == expected
    assert pair_jaccard(texts, np.zeros((0, 2), dtype=np.int64), 5).shape == (0,)


word_lists = st.lists(st.sampled_from(["alpha", "beta", "Gamma,", "delta.", "ε", "\u4f60"]),
                      max_size=70).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(word_lists, word_lists)
def test_jaccard_properties(a: str, b: str) -> None:
    assert jaccard(a, a, 5) == 1.0
    assert jaccard(a, b, 5) == jaccard(b, a, 5)
    assert jaccard(a, b, 5) == reference_jaccard(a, b, 5)  # no hash collisions, same rule


# ------------------------------------------------------------------------------------------------
# Near duplicates through the whole pipeline, both sides of the threshold


def test_one_word_changed_in_100_words_is_a_verified_candidate() -> None:
    original = words(0, 100)
    edited = original.replace("w50", "changed")
    unrelated = words(1000, 100)
    assert jaccard(original, edited, 5) == pytest.approx(91 / 101)
    assert near_duplicates([original, unrelated, edited]) == {(0, 2)}


@pytest.mark.parametrize(("shift", "reported"), [(9, True), (10, True), (11, False), (20, False)])
def test_threshold_is_inclusive_and_sharp(shift: int, reported: bool) -> None:
    # 94 distinct words: 90 five-grams; shifted by s: (90 - s) / (90 + s) = .818, .800, .782
    a, b = words(0, 94), words(shift, 94)
    assert (jaccard(a, b, 5) >= 0.8) is reported
    assert (near_duplicates([a, b]) == {(0, 1)}) is reported


def test_small_edits_on_short_prompts() -> None:
    prompt = "how do I reverse a list in python"  # 8 words: word shingles
    assert near_duplicates([prompt, "How do I reverse a list in Python?"]) == {(0, 1)}
    assert near_duplicates([prompt, "how do I reverse list in python"]) == {(0, 1)}  # 7/8
    assert near_duplicates([prompt, "how do I sort a list in python"]) == set()  # 7/9 < 0.8
    nine = "how do I reverse a list in python quickly"
    assert near_duplicates([nine, "how do I sort a list in python quickly"]) == {(0, 1)}  # 8/10


def test_candidate_probability_of_the_defaults() -> None:
    # 16 bands of 4 rows: a pair at the threshold is proposed 9,998 times in 10,000
    assert PARAMS.candidate_probability(0.8) == pytest.approx(0.99978, abs=1e-5)
    assert PARAMS.candidate_probability(0.3) == pytest.approx(0.122, abs=1e-3)


def test_params_change_keys_not_shingles() -> None:
    text = [words(0, 60)]
    assert not np.array_equal(band_keys(text, PARAMS), band_keys(text, MinHashParams(seed=2)))
    assert band_keys(text, MinHashParams(bands=3, rows=5)).shape == (1, 3)


@pytest.mark.parametrize("kwargs", [
    {"ngram": 0}, {"bands": 0}, {"rows": 0}, {"threshold": 0.0}, {"threshold": 1.5},
])
def test_params_are_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        MinHashParams(**kwargs)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------
# Band keys


def test_band_keys_shape_and_dtype() -> None:
    keys = band_keys([words(0, 60), "a b c"], PARAMS)
    assert keys.shape == (2, PARAMS.bands) and keys.dtype == np.uint64
    assert band_keys([], PARAMS).shape == (0, PARAMS.bands)


def test_band_keys_are_stable() -> None:
    # Hard-coded like exact_key: stored keys of one version must match the next.
    assert band_keys(["Hello, world! " + words(0, 60)], PARAMS)[0, :2].tolist() == [
        7700584433254680628, 964108022133324775,
    ]


def test_band_keys_are_the_same_in_another_process() -> None:
    texts = [words(0, 80), "Hello, world!", "", "\u4f60\u597d\u4e16\u754c" * 5]
    code = (
        "import json, sys; from ftprep.similarity import band_keys, MinHashParams; "
        "print(json.dumps(band_keys(json.loads(sys.argv[1]), MinHashParams()).tolist()))"
    )
    out = subprocess.run([sys.executable, "-c", code, json.dumps(texts)], capture_output=True,
                         text=True, check=True, env={"PYTHONHASHSEED": "123"}).stdout
    assert json.loads(out) == band_keys(texts, PARAMS).tolist()


def test_band_keys_do_not_depend_on_batching(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [words(i, 20 + 7 * i) for i in range(12)] + ["", "one", words(0, 3000)]
    whole = band_keys(texts, PARAMS)
    assert np.array_equal(np.concatenate([band_keys(texts[:5], PARAMS),
                                          band_keys(texts[5:], PARAMS)]), whole)
    monkeypatch.setattr(minhash, "_TEXTS_PER_BATCH", 4)
    monkeypatch.setattr(minhash, "_SHINGLES_PER_BLOCK", 7)  # texts spread over many blocks
    for threads in ("1", "3"):
        monkeypatch.setenv("FTPREP_SIMILARITY_THREADS", threads)
        assert minhash.threads() == int(threads)
        assert np.array_equal(band_keys(texts, PARAMS), whole)


def test_empty_texts_get_the_sentinel_and_no_pairs() -> None:
    keys = band_keys(["", "  ", "!!!", words(0, 60)], PARAMS)
    assert (keys[:3] == EMPTY_KEY).all()
    assert (keys[3] != EMPTY_KEY).all()
    assert candidate_pairs(keys).shape == (0, 2)


# ------------------------------------------------------------------------------------------------
# Candidate pairs


def keys_of(*columns: list[int]) -> np.ndarray:
    return np.array(columns, dtype=np.uint64).T


def test_candidate_pairs_unique_sorted_over_bands() -> None:
    keys = keys_of([1, 1, 4, 5, 1], [2, 3, 2, 5, 7])
    pairs = candidate_pairs(keys)
    assert pairs.dtype == np.int64
    assert pairs.tolist() == [[0, 1], [0, 2], [0, 4], [1, 4]]


def test_candidate_pairs_with_groups_are_cross_group_only() -> None:
    keys = keys_of([1, 1, 4, 5, 1], [2, 3, 2, 5, 7])
    groups = np.array([0, 1, 1, 0, 0], dtype=np.int8)
    assert candidate_pairs(keys, groups).tolist() == [[0, 1], [0, 2], [1, 4]]
    assert candidate_pairs(keys, np.zeros(5, dtype=np.int8)).shape == (0, 2)


def test_candidate_pairs_ignore_the_empty_key() -> None:
    keys = keys_of([EMPTY_KEY, EMPTY_KEY, 3, 3])
    assert candidate_pairs(keys).tolist() == [[2, 3]]


def test_candidate_pairs_split_keys_that_share_their_high_bits() -> None:
    # rows 0..3 use the low 2 bits of the packed sort: keys 4 and 5 agree above them
    keys = keys_of([4, 5, 4, 5])
    assert candidate_pairs(keys).tolist() == [[0, 2], [1, 3]]


def test_bucket_at_the_cap_gives_all_pairs() -> None:
    keys = np.zeros((BUCKET_CAP, 1), dtype=np.uint64)
    assert len(candidate_pairs(keys)) == BUCKET_CAP * (BUCKET_CAP - 1) // 2


def test_bucket_over_the_cap_is_a_star_on_its_first_row() -> None:
    keys = np.zeros((BUCKET_CAP + 2, 1), dtype=np.uint64)
    keys[0] = 9  # row 0 elsewhere: the bucket is rows 1..BUCKET_CAP + 1, its first row 1
    pairs = candidate_pairs(keys)
    assert pairs.tolist() == [[1, j] for j in range(2, BUCKET_CAP + 2)]
    assert clusters(BUCKET_CAP + 2, pairs) == [list(range(1, BUCKET_CAP + 2))]


def test_big_bucket_with_groups_links_every_member_across() -> None:
    n = 3 * BUCKET_CAP
    keys = np.zeros((n, 1), dtype=np.uint64)
    groups = np.zeros(n, dtype=np.int8)
    groups[[5, 70, 71]] = 1
    pairs = candidate_pairs(keys, groups)
    assert all(groups[i] != groups[j] for i, j in pairs)
    # each validation row is paired with the first train row, each train row with row 5
    assert {(0, 5), (0, 70), (0, 71)} <= {tuple(p) for p in pairs.tolist()}
    assert len(pairs) == (n - 3) + 3 - 1  # the (0, 5) link is made from both sides
    assert clusters(n, pairs) == [list(range(n))]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3), max_size=40),
       st.lists(st.integers(0, 1), min_size=40, max_size=40))
def test_every_candidate_pair_shares_a_band_key(rows: list[list[int]], group: list[int]) -> None:
    keys = np.array(rows, dtype=np.uint64).reshape(-1, 3)
    pairs = candidate_pairs(keys)
    share = {(i, j) for i in range(len(rows)) for j in range(i + 1, len(rows))
             if any(a == b for a, b in zip(rows[i], rows[j]))}
    assert {tuple(p) for p in pairs.tolist()} == share  # all of them, when buckets are small
    assert pairs.tolist() == sorted(pairs.tolist())
    groups = np.array(group[:len(rows)], dtype=np.int8)
    cross = {(i, j) for i, j in share if groups[i] != groups[j]}
    assert {tuple(p) for p in candidate_pairs(keys, groups).tolist()} == cross


@settings(max_examples=50, deadline=None)
@given(st.lists(word_lists, min_size=2, max_size=12))
def test_candidates_from_texts_share_a_band_key(texts: list[str]) -> None:
    keys = band_keys(texts, PARAMS)
    for i, j in candidate_pairs(keys).tolist():
        assert (keys[i] == keys[j]).any()


# ------------------------------------------------------------------------------------------------
# Clusters


def test_clusters_are_components_sorted() -> None:
    pairs = np.array([[5, 6], [1, 2], [6, 9], [2, 3], [0, 9]])
    assert clusters(10, pairs) == [[0, 5, 6, 9], [1, 2, 3]]
    assert clusters(10, np.zeros((0, 2), dtype=np.int64)) == []
    assert clusters(4, np.array([[3, 2]])) == [[2, 3]]


def test_clusters_merge_long_chains() -> None:
    n = 1000
    pairs = np.stack([np.arange(1, n), np.arange(n - 1)], axis=1)[::-1]  # n-1 - n-2, ..., 1 - 0
    assert clusters(n, pairs) == [list(range(n))]


def test_clusters_reject_rows_out_of_range() -> None:
    with pytest.raises(ValueError):
        clusters(3, np.array([[0, 3]]))
