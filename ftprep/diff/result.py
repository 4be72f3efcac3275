"""What a diff found, typed: the changes, both sides' totals, and the problems it makes or fixes.

Reporters render this and nothing else; it holds locations and counts, never texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ftprep.lint.summary import TokenStats
from ftprep.model.diagnostics import Diagnostic, Severity
from ftprep.model.errors import EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE
from ftprep.providers.estimate import Estimate


class ChangeKind(str, Enum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


@dataclass(frozen=True)
class Place:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Change:
    """One example added, removed, or edited (`similarity` of the pair it was matched in)."""

    kind: ChangeKind
    old: Place | None
    new: Place | None
    tokens_before: int | None
    tokens_after: int | None
    similarity: float | None = None

    @property
    def token_delta(self) -> int:
        return (self.tokens_after or 0) - (self.tokens_before or 0)


@dataclass(frozen=True)
class Side:
    """One version's totals: examples, token statistics, the training estimate, labels."""

    examples: int
    tokens: TokenStats | None
    estimate: Estimate
    labels: dict[str, int] | None  # label -> examples, when the answers are class labels


@dataclass(frozen=True)
class Problems:
    """`new`: in NEW and not in OLD; `fixed`: in OLD (at OLD's lines) and gone from NEW;
    `uncompared`: dataset- or file-level problems of NEW tied to no example, which the diff
    cannot compare without linting OLD whole; `internal`: crashes in rules."""

    new: tuple[Diagnostic, ...]
    fixed: tuple[Diagnostic, ...]
    uncompared: tuple[Diagnostic, ...]
    internal: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Diff:
    old_names: tuple[str, ...]
    new_names: tuple[str, ...]
    changes: tuple[Change, ...]
    unchanged: int
    before: Side
    after: Side
    problems: Problems
    fail_on: Severity
    threshold: float
    validation: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def count(self, kind: ChangeKind) -> int:
        return sum(change.kind is kind for change in self.changes)

    @property
    def failing(self) -> int:
        return sum(d.severity >= self.fail_on for d in self.problems.new)

    def exit_code(self) -> int:
        if self.problems.internal:
            return EXIT_USAGE
        return EXIT_PROBLEMS if self.failing else EXIT_CLEAN
