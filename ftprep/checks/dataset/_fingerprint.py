"""Per-record facts for dataset rules, computed where the record is and merged in one place.

A dataset rule never keeps texts: it says what it needs (`Needs`), the engine computes those
facts for a whole batch at once (`fingerprint`, vectorised where it pays: MinHash band keys)
and hands the batch's columns (`Fingerprints`) to every dataset rule. A shard worker computes
the same columns for its records and ships them to the parent, which feeds them to the rules
in file order, so a sharded run merges exactly what a one-process run sees.

State built from these columns is a few integers per record (64-bit keys, band keys, an
index), so a million examples cost tens of megabytes, not the gigabytes their texts would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ftprep.model.diagnostics import Location
from ftprep.model.errors import ConfigError
from ftprep.model.pointer import MISSING, value_at
from ftprep.model.record import RecordFormat
from ftprep.model.views import Turns, View, final_turn, system_prompt_of, turns, view_of
from ftprep.similarity import MinHashParams, band_keys, exact_key, normalize, normalized_key

# Records come from training files (group 0) or a `--validation` file (group 1).
TRAIN, VALIDATION = 0, 1
# Formats as small integers for the `formats` column.
FORMAT_CODES = {fmt: code for code, fmt in enumerate(RecordFormat)}
# A final answer longer than this is free text, never a class label.
MAX_LABEL_CHARS = 64
NO_KEY = 0  # the key column's value where a record has no such text


@dataclass(frozen=True)
class Needs:
    """What one dataset rule reads from each record; the engine computes the union."""

    exact: frozenset[View] = frozenset()  # exact-duplicate keys of these views
    near: tuple[View, MinHashParams] | None = None  # MinHash band keys of one view
    conversation: bool = False  # keys of the prompt and of the final answer
    label: str | None = None  # "" for the final answer, or a JSON pointer to a label field
    system: bool = False  # key of the system prompt

    def union(self, other: Needs) -> Needs:
        near = self.near or other.near
        if self.near and other.near and self.near != other.near:
            raise ConfigError(
                "dataset rules are configured to compare different texts for near-duplicates",
                "give FT304 and FT308 the same `text` and MinHash options",
            )
        label = self.label if self.label is not None else other.label
        if self.label is not None and other.label is not None and self.label != other.label:
            raise ConfigError(
                "dataset rules are configured with different label fields",
                "give FT306 and FT307 the same `label-field`",
            )
        return Needs(
            self.exact | other.exact, near, self.conversation or other.conversation, label,
            self.system or other.system,
        )


def _no_keys() -> np.ndarray:
    return np.zeros(0, dtype=np.uint64)


@dataclass
class Fingerprints:
    """One batch's facts as columns, row i describing `locations[i]`.

    Key columns hold `NO_KEY` where a record has no such text (no final answer, no system
    prompt). `labels[i]` is None when the record has no label (or its answer is free text).
    """

    locations: list[Location]
    groups: np.ndarray  # int8: TRAIN or VALIDATION
    formats: np.ndarray  # int8: the record's format, as `FORMAT_CODES` numbers it
    exact: dict[View, np.ndarray] = field(default_factory=dict)  # uint64 per view
    bands: np.ndarray | None = None  # uint64 (n, bands)
    prompt: np.ndarray = field(default_factory=_no_keys)
    answer: np.ndarray = field(default_factory=_no_keys)
    labels: list[str | None] = field(default_factory=list)
    system: np.ndarray = field(default_factory=_no_keys)

    def __len__(self) -> int:
        return len(self.locations)

    def shifted(self, lines: int, records: int) -> Fingerprints:
        """The same facts with line and record numbers moved (a shard's, in its file)."""
        moved = [
            loc._replace(line=loc.line + lines, record=(loc.record or 0) + records)
            for loc in self.locations
        ]
        return Fingerprints(moved, self.groups, self.formats, self.exact, self.bands, self.prompt,
                            self.answer, self.labels, self.system)


def _key(text: str | None) -> int:
    return (exact_key(text) or 1) if text is not None else NO_KEY  # 0 stays "no text"


def _normalized_key(normalized: str) -> int:
    return normalized_key(normalized) or 1


def label_of(data: dict[str, Any], source: str) -> str | None:
    """The record's label: a field's value (a pointer), or a short final answer as written."""
    return _label(data, source, None)


def _label(data: dict[str, Any], source: str, pairs: Turns | None) -> str | None:
    if source:
        value = value_at(data, source)
        if value is MISSING or value is None or isinstance(value, (dict, list)):
            return None
        return value if type(value) is str else str(value).lower() if type(value) is bool else str(value)
    if pairs is None:
        pairs = turns(data)
    last = final_turn(pairs)
    answer = pairs[last][1] if last is not None else None
    if answer is None or not answer.strip() or len(answer) > MAX_LABEL_CHARS:
        return None
    return answer


_ROLE_PREFIXES: dict[str, str] = {}


def _role_prefix(role: str) -> str:
    """`normalize(f"{role}:")`, cached: an example has a handful of distinct roles."""
    found = _ROLE_PREFIXES.get(role)
    if found is None:
        found = normalize(f"{role}:")
        if len(_ROLE_PREFIXES) < 64:
            _ROLE_PREFIXES[role] = found
    return found


def _joined(pieces: Sequence[tuple[str, str]]) -> str:
    """The normalised text of turns joined as `role: text` lines, from normalised pieces."""
    return " ".join(piece for pair in pieces for piece in pair if piece)


def _conversation_keys(pairs: Turns, with_example: bool) -> tuple[int, int, int]:
    """Keys of the prompt, of the final answer, and (when asked) of the whole example.

    Each turn's text is normalised once and the prompt's and the example's normalised texts are
    joined from those pieces: normalising (NFC, casefold, whitespace runs to one space) commutes
    with joining at whitespace, and a turn's text is short enough to take `normalize`'s fast
    path where a whole example, with its newlines, never would. Equal to
    `exact_key(view_of(...))`; tests hold them equal on generated records.
    """
    last = final_turn(pairs)
    pieces = [(_role_prefix(role), normalize(text)) for role, text in pairs]
    example = _normalized_key(_joined(pieces)) if with_example else NO_KEY
    if last is None:
        return NO_KEY, NO_KEY, example
    return _normalized_key(_joined(pieces[:last])), _normalized_key(pieces[last][1]), example


def format_mask(prints: Fingerprints, formats: frozenset[RecordFormat]) -> np.ndarray:
    """True for the training rows of a batch whose record is in one of `formats`."""
    wanted = np.array(sorted(FORMAT_CODES[f] for f in formats), dtype=np.int8)
    mask: np.ndarray = (prints.groups == TRAIN) & np.isin(prints.formats, wanted)
    return mask


def fingerprint(
    needs: Needs, locations: list[Location], datas: Sequence[dict[str, Any]], group: int,
    formats: Sequence[RecordFormat],
) -> Fingerprints:
    """Compute what `needs` asks for over one batch of parsed records (each record's turns are
    read once, and each text normalised once, however many rules read it)."""
    n = len(datas)
    codes = np.fromiter((FORMAT_CODES[f] for f in formats), dtype=np.int8, count=n)
    prints = Fingerprints(locations, np.full(n, group, dtype=np.int8), codes)
    pairs = [turns(d) for d in datas]
    exact = set(needs.exact)
    if needs.conversation:
        derived = View.EXAMPLE in exact
        exact.discard(View.EXAMPLE)
        keys = np.array([_conversation_keys(p, derived) for p in pairs], dtype=np.uint64)
        keys = keys.reshape(n, 3)
        prints.prompt, prints.answer = keys[:, 0].copy(), keys[:, 1].copy()
        if derived:
            prints.exact[View.EXAMPLE] = keys[:, 2].copy()
    for view in exact:
        prints.exact[view] = np.fromiter(
            (_key(view_of(p, view)) for p in pairs), dtype=np.uint64, count=n
        )
    if needs.near is not None:
        view, params = needs.near
        prints.bands = band_keys([view_of(p, view) for p in pairs], params)
    if needs.label is not None:
        prints.labels = [_label(d, needs.label, p) for d, p in zip(datas, pairs, strict=True)]
    if needs.system:
        prints.system = np.fromiter(
            (_key(system_prompt_of(p)) for p in pairs), dtype=np.uint64, count=n
        )
    return prints
