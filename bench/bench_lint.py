"""How close `ftprep lint` comes to the cost of just parsing and counting tokens, on one file.

Every measurement runs in its own fresh process (so each pays its own imports and tokenizer
load, and its peak RSS is its own), on a file already in the page cache:

- floor A: orjson-parse every line, count every message content string with toktok-rs
  (`batch_count(texts, "o200k_base", threads=2)`) in batches of --batch records;
- floor A+: the same, but counting every text ftprep counts (roles, names, ids, tool-call names
  and arguments, the tools JSON): the same tokenizer work as ftprep, for reference;
- floor B: floor A's texts with tiktoken (ftprep's offline o200k): `encode_ordinary_batch(
  num_threads=2)`, and a 2-thread pool of `encode_ordinary` over 2,000-text chunks;
- ftprep CLI: `python -m ftprep lint FILE --model M --format json -o bench/out/...` (its default
  `--jobs`: big files are split across worker processes), and `ftprep_cli_j1` with `--jobs 1`;
- ftprep library: `ftprep.lint.run.lint_job(...)` (one process), diagnostics consumed, report built;
- peer: together's local `check_file` (stops at the first problem), if importable here or in
  the interpreter given by --together-python / $FTPREP_BENCH_TOGETHER_PYTHON.

Prints a table (wall s, CPU s of the child and its reaped descendants, the child's own
import+load and work seconds, MB/s, examples/s, peak RSS of the largest process, and peak RSS
summed over the process tree, sampled every 20 ms) and the ratios ftprep/floor A (target <= 2.0)
and ftprep/floor B (target < 1.0). `--json OUT` also writes the numbers.

    python bench/bench_lint.py bench/data/chat_100k.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
ENCODING = "o200k_base"
THREADS = 2
TIKTOKEN_CHUNK = 2_000
MEASURES = ("floorA", "floorA_all", "floorB_batch", "floorB_pool", "ftprep_cli", "ftprep_cli_j1",
            "ftprep_lib", "together")
PAGE = os.sysconf("SC_PAGE_SIZE")


# ------------------------------------------------------------------------------------------------
# Children: each prints one JSON line with its own timings and counts.

def _batches(path: str, size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    with open(path, "rb", buffering=1 << 20) as stream:
        for line in stream:
            batch.append(line)
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


def _content_texts(records: list[Any], out: list[str]) -> None:
    """Every string content of every message (and the text of text parts)."""
    for data in records:
        messages = data.get("messages") if type(data) is dict else None
        if type(messages) is not list:
            continue
        for message in messages:
            if type(message) is not dict:
                continue
            content = message.get("content")
            if type(content) is str:
                out.append(content)
            elif type(content) is list:
                out += [p["text"] for p in content if type(p) is dict and type(p.get("text")) is str]


def _all_texts(records: list[Any], out: list[str]) -> None:
    """What ftprep counts: every string field of every message, tool-call name/arguments, tools."""
    import orjson

    for data in records:
        messages = data.get("messages") if type(data) is dict else None
        if type(messages) is not list:
            continue
        for message in messages:
            if type(message) is not dict:
                continue
            for key, value in message.items():
                if type(value) is str:
                    out.append(value)
                elif key == "content" and type(value) is list:
                    out += [p["text"] for p in value if type(p) is dict and type(p.get("text")) is str]
                elif key == "tool_calls" and type(value) is list:
                    for call in value:
                        function = call.get("function") if type(call) is dict else None
                        if type(function) is dict:
                            out += [v for k, v in function.items() if type(v) is str]
        tools = data.get("tools")
        if type(tools) is list and tools:
            out.append(orjson.dumps(tools).decode())


def _floor(path: str, batch: int, gather: Callable[[list[Any], list[str]], None],
           count: Callable[[list[str]], int]) -> dict[str, Any]:
    import orjson

    loads = orjson.loads
    examples = texts = tokens = 0
    for lines in _batches(path, batch):
        records = []
        for line in lines:
            try:
                records.append(loads(line))
            except orjson.JSONDecodeError:
                continue
        chunk: list[str] = []
        gather(records, chunk)
        examples += len(records)
        texts += len(chunk)
        tokens += count(chunk)
    return {"examples": examples, "texts": texts, "tokens": tokens}


def child(measure: str, path: str, batch: int, model: str) -> dict[str, Any]:
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if measure in ("floorA", "floorA_all"):
        import toktok  # type: ignore[import-untyped]

        toktok.batch_count(["warm up"], ENCODING, threads=1)
        loaded = time.perf_counter()
        gather = _content_texts if measure == "floorA" else _all_texts
        result = _floor(path, batch, gather,
                        lambda texts: sum(toktok.batch_count(texts, ENCODING, threads=THREADS)))
    elif measure in ("floorB_batch", "floorB_pool"):
        import orjson  # noqa: F401

        from ftprep.tokens.encoders import tiktoken_encoding

        encoder = tiktoken_encoding(ENCODING)
        encoder.encode_ordinary("warm up")
        loaded = time.perf_counter()
        if measure == "floorB_batch":
            def count(texts: list[str]) -> int:
                return sum(map(len, encoder.encode_ordinary_batch(texts, num_threads=THREADS)))
            result = _floor(path, batch, _content_texts, count)
        else:
            encode = encoder.encode_ordinary
            with ThreadPoolExecutor(THREADS) as pool:
                def chunk_count(texts: list[str]) -> int:
                    return sum(len(encode(t)) for t in texts)

                def count(texts: list[str]) -> int:
                    chunks = [texts[i:i + TIKTOKEN_CHUNK] for i in range(0, len(texts), TIKTOKEN_CHUNK)]
                    return sum(pool.map(chunk_count, chunks))
                result = _floor(path, batch, _content_texts, count)
    elif measure == "ftprep_lib":
        from ftprep.config import Settings
        from ftprep.lint.run import lint_job
        from ftprep.readers.jsonl import resolve_sources

        job = lint_job(Settings(model=model), resolve_sources([path]))
        job.engine.counter.count(["warm up"])
        loaded = time.perf_counter()
        diagnostics = sum(1 for _ in job.diagnostics())
        report = job.report()
        summary = report.summary
        stats = summary.tokens()
        result = {"examples": summary.examples, "diagnostics": diagnostics,
                  "tokens": stats.total if stats else 0, "by_code": dict(summary.by_code),
                  "backend": report.tokenizer}
    elif measure == "together":
        from together.lib.utils.files import check_file  # type: ignore[import-not-found]

        loaded = time.perf_counter()
        report = check_file(path)
        result = {"passed": report.get("is_check_passed"), "message": report.get("message"),
                  "samples": report.get("num_samples")}
    else:
        raise SystemExit(f"unknown measure {measure}")
    finished = time.perf_counter()
    result["load_s"] = round(loaded - started, 3)
    result["work_s"] = round(finished - loaded, 3)
    return result


# ------------------------------------------------------------------------------------------------
# Parent: run each child, time it from outside, read its peak RSS from wait4.

def _tree_rss(pid: int) -> tuple[int, int]:
    """(resident bytes summed over `pid` and its descendants, number of processes), from /proc."""
    total, count, todo = 0, 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE
            count += 1
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total, count


class TreeSampler(threading.Thread):
    """Samples a process tree's summed RSS every 20 ms: ftprep may lint with worker processes,
    and wait4's peak RSS is the largest single process, not the sum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.processes = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            total, count = _tree_rss(self.pid)
            self.peak = max(self.peak, total)
            self.processes = max(self.processes, count)


