"""The one loop: sources -> lines -> records -> rules -> diagnostics, streaming in batches.

Records are processed in batches so token counting can hand thousands of texts to the
tokenizer at once (it counts them across threads); memory holds one batch plus dataset-rule
state. Diagnostics come out sorted by line within each file, then dataset-level ones.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.checks.dataset._fingerprint import TRAIN, VALIDATION, Fingerprints, Needs, fingerprint
from ftprep.lint.selection import ActiveRule, FileIgnores
from ftprep.lint.summary import Summary
from ftprep.model.diagnostics import Diagnostic, Finding, Location, Severity
from ftprep.model.lines import Line, place
from ftprep.model.pointer import column_of
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.record import PLAIN_ROLES, Record, RecordFormat
from ftprep.model.sources import FileStats, RawLine, Source
from ftprep.packs.scan import ContentScanner, Slot
from ftprep.readers._encoding import binary_kind
from ftprep.readers._open import Input, open_input
from ftprep.readers._values import document_kind
from ftprep.readers.jsonl import read_lines, read_values, shard_bounds, text_kind
from ftprep.readers.reread import reread
from ftprep.registry import Scope
from ftprep.tokens.counting import CountPlan, plan_for, plan_plain
from ftprep.tokens.encoders import Counter

BATCH_RECORDS = 4096
SHARD_MIN_BYTES = 32 << 20  # below this, starting a second process costs more than it saves
INTERNAL_ERROR = "FT000"
# Lints one big file in several processes (`ftprep.lint.parallel.run_sharded`); given by the
# caller so the engine never imports the code that drives it.
Sharder = Callable[["Engine", Source, FileStats, list[int]], Iterator[Diagnostic]]


class RecordChecker:
    """Which record-scope rules a record gets; shared by `lint` and `convert`'s self-check.

    Rules are grouped by record format once; a plain chat record (see `Record.plain_shape`)
    skips rules marked `only_if_not_plain` unless `shape_gate` is off.
    """

    def __init__(self, rules: list[ActiveRule], shape_gate: bool = True) -> None:
        record_rules = [r for r in rules if r.rule.spec.scope is Scope.RECORD]
        self._by_format = {
            fmt: [r for r in record_rules if fmt in r.rule.spec.formats] for fmt in RecordFormat
        }
        self._plain = [
            r for r in self._by_format[RecordFormat.CHAT]
            if not (shape_gate and r.rule.spec.only_if_not_plain)
        ]

    def rules_for(self, record: Record) -> list[ActiveRule]:
        return self._plain if record.plain_shape else self._by_format[record.format]


@dataclass
class _Pending:
    """One batch: its records and the line diagnostics found while reading them."""

    records: list[Record]
    diagnostics: list[Diagnostic]


class Engine:
    """Runs selected rules over sources; `summary` is complete once `run` is exhausted.

    `shape_gate=False` runs every rule on every record; tests use it to prove the gate (which
    skips `only_if_not_plain` rules on plain records and lines) never hides a finding.
    """

    def __init__(
        self, rules: list[ActiveRule], context: RunContext, counter: Counter,
        ignores: FileIgnores | None = None, shape_gate: bool = True, jobs: int = 1,
        sharder: Sharder | None = None,
    ) -> None:
        self.context = context
        self.counter = counter
        self.ignores = ignores or FileIgnores({})
        self.summary = Summary()
        self.jobs = jobs
        self.sharder = sharder
        self.shape_gate = shape_gate
        self.records_seen = 0
        self.settings_dump: dict[str, object] = {}  # how to rebuild this engine in a worker
        # Told once per batch how far reading is (a bar on a terminal; the CLI decides).
        self.progress: Progress = NO_PROGRESS
        self._line_rules = [r for r in rules if r.rule.spec.scope is Scope.LINE]
        self._line_rules_plain = [
            r for r in self._line_rules if not (shape_gate and r.rule.spec.only_if_not_plain)
        ]
        # Content rules (packs) run over each whole batch in one pass; the rest per record.
        self._records = RecordChecker([r for r in rules if r.rule.pack is None], shape_gate)
        self._content = ContentScanner(
            [Slot.of(r.rule.pack, r.options, r) for r in rules if r.rule.pack is not None]
        )
        self._role_tokens = dict(zip(PLAIN_ROLES, counter.count(PLAIN_ROLES), strict=True))
        self._dataset = [
            (active, self._build(active)) for active in rules if active.rule.spec.scope is Scope.DATASET
        ]
        # Only dataset rules that look at records are called per record; many only read file
        # stats at `end_file`.
        self._observers = [
            (active, check) for active, check in self._dataset
            if type(check).observe is not DatasetCheck.observe
        ]
        # Rules that read per-record facts (`Needs`): computed once per batch for all of them.
        self._fingerprinted: list[tuple[ActiveRule, DatasetCheck]] = []
        self.needs: Needs | None = None
        for active, check in self._dataset:
            needs = check.needs()
            if needs is not None:
                self._fingerprinted.append((active, check))
                self.needs = needs if self.needs is None else self.needs.union(needs)
        self._group = TRAIN  # of the source being read

    def _build(self, active: ActiveRule) -> DatasetCheck:
        cls = active.rule.dataset_check
        assert cls is not None
        check: DatasetCheck = cls(active.options, self.context)
        return check

    # -- the loop -----------------------------------------------------------------------------

    def run(self, sources: Iterable[Source]) -> Iterator[Diagnostic]:
        # Parsed JSON, records and locations hold no reference cycles, but a batch of thousands
        # of live containers makes the cyclic collector rescan them again and again (~18% of a
        # lint). Reference counting still frees everything; the collector is back afterwards.
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield from self._run(sources)
        finally:
            if collecting:
                gc.enable()

    def _run(self, sources: Iterable[Source]) -> Iterator[Diagnostic]:
        for source in sources:
            stats = FileStats(source.path, skipped=source.skip_reason, document=source.document,
                              validation=source.validation)
            self.set_group(source.validation)
            self.summary.files.append(stats)
            if source.skip_reason is None and source.document is None:
                yield from self._read(source, stats)
            yield from self._end_file(stats)
        if self._dataset:  # after a 100% bar, say why the run is not over yet
            self.progress.status("checking duplicates and the other dataset rules")
        yield from self._finish()
        self.progress.finish()

    def set_group(self, validation: bool) -> None:
        """Whether the records read next are validation records (`--validation`)."""
        self._group = VALIDATION if validation else TRAIN

    def _read(self, source: Source, stats: FileStats) -> Iterator[Diagnostic]:
        """Open the source once and read it as what its first bytes say it is."""
        with open_input(source.path) as opened:
            stats.compression = opened.compression
            self.progress.start(f"linting {source.path}", opened.size)
            other = binary_kind(opened.head) or text_kind(opened.head)
            if other is not None:  # a workbook, a Parquet file, a chat export: `FT013` says so
                stats.document = other
                return
            document = document_kind(opened.head)
            if document is not None:
                stats.document = document
                yield from self.scan_units(
                    read_values(source, opened, stats), stats, lambda: opened.bytes_read
                )
                return
            bounds = self._shards(opened)
            if len(bounds) > 2:
                assert self.sharder is not None  # _shards splits only when there is one
                opened.close()  # a regular file: each shard reads its own range
                yield from self.sharder(self, source, stats, bounds)
            else:
                yield from self.scan_units(
                    read_lines(source, stats, opened=opened), stats, lambda: opened.bytes_read
                )

    def _shards(self, opened: Input) -> list[int]:
        """Byte bounds to split a big file across processes; [0, size] (or []) means one.

        Only a regular, uncompressed file is split: a byte offset inside a compressed stream
        cannot be sought to, and a pipe can be read only once.
        """
        if self.sharder is None or self.jobs < 2 or opened.compression is not None:
            return []
        size = opened.size  # None: a pipe, or a file that cannot be measured (read_lines says so)
        if size is None or size < SHARD_MIN_BYTES:
            return []
        return shard_bounds(opened.path, self.jobs)

    def scan(
        self, source: Source, stats: FileStats, start: int = 0, end: int | None = None
    ) -> Iterator[Diagnostic]:
        """Lines [start, end) of one file (a shard worker's range, or the whole file)."""
        yield from self.scan_units(read_lines(source, stats, start, end), stats)

    def scan_units(
        self, units: Iterable[RawLine], stats: FileStats, position: Callable[[], int] | None = None
    ) -> Iterator[Diagnostic]:
        """Lines (or a document's values): line and record rules, token counts, observation.

        Yields each batch's diagnostics sorted; `observe_record` decides what happens to every
        record afterwards (dataset rules here, facts for the parent in a shard worker).
        `position` gives the bytes read from the input so far, for `progress` after each batch
        (without it, the offset of the batch's last record: a range of a plain file).
        """
        pending = _Pending([], [])
        first = self.records_seen
        for raw in units:
            record = self._read_line(Line(raw), stats, self.records_seen, pending.diagnostics)
            if record is not None:
                self.records_seen += 1
                pending.records.append(record)
                if len(pending.records) >= BATCH_RECORDS:
                    yield from self._flush(pending)
                    last = pending.records[-1].location.offset
                    self.progress.update(position() if position else last, self.records_seen - first)
                    pending = _Pending([], [])
        yield from self._flush(pending)
        if position is not None:
            self.progress.update(position(), self.records_seen - first)

    def _read_line(
        self, line: Line, stats: FileStats, index: int, out: list[Diagnostic]
    ) -> Record | None:
        raw = line.raw
        if line.blank:
            stats.blank += 1
        elif type(line.value) is not dict and raw.problem is None:
            stats.unparsed += 1
        rules = self._line_rules_plain if line.plain else self._line_rules
        for active in rules:
            try:
                for finding in active.rule.check(line, active.options):  # type: ignore[misc]
                    column = finding.column or column_of(line.text, finding.pointer)
                    where, column = place(raw.line, raw.column, line.text, column)
                    location = Location(raw.path, where, column, raw.offset, None, finding.pointer)
                    self._emit(out, active, finding, location)
            except Exception as error:  # the engine is the rule boundary: report, never crash
                location = Location(raw.path, raw.line, raw.column, raw.offset)
                self._internal_error(out, active, location, error)
        if type(line.value) is not dict or line.error is not None:
            return None
        stats.records += 1
        location = Location(raw.path, raw.line, raw.column, raw.offset, index)
        return Record(location, line.data, line.value)

    def _flush(self, pending: _Pending) -> Iterator[Diagnostic]:
        records = pending.records
        out = pending.diagnostics
        if records:
            self._count_tokens(records)
            if self._content:
                self._scan_content(records, out)
            for record in records:
                self._check_record(record, out)
                self.observe_record(record, out)
            if self.needs is not None:
                prints = fingerprint(
                    self.needs, [r.location for r in records], [r.data for r in records],
                    self._group, [r.format for r in records],
                )
                self.observe_prints(prints, out)
        out.sort(key=Diagnostic.sort_key)
        yield from out

    def observe_prints(self, prints: Fingerprints, out: list[Diagnostic]) -> None:
        """Feed one batch's per-record facts to the dataset rules that read them."""
        for active, check in self._fingerprinted:
            try:
                check.observe_batch(prints)
            except Exception as error:  # the rule boundary
                self._internal_error(out, active, prints.locations[0], error)

    def observe_record(self, record: Record, out: list[Diagnostic]) -> None:
        """Feed one checked, counted record to the summary and the dataset rules; a validation
        record only to the rules reading facts (`observe_prints`): it is not training data."""
        if self._group == VALIDATION:
            self.summary.observe_validation(record)
            return
        self.summary.observe(record)
        for active, check in self._observers:
            try:
                check.observe(record)
            except Exception as error:  # the rule boundary
                self._internal_error(out, active, record.location, error)

    def _count_tokens(self, records: list[Record]) -> None:
        texts: list[str] = []
        plans: list[tuple[CountPlan, int, int]] = []
        roles = self._role_tokens
        model = self.context.model
        images = model.images if model is not None else None
        for record in records:
            if record.plain_shape:
                plan = plan_plain(record.data["messages"], roles)
            else:
                plan = plan_for(record.data, record.format, images)
            start = len(texts)
            texts += plan.content
            middle = len(texts)
            texts += plan.other
            plans.append((plan, start, middle))
        counts = self.counter.count(texts)
        limit = self.context.limit
        ends = [start for _plan, start, _middle in plans[1:]] + [len(texts)]
        for record, (plan, start, middle), end in zip(records, plans, ends):
            plan.apply(record.tokens, sum(counts[start:middle]), sum(counts[middle:end]), limit)

    def _check_record(self, record: Record, out: list[Diagnostic]) -> None:
        # RecordChecker.findings inlined: one generator fewer per record on the hot path.
        before = len(out)
        for active in self._records.rules_for(record):
            try:
                for finding in active.rule.check(record, active.options):  # type: ignore[misc]
                    column = finding.column or column_of(record.text, finding.pointer)
                    start = record.location
                    line, column = place(start.line, start.column, record.text, column)
                    location = start._replace(line=line, column=column, pointer=finding.pointer)
                    self._emit(out, active, finding, location)
            except Exception as error:  # the rule boundary: report, never crash
                self._internal_error(out, active, record.location, error)
        if len(out) > before:  # whether the example is usable (`record.is_usable`)
            record.errors = sum(d.severity is Severity.ERROR for d in out[before:])

    def _scan_content(self, records: list[Record], out: list[Diagnostic]) -> None:
        """Every content rule over the batch at once (`ftprep.packs.scan`).

        Their findings do not make an example unusable: a provider takes a record holding an
        email address; whether it should is the user's call, at the rule's severity."""
        try:
            found = self._content.findings(records)
        except Exception as error:  # the rule boundary: report, never crash
            first = self._content.slots[0].key
            self._internal_error(out, first, records[0].location, error)
            return
        for number, slot, finding in found:
            start = records[number].location
            at = finding.column or column_of(records[number].text, finding.pointer)
            line, column = place(start.line, start.column, records[number].text, at)
            location = start._replace(line=line, column=column, pointer=finding.pointer)
            self._emit(out, slot.key, finding, location)

    def _end_file(self, stats: FileStats) -> Iterator[Diagnostic]:
        out: list[Diagnostic] = []
        for active, check in self._dataset:
            try:
                for finding in check.end_file(stats):
                    self._emit(out, active, finding, finding.location or Location(stats.path))
            except Exception as error:
                self._internal_error(out, active, Location(stats.path), error)
        out.sort(key=Diagnostic.sort_key)
        yield from out

    def _finish(self) -> Iterator[Diagnostic]:
        out: list[Diagnostic] = []
        self._revisit(out)
        for active, check in self._dataset:
            try:
                for finding in check.finish():
                    where = finding.location or Location(self.summary.files[0].path if self.summary.files else "-")
                    self._emit(out, active, finding, where)
                self.summary.dataset.extend(check.facts())
            except Exception as error:
                self._internal_error(out, active, Location("-"), error)
        out.sort(key=Diagnostic.sort_key)
        yield from out

    def _revisit(self, out: list[Diagnostic]) -> None:
        """Re-read the records dataset rules asked for again (by offset) and hand them back."""
        wanted: dict[str, set[int]] = {}
        asking = []
        for active, check in self._dataset:
            try:
                locations = list(check.revisit())
            except Exception as error:
                self._internal_error(out, active, Location("-"), error)
                continue
            if locations:
                asking.append((active, check))
            for location in locations:
                wanted.setdefault(location.path, set()).add(location.offset)
        if not asking:
            return
        found: dict[tuple[str, int], dict[str, Any]] = {}
        for path, offsets in sorted(wanted.items()):
            for offset, data in reread(path, offsets):
                found[(path, offset)] = data
        for active, check in asking:
            try:
                check.revisited(found)
            except Exception as error:
                self._internal_error(out, active, Location("-"), error)

    # -- diagnostics --------------------------------------------------------------------------

    def count(self, diagnostic: Diagnostic) -> None:
        """Count a diagnostic made elsewhere (a shard worker) into this run's summary."""
        self.summary.count(diagnostic)
        if diagnostic.code == INTERNAL_ERROR:
            self.summary.internal_errors += 1

    def _emit(
        self, out: list[Diagnostic], active: ActiveRule, finding: Finding, location: Location
    ) -> None:
        spec = active.rule.spec
        if self.ignores.ignored(location.path, active.rule):
            return
        diagnostic = Diagnostic(
            spec.code, spec.name, active.severity_of(finding), finding.message, location, spec.fix,
            finding.related,
        )
        self.summary.count(diagnostic)
        out.append(diagnostic)

    def _internal_error(
        self, out: list[Diagnostic], active: ActiveRule, location: Location, error: Exception
    ) -> None:
        self.summary.internal_errors += 1
        message = (
            f"internal error in rule {active.code} ({active.rule.spec.name}): "
            f"{type(error).__name__}: {error}; please report this with the input line"
        )
        diagnostic = Diagnostic(INTERNAL_ERROR, "internal-error", Severity.ERROR, message, location)
        self.summary.count(diagnostic)
        out.append(diagnostic)
