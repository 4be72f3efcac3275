"""`ftprep lint` on one dataset as plain JSONL, compressed (gzip, bzip2, xz, zstd), piped, and as a
pretty-printed JSON array, side by side in one script.

For FILE (JSONL) it writes, once, FILE.gz, .bz2, .xz, .zst and FILE.array.json into bench/data/.
Every measure runs in a fresh child process (wall seconds seen by this process, CPU seconds and
peak RSS from wait4):

- lint: `python -m ftprep lint X --isolated --format json -o /dev/null` (--jobs 1: compressed
  inputs are never split, so the plain row is the fair comparison);
- pipe: the same lint of `<(zcat FILE.gz)`, through bash process substitution;
- read: ftprep's opening layer alone reading X to its end (the decompression floor), so the cost
  of decompressing is visible apart from linting.

MB/s are of the decompressed text, so the rows compare directly; "x plain" is wall / plain lint.
The copies are written by a child too: a child inherits its parent's peak RSS, so this process
never holds the data.

    python bench/bench_compressed.py bench/data/chat_20k.jsonl [--repeat 3]
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import lzma
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

READ_CHILD = (
    "import sys\n"
    "from ftprep.readers._open import open_input\n"
    "with open_input(sys.argv[1]) as opened:\n"
    "    while opened.stream.read(1 << 20):\n"
    "        pass\n"
)


def _names(path: Path) -> dict[str, Path]:
    names = {"plain": path}
    names.update({name: path.with_name(path.name + suffix) for name, suffix in SUFFIXES.items()})
    names["json array"] = path.with_name(path.stem + ".array.json")
    return {name: p for name, p in names.items() if p.exists()}


SUFFIXES = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst"}


def _prepare(path: Path) -> None:
    """Write the compressed copies and the JSON-array copy of `path`, once (default levels)."""
    sys.path.insert(0, str(ROOT))
    from ftprep.readers._open import _zstd_module  # the checkout's own zstd choice

    data = path.read_bytes()
    zstd = _zstd_module()
    makers: dict[str, Callable[[bytes], bytes]] = {
        ".gz": lambda raw: gzip.compress(raw, 6, mtime=0),
        ".bz2": lambda raw: bz2.compress(raw, 9),
        ".xz": lzma.compress,
    }
    if zstd is not None:
        makers[".zst"] = zstd.compress
    for suffix, make in makers.items():
        target = path.with_name(path.name + suffix)
        if not target.exists():
            target.write_bytes(make(data))
    array = path.with_name(path.stem + ".array.json")
    if not array.exists():
        with array.open("wb") as stream:  # one parsed record at a time, pretty-printed
            stream.write(b"[\n")
            first = True
            for line in data.splitlines():
                try:
                    value = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue
                stream.write((b"" if first else b",\n") + orjson.dumps(value, option=orjson.OPT_INDENT_2))
                first = False
            stream.write(b"\n]\n")


def _run(argv: list[str], shell: bool = False) -> tuple[float, float, int]:
    """Wall and CPU seconds and peak RSS (bytes) of one child."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv if not shell else ["bash", "-c", argv[0]], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{argv}: exit {status}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        _prepare(args.file)
        return 0
    subprocess.run([sys.executable, __file__, "--prepare", str(args.file)], check=True)
    variants = _names(args.file)
    size = args.file.stat().st_size
    lint = [sys.executable, "-m", "ftprep", "lint", "--isolated", "--format", "json", "-o", os.devnull]
    load = os.getloadavg()[0]
    measures: list[tuple[str, str, Path, list[str], bool]] = []
    for name, path in variants.items():
        measures.append(("lint", name, path, [*lint, str(path)], False))
    if "gzip" in variants:
        piped = f'{" ".join(lint)} <(zcat "{variants["gzip"]}")'
        measures.append(("lint", "gzip via <(zcat)", variants["gzip"], [piped], True))
    for name, path in variants.items():
        if name != "json array":
            measures.append(("read", name, path, [sys.executable, "-c", READ_CHILD, str(path)], False))
    # Rounds run every measure once, in turn, so a busy spell on the machine hits all of them;
    # each keeps its fastest round.
    best: dict[int, tuple[float, float, int]] = {}
    for _round in range(args.repeat):
        for index, (_what, _name, _path, command, shell) in enumerate(measures):
            result = _run(command, shell)
            if index not in best or result[0] < best[index][0]:
                best[index] = result
    rows = [(what, name, path.stat().st_size, best[i])
            for i, (what, name, path, _command, _shell) in enumerate(measures)]
    plain_wall = rows[0][3][0]
    print(f"{args.file} ({size / 1e6:,.1f} MB of JSONL), best of {args.repeat} rounds, "
          f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"{'what':<5} {'input':<18} {'on disk MB':>10} {'wall s':>7} {'cpu s':>7} "
          f"{'MB/s':>7} {'RSS MB':>7} {'x plain':>8}")
    for what, name, on_disk, (wall, cpu, rss) in rows:
        ratio = f"{wall / plain_wall:8.2f}" if what == "lint" else ""
        print(f"{what:<5} {name:<18} {on_disk / 1e6:>10.1f} {wall:>7.2f} {cpu:>7.2f} "
              f"{size / 1e6 / wall:>7.1f} {rss / 1e6:>7.0f} {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
