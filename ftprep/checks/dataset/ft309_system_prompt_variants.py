"""FT309 system-prompt-variants."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from ftprep.checks.base import DatasetCheck, DatasetFact, RunContext
from ftprep.checks.dataset._conversations import WITH_TURNS, excerpt, joined
from ftprep.checks.dataset._fingerprint import NO_KEY, Fingerprints, Needs, format_mask
from ftprep.checks.dataset._rows import Rows
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.views import system_prompt
from ftprep.registry import RuleSpec, Scope

MAX_RELATED = 100
SHOWN = 3  # variants a message quotes
LISTED = 5  # variants the JSON summary lists


class Options(BaseModel, frozen=True, extra="forbid"):
    max_variants: int = Field(
        default=5, ge=1,
        description="report a dataset whose training examples use more distinct system prompts "
                    "than this",
    )


SPEC = RuleSpec(
    code="FT309", name="system-prompt-variants", scope=Scope.DATASET, severity=Severity.INFO,
    summary="The training examples use more than `max-variants` different system prompts.",
    why="A fine-tuned model behaves as it was trained for the system prompt it is given: with "
        "many variants, each is learnt from a fraction of the data, and the one you deploy may "
        "match few examples. Often the variants are drafts of one prompt left in from different "
        "export runs, which are worth unifying; a handful of deliberate personas, or a template "
        "with a name or date filled in per example, can be fine (the message says how many "
        "prompts are used by one example only, the sign of a per-example template). Prompts "
        "are compared after Unicode (NFC), case and whitespace normalisation. The message "
        "quotes the first words of the most common ones (re-read from the file; not for "
        "standard input) and relates the first example of each variant. Only training files "
        "count. The summary shows the number of distinct system prompts (`dataset."
        "system_prompts` in JSON, with the first words of the most used when this rule reports).",
    bad="(a file whose 157 examples use 8 system prompts: 'You are Brandon Tsai, sharing "
        "thoughts in first person.', 'You are a friendly Penn student answering personally.', ...)",
    good="(a file whose 157 examples all start with one system prompt)",
    options=Options,
)


@dataclass(frozen=True)
class _Variant:
    key: int
    count: int
    first: int  # row of its first example


class Check(DatasetCheck):
    """The system prompt key of every training example that has one (8 bytes each), counted by
    sorting at the end, and the position of each prompt's first example only. Texts are re-read
    only for the few variants a message quotes."""

    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options
        self.formats = frozenset(WITH_TURNS)
        self.rows = Rows()  # the first example of each distinct prompt, in file order
        self._first_keys: list[np.ndarray] = []  # their keys, row for row
        self._seen = np.zeros(0, dtype=np.uint64)  # sorted
        self._keys: list[np.ndarray] = []
        self.examples = 0  # training examples that could have a system prompt
        self.with_count = 0  # of those, with one
        self._variants: list[_Variant] | None = None
        self._texts: dict[int, str] = {}  # key -> excerpt, for the variants re-read

    def needs(self) -> Needs:
        return Needs(system=True)


    def observe_batch(self, prints: Fingerprints) -> None:
        train = format_mask(prints, self.formats)
        self.examples += int(train.sum())
        chosen = np.flatnonzero(train & (prints.system != NO_KEY))
        keys = prints.system[chosen]
        self._keys.append(keys)
        self.with_count += len(keys)
        unique, first = np.unique(keys, return_index=True)
        new = ~np.isin(unique, self._seen, assume_unique=True)
        if new.any():
            in_order = np.sort(first[new])  # file order
            self.rows.add([prints.locations[i] for i in chosen[in_order]])
            self._first_keys.append(keys[in_order])
            self._seen = np.union1d(self._seen, unique[new])

    def variants(self) -> list[_Variant]:
        """Distinct system prompts, most used first (ties: first seen first)."""
        if self._variants is None:
            keys = np.concatenate(self._keys) if self._keys else np.zeros(0, dtype=np.uint64)
            self._keys = [keys]
            unique, counts = np.unique(keys, return_counts=True)
            firsts = (np.concatenate(self._first_keys) if self._first_keys
                      else np.zeros(0, dtype=np.uint64))
            by_key = np.argsort(firsts)
            first = by_key[np.searchsorted(firsts, unique, sorter=by_key)]  # row in `rows`
            order = np.lexsort((first, -counts))
            self._variants = [
                _Variant(int(unique[i]), int(counts[i]), int(first[i])) for i in order
            ]
        return self._variants

    def _reported(self) -> bool:
        return len(self.variants()) > self.options.max_variants

    def revisit(self) -> Iterable[Location]:
        if not self._reported():
            return ()
        return [self.rows.location(v.first) for v in self.variants()[:LISTED]]

    def revisited(self, records: Mapping[tuple[str, int], dict[str, Any]]) -> None:
        for variant in self.variants()[:LISTED]:
            where = self.rows.location(variant.first)
            data = records.get((where.path, where.offset))
            text = system_prompt(data) if data is not None else None
            if text is not None:
                self._texts[variant.key] = excerpt(text)

    def finish(self) -> Iterator[Finding]:
        if not self._reported():
            return
        variants = self.variants()
        with_count = self.with_count
        quoted = [self._described(v) for v in variants[:SHOWN]]
        more = len(variants) - SHOWN
        if more > 0:
            quoted.append(f"{more:,} more")
        once = sum(1 for v in variants if v.count == 1)
        message = (f"{with_count:,} examples use {len(variants):,} different system prompts, more "
                   f"than max-variants ({self.options.max_variants}): {joined(quoted)}")
        if once > 1:
            message += f" ({once:,} used by one example only)"
        firsts = sorted(v.first for v in variants)
        yield Finding.at(
            self.rows.location(firsts[0]), message,
            related=self.rows.locations(firsts[1:MAX_RELATED + 1]),
        )

    def _described(self, variant: _Variant) -> str:
        text = self._texts.get(variant.key)
        if text is None:  # not re-readable (standard input): where it is instead
            return f"the one at line {self.rows.location(variant.first).line} ({variant.count:,})"
        return f"{text!r} ({variant.count:,})"

    def facts(self) -> list[DatasetFact]:
        if not self.examples:
            return []
        variants = self.variants()
        with_count = self.with_count
        if not variants:
            text = "none"
        else:
            distinct = "one prompt" if len(variants) == 1 else f"{len(variants):,} distinct"
            text = f"{distinct}, used by {with_count:,} of {self.examples:,} examples"
            if self._reported():
                text += " (FT309)"
        common = [
            {"text": self._texts.get(v.key), "examples": v.count,
             "first": str(self.rows.location(v.first))}
            for v in variants[:LISTED]
        ]
        data = {"examples": self.examples, "with_system_prompt": with_count,
                "distinct": len(variants), "most_common": common}
        return [DatasetFact("system_prompts", "system prompts", text, data)]

