"""Pass 1 of a split: read every line once and keep a few numbers per example, never its text.

Per example: its byte offset (to re-read it for near-duplicate verification), its line, a 64-bit
key of its normalised text (exact duplicates share it), its MinHash band keys (near-duplicate
candidates) and its class id. Blank lines, lines that are not JSON and JSON values that are
not objects are not examples: they are counted with their line numbers and written nowhere.
"""

from __future__ import annotations

import zlib
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from ftprep.checks.dataset._fingerprint import label_of
from ftprep.model.errors import FtprepError
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.record import PREFERENCE_KEYS
from ftprep.model.sources import FileStats, Source
from ftprep.model.views import View, view_text
from ftprep.parsing import BOM, parse_line
from ftprep.readers._open import open_input
from ftprep.readers._values import document_kind
from ftprep.readers.jsonl import read_lines
from ftprep.split.labels import MAX_CLASSES, LabelTable

if TYPE_CHECKING:
    from ftprep.similarity import MinHashParams

# Texts are MinHashed in batches: at most this many, or this many characters (10 MB examples).
BATCH_TEXTS, BATCH_CHARS = 4096, 1 << 25
SHOWN_LINES = 5  # line numbers kept per kind of skipped line, for the summary

BLANK, INVALID, NOT_OBJECT = "blank", "not valid JSON", "not a JSON object"


@dataclass(frozen=True)
class ScanOptions:
    """What pass 1 computes. `label`: None reads no label, "" the final answer, "/x" a field."""

    view: View = View.EXAMPLE
    label: str | None = ""
    label_required: bool = False  # an explicit label source: every example must have one
    near: MinHashParams | None = None


@dataclass
class Skipped:
    """Lines of one kind that are not examples: how many, and the first few line numbers."""

    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < SHOWN_LINES:
            self.lines.append(line)


@dataclass
class Scan:
    """What pass 1 kept. Row i of every array describes example i (file order)."""

    path: str
    lines: int
    skipped: dict[str, Skipped]  # by reason: BLANK, INVALID, NOT_OBJECT
    skipped_lines: set[int]  # every such line, so pass 2 skips exactly these
    offsets: np.ndarray  # int64 byte offset of each example's line (decompressed data)
    line_numbers: np.ndarray  # int64
    keys: np.ndarray  # uint64 exact-duplicate key, never 0
    bands: np.ndarray | None  # uint64 (n, bands) MinHash band keys
    labels: np.ndarray | None  # int32 class id, -1 without a label; None: labels not kept
    table: LabelTable
    unlabelled: Skipped  # examples without a label
    checksum: int  # CRC-32 of every line's bytes, to notice a file changed before pass 2
    compression: str | None

    @property
    def examples(self) -> int:
        return len(self.keys)


def record_text(data: dict[str, Any], view: View) -> str:
    """The text that decides duplicates: the view of a chat, preference or prompt/completion
    record; a record of no such format is compared whole (sorted keys), since a `{"text": ...}`
    row has no turns and must not equal every other row."""
    if type(data.get("messages")) is list or type(data.get("prompt")) is str or \
            type(data.get("completion")) is str or any(key in data for key in PREFERENCE_KEYS):
        return view_text(data, view)
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()


class _Collector:
    def __init__(self, options: ScanOptions) -> None:
        from ftprep.similarity import exact_key

        self.exact_key = exact_key
        self.options = options
        self.offsets = array("q")
        self.line_numbers = array("q")
        self.keys = array("Q")
        self.labels = array("i")
        self.table = LabelTable()
        self.unlabelled = Skipped()
        self.keep_labels = options.label is not None
        self.texts: list[str] = []
        self.chars = 0
        self.bands: list[np.ndarray] = []

    def add(self, data: dict[str, Any], line: int, offset: int) -> None:
        text = record_text(data, self.options.view)
        self.offsets.append(offset)
        self.line_numbers.append(line)
        self.keys.append(self.exact_key(text) or 1)
        if self.keep_labels:
            self._label(data, line)
        if self.options.near is not None:
            self.texts.append(text)
            self.chars += len(text)
            if len(self.texts) >= BATCH_TEXTS or self.chars >= BATCH_CHARS:
                self.flush()

    def _label(self, data: dict[str, Any], line: int) -> None:
        assert self.options.label is not None
        label = label_of(data, self.options.label)
        if label is None:
            self.unlabelled.add(line)
            self.labels.append(-1)
        else:
            self.labels.append(self.table.add(label))
        if not self.options.label_required and len(self.table) > MAX_CLASSES:
            self.keep_labels = False  # not classification-like: stop collecting

    def flush(self) -> None:
        if self.texts and self.options.near is not None:
            from ftprep.similarity import band_keys

            self.bands.append(band_keys(self.texts, self.options.near))
        self.texts, self.chars = [], 0


PROGRESS_EVERY = 4096  # lines between progress reports


def scan(path: str, options: ScanOptions, progress: Progress = NO_PROGRESS) -> Scan:
    """Read `path` (a JSON Lines file, compressed or not) once; see the module docstring.
    `progress` hears how many of the file's bytes are read, every few thousand lines."""
    collector = _Collector(options)
    skipped = {BLANK: Skipped(), INVALID: Skipped(), NOT_OBJECT: Skipped()}
    skipped_lines: set[int] = set()
    checksum = 0
    stats = FileStats(path)
    with open_input(path) as opened:
        kind = document_kind(opened.head)
        if kind is not None:
            raise FtprepError(
                f"{path}: the file is {kind}, not JSON Lines",
                "split reads one example per line; turn it into JSON Lines with `ftprep convert`",
            )
        progress.start(f"reading {path}", opened.size)
        for raw in read_lines(Source(path), stats, opened=opened):
            if raw.line % PROGRESS_EVERY == 0:
                progress.update(opened.bytes_read, len(collector.line_numbers))
            checksum = zlib.crc32(raw.data, checksum)
            data = raw.data.removeprefix(BOM)
            reason = None
            if not data or data.isspace():
                reason = BLANK
            else:
                value, error = parse_line(data)
                if error is not None:
                    reason = INVALID
                elif type(value) is not dict:
                    reason = NOT_OBJECT
                else:
                    collector.add(value, raw.line, raw.offset)
            if reason is not None:
                skipped[reason].add(raw.line)
                skipped_lines.add(raw.line)
        compression = opened.compression
        progress.update(opened.bytes_read, len(collector.line_numbers))
    if stats.read_error:
        raise FtprepError(
            f"{path}: {stats.read_error} (at line {stats.read_error_line:,}); nothing was written",
            "a split of a damaged file would silently lose its end; recompress or repair it",
        )
    collector.flush()
    bands = None
    if options.near is not None:
        bands = (np.concatenate(collector.bands) if collector.bands
                 else np.zeros((0, 0), dtype=np.uint64))
    labels = None
    if collector.keep_labels:
        labels = np.frombuffer(collector.labels, dtype=np.int32).copy()
    return Scan(
        path, stats.lines, skipped, skipped_lines,
        np.frombuffer(collector.offsets, dtype=np.int64).copy(),
        np.frombuffer(collector.line_numbers, dtype=np.int64).copy(),
        np.frombuffer(collector.keys, dtype=np.uint64).copy(),
        bands, labels, collector.table, collector.unlabelled, checksum, compression,
    )
