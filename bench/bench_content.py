"""What content packs (FT4xx) add to `ftprep lint`, and how the cost grows with more patterns.

1. Whole runs, fresh processes one after another under /usr/bin/time, on one file:
   `lint` with every shipped rule (the packs included) against `lint --ignore FT4`, the peer.
   The issue's target: the packs add under 25 % of lint's time.
2. The scanner alone, in this process, over the first `--sample` records of the file (parsed
   once, batches of 4,096 as the engine makes them): the shipped packs, then the shipped packs
   plus N synthetic secret-shaped patterns (a user's big pack), N = 0 ... 800. Prints seconds,
   MB of text per second and the ratio to the shipped packs alone.

Ratios are what to compare across machines; absolute times are noisy.

    python bench/bench_content.py bench/data/chat_1m.jsonl
    python bench/bench_content.py bench/data/chat_1m.jsonl --skip-runs --sample 200000
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import tempfile
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dataset import timed

from ftprep.lint.engine import BATCH_RECORDS
from ftprep.model.diagnostics import Location
from ftprep.model.record import Record
from ftprep.packs.load import read_pack
from ftprep.packs.scan import ContentScanner, Slot
from ftprep.registry import all_rules


def whole_runs(path: Path) -> None:
    ftprep = [sys.executable, "-m", "ftprep", "lint", str(path), "--format", "json"]
    peer = timed([*ftprep, "--ignore", "FT4"])
    packs = timed(ftprep)
    added = packs["wall"] / peer["wall"] - 1
    print(f"  lint --ignore FT4 (peer)   {peer['wall']:7.1f} s wall {peer['cpu']:7.1f} s CPU "
          f"{peer['rss_mb']:6.0f} MB peak")
    print(f"  lint (packs on)            {packs['wall']:7.1f} s wall {packs['cpu']:7.1f} s CPU "
          f"{packs['rss_mb']:6.0f} MB peak")
    print(f"  added by the packs: {added:+.1%} wall, {packs['cpu'] / peer['cpu'] - 1:+.1%} CPU "
          f"(target < +25 %)")


def batches(path: Path, sample: int) -> list[list[Record]]:
    records: list[Record] = []
    with path.open("rb") as stream:
        for number, line in enumerate(stream):
            if len(records) >= sample:
                break
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            if type(data) is dict:
                records.append(Record(Location(str(path), number + 1), line, data))
    return [records[i : i + BATCH_RECORDS] for i in range(0, len(records), BATCH_RECORDS)]


def synthetic_pack(count: int, folder: Path) -> Path:
    """`count` secret-shaped rules: a distinct literal prefix and a long random tail."""
    rng = random.Random(count)
    rules = []
    for number in range(count):
        prefix = "".join(rng.choices(string.ascii_lowercase, k=3)) + f"{number}_"
        rules.append(
            f'[[rule]]\ncode = "SYN{number:03d}"\nname = "synthetic-{number}"\nsummary = "s"\n'
            f'why = "w"\nbad = ["{prefix}{"A1b2" * 6}"]\ngood = ["none"]\n'
            f"[[rule.pattern]]\nregex = '\\b{prefix}[A-Za-z0-9]{{24,64}}\\b'\nmin-entropy = 3.0\n"
        )
    path = folder / f"synthetic_{count}.toml"
    path.write_text("\n".join(rules), encoding="utf-8")
    return path


def scan_seconds(scanner: ContentScanner, work: list[list[Record]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for batch in work:
            scanner.findings(batch)
        best = min(best, time.perf_counter() - start)
    return best


def growth(path: Path, sample: int, repeat: int) -> None:
    work = batches(path, sample)
    texts_mb = sum(len(r.raw) for batch in work for r in batch) / 1e6
    shipped = [Slot.of(rule.pack) for rule in all_rules() if rule.pack is not None]
    patterns = sum(len(slot.rule.patterns) for slot in shipped)
    base = scan_seconds(ContentScanner(shipped), work, repeat)
    print(f"  scanner over {sum(map(len, work)):,} records ({texts_mb:,.0f} MB of JSON lines), "
          f"best of {repeat}")
    print(f"  {'patterns':>9} {'seconds':>8} {'MB/s':>7} {'x shipped':>10}")
    print(f"  {patterns:>9} {base:8.2f} {texts_mb / base:7.0f} {1.0:10.2f}   (the shipped packs)")
    with tempfile.TemporaryDirectory() as scratch:
        for count in (10, 50, 100, 200, 400, 800):
            extra = [Slot.of(rule) for rule in read_pack(synthetic_pack(count, Path(scratch)))]
            seconds = scan_seconds(ContentScanner(shipped + extra), work, repeat)
            print(f"  {patterns + count:>9} {seconds:8.2f} {texts_mb / seconds:7.0f} "
                  f"{seconds / base:10.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--sample", type=int, default=100_000, help="records for the scanner part")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-runs", action="store_true", help="only the scanner part")
    args = parser.parse_args(argv)
    print(f"{args.path} ({args.path.stat().st_size / 1e6:,.0f} MB)")
    if not args.skip_runs:
        whole_runs(args.path)
    growth(args.path, args.sample, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
