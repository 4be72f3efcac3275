"""What the label rules (FT306 label-imbalance, FT307 label-variants) share: where labels come
from, when a dataset counts as classification, and spellings of one label grouped together.

Labels come from a field the user names (`label-field`, a JSON pointer) or, by default, from the
final assistant answer when the answers look like class labels: at least `min-examples`
examples with an answer, at least `COVERAGE` of them short (`MAX_LABEL_CHARS`), those short
answers falling into 2 to `max-classes` labels once variants are grouped, with on average at
least `MIN_PER_CLASS` examples a label. Free-text answers are never treated as labels.

State is a count and a few locations per spelling, never per record; past `MAX_SPELLINGS`
distinct spellings the data is not classification and the counts are dropped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field, field_validator

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.checks.dataset._conversations import ANSWERED
from ftprep.checks.dataset._fingerprint import NO_KEY, Fingerprints, Needs, format_mask
from ftprep.model.diagnostics import Location
from ftprep.model.record import ALL_FORMATS
from ftprep.packs.redact import mask_secrets

COVERAGE = 0.95  # share of answered examples whose answer must be a short label
MIN_PER_CLASS = 3  # examples per label, on average, for the answers to read as classes
MAX_SPELLINGS = 1000  # distinct spellings kept before the data is judged not classification
KEEP = 101  # locations kept per spelling: its first and 100 related
# Trailing punctuation that does not make a different label: "Positive." is "Positive".
_TRAILING = ".,;:!?…。、！？"


class LabelOptions(BaseModel, frozen=True, extra="forbid"):
    """Options FT306 and FT307 share; give both the same `label-field`."""

    label_field: str = Field(
        default="",
        description="JSON pointer to each record's label (`/metadata/label`); empty: the final "
                    "assistant answer, when the answers look like class labels. FT306 and FT307 "
                    "read one label field: set the same value for both",
    )
    max_classes: int = Field(
        default=20, ge=2,
        description="at most this many distinct labels (after grouping variants): more, and the "
                    "final answers are not class labels (or the label field is not a label)",
    )
    min_examples: int = Field(
        default=20, ge=2,
        description="judge only datasets with at least this many labelled training examples",
    )

    @field_validator("label_field")
    @classmethod
    def _pointer(cls, value: str) -> str:
        if value and not value.startswith("/"):
            raise ValueError("a JSON pointer starts with '/' (e.g. '/metadata/label')")
        return value


def canonical(label: str) -> str:
    """The form variants of one label share: whitespace collapsed, case folded, trailing
    punctuation dropped (`" Positive"`, `"positive"` and `"Positive."` are one label)."""
    folded = unicodedata.normalize("NFC", " ".join(label.split())).casefold()
    return folded.rstrip(_TRAILING).rstrip() or folded


def shown(label: str) -> str:
    """A label as written, quoted so leading spaces and escapes are visible: `' Positive'`;
    a secret in it masked (an answer can be a pasted key)."""
    return repr(mask_secrets(label))


def source_name(field_pointer: str) -> str:
    return field_pointer or "final answer"


@dataclass
class Spelling:
    count: int = 0
    rows: list[Location] = field(default_factory=list)  # the first `KEEP`


@dataclass
class LabelGroup:
    """One label and the spellings it is written in, most common first."""

    spellings: list[tuple[str, Spelling]]

    @property
    def name(self) -> str:
        return self.spellings[0][0]

    @property
    def count(self) -> int:
        return sum(s.count for _text, s in self.spellings)

    @property
    def first(self) -> Location:
        return min(s.rows[0] for _text, s in self.spellings)

    def rows(self) -> list[Location]:
        """The kept locations of every spelling, in file order."""
        return sorted(loc for _text, s in self.spellings for loc in s.rows)


class LabelTally:
    """Counts the training examples' labels as they stream by."""

    def __init__(self, options: LabelOptions) -> None:
        self.options = options
        self.field = options.label_field
        # A label field can be on any record; an answer only on a conversation.
        self.formats = frozenset(ALL_FORMATS if self.field else ANSWERED)
        self.rows = 0  # training examples that could have a label
        self.missing = 0  # of those, without one (no field; or a long, empty or no answer)
        self.missing_rows: list[Location] = []  # the first `KEEP`, for a label field
        self.spellings: dict[str, Spelling] | None = {}  # None once past `MAX_SPELLINGS`
        self._skip_answers: np.ndarray | None = None
        self._groups: list[LabelGroup] | None = None

    def needs(self) -> Needs:
        return Needs(conversation=not self.field, label=self.field)


    def observe_batch(self, prints: Fingerprints) -> None:
        mask = format_mask(prints, self.formats)
        if not self.field:
            if self.spellings is None:
                return  # already known not to be classification
            mask &= ~np.isin(prints.answer, self._no_answer())
        labels = prints.labels
        locations = prints.locations
        spellings = self.spellings
        for i in np.flatnonzero(mask).tolist():
            self.rows += 1
            label = labels[i]
            if label is None:
                self.missing += 1
                if self.field and len(self.missing_rows) < KEEP:
                    self.missing_rows.append(locations[i])
                continue
            if spellings is None:
                continue
            found = spellings.get(label)
            if found is None:
                if len(spellings) >= MAX_SPELLINGS:
                    self.spellings = spellings = None
                    continue
                found = spellings[label] = Spelling()
            found.count += 1
            if len(found.rows) < KEEP:
                found.rows.append(locations[i])

    def _no_answer(self) -> np.ndarray:
        """Answer keys of no answer: none, or an empty one (also what `{}` reads as)."""
        if self._skip_answers is None:
            from ftprep.similarity import exact_key

            self._skip_answers = np.array([NO_KEY, exact_key("") or 1], dtype=np.uint64)
        return self._skip_answers

    @property
    def labelled(self) -> int:
        return self.rows - self.missing

    def groups(self) -> list[LabelGroup]:
        """The labels, variants grouped, most examples first (ties: first seen first)."""
        if self._groups is None:
            grouped: dict[str, list[tuple[str, Spelling]]] = {}
            for text, spelling in (self.spellings or {}).items():
                grouped.setdefault(canonical(text), []).append((text, spelling))
            groups = [
                LabelGroup(sorted(members, key=lambda m: -m[1].count))  # stable: first seen
                for members in grouped.values()
            ]
            self._groups = sorted(groups, key=lambda g: -g.count)
        return self._groups

    def too_many(self) -> bool:
        """More distinct labels than `max-classes` (or than could be counted)."""
        return self.spellings is None or len(self.groups()) > self.options.max_classes

    def classification(self) -> bool:
        """Whether the labels describe classes worth judging (see the module docstring)."""
        labelled = self.labelled
        if labelled < self.options.min_examples or self.too_many():
            return False
        if self.field:
            return True
        classes = len(self.groups())
        return (classes >= 2 and labelled >= COVERAGE * self.rows
                and labelled >= MIN_PER_CLASS * classes)


class LabelCheck(DatasetCheck):
    """A rule over the training examples' labels (FT306, FT307): one `LabelTally` each."""

    def __init__(self, options: LabelOptions, context: RunContext) -> None:
        super().__init__(options, context)
        self.tally = LabelTally(options)

    def needs(self) -> Needs:
        return self.tally.needs()

    def observe_batch(self, prints: Fingerprints) -> None:
        self.tally.observe_batch(prints)
