"""What the HTML report costs on top of the lint it draws, and how big the page gets.

Fresh processes one after another under /usr/bin/time, on one file: `lint --format json` (the
peer: same engine, a reporter that writes every diagnostic) against `lint --format html` (the
report folds diagnostics into counts and draws at the end). Prints wall and CPU seconds, peak
memory, the ratio, and the page's size: it should stay small however many problems there are.

    python bench/bench_report.py bench/data/chat_20k.jsonl
    python bench/bench_report.py bench/data/chat_1m.jsonl
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dataset import timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--model", default="gpt-4.1-mini")
    args = parser.parse_args()
    lint = [sys.executable, "-m", "ftprep", "lint", str(args.file), "--model", args.model]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        peer = timed([*lint, "--format", "json"], out / "report.json")
        page = timed([*lint, "--format", "html"], out / "report.html")
        sizes = {name: (out / name).stat().st_size for name in ("report.json", "report.html")}
    print(f"{args.file} ({args.file.stat().st_size / 1e6:,.0f} MB)")
    for name, run, size in (("lint --format json (peer)", peer, sizes["report.json"]),
                            ("lint --format html", page, sizes["report.html"])):
        print(f"  {name:<27}{run['wall']:7.1f} s wall {run['cpu']:7.1f} s CPU "
              f"{run['rss_mb']:6.0f} MB peak  output {size / 1024:>9,.0f} KiB")
    print(f"  html / json: {page['wall'] / peer['wall']:.2f}x wall, "
          f"{page['cpu'] / peer['cpu']:.2f}x CPU, {page['rss_mb'] / peer['rss_mb']:.2f}x memory")


if __name__ == "__main__":
    main()
