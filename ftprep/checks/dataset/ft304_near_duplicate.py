"""FT304 near-duplicate."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from ftprep.checks.base import DatasetCheck, DatasetFact, RunContext
from ftprep.checks.dataset._duplicates import VIEW_NOUNS, empty_keys, first_with_key
from ftprep.checks.dataset._fingerprint import TRAIN, Fingerprints, Needs
from ftprep.checks.dataset._near import (
    NearOptions,
    NearRows,
    Scores,
    plausible,
    score,
    similarity_range,
)
from ftprep.checks.dataset._rows import listed
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Location, Severity
from ftprep.model.views import View
from ftprep.registry import RuleSpec, Scope
from ftprep.similarity import MinHashParams, candidate_pairs, clusters

Options = NearOptions  # shared with FT304/FT308: both read one set of MinHash keys


SPEC = RuleSpec(
    code="FT304", name="near-duplicate", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="Examples differ only by a few words, punctuation, case or spacing.",
    why="Near-copies (a template filled twice, an answer regenerated with one word changed, an "
        "example edited and appended again) weigh their content above the rest of the data, as "
        "exact copies do, while looking different to a reader. Texts are compared as sets of "
        "word shingles (5 words; fewer in texts under 49 words) after NFC, case folding and "
        "removing punctuation; a pair is reported when their Jaccard similarity reaches "
        "`threshold` (default 0.8, as in Lee et al. 2022: one word changed in a 50-word text). "
        "Candidates come from MinHash LSH (16 bands of 4 rows); those sharing too few bands to "
        "be likely at the threshold are dropped (at 0.8, fewer than 3: a pair at exactly 0.8 is "
        "still found with probability 0.985, at 0.85 0.999), and every other candidate is "
        "verified on the texts, read again by byte offset, so what is reported really is that "
        "similar. "
        "Similar pairs are grouped (a chain of pairs is one group); one diagnostic per group, at "
        "its first example (the one `ftprep fix --unsafe-fixes` keeps), the others related, "
        "with the range of similarities measured. Exact copies are FT303's and count once here. "
        "Input that cannot be read twice (stdin, a pipe) cannot be verified: its pairs are "
        "judged by a similarity estimated from the MinHash bands (within about 0.1), and the "
        "message says 'estimated'.",
    bad='{"messages": [{"role": "user", "content": "Summarise the meeting notes about the Q3 '
        'budget review and list the action items."}, {"role": "assistant", "content": "..."}]}\n'
        '{"messages": [{"role": "user", "content": "Summarise the meeting notes about the Q3 '
        'budget review and list all action items!"}, {"role": "assistant", "content": "..."}]}',
    good='{"messages": [{"role": "user", "content": "Summarise the meeting notes about the Q3 '
         'budget review and list the action items."}, {"role": "assistant", "content": "..."}]}\n'
         '{"messages": [{"role": "user", "content": "Draft a reply declining the invitation to '
         'the product launch."}, {"role": "assistant", "content": "..."}]}',
    fix=FixSpec("keep the first example of the group and drop the others", FixSafety.UNSAFE),
    options=Options,
)


class Check(DatasetCheck):
    """Exact keys, band keys and positions of training records, as columns. Exact copies are
    collapsed to their first before LSH, so each candidate pair is two different texts."""

    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options
        self.params = MinHashParams(ngram=options.ngram)  # LSH at its defaults: see `why`
        self.view = View(options.text)
        self.near = NearRows(self.view)
        self.pairs = np.zeros((0, 2), dtype=np.int64)
        self.scores: Scores | None = None
        self.candidates = 0  # pairs LSH proposed, before `plausible`
        self.clusters = 0
        self.extra_copies = 0
        self.estimated = 0

    def needs(self) -> Needs:
        return Needs(exact=frozenset({self.view}), near=(self.view, self.params))

    def observe_batch(self, prints: Fingerprints) -> None:
        train = prints.groups == TRAIN
        self.near.add(prints, None if train.all() else train)

    def revisit(self) -> Iterable[Location]:
        near = self.near
        near.merge()
        first = first_with_key(near.keys, empty_keys(near.view))
        reps = np.flatnonzero(first == np.arange(len(first)))  # one row per distinct text
        if len(reps) < 2:
            return ()
        found = candidate_pairs(near.bands[reps])
        if not len(found):
            return ()
        pairs = reps[found]  # increasing rows: i < j
        self.candidates = len(pairs)
        self.pairs = pairs[plausible(pairs, near.bands, self.params, self.options.threshold)]
        return near.rows.locations(np.unique(self.pairs))

    def revisited(self, records: Mapping[tuple[str, int], dict[str, Any]]) -> None:
        self.scores = score(self.pairs, self.near, records, self.params)

    def finish(self) -> Iterator[Finding]:
        if self.scores is None:  # nothing came back (or `revisit` found no candidates)
            self.scores = score(self.pairs, self.near, {}, self.params)
        similar = self.scores.similarity >= self.options.threshold
        pairs = self.pairs[similar]
        values = self.scores.similarity[similar]
        estimated = self.scores.estimated[similar]
        self.estimated = int(estimated.sum())
        if not len(pairs):
            return
        rows, local = np.unique(pairs, return_inverse=True)
        local = local.reshape(-1, 2)
        groups = sorted(sorted(int(rows[i]) for i in members)
                        for members in clusters(len(rows), local))
        group_of = np.full(len(rows), -1, dtype=np.int64)
        for number, members in enumerate(groups):
            group_of[np.searchsorted(rows, members)] = number
        edge_group = group_of[local[:, 0]]
        noun = VIEW_NOUNS[self.view]
        for number, members in enumerate(groups):
            mine = edge_group == number
            self.clusters += 1
            self.extra_copies += len(members) - 1
            first = self.near.rows.location(members[0])
            others = self.near.rows.locations(members[1:])
            count = f"{len(others):,} near-duplicate{'' if len(others) == 1 else 's'}"
            measured = similarity_range(values[mine], bool(estimated[mine].any()))
            yield Finding.at(
                first, f"{noun} has {count} ({listed(others, first.path)}; {measured})",
                related=others,
            )

    def facts(self) -> list[DatasetFact]:
        if not self.near.rows.count:
            return []
        cut = f"Jaccard >= {self.options.threshold:g}"
        if self.clusters:
            text = (f"{self.extra_copies:,} example{'' if self.extra_copies == 1 else 's'} in "
                    f"{self.clusters:,} group{'' if self.clusters == 1 else 's'} (FT304, {cut})")
        else:
            text = f"none ({cut})"
        if self.view is not View.EXAMPLE:
            text += f", comparing {VIEW_NOUNS[self.view]}"
        return [DatasetFact("near_duplicates", "near copies", text, {
            "text": self.options.text, "threshold": self.options.threshold,
            "ngram": self.options.ngram, "clusters": self.clusters,
            "extra_copies": self.extra_copies, "candidate_pairs": self.candidates,
            "checked_pairs": len(self.pairs),
            "estimated_pairs": self.estimated,
        })]
