"""Dataset statistics gathered while the engine streams: counts, token distribution, files."""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field

from ftprep.checks.base import DatasetFact
from ftprep.model.diagnostics import Diagnostic, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.model.sources import FileStats

FORMAT_CODES = {fmt: index for index, fmt in enumerate(RecordFormat)}
BROKEN = 0x80


@dataclass(frozen=True)
class TokenStats:
    count: int
    min: int
    mean: float
    p50: int
    p95: int
    max: int
    total: int


def _percentile(ordered: array, fraction: float) -> int:  # type: ignore[type-arg]
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return 0
    rank = max(1, -(-len(ordered) * fraction // 1))
    return int(ordered[int(rank) - 1])


def token_stats(values: array) -> TokenStats | None:  # type: ignore[type-arg]
    if not values:
        return None
    ordered = array("q", sorted(values))
    total = sum(ordered)
    return TokenStats(
        count=len(ordered), min=ordered[0], mean=total / len(ordered),
        p50=_percentile(ordered, 0.5), p95=_percentile(ordered, 0.95), max=ordered[-1],
        total=total,
    )


@dataclass
class Summary:
    """Everything the reporters print after the diagnostics; one per run."""

    files: list[FileStats] = field(default_factory=list)
    examples: int = 0
    messages: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    example_tokens: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    # One byte per entry of `example_tokens`: the format's index in FORMAT_CODES, plus
    # BROKEN when a record rule found an error; `ftprep estimate` prices any model from these.
    example_kinds: bytearray = field(default_factory=bytearray)
    over_limit: int = 0
    billed_tokens: int = 0
    by_severity: Counter[Severity] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)
    internal_errors: int = 0
    # (format, has an error from a record rule) -> examples: which are usable depends on the
    # provider's formats (`usable`)
    checked: Counter[tuple[str, bool]] = field(default_factory=Counter)
    images: int = 0
    image_tokens: int = 0
    uncounted_images: Counter[str] = field(default_factory=Counter)  # Uncounted name -> images
    unreadable_examples: int = 0  # examples with a value that holds no countable text
    validation_examples: int = 0  # records read from `--validation` files (not counted above)
    validation_tokens: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    dataset: list[DatasetFact] = field(default_factory=list)  # from the dataset rules, at the end

    def observe(self, record: Record) -> None:
        self.examples += 1
        self.formats[record.format.value] += 1
        tokens = record.tokens
        self.messages += tokens.messages
        self.checked[(record.format.value, record.errors > 0)] += 1
        if record.format is RecordFormat.UNKNOWN:
            return  # no training text: its zero tokens would only drag the statistics down
        self.example_tokens.append(tokens.total)
        self.example_kinds.append(FORMAT_CODES[record.format] | (BROKEN if record.errors else 0))
        if tokens.limit is not None and tokens.total > tokens.limit:
            self.over_limit += 1
            self.billed_tokens += tokens.limit
        else:
            self.billed_tokens += tokens.total
        if tokens.images:
            self.images += tokens.images
            self.image_tokens += tokens.image_tokens
        if not tokens.complete:
            if tokens.uncounted_images:
                self.uncounted_images.update(tokens.uncounted_images)
            if tokens.unreadable:
                self.unreadable_examples += 1

    def observe_validation(self, record: Record) -> None:
        """A `--validation` record: counted apart, since it is not training data."""
        self.validation_examples += 1
        if record.format is not RecordFormat.UNKNOWN:
            self.validation_tokens.append(record.tokens.total)

    def examples_of(self, formats: tuple[str, ...] | frozenset[str]) -> list[int]:
        """The token totals of the usable examples in `formats`, in file order."""
        wanted = {FORMAT_CODES[fmt] for fmt in RecordFormat if fmt.value in formats}
        kinds = self.example_kinds
        return [total for total, kind in zip(self.example_tokens, kinds, strict=True)
                if kind in wanted]

    def usable(self, formats: tuple[str, ...] | frozenset[str]) -> int:
        """Examples in one of `formats` that no record rule reported an error for."""
        return sum(n for (fmt, errors), n in self.checked.items() if fmt in formats and not errors)

    @property
    def exact(self) -> bool:
        """Whether every example's tokens were counted: no image or value was left out."""
        return not self.uncounted_images and not self.unreadable_examples

    def count(self, diagnostic: Diagnostic) -> None:
        self.by_severity[diagnostic.severity] += 1
        self.by_code[diagnostic.code] += 1

    def discount(self, diagnostic: Diagnostic) -> None:
        """Take back a counted diagnostic that will not be reported (a baseline suppressed it),
        so the counts, and the exit code read from them, are those of what is reported."""
        self.by_severity[diagnostic.severity] -= 1
        self.by_code[diagnostic.code] -= 1
        if not self.by_code[diagnostic.code]:
            del self.by_code[diagnostic.code]
        if not self.by_severity[diagnostic.severity]:
            del self.by_severity[diagnostic.severity]

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    @property
    def blank_lines(self) -> int:
        return sum(f.blank for f in self.files)

    @property
    def unparsed_lines(self) -> int:
        return sum(f.unparsed for f in self.files if not f.document_read)

    @property
    def values(self) -> int:
        """Top-level values read from JSON documents (files that are not JSON Lines)."""
        return sum(f.values for f in self.files)

    def compression_note(self) -> str | None:
        """Which inputs were compressed; providers take only the uncompressed JSON Lines."""
        kinds = Counter(f.compression for f in self.files if f.compression)
        if not kinds:
            return None
        counted = ", ".join(f"{n:,} {kind}-compressed" for kind, n in sorted(kinds.items()))
        them = "it" if sum(kinds.values()) == 1 else "them"
        return f"{counted}: providers take uncompressed JSON Lines, so upload {them} decompressed"

    def tokens(self) -> TokenStats | None:
        return token_stats(self.example_tokens)
