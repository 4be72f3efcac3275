"""Pairing removed with added examples: an edited example is one modification, not two changes.

Exact matches are taken by identity first (`old.py`); what is left on each side is paired by
similarity: MinHash band keys (the `similarity` package, 32 bands of 2 rows, so a pair at
Jaccard 0.5 is a candidate with probability 0.9999) propose candidates, and the exact Jaccard
of the two examples' word-shingle sets decides. Pairs at or above the threshold are taken
best first, each example at most once, so the result does not depend on file order.

Only changed examples are kept here, each as its shingle hashes (sorted, distinct) and band
keys: memory grows with the size of the change, never with the dataset.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import orjson

from ftprep.checks.dataset._fingerprint import label_of
from ftprep.model.record import Record, RecordFormat
from ftprep.model.views import View, turns, view_of
from ftprep.similarity import MinHashParams, band_keys
from ftprep.similarity._arrays import distinct
from ftprep.similarity.shingling import Words, shingle_hashes

PARAMS = MinHashParams(bands=32, rows=2)
BATCH = 1024  # texts shingled at once, then dropped
MAX_CANDIDATES = 32  # per removed example: those sharing the most bands
DEFAULT_THRESHOLD = 0.7


@dataclass(slots=True)
class Example:
    """A changed example: where it is and the facts the consequences need, no text."""

    path: str
    line: int
    offset: int
    tokens: int  # 0 for a record of no known format (the summary leaves those out too)
    billed: int
    counted: bool  # in the summary's token statistics
    usable: bool
    label: str | None
    bands: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    shingles: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))

    @property
    def key(self) -> tuple[str, int]:
        return self.path, self.offset


def example_text(data: dict[str, object]) -> str:
    """What is compared: every turn with its role; the record's JSON when it has no turns."""
    text = view_of(turns(data), View.EXAMPLE)
    return text if text.strip() else orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


class Collector:
    """The changed examples of one side, with shingles and band keys made a batch at a time."""

    def __init__(self, label_field: str | None, formats: tuple[str, ...] | frozenset[str]) -> None:
        self.label_field = label_field
        self.formats = formats
        self.examples: list[Example] = []
        self._texts: list[str] = []

    def add(self, record: Record) -> Example:
        tokens = record.tokens
        counted = record.format is not RecordFormat.UNKNOWN
        billed = 0
        if counted:
            over = tokens.limit is not None and tokens.total > tokens.limit
            billed = tokens.limit if over and tokens.limit is not None else tokens.total
        location = record.location
        label = label_of(record.data, self.label_field) if self.label_field is not None else None
        example = Example(
            location.path, location.line, location.offset, tokens.total if counted else 0, billed,
            counted, record.format.value in self.formats and not record.errors, label,
        )
        self.examples.append(example)
        self._texts.append(example_text(record.data))
        if len(self._texts) >= BATCH:
            self.finish()
        return example

    def finish(self) -> None:
        """Shingle the texts still waiting; call once the side is read."""
        texts, self._texts = self._texts, []
        if not texts:
            return
        keys = band_keys(texts, PARAMS)
        hashes, bounds = shingle_hashes(Words(texts), PARAMS.ngram)
        cuts = bounds.tolist()
        waiting = self.examples[len(self.examples) - len(texts):]
        for number, example in enumerate(waiting):
            example.bands = keys[number]
            example.shingles = distinct(hashes[cuts[number]:cuts[number + 1]])


def similarity(a: Example, b: Example) -> float:
    """Exact Jaccard of the two shingle sets (1.0 when neither has a word)."""
    common = int(np.intersect1d(a.shingles, b.shingles, assume_unique=True).size)
    union = a.shingles.size + b.shingles.size - common
    return common / union if union else 1.0


def pair(removed: list[Example], added: list[Example], threshold: float) -> list[tuple[int, int, float]]:
    """(removed index, added index, similarity) for the pairs taken, best first."""
    buckets: dict[tuple[int, int], list[int]] = {}
    for number, example in enumerate(added):
        for band, key in enumerate(example.bands.tolist()):
            buckets.setdefault((band, key), []).append(number)
    scored: list[tuple[float, int, int]] = []
    for i, old in enumerate(removed):
        shared: Counter[int] = Counter()
        for band, key in enumerate(old.bands.tolist()):
            shared.update(buckets.get((band, key), ()))
        for j, _bands in shared.most_common(MAX_CANDIDATES):
            score = similarity(old, added[j])
            if score >= threshold:
                scored.append((-score, i, j))
    scored.sort()
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    pairs = []
    for negative, i, j in scored:
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j, -negative))
    return pairs
