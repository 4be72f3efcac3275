"""Sources in, outcomes out: pick a reader and layout per input, in a stable order.

A path is a chat-log export when `--from` names a log format or a log reader recognises it
(a Slack folder, a ChatGPT `conversations.json`, a WhatsApp `.txt`, ...); otherwise it is a
tabular or JSON source read by `ftprep.readers.tabular` and shaped by a record layout.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from ftprep.convert.conversations import (
    DEFAULT_GAP,
    NO_GAP,
    LogOptions,
    conversation_examples,
    describe_gap,
)
from ftprep.convert.layouts import ConvertOptions, RecordConverter
from ftprep.convert.model import Converted
from ftprep.model.errors import FtprepError
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.sources import Conversation, Origin, Rejected, Skipped
from ftprep.readers._open import is_stream
from ftprep.readers.chatlogs import NAMES as LOG_NAMES
from ftprep.readers.chatlogs import ChatLogOptions, reader_named, sniff_reader
from ftprep.readers.tabular import STDIN, ReadStats, TabularOptions, read_records

DEFAULT_ASSISTANT = {"chatgpt-export": frozenset({"assistant"})}
# A ChatGPT conversation is one session, however long the user took to come back to it: no
# gap by default, and no warning when it lasts days.
READER_GAPS = {"chatgpt-export": NO_GAP}


@dataclass
class ConvertRequest:
    """Everything the user chose on the command line, validated."""

    paths: list[str]
    layout: str | None = None  # --from
    record: ConvertOptions = field(default_factory=ConvertOptions)
    tabular: TabularOptions = field(default_factory=TabularOptions)
    log: ChatLogOptions = field(default_factory=ChatLogOptions)
    assistant: frozenset[str] = frozenset()
    gap: timedelta | None = None  # None: the reader's default (DEFAULT_GAP, or READER_GAPS)
    system: str | None = None


@dataclass
class InputNote:
    """What the pipeline decided about one input, for the summary."""

    path: str
    kind: str
    notes: list[str] = field(default_factory=list)


def _log_reader(path: str, wanted: str | None) -> ModuleType | None:
    if wanted in LOG_NAMES:
        return reader_named(wanted)
    if wanted is not None or is_stream(path):  # sniffing would eat what a pipe gives once
        return None
    return sniff_reader(path)


def expand(paths: list[str], wanted: str | None) -> list[str]:
    """Directories that are not a chat-log export contribute their files, sorted."""
    found: list[str] = []
    for path in paths:
        if path != STDIN and not os.path.exists(path):
            raise FtprepError(f"{path}: no such file or directory")
        if os.path.isdir(path) and _log_reader(path, wanted) is None:
            inner = sorted(str(p) for p in Path(path).rglob("*") if p.is_file() and not p.name.startswith("."))
            if not inner:
                raise FtprepError(f"{path}: the folder has no files")
            found.extend(inner)
        else:
            found.append(path)
    return found


def speakers(reader: ModuleType, path: str, options: ChatLogOptions) -> Counter[str]:
    counts: Counter[str] = Counter()
    for item in reader.read(path, options):
        if isinstance(item, Conversation):
            counts.update(turn.speaker for turn in item.turns)
    return counts


def _assistant_for(reader: ModuleType, path: str, request: ConvertRequest) -> frozenset[str]:
    if request.assistant:
        return request.assistant
    default = DEFAULT_ASSISTANT.get(reader.NAME)
    if default:
        return default
    seen = speakers(reader, path, request.log).most_common(10)
    listed = ", ".join(f"{name!r} ({n} message{'' if n == 1 else 's'})" for name, n in seen) or "none"
    raise FtprepError(
        f"{path}: choose who plays the assistant in this {reader.NAME} log",
        f"pass --assistant NAME; speakers seen: {listed}",
    )


def _no_assistant_error(reader: ModuleType, path: str, names: frozenset[str], seen: Counter[str]) -> FtprepError:
    listed = ", ".join(f"{name!r}" for name, _n in seen.most_common(10)) or "none"
    return FtprepError(
        f"{path}: no messages from {', '.join(sorted(names))} in this {reader.NAME} log",
        f"speakers seen: {listed}",
    )


PROGRESS_EVERY = 1024  # outcomes between progress reports
T = TypeVar("T")


def _reporting(
    outcomes: Iterator[T], path: str, progress: Progress, stats: ReadStats | None = None,
) -> Iterator[T]:
    """`outcomes` as they come, telling `progress` how far reading `path` is every so often: by
    bytes for a file streamed as text (`ReadStats.opened`), else by count alone."""
    if stats is None:  # a chat export: its reader parses as it likes, counted in conversations
        progress.start(f"converting {path}", None)
    count = 0
    for outcome in outcomes:
        if count == 0 and stats is not None:  # the reader has opened the input by now
            progress.start(f"converting {path}", stats.opened.size if stats.opened else None)
        count += 1
        if count % PROGRESS_EVERY == 0:
            progress.update(stats.opened.bytes_read if stats and stats.opened else 0, count)
        yield outcome
    progress.update(stats.opened.bytes_read if stats and stats.opened else 0, count)


def convert_sources(
    request: ConvertRequest, notes: list[InputNote], progress: Progress = NO_PROGRESS,
) -> Iterator[Converted | Rejected | Skipped]:
    """Every outcome of every input, in input order; `progress` hears how far reading is."""
    for path in expand(request.paths, request.layout):
        reader = _log_reader(path, request.layout)
        if reader is not None:
            assistant = _assistant_for(reader, path, request)
            gap = request.gap if request.gap is not None else READER_GAPS.get(reader.NAME, DEFAULT_GAP)
            how = "" if request.gap is not None else " (default; change with --gap)"
            notes.append(InputNote(path, reader.NAME, [f"assistant: {', '.join(sorted(assistant))}",
                                                       f"gap: {describe_gap(gap)}{how}"]))
            options = LogOptions(assistant, gap, request.system, measure_span=reader.NAME not in READER_GAPS)
            seen: Counter[str] = Counter()
            names: set[str] = set()  # speakers and their aliases, which --assistant may name
            for item in _reporting(reader.read(path, request.log), path, progress):
                if isinstance(item, Conversation):
                    seen.update(turn.speaker for turn in item.turns)
                    names.update(alias for turn in item.turns for alias in turn.aliases)
                    yield from conversation_examples(item, options)
                else:
                    yield item
            # Checked in the same pass (the output is written atomically, so raising here
            # leaves nothing behind) rather than by reading the whole export twice.
            if request.assistant and assistant.isdisjoint(names | seen.keys()):
                raise _no_assistant_error(reader, path, assistant, seen)
            continue
        stats = ReadStats(path)
        note = InputNote(path, "")
        notes.append(note)
        converter = RecordConverter(request.record, name=request.layout)
        yield from _reporting(converter(read_records(path, request.tabular, stats)), path, progress,
                              stats)
        described = [stats.kind]
        if stats.encoding:
            described.append(stats.encoding)
        if stats.delimiter:
            described.append(f"delimiter {stats.delimiter!r}")
        layout = getattr(converter, "layout", None)  # unset when the source had no records
        note.kind = " · ".join(d for d in described if d)
        if layout is not None:
            note.notes += [f"layout: {layout.name}", *layout.notes]
        note.notes += stats.notes
        if stats.blank:
            unit = "line" if stats.kind == "jsonl" else "row"
            yield Skipped(Origin(path, None, unit=unit), f"blank {unit}", stats.blank)
