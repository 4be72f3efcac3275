"""Lint one big file with several processes: the file is cut at line starts into shards.

This process lints the first shard itself while a worker process per further shard runs the
line and record rules and the token counting on its range. Workers send back their
diagnostics and, per record, only the facts dataset rules and the summary read (location,
format, token facts, error count); this process shifts their line and record numbers, feeds the
facts to the dataset rules in file order, and yields diagnostics in file order. The output is
the same as a one-process run (a test compares them byte for byte).

Workers are spawned, not forked: the parent may already run tokenizer threads.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ftprep.checks.dataset._fingerprint import Fingerprints
from ftprep.lint.engine import Engine
from ftprep.lint.setup import build_engine
from ftprep.model.diagnostics import Diagnostic, Location
from ftprep.model.errors import FtprepError
from ftprep.model.record import Record, RecordFormat, TokenFacts
from ftprep.model.sources import FileStats, Source

SEND_EVERY = 4096
# line, byte offset, record index, format, token facts, error findings
Fact = tuple[int, int, int, str, TokenFacts, int]


@dataclass(frozen=True)
class ShardJob:
    settings: dict[str, Any]
    path: str
    start: int
    end: int
    shape_gate: bool
    validation: bool


class _ShardEngine(Engine):
    """An engine that keeps each record's facts for the parent instead of feeding its dataset
    rules, which only the parent runs."""

    facts: list[Fact]
    prints: list[Fingerprints]

    def observe_prints(self, prints: Fingerprints, out: list[Diagnostic]) -> None:
        self.prints.append(prints)

    def observe_record(self, record: Record, out: list[Diagnostic]) -> None:
        loc = record.location
        self.facts.append((loc.line, loc.offset, loc.record or 0, record.format.value,
                           record.tokens, record.errors))


def _work(job: ShardJob, conn: Connection) -> None:
    """The worker process: lint one byte range and stream results to the parent."""
    from ftprep.config import Settings

    try:
        settings = Settings.model_validate(job.settings)
        # Built with the dataset rules so it computes the facts they need (`Engine.needs`); it
        # never feeds them: `_ShardEngine` ships records' facts to the parent instead.
        engine = build_engine(settings, threads=1, shape_gate=job.shape_gate,
                              engine_class=_ShardEngine)
        assert isinstance(engine, _ShardEngine)
        engine.facts, engine.prints = [], []
        engine.set_group(job.validation)
        stats = FileStats(job.path)
        diagnostics: list[Diagnostic] = []
        for diagnostic in engine.scan(Source(job.path), stats, job.start, job.end):
            diagnostics.append(diagnostic)
            if len(engine.facts) >= SEND_EVERY:
                conn.send(("batch", diagnostics, engine.facts, engine.prints))
                diagnostics, engine.facts, engine.prints = [], [], []
        conn.send(("batch", diagnostics, engine.facts, engine.prints))
        conn.send(("done", stats))
    except FtprepError as error:
        conn.send(("error", error.message))
    except Exception as error:  # the process boundary: report to the parent, which exits 2
        conn.send(("error", f"internal error in a shard worker: {type(error).__name__}: {error}"))
    finally:
        conn.close()


class _Worker:
    """A spawned shard worker and a thread that drains its pipe, so it never blocks on a full
    pipe while this process is busy with an earlier shard."""

    def __init__(self, job: ShardJob) -> None:
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_work, args=(job, sender), daemon=True)
        self.process.start()
        sender.close()
        self.inbox: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._drain, args=(receiver,), daemon=True)
        self.thread.start()

    def _drain(self, receiver: Connection) -> None:
        while True:
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                self.inbox.put(("error", "a shard worker exited without finishing"))
                return
            self.inbox.put(message)
            if message[0] in ("done", "error"):
                return

    def messages(self) -> Iterator[tuple[Any, ...]]:
        while True:
            message = self.inbox.get()
            yield message
            if message[0] in ("done", "error"):
                return

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)


def _shift(location: Location, lines: int, records: int) -> Location:
    record = location.record + records if location.record is not None else None
    line = location.line + lines if location.line > 0 else location.line
    return location._replace(line=line, record=record)


def _shift_diagnostic(diagnostic: Diagnostic, lines: int, records: int) -> Diagnostic:
    from dataclasses import replace

    return replace(
        diagnostic,
        location=_shift(diagnostic.location, lines, records),
        related=tuple(_shift(loc, lines, records) for loc in diagnostic.related),
    )


def _absorb(total: FileStats, part: FileStats, lines_before: int) -> None:
    if part.first_crlf_line and not total.first_crlf_line:
        total.first_crlf_line = part.first_crlf_line + lines_before
    total.lines += part.lines
    total.bytes += part.bytes
    total.blank += part.blank
    total.crlf += part.crlf
    total.unparsed += part.unparsed
    total.records += part.records


def run_sharded(engine: Engine, source: Source, stats: FileStats, bounds: list[int]) -> Iterator[Diagnostic]:
    """Lint `source` split at `bounds`; see the module docstring."""
    settings = engine.settings_dump
    workers = [
        _Worker(ShardJob(settings, source.path, start, end, engine.shape_gate, source.validation))
        for start, end in zip(bounds[1:-1], bounds[2:], strict=True)
    ]
    # Progress is the parent's: how far the merge has got, in bytes of the file (each shard's
    # records carry absolute offsets) and records; the first shard reports as it is read here.
    progress, base = engine.progress, engine.records_seen
    try:
        first = FileStats(source.path)
        yield from engine.scan(source, first, bounds[0], bounds[1])
        _absorb(stats, first, 0)
        progress.update(bounds[1], engine.records_seen - base)
        for worker, end in zip(workers, bounds[2:], strict=True):
            lines, records = stats.lines, engine.records_seen
            for message in worker.messages():
                kind = message[0]
                if kind == "error":
                    raise FtprepError(f"{source.path}: {message[1]}")
                if kind == "done":
                    part: FileStats = message[1]
                    _absorb(stats, part, lines)
                    engine.records_seen += part.records
                    progress.update(end, engine.records_seen - base)
                    continue
                yield from _merge_batch(
                    engine, source.path, message[1], message[2], message[3], lines, records
                )
                if message[2]:  # the batch's last record: its offset and index in the shard
                    _line, offset, index, *_rest = message[2][-1]
                    progress.update(offset, records - base + index + 1)
    finally:
        for worker in workers:
            worker.stop()


def _merge_batch(
    engine: Engine, path: str, diagnostics: list[Diagnostic], facts: list[Fact],
    prints: list[Fingerprints], lines: int, records: int,
) -> Iterator[Diagnostic]:
    out: list[Diagnostic] = []
    for line, offset, index, fmt, tokens, errors in facts:
        location = Location(path, line + lines, 1, offset, index + records)
        record = Record.facts_only(location, RecordFormat(fmt), tokens, errors)
        engine.observe_record(record, out)
    for batch in prints:
        engine.observe_prints(batch.shifted(lines, records), out)
    for diagnostic in diagnostics:
        shifted = _shift_diagnostic(diagnostic, lines, records)
        engine.count(shifted)
        out.append(shifted)
    out.sort(key=Diagnostic.sort_key)
    yield from out
