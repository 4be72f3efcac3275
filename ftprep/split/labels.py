"""Class labels for a stratified split: one class per label however it is spelled.

`" Positive"`, `"positive."` and `"Positive"` are one class (`canonical`, as FT307 groups such
variants), so a split stratifies by the canonical label and shows the spelling most use.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ftprep.checks.dataset._labels import COVERAGE, MIN_PER_CLASS, LabelOptions, canonical

# Auto-detection judges as FT306 label-imbalance does by default: 2 to MAX_CLASSES classes with
# MIN_PER_CLASS examples each on average (so 20 short distinct answers to 20 questions are a QA
# set, not 20 classes of one example each), and COVERAGE of the examples labelled.
MAX_CLASSES = LabelOptions().max_classes
__all__ = ["COVERAGE", "MAX_CLASSES", "MIN_PER_CLASS", "LabelTable", "classification_like"]


@dataclass
class LabelTable:
    """Interns labels as small integers: class id per record, spellings per class."""

    ids: dict[str, int] = field(default_factory=dict)  # normalised label -> class id
    spellings: list[Counter[str]] = field(default_factory=list)

    def add(self, label: str) -> int:
        key = canonical(label)
        index = self.ids.get(key)
        if index is None:
            index = self.ids[key] = len(self.spellings)
            self.spellings.append(Counter())
        spellings = self.spellings[index]
        if len(spellings) < 16 or label in spellings:  # a few spellings suffice to name it
            spellings[label] += 1
        return index

    def __len__(self) -> int:
        return len(self.spellings)

    def names(self) -> list[str]:
        """Each class shown as its most common spelling, stripped (first seen wins a tie)."""
        return [spellings.most_common(1)[0][0].strip() or repr(spellings.most_common(1)[0][0])
                for spellings in self.spellings]

    def variants(self) -> list[int]:
        """How many spellings each class was seen with (1: always written the same way)."""
        return [len(spellings) for spellings in self.spellings]


def classification_like(classes: int, labelled: int, examples: int) -> bool:
    """Few classes, each used several times on average, nearly every example labelled: a label
    set, not free answers."""
    return (2 <= classes <= MAX_CLASSES and labelled >= MIN_PER_CLASS * classes
            and labelled >= COVERAGE * examples)
