"""Word n-gram shingles as 64-bit hashes, computed for a whole batch of texts at once.

A text is `near_normalize`d and cut into words at spaces (each CJK ideograph or kana is a word
of its own, see `normalization`). Each word is hashed from its bytes (8-byte little-endian
blocks folded with splitmix64; words over 64 bytes, rare, with blake2b), consecutive word
hashes are combined into shingle hashes, and nothing is a Python object per word: the batch is
one byte buffer and every step is a numpy array operation.

Shingle size: a text of W words uses n = min(ngram, max(1, (W + 1) // 10)) words per shingle.
One substituted word removes up to n of the W - n + 1 shingles and adds as many, so
Jaccard = (W + 1 - 2n) / (W + 1); n <= (W + 1) / 10 keeps that >= 0.8, the default threshold.
So with ngram=5, texts of 49 words or more use 5-grams, 39-48 words 4-grams, 29-38 3-grams,
19-28 2-grams, and shorter texts single words (as a set: order and repeats are ignored). An
8-word prompt with one word dropped stays at Jaccard 7/8; with one word substituted it falls to
7/9 = 0.78, below 0.8: no word-shingle set can do better, so that edit is found only from 9 words
(8/10). Case, punctuation and spacing edits never change the shingles. A dropped or added word
that moves a text across one of those lengths (19, 29, 39, 49 words) changes n and is missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b

import numpy as np

from ftprep.similarity._arrays import distinct
from ftprep.similarity._hashing import MASK64, constants, mix64
from ftprep.similarity.normalization import near_bytes

_SPACE = 32
_BLOCKS = 8  # words of up to 8 blocks (64 bytes) are hashed in numpy, longer ones with blake2b
# Fixed (not seeded): shingles do not depend on MinHashParams.seed, so `shingles` needs no seed.
_WORD = constants(0x5348, 1, 2)  # length multiplier, long-word personalisation
_GRAM = constants(0x5348, 2, 17)  # per-position multipliers (made odd below), n salt
_GRAM_MUL = _GRAM[:16] | np.uint64(1)
_PAIRS_PER_BLOCK = 2048  # pair_jaccard: pairs whose texts are shingled together
_LONG_KEY = int(_WORD[1]).to_bytes(8, "little")
_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def gram_sizes(words: np.ndarray, ngram: int) -> np.ndarray:
    """Words per shingle for texts of `words` words (see the module docstring)."""
    sizes: np.ndarray = np.minimum(ngram, np.maximum(1, (words + 1) // 10)).astype(np.int64)
    return sizes


class Words:
    """The words of a batch of texts: one hash per word, and where each text's words start."""

    def __init__(self, texts: Sequence[str]) -> None:
        parts = [near_bytes(t) for t in texts]
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        buf = b" ".join(parts) + b" " * 9  # one space after every text; 8 bytes of read-ahead
        text_starts = np.zeros(len(parts), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=text_starts[1:])
        size = len(buf) - 8
        nonspace = np.frombuffer(buf, dtype=np.uint8, count=size) != _SPACE
        edges = np.empty(size, dtype=bool)  # where a word starts or ends
        edges[0] = nonspace[0]
        np.not_equal(nonspace[1:], nonspace[:-1], out=edges[1:])
        at = np.flatnonzero(edges)
        starts, ends = at[0::2], at[1::2]  # the buffer ends in a space: every word ends
        self.hashes = _hash_words(buf, starts, ends)
        # first[t]: index of text t's first word; first[-1]: the word count
        self.first = np.searchsorted(starts, np.append(text_starts, size)).astype(np.int64)
        self.counts = np.diff(self.first)


