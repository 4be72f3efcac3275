"""How close `ftprep convert`'s reading and mapping come to pandas + orjson on a 1M-row CSV.

One script, each measurement in its own fresh process (own imports, own peak RSS), on a file
already in the page cache:

- floor (as specified): `pandas.read_csv(chunksize=50_000, dtype=str, keep_default_na=False)`,
  then per row `orjson.dumps({"messages": [user, assistant]})`;
- floor (fastest pandas): the same with `dtype=object, na_filter=False` (pandas >= 3 makes
  `dtype=str` an Arrow-backed string column whose `.tolist()` costs more);
- ftprep: `ftprep.readers.tabular.read_records` + `RecordConverter` with the mapped layout
  (`--map user=question --map assistant=answer`), then `orjson.dumps(record)`; each row also
  gets its `Origin`, validation and rejection path, which the floors do not.

Times are the work after imports (imports are shown apart). Both sides produce the same JSON bytes (checked on every run by count and total size, and
byte for byte on the first rows). The ratio ftprep/floor is the target (<= 2.0), reported
against the faster floor. Times: wall and CPU (user+sys) seconds, best of --repeat.

    python bench/bench_convert.py                 # makes bench/data/qa_1m.csv on first run
    python bench/bench_convert.py --rows 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
CHUNK = 50_000
CHECK_ROWS = 2_000
MEASURES = ("floor_str", "floor_object", "ftprep")
LABELS = {
    "floor_str": "floor: pandas dtype=str + orjson",
    "floor_object": "floor: pandas dtype=object + orjson",
    "ftprep": "ftprep: read_records + mapped + orjson",
}

_WORDS = ["the", "of", "and", "to", "in", "is", "you", "that", "it", "for", "on", "are", "with", "as", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can", "said", "there", "use", "an", "each", "which", "she", "do", "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some", "her", "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go", "see", "number", "no", "way", "could", "people", "my", "than", "first", "water", "been", "call", "who", "oil", "its", "now", "find", "long", "down", "day", "did", "get", "come", "made", "may", "part", "model", "data", "train", "answer", "question", "example", "token", "file", "line", "value", "column", "user", "assistant", "system", "prompt"]
_EXTRA = ["café", "naïve", "Straße", "日本語", "données", "😀", "—", "“quoted”", "1,5", "e.g.,"]


def generate(path: Path, rows: int, seed: int = 1234) -> None:
    """A deterministic question/answer CSV: commas, quotes, quoted paragraph breaks, Unicode."""
    rng = random.Random(seed)

    def sentence(low: int, high: int) -> str:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(_EXTRA))
        if rng.random() < 0.4:
            words[rng.randrange(len(words))] += ","
        return " ".join(words).capitalize()

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["question", "answer"])
        for i in range(rows):
            question = sentence(5, 20) + "?"
            answer = sentence(10, 40) + "."
            if i % 10 == 0:
                answer += "\n\n" + sentence(5, 30) + "."
            if i % 17 == 0:
                question = f'About "{question}", please'
            writer.writerow([question, answer])
    tmp.replace(path)


# ------------------------------------------------------------------------------------------------
# Children: each prints one JSON line.


def _floor(path: str, object_dtype: bool) -> dict[str, Any]:
    import orjson
    import pandas as pd

    started = _clock()
    dumps = orjson.dumps
    kwargs: dict[str, Any] = (
        {"dtype": object, "na_filter": False}
        if object_dtype
        else {"dtype": str, "keep_default_na": False}
    )
    count = size = 0
    sample: list[bytes] = []
    for chunk in pd.read_csv(path, chunksize=CHUNK, **kwargs):
        for question, answer in zip(
            chunk["question"].tolist(), chunk["answer"].tolist(), strict=True
        ):
            line = dumps(
                {
                    "messages": [
                        {"role": "user", "content": question},
                        {"role": "assistant", "content": answer},
                    ]
                }
            )
            count += 1
            size += len(line)
            if count <= CHECK_ROWS:
                sample.append(line)
    return {
        "records": count,
        "bytes": size,
        "rejected": 0,
        "sample": _digest(sample),
        **_since(started),
    }


def _ftprep(path: str) -> dict[str, Any]:
    import orjson

    from ftprep.convert.layouts import ConvertOptions, RecordConverter, parse_mapping
    from ftprep.convert.model import Converted
    from ftprep.readers.tabular import read_records

    started = _clock()
    dumps = orjson.dumps
    options = ConvertOptions(mapping=parse_mapping(["user=question", "assistant=answer"]))
    count = size = rejected = 0
    sample: list[bytes] = []
    for item in RecordConverter(options)(read_records(path)):
        if type(item) is not Converted:
            rejected += 1
            continue
        line = dumps(item.record)
        count += 1
        size += len(line)
        if count <= CHECK_ROWS:
            sample.append(line)
    return {
        "records": count,
        "bytes": size,
        "rejected": rejected,
        "sample": _digest(sample),
        **_since(started),
    }


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(started: tuple[float, float]) -> dict[str, float]:
    """Work time, after the imports: what grows with the file."""
    return {"wall": time.perf_counter() - started[0], "cpu": time.process_time() - started[1]}


def _digest(lines: list[bytes]) -> str:
    import hashlib

    return hashlib.blake2b(b"\n".join(lines), digest_size=8).hexdigest()


def child(measure: str, path: str) -> None:
    wall = time.perf_counter()
    if measure == "ftprep":
        result = _ftprep(path)
    else:
        result = _floor(path, object_dtype=measure == "floor_object")
    result["total_wall"] = time.perf_counter() - wall  # with imports
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# ------------------------------------------------------------------------------------------------


def run(measure: str, path: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # this checkout, whatever is installed
    done = subprocess.run(
        [sys.executable, __file__, "--child", measure, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--child", nargs=2, metavar=("MEASURE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    path = (
        DATA / f"qa_{args.rows // 1000}k.csv"
        if args.rows % 1_000_000
        else DATA / f"qa_{args.rows // 1_000_000}m.csv"
    )
    if args.regenerate or not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    with open(path, "rb") as stream:  # into the page cache, without growing this process:
        while stream.read(1 << 20):  # children inherit its peak RSS in ru_maxrss
            pass
    print(
        f"{path.name}: {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )

    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):
        for measure in MEASURES:  # interleaved, so background load hits every measure alike
            result = run(measure, path)
            if measure not in best or result["cpu"] < best[measure]["cpu"]:
                best[measure] = result

    reference = best["floor_str"]
    for measure in MEASURES:
        result = best[measure]
        same = (result["records"], result["bytes"], result["sample"]) == (
            reference["records"],
            reference["bytes"],
            reference["sample"],
        )
        print(
            f"  {LABELS[measure]:<42} wall {result['wall']:6.2f} s  cpu {result['cpu']:6.2f} s  "
            f"(+imports: {result['total_wall'] - result['wall']:4.2f} s)  "
            f"peak RSS {result['rss_mb']:6.0f} MB  {result['records']:,} records"
            f"{'' if same else '  (OUTPUT DIFFERS)'}"
        )
    floor = min(best["floor_str"], best["floor_object"], key=lambda r: r["cpu"])
    ratio_cpu = best["ftprep"]["cpu"] / floor["cpu"]
    ratio_wall = best["ftprep"]["wall"] / min(
        best["floor_str"]["wall"], best["floor_object"]["wall"]
    )
    ratio_spec = best["ftprep"]["cpu"] / best["floor_str"]["cpu"]
    print(
        f"ratio ftprep / fastest floor: cpu {ratio_cpu:.2f}x, wall {ratio_wall:.2f}x (target <= 2.0); "
        f"vs the dtype=str floor: cpu {ratio_spec:.2f}x"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"rows": args.rows, "best": best, "ratio_cpu": ratio_cpu, "ratio_wall": ratio_wall},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