def _popen_wait4(argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one child; its wall and CPU seconds, peak RSS (largest single process, from wait4)
    and peak summed RSS of its process tree (sampled), exit code, stdout and stderr."""
    started = time.perf_counter()
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(argv, stdin=devnull, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    sampler = TreeSampler(proc.pid)
    sampler.start()
    # Output is small (one JSON line, a few notes): read it all, then reap with wait4.
    out = proc.stdout.read()
    err = proc.stderr.read()
    sampler.done.set()  # stdout closed: the child is exiting
    sampler.join()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    return {
        "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024,
        "tree_rss": sampler.peak, "processes": sampler.processes, "exit": proc.returncode,
        "stdout": out.decode(errors="replace"), "stderr": err.decode(errors="replace"),
    }


def together_python(explicit: str | None) -> str | None:
    """An interpreter where `together` imports: --together-python, $FTPREP_BENCH_TOGETHER_PYTHON,
    or this one."""
    for candidate in (explicit, os.environ.get("FTPREP_BENCH_TOGETHER_PYTHON"), sys.executable):
        if not candidate:
            continue
        probe = subprocess.run([candidate, "-c", "import together.lib.utils.files"],
                               capture_output=True, check=False)
        if probe.returncode == 0:
            return candidate
    return None


def measure(name: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    # ftprep gets the floors' tokenizer threads, so a ratio compares the same parallelism.
    env = dict(os.environ, PYTHONPATH=str(ROOT), FTPREP_TOKENIZER_THREADS=str(THREADS))
    if name.startswith("ftprep_cli"):
        OUT.mkdir(exist_ok=True)
        report = OUT / f"{path.stem}.lint.json"
        argv = [sys.executable, "-m", "ftprep", "lint", str(path), "--model", args.model,
                "--format", "json", "-o", str(report)]
        if name == "ftprep_cli_j1":
            argv += ["--jobs", "1"]
        run = _popen_wait4(argv, env)
        err = run.pop("stderr")
        run.pop("stdout")
        if run["exit"] in (0, 1) and report.is_file():
            doc = json.loads(report.read_text(encoding="utf-8"))["summary"]
            run.update(examples=doc["examples"], diagnostics=doc["counts"]["problems"],
                       by_code=doc["counts"]["by_code"],
                       tokens=(doc["tokens"]["per_example"] or {}).get("total"),
                       internal_errors=doc["counts"]["internal_errors"])
        else:
            run["error"] = err.strip()[-500:]
        return run
    python: str | None = sys.executable
    if name == "together":
        python = together_python(args.together_python)
        if python is None:
            return {"skipped": "together is not importable (pip install together, or pass "
                               "--together-python /path/to/venv/bin/python)"}
        env = dict(os.environ)  # its own venv: do not put ftprep on its path
    argv = [python, str(Path(__file__).resolve()), "--child", name, "--batch", str(args.batch),
            "--model", args.model, str(path)]
    run = _popen_wait4(argv, env)
    out, err = run.pop("stdout"), run.pop("stderr")
    if run["exit"] != 0:
        return {**run, "error": (err.strip() or out.strip())[-800:]}
    return {**run, **json.loads(out.strip().splitlines()[-1])}


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--model", default="gpt-4.1-mini")
    parser.add_argument("--batch", type=int, default=4096, help="records per tokenizer batch (floors)")
    parser.add_argument("--only", nargs="+", choices=MEASURES, help="run only these measures")
    parser.add_argument("--skip", nargs="+", choices=MEASURES, default=[], help="skip these measures")
    parser.add_argument("--together-python", help="interpreter of a venv where `together` is installed")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each measure N times and keep the fastest (use 3+ on small files)")
    parser.add_argument("--json", type=Path, help="also write all numbers here")
    parser.add_argument("--child", choices=MEASURES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, str(args.file), args.batch, args.model)))
        return 0

    path = args.file.resolve()
    size = path.stat().st_size
    started = time.perf_counter()
    with open(path, "rb") as stream:  # into the page cache, so every measure reads from memory
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 24), b""))
    read_s = time.perf_counter() - started
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    print(f"file {path.name}: {_mb(size)}, {lines:,} lines; commit {commit}; "
          f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}; cold-ish read {read_s:.2f} s")

    names = [m for m in (args.only or MEASURES) if m not in args.skip]
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for _ in range(max(1, args.repeat)):  # rounds, so background load spreads over every measure
        for name in names:
            runs[name].append(measure(name, path, args))
    results = {name: min(found, key=lambda r: r.get("wall_s", 0.0)) for name, found in runs.items()}
    print(f"{'measure':<14} {'wall s':>8} {'cpu s':>7} {'load s':>7} {'work s':>8} {'MB/s':>8} "
          f"{'ex/s':>10} {'peak RSS':>10} {'tree RSS':>10}  notes")
    for name in names:
        result = results[name]
        if "skipped" in result:
            print(f"{name:<14} {'-':>8} {'-':>7} {'-':>7} {'-':>8} {'-':>8} {'-':>10} {'-':>10} {'-':>10}  "
                  f"skipped: {result['skipped']}")
            continue
        wall = result["wall_s"]
        notes = []
        if "error" in result:
            notes.append("ERROR: " + result["error"].replace("\n", " | ")[-300:])
        for key in ("texts", "tokens", "diagnostics", "internal_errors", "backend", "message"):
            if key in result and result[key] is not None:
                value = result[key]
                notes.append(f"{key}={value:,}" if isinstance(value, int) else f"{key}={value}")
        if name.startswith("ftprep_cli"):
            notes.append(f"exit={result.get('exit')}")
        if result.get("processes", 1) > 1:
            notes.append(f"processes={result['processes']}")
        if len(runs[name]) > 1:
            notes.append("walls=" + "/".join(f"{r.get('wall_s', 0):.2f}" for r in runs[name]))
        work, load = result.get("work_s", "-"), result.get("load_s", "-")
        print(f"{name:<14} {wall:>8.2f} {result['cpu_s']:>7.2f} {load:>7} {work:>8} "
              f"{size / 1e6 / wall:>8.1f} {lines / wall:>10,.0f} {result['rss'] / 2**20:>6.0f} MiB "
              f"{result['tree_rss'] / 2**20:>6.0f} MiB  "
              f"{'; '.join(notes)}")
    load_after = os.getloadavg()[0]
    print(f"load average (1 min) before/after: {load_before:.2f}/{load_after:.2f}"
          + ("  -- other work was running: treat walls as noisy" if max(load_before, load_after) > 1.5 else ""))

    ratios: dict[str, float] = {}

    def ratio(a: str, b: str, key: str) -> float | None:
        ok = all(n in results and key in results[n] and "error" not in results[n] for n in (a, b))
        return results[a][key] / results[b][key] if ok else None

    print("ratios (wall; CPU in brackets, steadier when the machine is busy):")
    for ftprep in ("ftprep_cli", "ftprep_cli_j1", "ftprep_lib"):
        for floor, target in (("floorA", "<= 2.0"), ("floorA_all", "(info)"),
                              ("floorB_pool", "< 1.0"), ("floorB_batch", "< 1.0")):
            value = ratio(ftprep, floor, "wall_s")
            if value is None:
                continue
            cpu = ratio(ftprep, floor, "cpu_s")
            ratios[f"{ftprep}/{floor}"] = value
            if cpu is not None:
                ratios[f"{ftprep}/{floor} cpu"] = cpu
            verdict = "" if target == "(info)" else (
                "ok" if (value <= 2.0 if target == "<= 2.0" else value < 1.0) else "MISSED")
            print(f"  {ftprep}/{floor:<13} {value:6.2f} [{cpu or 0:5.2f}]  target {target:<7} {verdict}")
    if "ftprep_cli" in results and "by_code" in results["ftprep_cli"]:
        print("ftprep findings by code:", json.dumps(results["ftprep_cli"]["by_code"]))
    manifest = Path(str(path) + ".manifest.json")
    if manifest.is_file():
        counts = json.loads(manifest.read_text())["defect_counts"]
        print("injected defects by kind:", json.dumps(counts))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"file": str(path), "bytes": size, "lines": lines,
                                         "commit": commit, "results": results, "runs": runs,
                                         "ratios": ratios, "load_average": [load_before, load_after]},
                                        indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
