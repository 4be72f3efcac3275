"""`ftprep diff` against `ftprep lint`: two versions of N examples differing in 1 %.

Takes the first N lines of a generated file as OLD and writes NEW from it: a third of the
changed examples removed, a third edited (one word of the longest message), a third added
(existing examples with their words reversed: new text), and every line moved within a window
of 1,000 lines. Then times `ftprep lint NEW` and `ftprep diff OLD NEW`, each in its own process,
and prints the ratio and each one's wall, CPU and peak memory (/usr/bin/time -v).

    python bench/bench_diff.py --n 100000 --repeat 2   # OLD from bench/data/chat_1m.jsonl
    python bench/bench_diff.py                     # 1,000,000 examples (target: ratio <= 2)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dataset import timed  # the benches' one way to time a command

WINDOW = 1000


def _edit(line: bytes, rng: random.Random, reverse: bool) -> bytes | None:
    """The line edited, or None for a line with no message text (the defects generate.py injects)."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    listed = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(listed, list):  # not a chat record, or messages null/a string (defects)
        return None
    messages = [m for m in listed if isinstance(m, dict)
                and isinstance(m.get("content"), str) and m["content"].strip()]
    if not messages:
        return None
    if reverse:
        for message in messages:
            message["content"] = " ".join(reversed(message["content"].split())) + " (new)"
    else:
        longest = max(messages, key=lambda m: len(m["content"]))
        words = longest["content"].split(" ")
        words[rng.randrange(len(words))] = "EDITED"
        longest["content"] = " ".join(words)
    return orjson.dumps(record)


def make_versions(source: Path, n: int, rate: float, folder: Path, seed: int) -> tuple[Path, Path, dict[str, int]]:
    folder.mkdir(parents=True, exist_ok=True)
    old_path, new_path = folder / f"old_{n}.jsonl", folder / f"new_{n}.jsonl"
    rng = random.Random(seed)
    changed = set(rng.sample(range(n), int(n * rate)))
    kinds = {i: ("removed", "edited", "added")[k % 3] for k, i in enumerate(sorted(changed))}
    counts = {"removed": 0, "edited": 0, "added": 0}
    with open(source, "rb") as src, open(old_path, "wb") as old, open(new_path, "wb") as new:
        window: list[bytes] = []
        for number, line in enumerate(src):
            if number >= n:
                break
            line = line.rstrip(b"\r\n")
            old.write(line + b"\n")
            kind = kinds.get(number)
            edited = _edit(line, rng, reverse=kind == "added") if kind in ("edited", "added") else None
            if edited is None and kind != "removed":
                kind = None
            if kind == "removed":
                counts["removed"] += 1
            elif kind == "edited":
                window.append(edited)  # type: ignore[arg-type]
                counts["edited"] += 1
            else:
                window.append(line)
                if kind == "added":
                    window.append(edited)  # type: ignore[arg-type]
                    counts["added"] += 1
            if len(window) >= WINDOW:
                rng.shuffle(window)
                new.writelines(x + b"\n" for x in window)
                window = []
        rng.shuffle(window)
        new.writelines(x + b"\n" for x in window)
    return old_path, new_path, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="examples in OLD")
    parser.add_argument("--source", type=Path, default=HERE / "data" / "chat_1m.jsonl",
                        help="a JSONL file to take OLD from (bench/generate.py writes one)")
    parser.add_argument("--rate", type=float, default=0.01, help="share of examples changed")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating; the fastest counts")
    parser.add_argument("--folder", type=Path, default=HERE / "data" / "diff")
    args = parser.parse_args()
    if not args.source.exists():
        sys.exit(f"{args.source}: missing; run python bench/generate.py --examples 1000000")
    started = time.perf_counter()
    old, new, counts = make_versions(args.source, args.n, args.rate, args.folder, args.seed)
    print(f"versions: {args.n:,} examples, {counts} ({time.perf_counter() - started:.1f} s to write)")
    ftprep = [sys.executable, "-m", "ftprep"]
    lint_runs, diff_runs = [], []
    for _ in range(args.repeat):  # alternating, so a burst of load hits both alike
        lint_runs.append(timed([*ftprep, "lint", "--isolated", str(new)]))
        diff_runs.append(timed([*ftprep, "diff", "--isolated", "--format", "json", str(old), str(new)]))
    lint = min(lint_runs, key=lambda run: run["wall"])
    diff = min(diff_runs, key=lambda run: run["wall"])
    for name, run in (("lint NEW", lint), ("diff OLD NEW", diff)):
        print(f"{name:<15}{run['wall']:8.1f} s wall {run['cpu']:8.1f} s CPU  "
              f"peak {run['rss_mb']:8.0f} MB")
    print(f"ratio diff/lint {diff['wall'] / lint['wall']:.2f} (target <= 2.00); "
          f"memory ratio {diff['rss_mb'] / lint['rss_mb']:.2f}")
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores: above ~2, the numbers are noisy)")


if __name__ == "__main__":
    main()