def _hash_words(buf: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each word `buf[start:end]`.

    Folded with splitmix64: the length, the first 8 bytes (masked to the word), the whole
    8-byte blocks between, the last 8 bytes (which overlap the first in words of 9-15 bytes).
    """
    if not len(starts):
        return np.zeros(0, dtype=np.uint64)
    # Every byte offset read as a little-endian uint64: blocks are gathered, not copied.
    blocks = np.ndarray((len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
    lengths = ends - starts
    h: np.ndarray = lengths.astype(np.uint64) * _WORD[0]
    h ^= blocks[starts] & _LOW_BYTES[np.minimum(lengths, 8)]
    mix64(h)
    long = np.flatnonzero(lengths > 8)
    if not len(long):
        return h
    hl, sl, ll = h[long], starts[long], lengths[long]
    for k in range(1, _BLOCKS - 1):  # whole middle blocks of words over 16 bytes
        inner = np.flatnonzero(ll > 8 * (k + 1))
        if not len(inner):
            break
        hl[inner] = mix64(hl[inner] ^ blocks[sl[inner] + 8 * k])
    hl ^= blocks[ends[long] - 8]
    h[long] = mix64(hl)
    for i in np.flatnonzero(lengths > 8 * _BLOCKS).tolist():  # base64, URLs, long numbers
        digest = blake2b(buf[starts[i]:ends[i]], digest_size=8, key=_LONG_KEY).digest()
        h[i] = int.from_bytes(digest, "little")
    return h


def shingle_hashes(words: Words, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """Every text's shingle hashes, concatenated, and `bounds` (text t's are bounds[t]:bounds[t+1]).

    A text with no words has no shingles. Repeated shingles are kept (MinHash ignores them).
    """
    if not 1 <= ngram <= len(_GRAM_MUL):
        raise ValueError(f"ngram must be 1..{len(_GRAM_MUL)}, not {ngram}")
    counts = words.counts
    sizes = gram_sizes(counts, ngram)
    per_text = np.where(counts > 0, counts - sizes + 1, 0)
    bounds = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(per_text, out=bounds[1:])
    total, n_words = int(bounds[-1]), len(words.hashes)
    largest = int(sizes.max()) if len(sizes) else 1
    # acc[i] = sum of wh[i + k] * mul[k] for k < n: the hash of the n-gram starting at word i,
    # over the whole batch (n-grams that run into the next text are dropped below).
    wh = np.append(words.hashes, np.zeros(largest, dtype=np.uint64))
    acc = wh[:n_words] * _GRAM_MUL[0]
    term = np.empty_like(acc)
    salt = int(_GRAM[16])  # added n times: n-grams of different n are hashed apart
    smaller = set(distinct(sizes[counts > 0]).tolist()) - {largest}
    owner = np.repeat(sizes, counts) if smaller else None  # each word's text's n
    frozen = []  # words of texts with a smaller n: their sums after n terms
    for k in range(1, largest):
        if k in smaller:
            assert owner is not None
            take = owner == k
            frozen.append((take, acc[take] + np.uint64((k - largest) * salt & MASK64)))
        acc += np.multiply(wh[k:n_words + k], _GRAM_MUL[k], out=term)
    for take, values in frozen:
        acc[take] = values
    acc += np.uint64(largest * salt & MASK64)
    # keep the n-grams that start at a text's first W - n + 1 words
    keep = np.ones(n_words, dtype=bool)
    ends = words.first[1:]
    for k in range(1, largest):
        short_of = ends[sizes > k] - k  # the word k before each text's end starts no n-gram
        keep[short_of] = False
    hashes = acc[keep]
    assert len(hashes) == total
    return mix64(hashes), bounds


def shingles(text: str, ngram: int) -> frozenset[int]:
    """The set of shingle hashes of `near_normalize(text)`, as `band_keys` computes them."""
    hashes, _ = shingle_hashes(Words([text]), ngram)
    return frozenset(hashes.tolist())


def pair_jaccard(texts: Sequence[str], pairs: np.ndarray, ngram: int) -> np.ndarray:
    """float64 exact Jaccard of each row pair (i, j), equal to `jaccard(texts[i], texts[j], ngram)`.

    Pairs are taken a block at a time: the block's texts are shingled together, so memory
    stays bounded whatever the number of pairs; sets are sorted arrays, not Python sets.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.empty(len(pairs), dtype=np.float64)
    for lo in range(0, len(pairs), _PAIRS_PER_BLOCK):
        rows, inverse = np.unique(pairs[lo:lo + _PAIRS_PER_BLOCK], return_inverse=True)
        hashes, bounds = shingle_hashes(Words([texts[r] for r in rows.tolist()]), ngram)
        cuts = bounds.tolist()
        sets = [distinct(hashes[cuts[k]:cuts[k + 1]]) for k in range(len(rows))]
        scores = []
        for i, j in inverse.reshape(-1, 2).tolist():
            a, b = sets[i], sets[j]
            both = np.concatenate((a, b))
            both.sort()
            common = int(np.count_nonzero(both[1:] == both[:-1]))
            union = len(a) + len(b) - common
            scores.append(common / union if union else 1.0)
        out[lo:lo + len(scores)] = scores
    return out


def jaccard(a: str, b: str, ngram: int) -> float:
    """Exact Jaccard similarity of the two texts' shingle sets (1.0 for two texts with no words)."""
    sa, sb = shingles(a, ngram), shingles(b, ngram)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0

