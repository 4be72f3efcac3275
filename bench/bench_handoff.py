"""The hand-off commands at scale, each against `ftprep lint` on the same file in the same script.

Uses the chat file of bench_dataset.py (cached in bench/data/) and runs, in fresh processes one
after another under /usr/bin/time:

- `lint --model gpt-4o-mini` (every rule): the peer;
- `estimate --model gpt-4o-mini`: one count pass with the file and record rules only;
- `estimate --compare`: every open model of every profile (one pass per provider rule set and
  tokenizer: two today, OpenAI-like and Together);
- `export --to trl` and `export --to vertex --model gemini-2.5-flash` (limit check);
- `submit --dry-run` (the lint gate and the estimate, nothing sent).

Ratios to the lint peer are what to compare across machines; absolute times are noisy.

    python bench/bench_handoff.py --examples 200000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dataset import timed, write_jsonl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    path, _truth = write_jsonl(args.examples, args.seed)
    print(f"{args.examples:,} examples, {path.stat().st_size / 1e6:,.0f} MB")
    ftprep = [sys.executable, "-m", "ftprep"]
    data = str(path)
    with tempfile.TemporaryDirectory() as scratch:
        commands = {
            "lint --model (peer)": ["lint", data, "--model", "gpt-4o-mini"],
            "estimate --model": ["estimate", data, "--model", "gpt-4o-mini"],
            "estimate --compare": ["estimate", data, "--compare"],
            "export --to trl": ["export", data, "--to", "trl", "-o", f"{scratch}/trl.jsonl"],
            "export --to vertex --model": ["export", data, "--to", "vertex", "--model",
                                           "gemini-2.5-flash", "-o", f"{scratch}/v.jsonl"],
            "submit --dry-run": ["submit", data, "--provider", "openai", "--model",
                                 "gpt-4o-mini", "--dry-run", "--force"],
        }
        rows = {name: timed([*ftprep, *argv_]) for name, argv_ in commands.items()}
    peer = rows["lint --model (peer)"]
    for name, row in rows.items():
        print(f"  {name:<28} {row['wall']:7.1f} s wall  {row['rss_mb']:6.0f} MB peak  "
              f"{args.examples / row['wall']:9,.0f} examples/s  "
              f"{row['wall'] / peer['wall']:5.2f}x lint")
    return 0


if __name__ == "__main__":
    sys.exit(main())
