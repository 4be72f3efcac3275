"""What the conversation rules (FT305-FT310) share: which training rows of a batch are in the
record formats a rule reads, and how a re-read text is quoted in a message.

Per-record facts (`Fingerprints`) do not say a record's format, but `DatasetCheck.observe` sees
every training record, and the engine (like a sharded run's merge) feeds a batch's records to
`observe` before their facts to `observe_batch`. So `observe` notes the few records of a format
the rule skips, and `observe_batch` leaves them out: the set holds one batch at most.
"""

from __future__ import annotations

import numpy as np

from ftprep.checks.dataset._fingerprint import TRAIN, Fingerprints
from ftprep.model.record import Record, RecordFormat

# Conversations a model answers: what the prompt and answer rules compare (a preference record
# may have several preferred outputs for one input by design).
ANSWERED = frozenset({RecordFormat.CHAT, RecordFormat.PROMPT_COMPLETION})
# Records with turns, where a system prompt can be (prompt/completion has none).
WITH_TURNS = frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE})


class Kinds:
    """Remembers skipped records from `observe`; `training` masks a batch's rows."""

    def __init__(self, formats: frozenset[RecordFormat]) -> None:
        self.formats = formats
        self._skipped: set[int] = set()  # record indexes seen by `observe`, not yet batched

    def observe(self, record: Record) -> None:
        if record.format not in self.formats and record.location.record is not None:
            self._skipped.add(record.location.record)

    def training(self, prints: Fingerprints) -> np.ndarray:
        """True for the batch's training rows in a wanted format."""
        mask: np.ndarray = prints.groups == TRAIN
        if self._skipped:
            skipped = self._skipped
            for i, loc in enumerate(prints.locations):
                if loc.record in skipped:
                    mask[i] = False
                    skipped.discard(loc.record)
        return mask


def excerpt(text: str, words: int = 8, chars: int = 48) -> str:
    """The first words of a text, whitespace collapsed, cut with an ellipsis."""
    split = text.split()
    short = " ".join(split[:words])
    if len(short) > chars:
        short = short[:chars].rstrip() + "…"
    elif len(split) > words:
        short += "…"
    return short


def joined(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
