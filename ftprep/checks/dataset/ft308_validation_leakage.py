"""FT308 validation-leakage."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ftprep.checks.base import DatasetCheck, DatasetFact, RunContext
from ftprep.checks.dataset._duplicates import VIEW_NOUNS, empty_keys, first_with_key
from ftprep.checks.dataset._fingerprint import TRAIN, VALIDATION, Fingerprints, Needs
from ftprep.checks.dataset._near import (
    NearOptions,
    NearRows,
    Scores,
    plausible,
    score,
    similarity_range,
)
from ftprep.checks.dataset._rows import listed
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.views import View
from ftprep.registry import RuleSpec, Scope
from ftprep.similarity import MinHashParams, candidate_pairs

Options = NearOptions  # shared with FT304/FT308: both read one set of MinHash keys


SPEC = RuleSpec(
    code="FT308", name="validation-leakage", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="A validation example (`--validation`) is also in the training data, exactly or "
            "nearly.",
    why="The validation loss and accuracy a provider reports are meant to show how the model "
        "does on examples it has not trained on; a validation example it also trained on scores "
        "well by memory, so the metrics look better than the model is, and overfitting goes "
        "unseen. A warning, not an error: the job still runs, and some teams keep a known "
        "overlap on purpose. Exact copies are equal after NFC, case folding and collapsing "
        "whitespace (as FT303); near copies reach FT304's Jaccard `threshold` on word "
        "shingles, proposed by MinHash LSH and verified on the texts, read again by byte offset "
        "(a file given on stdin cannot be read again: its similarity is estimated from the "
        "MinHash bands, and the message says so). The diagnostic is at the validation "
        "example, with every matching training example related. Runs only with `--validation`.",
    bad="(train.jsonl and val.jsonl both hold the example `Hi` -> `Hello!`, or val.jsonl holds "
        "it as `hi` -> `Hello`)",
    good="(val.jsonl holds only examples that are not in train.jsonl, even with a word changed)",
    options=Options,
)


class Check(DatasetCheck):
    """Exact keys, band keys, groups and positions of every record, training and validation,
    as columns; nothing is done unless validation records were seen."""

    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options
        self.params = MinHashParams(ngram=options.ngram)  # LSH at its defaults, as FT304
        self.view = View(options.text)
        self.near = NearRows(self.view)
        self.pairs = np.zeros((0, 2), dtype=np.int64)  # (validation row, training row)
        self.scores: Scores | None = None
        self.copy_of: np.ndarray | None = None  # see `_matches`
        self.validation = 0
        self.exact = 0
        self.near_copies = 0
        self.estimated = 0

    def needs(self) -> Needs:
        return Needs(exact=frozenset({self.view}), near=(self.view, self.params))

    def observe_batch(self, prints: Fingerprints) -> None:
        self.near.add(prints)
        self.validation += int(np.count_nonzero(prints.groups == VALIDATION))

    def _matches(self) -> tuple[np.ndarray, np.ndarray]:
        """Training rows that are the first with their text, and validation rows with no exact
        copy in training (those LSH compares); sets `copy_of`: per validation row with an exact
        copy, the first training row with its text (-1 elsewhere)."""
        near = self.near
        near.merge()
        train = np.flatnonzero(near.groups == TRAIN)
        first = first_with_key(near.keys[train], empty_keys(near.view))
        reps = train[first == np.arange(len(train))]
        rep_keys = near.keys[reps]
        by_key = np.argsort(rep_keys, kind="stable")
        sorted_keys = rep_keys[by_key]
        texts = ~np.isin(near.keys, empty_keys(near.view))
        validation = np.flatnonzero((near.groups == VALIDATION) & texts)
        at = np.zeros(len(validation), dtype=np.int64)
        copied = np.zeros(len(validation), dtype=np.bool_)
        if len(reps):
            at = np.minimum(np.searchsorted(sorted_keys, near.keys[validation]), len(reps) - 1)
            copied = sorted_keys[at] == near.keys[validation]
        self.copy_of = np.full(len(near.keys), -1, dtype=np.int64)
        self.copy_of[validation[copied]] = reps[by_key[at[copied]]]
        return reps, validation[~copied]

    def revisit(self) -> Iterable[Location]:
        if not self.validation:  # no --validation: let go of the columns (FT304 has its own)
            self.near = NearRows(self.view)
            return ()
        if self.validation == self.near.rows.count:
            return ()
        reps, unmatched = self._matches()
        if not len(reps) or not len(unmatched):
            return ()
        rows = np.concatenate([reps, unmatched])
        found = candidate_pairs(self.near.bands[rows], self.near.groups[rows])
        if not len(found):
            return ()
        pairs = rows[found]
        # (validation row, training row), whichever way round the pair came
        flip = self.near.groups[pairs[:, 0]] == TRAIN
        pairs[flip] = pairs[flip][:, ::-1]
        pairs = np.unique(pairs, axis=0)
        self.pairs = pairs[plausible(pairs, self.near.bands, self.params, self.options.threshold)]
        return self.near.rows.locations(np.unique(self.pairs))

    def revisited(self, records: Mapping[tuple[str, int], dict[str, Any]]) -> None:
        self.scores = score(self.pairs, self.near, records, self.params)

    def finish(self) -> Iterator[Finding]:
        if not self.validation or self.validation == self.near.rows.count:
            return
        if self.copy_of is None:
            self._matches()
        assert self.copy_of is not None
        if self.scores is None:
            self.scores = score(self.pairs, self.near, {}, self.params)
        near = self.near
        members = _members_by_key(near)
        noun = VIEW_NOUNS[self.view]
        # exact copies
        findings: list[tuple[int, Finding]] = []
        for row in np.flatnonzero(self.copy_of >= 0).tolist():
            where = near.rows.location(row)
            copies = near.rows.locations(members(int(self.copy_of[row])))
            self.exact += 1
            findings.append((row, Finding.at(
                where, f"validation {noun} is also in the training data "
                       f"({listed(copies, where.path)})", related=copies,
            )))
        # near copies, verified (or estimated)
        similar = self.scores.similarity >= self.options.threshold
        pairs, values = self.pairs[similar], self.scores.similarity[similar]
        estimated = self.scores.estimated[similar]
        self.estimated = int(estimated.sum())
        if len(pairs):
            order = np.lexsort((pairs[:, 1], pairs[:, 0]))
            pairs, values, estimated = pairs[order], values[order], estimated[order]
            starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]])
            ends = np.r_[starts[1:], len(pairs)]
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                row = int(pairs[start, 0])
                where = near.rows.location(row)
                matched = np.concatenate([members(int(t)) for t in pairs[start:end, 1]])
                copies = near.rows.locations(np.sort(matched))
                self.near_copies += 1
                kind = f"{len(copies):,} training example{'' if len(copies) == 1 else 's'}"
                measured = similarity_range(values[start:end], bool(estimated[start:end].any()))
                findings.append((row, Finding.at(
                    where, f"validation {noun} is a near copy of {kind} "
                           f"({listed(copies, where.path)}; {measured})", related=copies,
                )))
        findings.sort(key=lambda item: item[0])
        for _row, finding in findings:
            yield finding

    def facts(self) -> list[DatasetFact]:
        if not self.validation:
            return []
        leaked = self.exact + self.near_copies
        of = f"{self.validation:,} validation example{'' if self.validation == 1 else 's'}"
        if leaked:
            text = (f"{leaked:,} of {of} in the training data ({self.exact:,} exact, "
                    f"{self.near_copies:,} near; FT308)")
        else:
            text = f"none of {of} in the training data"
        return [DatasetFact("leakage", "leakage", text, {
            "text": self.options.text, "threshold": self.options.threshold,
            "validation_examples": self.validation, "exact": self.exact,
            "near": self.near_copies, "estimated_pairs": self.estimated,
        })]


def _members_by_key(near: NearRows) -> Callable[[int], np.ndarray]:
    """A function: training representative row -> every training row with its key, ascending."""
    train = np.flatnonzero(near.groups == TRAIN)
    keys = near.keys[train]
    order = np.argsort(keys, kind="stable")
    sorted_keys, sorted_rows = keys[order], train[order]

    def members(rep: int) -> np.ndarray:
        key = near.keys[rep]
        lo = np.searchsorted(sorted_keys, key, side="left")
        hi = np.searchsorted(sorted_keys, key, side="right")
        return sorted_rows[lo:hi]

    return members
