"""FT310 missing-system-prompt."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.checks.dataset._conversations import WITH_TURNS
from ftprep.checks.dataset._fingerprint import NO_KEY, Fingerprints, Needs, format_mask
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.registry import RuleSpec, Scope

KEEP = 101  # locations kept of each kind: the first and 100 related

SPEC = RuleSpec(
    code="FT310", name="missing-system-prompt", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="Some training examples start with a system prompt and others do not.",
    why="The system prompt is part of what the model learns to respond to: examples without it "
        "teach behaviour for a context the rest never shows (and the reverse), and at inference "
        "the model behaves as the examples that match the prompt you send. Mixed data usually "
        "means a merge of two exports or a template step that failed for some rows. Add the "
        "system prompt where it is missing, or drop it everywhere. One diagnostic at the first "
        "example of the smaller group (without a system prompt when the two are equal), with "
        "the rest of that group related. A system (or developer) message must be the first turn "
        "to count. Only chat and preference records in training files are counted.",
    bad='{"messages": [{"role": "system", "content": "You are Kestrel\'s support assistant."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
        '{"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Let me check."}]}',
    good='{"messages": [{"role": "system", "content": "You are Kestrel\'s support assistant."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
         '{"messages": [{"role": "system", "content": "You are Kestrel\'s support assistant."}, {"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Let me check."}]}',
)


class Check(DatasetCheck):
    """Two counts and the first locations of each kind: state does not grow with the data."""

    def __init__(self, options: None, context: RunContext) -> None:
        super().__init__(options, context)
        self.formats = frozenset(WITH_TURNS)
        self.with_count = 0
        self.without_count = 0
        self.with_rows: list[Location] = []
        self.without_rows: list[Location] = []

    def needs(self) -> Needs:
        return Needs(system=True)


    def observe_batch(self, prints: Fingerprints) -> None:
        train = format_mask(prints, self.formats)
        has = prints.system != NO_KEY
        with_rows, without_rows = np.flatnonzero(train & has), np.flatnonzero(train & ~has)
        self.with_count += len(with_rows)
        self.without_count += len(without_rows)
        for kept, chosen in ((self.with_rows, with_rows), (self.without_rows, without_rows)):
            room = KEEP - len(kept)
            if room > 0:
                kept.extend(prints.locations[i] for i in chosen[:room])

    def finish(self) -> Iterator[Finding]:
        with_count, without_count = self.with_count, self.without_count
        if not with_count or not without_count:
            return
        total = with_count + without_count
        if without_count <= with_count:
            rows = self.without_rows
            message = (f"{without_count:,} of {total:,} examples {_have(without_count)} no system "
                       f"prompt; {_other(with_count)} {'starts' if with_count == 1 else 'start'} "
                       "with one")
        else:
            rows = self.with_rows
            message = (f"only {with_count:,} of {total:,} examples {_have(with_count)} a system "
                       f"prompt; {_other(without_count)} {_have(without_count)} none")
        yield Finding.at(rows[0], message, related=tuple(rows[1:]))


def _have(count: int) -> str:
    return "has" if count == 1 else "have"


def _other(count: int) -> str:
    return "the other" if count == 1 else f"the other {count:,}"
