"""Dataset rules at scale: `ftprep lint` with every dataset rule against lint without them.

Writes N chat examples (the texts and injected copies of bench_neardup.py: exact, case,
punctuation, one word changed, one word dropped; ~5 % of rows) as JSON Lines, one
user/assistant pair per line, then runs in fresh processes, one after another, each under
/usr/bin/time for its wall time and peak RSS:

- `lint --ignore FT303,...,FT310` (the per-record rules, token counts and FT301/302 only);
- `lint` with every dataset rule, `--format json`: its FT303/FT304 clusters are scored against
  the injected pairs (recall of injected pairs, precision of the pairs the clusters imply);
- `fix` and `split` on the same file.

The ratio lint-with / lint-without is the issue's target (<= 1.5x, peak RSS < 1.5 GB at 1M).

    python bench/bench_dataset.py --examples 200000
    python bench/bench_dataset.py --examples 1000000 --skip-fix
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_neardup import DATA, generate

DATASET_RULES = ",".join(f"FT{code}" for code in range(303, 311))


def write_jsonl(examples: int, seed: int) -> tuple[Path, list[tuple[int, int, str]]]:
    """The chat file (cached in bench/data/) and the injected (original, copy, kind) rows."""
    path = DATA / f"dataset_{examples}_s{seed}.jsonl"
    truth_path = path.with_suffix(".truth.json")
    if path.is_file() and truth_path.is_file():
        return path, [tuple(t) for t in json.loads(truth_path.read_text())]  # type: ignore[misc]
    texts, truth = generate(examples, seed)
    DATA.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".tmp"), "wb") as out:
        for text in texts:
            user, _, assistant = text.partition("\nassistant: ")
            record = {"messages": [{"role": "user", "content": user.removeprefix("user: ")},
                                   {"role": "assistant", "content": assistant}]}
            out.write(orjson.dumps(record) + b"\n")
    os.replace(path.with_suffix(".tmp"), path)
    truth_path.write_text(json.dumps(truth))
    return path, truth


def timed(command: list[str], stdout: Path | None = None) -> dict[str, float]:
    """Run under /usr/bin/time -v; wall seconds, CPU seconds and peak RSS in MB."""
    with open(stdout or os.devnull, "wb") as out:
        done = subprocess.run(["/usr/bin/time", "-v", *command], stdout=out,
                              stderr=subprocess.PIPE, check=False)
    report = done.stderr.decode()
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{report[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", report)
    assert wall is not None
    hours, minutes, seconds = int(wall[1] or 0), int(wall[2]), float(wall[3])
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", report)[1])  # type: ignore[index]
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", report)[1])  # type: ignore[index]
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)[1])  # type: ignore[index]
    return {"wall": hours * 3600 + minutes * 60 + seconds, "cpu": user + system, "rss_mb": rss / 1024}


def score(report: dict[str, Any], truth: list[tuple[int, int, str]]) -> dict[str, Any]:
    """Recall of injected pairs and precision of the pairs FT303/FT304 clusters imply."""
    clusters = []
    for diagnostic in report["diagnostics"]:
        if diagnostic["code"] in ("FT303", "FT304"):
            members = [diagnostic["location"]] + diagnostic.get("related", [])
            clusters.append(sorted(m["line"] - 1 for m in members))
    root = {copy: original for original, copy, _ in truth}
    reported = {(a, b) for members in clusters for a, b in itertools.combinations(members, 2)}
    correct = sum(root.get(a, a) == root.get(b, b) for a, b in reported)
    found = sum((min(o, c), max(o, c)) in reported for o, c, _ in truth)
    return {"clusters": len(clusters), "pairs": len(reported),
            "precision": correct / len(reported) if reported else 1.0,
            "recall": found / len(truth) if truth else 1.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-fix", action="store_true", help="skip fix and split")
    args = parser.parse_args(argv)
    path, truth = write_jsonl(args.examples, args.seed)
    size = path.stat().st_size / 1e6
    print(f"{args.examples:,} examples, {size:,.0f} MB, {len(truth):,} injected copies")
    ftprep = [sys.executable, "-m", "ftprep"]
    with tempfile.TemporaryDirectory() as scratch:
        report_path = Path(scratch) / "report.json"
        without = timed([*ftprep, "lint", str(path), "--ignore", DATASET_RULES])
        with_rules = timed([*ftprep, "lint", str(path), "--format", "json"], report_path)
        rows = [("lint without FT303-FT310", without), ("lint with every dataset rule", with_rules)]
        if not args.skip_fix:
            rows.append(("fix", timed([*ftprep, "fix", str(path), "-o", f"{scratch}/fixed.jsonl",
                                       "--rejects", f"{scratch}/rejects.jsonl"])))
            rows.append(("split", timed([*ftprep, "split", str(path), "--validation", "0.1",
                                         "--seed", "1", "-o", f"{scratch}/train.jsonl",
                                         "--validation-output", f"{scratch}/val.jsonl"])))
        quality = score(json.loads(report_path.read_text()), truth)
    for name, row in rows:
        print(f"  {name:<30} {row['wall']:7.1f} s wall  {row['cpu']:7.1f} s CPU  "
              f"{row['rss_mb']:7.0f} MB peak  {args.examples / row['wall']:9,.0f} examples/s")
    print(f"  ratio with/without            {with_rules['wall'] / without['wall']:.2f}x wall  "
          f"{with_rules['cpu'] / without['cpu']:.2f}x CPU   (target <= 1.5x)")
    print(f"  FT303+FT304 on injected pairs  recall {quality['recall']:.4f}  "
          f"precision {quality['precision']:.4f}  ({quality['clusters']:,} clusters, "
          f"{quality['pairs']:,} pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
