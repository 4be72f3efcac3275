"""What a pre-commit hook pays: `ftprep lint` on a 10-line file vs. the least a token count costs.

Both sides run as fresh subprocesses, interleaved, N times each (median reported):

- ftprep: `ftprep lint small.jsonl --model gpt-4.1-mini` (the console script pre-commit runs;
  `python -m ftprep` if the script is not on PATH), output discarded;
- baseline: `python -c "import toktok; toktok.batch_count([...], 'o200k_base')"`: import the
  tokenizer, load o200k, count one string;
- for reference: `python -c pass` (the interpreter alone).

Target: ftprep within 0.3 s of the baseline. `--importtime` adds the slowest imports of the ftprep
run (from `python -X importtime`), which is where start-up time usually goes.

    python bench/bench_precommit.py --runs 10 --importtime
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_S = 0.3
BASELINE = "import toktok; toktok.batch_count(['Hello, how can I help you today?'], 'o200k_base')"


def small_file(path: Path, lines: int) -> Path:
    """`lines` clean chat examples from the benchmark generator (seeded, so always the same)."""
    sys.path.insert(0, str(HERE))
    from generate import DEFAULT_CORPORA, Writer, load_vocabulary

    corpora = DEFAULT_CORPORA if DEFAULT_CORPORA.is_dir() else None
    writer = Writer(load_vocabulary(corpora), random.Random(7), compact=False, defect_rate=0.0)
    for _ in range(lines):
        writer.add()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(writer.lines) + b"\n")
    return path


def timed(argv: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                          check=False)
    return time.perf_counter() - started, done.returncode


def slowest_imports(argv: list[str], top: int) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the slowest top-level imports of one run."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    found = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 1:  # top-level imports and their direct children
            found.append((int(cumulative) / 1e6, name.strip()))
    return sorted(found, reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--model", default="gpt-4.1-mini")
    parser.add_argument("--importtime", action="store_true", help="show the slowest imports of ftprep")
    args = parser.parse_args(argv)

    path = small_file(HERE / "out" / f"precommit_{args.lines}.jsonl", args.lines)
    script = shutil.which("ftprep")
    ftprep = [script] if script else [sys.executable, "-m", "ftprep"]
    commands = {
        "ftprep lint": [*ftprep, "lint", str(path), "--model", args.model],
        "toktok baseline": [sys.executable, "-c", BASELINE],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    for argv_ in commands.values():  # warm the OS caches (files, .pyc) once
        timed(argv_)
    times: dict[str, list[float]] = {name: [] for name in commands}
    codes: dict[str, set[int]] = {name: set() for name in commands}
    for _ in range(args.runs):
        for name, argv_ in commands.items():
            seconds, code = timed(argv_)
            times[name].append(seconds)
            codes[name].add(code)

    print(f"{args.lines}-line file {path.relative_to(ROOT)}; {args.runs} runs each, interleaved; "
          f"ftprep via {' '.join(ftprep)}; load average {os.getloadavg()[0]:.2f}")
    for name, found in times.items():
        print(f"  {name:<16} median {statistics.median(found):.3f} s  min {min(found):.3f}  "
              f"max {max(found):.3f}  exit {sorted(codes[name])}")
    median = {name: statistics.median(found) for name, found in times.items()}
    gap = median["ftprep lint"] - median["toktok baseline"]
    best_gap = min(times["ftprep lint"]) - min(times["toktok baseline"])
    verdict = "ok" if gap <= TARGET_S else "MISSED"
    print(f"  difference ftprep - baseline: median {gap:+.3f} s (min-to-min {best_gap:+.3f} s); "
          f"target within {TARGET_S} s: {verdict}")
    if args.importtime:
        print("slowest imports of `ftprep lint` (cumulative s, top-level modules and their children):")
        for seconds, module in slowest_imports(commands["ftprep lint"], 15):
            print(f"  {seconds:6.3f}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
