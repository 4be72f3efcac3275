"""Where `ftprep lint` spends its time, measured without a profiler's distortion.

A profiler inflates pure-Python calls several-fold and hides the tokenizer's threads; this script
times the pipeline's stages and every rule separately, with plain perf_counter loops:

1. stages, each a pass over the file that adds one step: read lines; + parse (`Line`: orjson, BOM,
   duplicate-key screen); + `Record` (format, plain-shape test); + count plan (the engine's own
   `_count_tokens` with a counter that only records the texts); + token counting (timed alone); then the real `Engine` with no rules and
   with every selected rule, so "rules" = engine(all) - engine(none);
2. each rule alone, over the first --records records (LINE rules over the lines, RECORD rules over
   the records they would see given the plain-shape gate, DATASET rules observe + finish), with
   the schema rules' shared per-record survey timed once as its own row; the cyclic GC is off
   while rules are timed, since all those records are alive at once.

    python bench/profile_lint.py bench/data/chat_100k.jsonl [--records 100000]
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ftprep.checks.schema._helpers import Survey
from ftprep.config import Settings
from ftprep.lint.engine import BATCH_RECORDS, Engine
from ftprep.lint.selection import ActiveRule, active_rules
from ftprep.lint.setup import run_context
from ftprep.model.diagnostics import Location
from ftprep.model.lines import Line
from ftprep.model.record import Record, RecordFormat
from ftprep.model.sources import FileStats, Source
from ftprep.readers.jsonl import read_lines
from ftprep.registry import Scope
from ftprep.tokens.encoders import get_counter

ROOT = Path(__file__).resolve().parent.parent


def best_of(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


class _Recorder:
    """A counter that keeps the texts the engine asks for and answers zeros, so the engine's own
    count plan can be timed apart from the tokenizer."""

    def __init__(self, real: Any) -> None:
        self.encoding = real.encoding
        self.backend = real.backend
        self.batches: list[list[str]] = []

    def count(self, texts: list[str]) -> list[int]:
        self.batches.append(list(texts))
        return [0] * len(texts)


def stages(path: str, settings: Settings, repeat: int) -> list[tuple[str, float]]:
    source = Source(path)
    context = run_context(settings)
    counter = get_counter(context.encoding, settings.tokenizer)
    counter.count(["warm up"])

    def read() -> None:
        for _ in read_lines(source, FileStats(path)):
            pass

    def parse() -> None:
        for raw in read_lines(source, FileStats(path)):
            Line(raw)

    def records() -> None:
        for raw in read_lines(source, FileStats(path)):
            line = Line(raw)
            if type(line.value) is dict and line.error is None:
                Record(Location(path, raw.line, 1, raw.offset, 0), line.data, line.value)

    recorder = _Recorder(counter)
    planner = Engine([], context, recorder)  # type: ignore[arg-type]

    def plans() -> None:
        recorder.batches.clear()
        batch: list[Record] = []
        for raw in read_lines(source, FileStats(path)):
            line = Line(raw)
            if type(line.value) is dict and line.error is None:
                batch.append(Record(Location(path, raw.line, 1, raw.offset, 0), line.data, line.value))
                if len(batch) >= BATCH_RECORDS:
                    planner._count_tokens(batch)  # the engine's own plan, with a recording counter
                    batch = []
        planner._count_tokens(batch)

    def count() -> None:
        for texts in recorder.batches:
            counter.count(texts)

    def engine(rules: list[ActiveRule]) -> Callable[[], None]:
        def run() -> None:
            for _ in Engine(rules, context, counter).run([source]):
                pass
        return run

    selected = active_rules(settings)
    rows = [("read lines", best_of(repeat, read)), ("+ parse (Line)", best_of(repeat, parse)),
            ("+ Record", best_of(repeat, records)), ("+ count plan", best_of(repeat, plans))]
    texts = sum(len(b) for b in recorder.batches)
    rows.append((f"token counting alone ({texts:,} texts, {counter.backend})", best_of(repeat, count)))
    rows.append(("engine, no rules", best_of(repeat, engine([]))))
    rows.append((f"engine, {len(selected)} rules", best_of(repeat, engine(selected))))
    return rows


def per_rule(path: str, settings: Settings, limit: int) -> list[tuple[str, float, int]]:
    """(rule, seconds, items seen) for every selected rule, on the first `limit` records."""
    context = run_context(settings)
    counter = get_counter(context.encoding, settings.tokenizer)
    lines: list[Line] = []
    records: list[Record] = []
    for raw in read_lines(Source(path), FileStats(path)):
        line = Line(raw)
        lines.append(line)
        if type(line.value) is dict and line.error is None:
            records.append(Record(Location(path, raw.line, 1, raw.offset, len(records)),
                                  line.data, line.value))
            if len(records) >= limit:
                break
    engine = Engine([], context, counter)
    for start in range(0, len(records), BATCH_RECORDS):
        engine._count_tokens(records[start:start + BATCH_RECORDS])  # the engine's own token facts

    # Every record is held in memory here (the engine holds one batch), so a cyclic-GC pass
    # would scan them all and land on whichever rule is running: time the rules without it.
    gc.collect()
    gc.disable()
    rows: list[tuple[str, float, int]] = []
    needs_survey = [r for r in records if not r.plain_shape]
    started = time.perf_counter()
    for record in needs_survey:
        record.schema = Survey(record)
    rows.append(("shared: schema Survey (non-plain records)", time.perf_counter() - started,
                 len(needs_survey)))

    for active in active_rules(settings):
        spec = active.rule.spec
        gated = spec.only_if_not_plain
        label = f"{spec.code} {spec.name}" + (" [gated]" if gated else "")
        check = active.rule.check
        if spec.scope is Scope.LINE:
            seen_lines = [line for line in lines if not (gated and line.plain)]
            seen = len(seen_lines)
            started = time.perf_counter()
            for line in seen_lines:
                for _ in check(line, active.options):  # type: ignore[misc]
                    pass
        elif spec.scope is Scope.RECORD:
            seen_records = [r for r in records if r.format in spec.formats
                            and not (gated and r.plain_shape and r.format is RecordFormat.CHAT)]
            seen = len(seen_records)
            started = time.perf_counter()
            for record in seen_records:
                for _ in check(record, active.options):  # type: ignore[misc]
                    pass
        else:
            cls = active.rule.dataset_check
            assert cls is not None
            seen = len(records)
            started = time.perf_counter()
            dataset = cls(active.options, context)
            for record in records:
                dataset.observe(record)
            for _ in dataset.finish():
                pass
        rows.append((label, time.perf_counter() - started, seen))
    gc.enable()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--model", default="gpt-4.1-mini")
    parser.add_argument("--repeat", type=int, default=1, help="best of N for each stage")
    parser.add_argument("--records", type=int, default=100_000, help="records for per-rule timing")
    parser.add_argument("--skip-stages", action="store_true")
    args = parser.parse_args(argv)
    path = str(args.file)
    settings = Settings(model=args.model)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    size = args.file.stat().st_size
    print(f"{args.file.name}: {size / 1e6:,.0f} MB; commit {commit}")
    if not args.skip_stages:
        rows = stages(path, settings, args.repeat)
        total = rows[-1][1]
        print(f"{'stage (cumulative unless noted)':<52} {'s':>7} {'% of lint':>9} {'MB/s':>7}")
        for name, seconds in rows:
            print(f"{name:<52} {seconds:7.2f} {seconds / total:9.1%} {size / 1e6 / seconds:7.1f}")
    rows_ = per_rule(path, settings, args.records)
    total = sum(seconds for _, seconds, _ in rows_)
    print(f"\nper rule, first {args.records:,} records ({total:.2f} s in all rules):")
    print(f"{'rule':<52} {'s':>7} {'share':>7} {'items':>9} {'us/item':>8}")
    for name, seconds, seen in sorted(rows_, key=lambda r: -r[1]):
        print(f"{name:<52} {seconds:7.3f} {seconds / total:7.1%} {seen:>9,} "
              f"{seconds / max(1, seen) * 1e6:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
