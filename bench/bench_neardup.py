"""Near-duplicate detection end to end: ftprep.similarity against datasketch and rensa.

Generates N chat-like texts (deterministic for --seed): "user: <question>\\nassistant: <answer>",
60-300 words drawn from a 4,000-word vocabulary with Zipf frequencies, sentences with
capitals, commas and full stops, and shared openers ("user: How do I", "assistant: Sure, here
is") so unrelated texts share a few shingles, as real data does. About 5 % of rows are copies
of random earlier original rows, of five kinds: exact, case (lower-cased), punctuation
(commas dropped, full stops made "!"), one word changed, one word dropped; the ground-truth
pairs (original, copy, kind) are kept. The set is cached in bench/data/.

Each pipeline then runs in its own fresh process on the same texts, so its peak RSS is its own:

- ftprep: `band_keys` (near-normalise, shingle, MinHash, band keys) + `candidate_pairs` +
  `pair_jaccard` (exact Jaccard of every candidate, kept at >= threshold) + `clusters`;
  then, separately, a second pass timing the stages inside `band_keys`;
- datasketch: `near_normalize`, word 5-gram strings from `str.split()`, `MinHash.bulk` (its
  documented batch path, `update_batch` on UTF-8 shingles, num_perm=128), `MinHashLSH
  (threshold=0.8, num_perm=128)` filled in an `insertion_session`, one `query` per text, exact
  Jaccard of the candidates on the shingle sets, `clusters`;
- rensa: the same shingles, one `RMinHash(num_perm=128, seed=42)` per text `.update(shingles)`,
  `RMinHashLSH(threshold=0.8, num_perm=128, num_bands=16)` `insert`/`query`, exact Jaccard;
- rensa_batch: rensa's batch API, `RMinHash.from_token_sets` + `insert_many` + `query_all`.

Printed per pipeline (the fastest of --repeat runs): wall and CPU seconds (total and per
stage), candidate and reported pairs, recall and precision on the injected pairs (a reported
pair is correct when both rows are the same original or copies of it; recall counts injected
(original, copy) pairs reported), peak RSS (`getrusage`) and what it added over the loaded
texts, band-key bytes per record; then the ratios datasketch/ftprep and rensa/ftprep, wall and
CPU. On a busy machine compare CPU seconds: wall times there mostly measure the other work.

    python bench/bench_neardup.py                              # 50,000 texts, all anchors
    python bench/bench_neardup.py --examples 200000 --skip-anchors
    python bench/bench_neardup.py --examples 1000000 --skip-anchors
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
PIPELINES = ("ftprep", "datasketch", "rensa", "rensa_batch")
ANCHOR_PERMS = 128
KINDS = ("exact", "case", "punct", "word_changed", "word_dropped")
INJECT_RATE = 0.05
CHUNK = 10_000  # texts generated per numpy draw

# ------------------------------------------------------------------------------------------------
# Data: chat-like texts with injected exact and near duplicates.

_COMMON = [  # the most frequent words, first in the Zipf ranking
    "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "for", "on", "are", "with",
    "as", "this", "be", "was", "have", "or", "can", "at", "by", "not", "from", "your", "an",
    "they", "which", "one", "we", "all", "will", "if", "do", "there", "their", "so", "what",
    "about", "when", "more", "use", "how", "some", "would", "make", "like", "time", "just",
    "no", "than", "into", "could", "them", "other", "then", "its", "also", "only", "new",
    "these", "two", "may", "first", "way", "any", "most", "over", "after", "even", "need",
    "because", "good", "each", "many", "where", "much", "well", "back", "through", "very",
    "should", "same", "both", "here", "every", "between", "under", "while", "example", "data",
    "code",
]
_OPENERS_USER = (
    "How do I", "Can you explain", "What is the difference between", "Write a short",
    "Please summarise the following", "Why does my", "Give me three ideas for", "Translate this",
)
_OPENERS_ASSISTANT = (
    "Sure, here is", "Certainly.", "Great question!", "Here is a short answer.",
    "There are a few ways to do this.", "The short answer is",
)


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    words = list(_COMMON)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables, size=int(rng.integers(1, 5))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _zipf(size: int, exponent: float = 1.05) -> np.ndarray:
    weights = 1.0 / (np.arange(size) + 2.7) ** exponent
    return weights / weights.sum()


def _render(rng: np.random.Generator, vocab: np.ndarray, probs: np.ndarray, count: int) -> list[str]:
    """`count` fresh texts: a question of 8-40 words and an answer, 60-300 words in all."""
    question = rng.integers(8, 41, count)
    total = np.clip(rng.lognormal(np.log(150), 0.45, count).astype(np.int64), 60, 300)
    total = np.maximum(total, question + 30)
    picks = rng.choice(len(vocab), size=int(total.sum()), p=probs)
    words = vocab[picks].tolist()
    marks = rng.random(len(words))  # < 0.06: comma; < 0.14: sentence end
    user_open = rng.integers(0, len(_OPENERS_USER), count).tolist()
    assistant_open = rng.integers(0, len(_OPENERS_ASSISTANT), count).tolist()
    texts = []
    at = 0
    for k in range(count):
        q, n = int(question[k]), int(total[k])
        out = []
        capital = False  # the opener starts the sentence
        for i in range(at, at + n):
            word = words[i]
            if capital:
                word = word.capitalize()
                capital = False
            mark = marks[i]
            if i == at + q - 1:
                word += "?"
                out.append(word)
                opener = _OPENERS_ASSISTANT[assistant_open[k]]
                out.append("\nassistant: " + opener)
                capital = opener.endswith((".", "!"))
                continue
            if mark < 0.06:
                word += ","
            elif mark < 0.14:
                word += "."
                capital = True
            out.append(word)
        if not out[-1].endswith((".", "?")):
            out[-1] = out[-1].rstrip(",") + "."
        texts.append("user: " + _OPENERS_USER[user_open[k]] + " " + " ".join(out))
        at += n
    return texts


def _edit(rng: np.random.Generator, text: str, kind: str, vocab: np.ndarray) -> str:
    if kind == "exact":
        return text
    if kind == "case":
        return text.lower()
    if kind == "punct":
        return text.replace(",", "").replace(".", "!")
    words = text.split(" ")
    at = int(rng.integers(2, len(words)))  # not the "user:" prefix
    if kind == "word_dropped":
        return " ".join(words[:at] + words[at + 1:])
    new = str(vocab[int(rng.integers(len(_COMMON), len(vocab)))])
    while new == words[at]:
        new = str(vocab[int(rng.integers(len(_COMMON), len(vocab)))])
    return " ".join(words[:at] + [new] + words[at + 1:])


def generate(examples: int, seed: int) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Texts and the injected pairs (original row, copy row, kind)."""
    rng = np.random.default_rng(seed)
    vocab = np.array(_vocabulary(rng, 4000), dtype=object)
    probs = _zipf(len(vocab))
    inject = rng.random(examples) < INJECT_RATE
    inject[:10] = False
    kinds = rng.integers(0, len(KINDS), examples)
    texts: list[str] = []
    originals: list[int] = []  # rows that are not copies
    truth: list[tuple[int, int, str]] = []
    fresh: list[str] = []
    for row in range(examples):
        if inject[row]:
            original = originals[int(rng.integers(0, len(originals)))]
            kind = KINDS[int(kinds[row])]
            texts.append(_edit(rng, texts[original], kind, vocab))
            truth.append((original, row, kind))
            continue
        if not fresh:
            fresh = _render(rng, vocab, probs, CHUNK)[::-1]
        texts.append(fresh.pop())
        originals.append(row)
    return texts, truth


def dataset(examples: int, seed: int) -> Path:
    path = DATA / f"neardup_{examples}_s{seed}.pickle"
    if not path.is_file():
        started = time.perf_counter()
        texts, truth = generate(examples, seed)
        DATA.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".tmp"), "wb") as out:
            pickle.dump({"texts": texts, "truth": truth}, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(path.with_suffix(".tmp"), path)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


# ------------------------------------------------------------------------------------------------
# Children: each runs one pipeline and prints one JSON line.

class Stages:
    """Wall and CPU seconds per named stage."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _word_shingles(texts: list[str]) -> list[list[str]]:
    """Word 5-gram strings of each near-normalised text, as the anchors' users would write it."""
    from ftprep.similarity import near_normalize

    out = []
    for text in texts:
        words = near_normalize(text).split()
        if len(words) < 5:
            out.append([" ".join(words)] if words else [])
        else:
            out.append([" ".join(words[i:i + 5]) for i in range(len(words) - 4)])
    return out


def _verify_sets(shingled: list[list[str]], pairs: set[tuple[int, int]], threshold: float,
                 ) -> np.ndarray:
    sets: dict[int, set[str]] = {}
    kept = []
    for i, j in sorted(pairs):
        a = sets.get(i)
        if a is None:
            a = sets[i] = set(shingled[i])
        b = sets.get(j)
        if b is None:
            b = sets[j] = set(shingled[j])
        common = len(a & b)
        union = len(a) + len(b) - common
        if union and common / union >= threshold:
            kept.append((i, j))
    return np.array(kept, dtype=np.int64).reshape(-1, 2)


def _pairs_from_queries(results: Iterator[tuple[int, list[int]]]) -> set[tuple[int, int]]:
    pairs = set()
    for i, found in results:
        for j in found:
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    return pairs


def run_ftprep(texts: list[str], stage: Stages, args: argparse.Namespace) -> dict[str, Any]:
    from ftprep.similarity import (
        MinHashParams,
        band_keys,
        candidate_pairs,
        clusters,
        pair_jaccard,
    )

    params = MinHashParams(ngram=args.ngram, bands=args.bands, rows=args.rows)
    with stage("band_keys"):
        keys = band_keys(texts, params)
    with stage("candidates"):
        candidates = candidate_pairs(keys)
    with stage("verify"):
        verified = candidates[pair_jaccard(texts, candidates, params.ngram) >= params.threshold]
    with stage("clusters"):
        groups = clusters(len(texts), verified)
    return {"candidates": len(candidates), "pairs": verified, "clusters": len(groups),
            "key_bytes_per_record": keys.nbytes / max(1, len(texts)),
            "params": f"ngram={params.ngram} bands={params.bands} rows={params.rows}"}


def breakdown_ftprep(texts: list[str], args: argparse.Namespace) -> dict[str, float]:
    """CPU seconds of the stages inside band_keys, timed in a second pass, batch by batch."""
    from ftprep.similarity import MinHashParams, minhash, shingling
    from ftprep.similarity._hashing import S32

    params = MinHashParams(ngram=args.ngram, bands=args.bands, rows=args.rows)
    spent = dict.fromkeys(("near_normalize", "words", "shingles", "minhash", "bands"), 0.0)
    clock = time.process_time
    for start in range(0, len(texts), minhash._TEXTS_PER_BATCH):
        batch = texts[start:start + minhash._TEXTS_PER_BATCH]
        t0 = clock()
        for text in batch:
            shingling.near_bytes(text)
        t1 = clock()
        words = shingling.Words(batch)  # near-normalises again: subtract that below
        t2 = clock()
        hashes, bounds = shingling.shingle_hashes(words, params.ngram)
        t3 = clock()
        starts = bounds[:-1][np.diff(bounds) > 0]
        sig = minhash._signatures((hashes >> S32).astype(np.uint32), starts, params)
        t4 = clock()
        minhash._fold_bands(sig, params)
        t5 = clock()
        for name, spent_s in zip(spent, (t1 - t0, (t2 - t1) - (t1 - t0), t3 - t2, t4 - t3, t5 - t4)):
            spent[name] += spent_s
    return spent


def run_datasketch(texts: list[str], stage: Stages, args: argparse.Namespace) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    with stage("shingle"):
        shingled = _word_shingles(texts)
    with stage("minhash"):
        minhashes = MinHash.bulk([[s.encode("utf8") for s in sh] for sh in shingled],
                                 num_perm=ANCHOR_PERMS)
    with stage("lsh_insert"):
        lsh = MinHashLSH(threshold=0.8, num_perm=ANCHOR_PERMS)
        with lsh.insertion_session() as session:
            for i, m in enumerate(minhashes):
                if shingled[i]:
                    session.insert(i, m)
    with stage("lsh_query"):
        candidates = _pairs_from_queries(
            (i, lsh.query(m)) for i, m in enumerate(minhashes) if shingled[i]
        )
    return _finish_anchor(texts, shingled, candidates, stage, f"b,r={lsh.b},{lsh.r}")


def run_rensa(texts: list[str], stage: Stages, args: argparse.Namespace) -> dict[str, Any]:
    from rensa import RMinHash, RMinHashLSH

    with stage("shingle"):
        shingled = _word_shingles(texts)
    with stage("minhash"):
        minhashes = []
        for sh in shingled:
            m = RMinHash(num_perm=ANCHOR_PERMS, seed=42)
            m.update(sh)
            minhashes.append(m)
    with stage("lsh_insert"):
        lsh = RMinHashLSH(threshold=0.8, num_perm=ANCHOR_PERMS, num_bands=16)
        for i, m in enumerate(minhashes):
            if shingled[i]:
                lsh.insert(i, m)
    with stage("lsh_query"):
        candidates = _pairs_from_queries(
            (i, lsh.query(m)) for i, m in enumerate(minhashes) if shingled[i]
        )
    return _finish_anchor(texts, shingled, candidates, stage, "num_bands=16")


def run_rensa_batch(texts: list[str], stage: Stages, args: argparse.Namespace) -> dict[str, Any]:
    from rensa import RMinHash, RMinHashLSH

    with stage("shingle"):
        shingled = _word_shingles(texts)
    with stage("minhash"):
        minhashes = RMinHash.from_token_sets(shingled, num_perm=ANCHOR_PERMS, seed=42)
    with stage("lsh_insert"):
        lsh = RMinHashLSH(threshold=0.8, num_perm=ANCHOR_PERMS, num_bands=16)
        lsh.insert_many(minhashes, 0)
    with stage("lsh_query"):
        candidates = _pairs_from_queries(
            (i, found) for i, found in enumerate(lsh.query_all(minhashes)) if shingled[i]
        )
    return _finish_anchor(texts, shingled, candidates, stage, "num_bands=16, batch API")


def _finish_anchor(texts: list[str], shingled: list[list[str]], candidates: set[tuple[int, int]],
                   stage: Stages, params: str) -> dict[str, Any]:
    from ftprep.similarity import clusters

    with stage("verify"):
        verified = _verify_sets(shingled, candidates, 0.8)
    with stage("clusters"):
        groups = clusters(len(texts), verified)
    return {"candidates": len(candidates), "pairs": verified, "clusters": len(groups),
            "params": f"num_perm={ANCHOR_PERMS} {params}"}


RUNNERS: dict[str, Callable[[list[str], Stages, argparse.Namespace], dict[str, Any]]] = {
    "ftprep": run_ftprep, "datasketch": run_datasketch, "rensa": run_rensa,
    "rensa_batch": run_rensa_batch,
}


def score(pairs: np.ndarray, truth: list[tuple[int, int, str]], n: int) -> dict[str, Any]:
    """Recall of injected pairs (overall and per kind) and precision of reported pairs."""
    root = np.arange(n)
    for original, copy, _ in truth:
        root[copy] = original
    reported = set(map(tuple, pairs.tolist()))
    correct = int(np.sum(root[pairs[:, 0]] == root[pairs[:, 1]])) if len(pairs) else 0
    found: dict[str, list[int]] = {kind: [0, 0] for kind in KINDS}
    for original, copy, kind in truth:
        found[kind][1] += 1
        found[kind][0] += (min(original, copy), max(original, copy)) in reported
    hits = sum(f[0] for f in found.values())
    return {
        "reported": len(pairs), "correct": correct,
        "precision": correct / len(pairs) if len(pairs) else 1.0,
        "recall": hits / len(truth) if truth else 1.0,
        "recall_by_kind": {k: round(f[0] / f[1], 4) if f[1] else None for k, f in found.items()},
    }


def child(name: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    with open(path, "rb") as stream:
        data = pickle.load(stream)
    texts, truth = data["texts"], [tuple(t) for t in data["truth"]]
    loaded_mb = _peak_mb()
    stage = Stages()
    wall, cpu = time.perf_counter(), time.process_time()
    result = RUNNERS[name](texts, stage, args)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_mb = _peak_mb()
    result.update(score(result.pop("pairs"), truth, len(texts)))
    result.update({"wall_s": wall, "cpu_s": cpu, "stages_wall": stage.wall, "stages_cpu": stage.cpu,
                   "peak_rss_mb": peak_mb, "loaded_rss_mb": loaded_mb})
    if name == "ftprep" and not args.no_breakdown:
        result["breakdown_cpu"] = breakdown_ftprep(texts, args)
    return result


# ------------------------------------------------------------------------------------------------
# Parent: one child per pipeline, then the table and ratios.

def _stages(result: dict[str, Any]) -> str:
    return " | ".join(f"{k} {v:.2f}" for k, v in result["stages_wall"].items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-anchors", action="store_true", help="run ftprep only (big runs)")
    parser.add_argument("--only", nargs="+", choices=PIPELINES, help="run only these pipelines")
    parser.add_argument("--ngram", type=int, default=5)
    parser.add_argument("--bands", type=int, default=None, help="default: MinHashParams()")
    parser.add_argument("--rows", type=int, default=None, help="default: MinHashParams()")
    parser.add_argument("--no-breakdown", action="store_true",
                        help="skip the second pass timing the stages inside band_keys")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each pipeline this many times, keep the fastest (busy machines)")
    parser.add_argument("--json", type=Path, help="also write all numbers here")
    parser.add_argument("--child", choices=PIPELINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bands is None or args.rows is None:
        from ftprep.similarity import MinHashParams

        default = MinHashParams()
        args.bands = args.bands or default.bands
        args.rows = args.rows or default.rows
    if args.child:
        print(json.dumps(child(args.child, args.data, args)))
        return 0

    path = dataset(args.examples, args.seed)
    names = args.only or (["ftprep"] if args.skip_anchors else list(PIPELINES))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    load_before = os.getloadavg()[0]
    print(f"{args.examples:,} texts (seed {args.seed}); commit {commit}; {os.cpu_count()} CPUs; "
          f"load average {load_before:.2f}", flush=True)
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        argv_child = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--data",
                      str(path), "--ngram", str(args.ngram), "--bands", str(args.bands),
                      "--rows", str(args.rows)] + (["--no-breakdown"] if args.no_breakdown else [])
        runs = []
        for _ in range(args.repeat):
            done = subprocess.run(argv_child, cwd=ROOT, capture_output=True, text=True,
                                  check=False)
            if done.returncode != 0:
                print(f"{name}: failed\n{done.stderr}", file=sys.stderr)
                break
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            argv_child += [] if "--no-breakdown" in argv_child else ["--no-breakdown"]
        if not runs:
            continue
        r = results[name] = min(runs, key=lambda run: run["wall_s"])
        r["breakdown_cpu"] = runs[0].get("breakdown_cpu")
        r["runs_wall_cpu"] = [(run["wall_s"], run["cpu_s"]) for run in runs]
        shown = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in r["runs_wall_cpu"])
        print(f"\n{name} ({r['params']}): wall {r['wall_s']:.2f} s, CPU {r['cpu_s']:.2f} s "
              f"(fastest of {len(runs)}, wall/CPU: {shown}); "
              f"peak RSS {r['peak_rss_mb']:.0f} MB ({r['peak_rss_mb'] - r['loaded_rss_mb']:+.0f} MB "
              f"over the loaded texts)", flush=True)
        print(f"  stages (wall s): {_stages(r)}")
        print(f"  candidates {r['candidates']:,}; reported {r['reported']:,} pairs in "
              f"{r['clusters']:,} clusters; recall {r['recall']:.4f} precision {r['precision']:.4f}")
        print(f"  recall by kind: {json.dumps(r['recall_by_kind'])}")
        if "key_bytes_per_record" in r:
            print(f"  band keys: {r['key_bytes_per_record']:.0f} bytes per record")
        if r.get("breakdown_cpu"):
            print("  inside band_keys (CPU s, second pass): "
                  + " | ".join(f"{k} {v:.2f}" for k, v in r["breakdown_cpu"].items()))
    load_after = os.getloadavg()[0]
    print(f"\nload average (1 min) before/after: {load_before:.2f}/{load_after:.2f}")
    ratios = {}
    if "ftprep" in results:
        base = results["ftprep"]
        for name in names[1:]:
            if name in results:
                wall = results[name]["wall_s"] / base["wall_s"]
                cpu = results[name]["cpu_s"] / base["cpu_s"]
                ratios[name] = {"wall": wall, "cpu": cpu}
                print(f"  {name}/ftprep: {wall:6.1f}x wall, {cpu:6.1f}x CPU; recall "
                      f"{results[name]['recall']:.4f} vs ftprep {base['recall']:.4f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"examples": args.examples, "seed": args.seed,
                                         "commit": commit, "results": results, "ratios": ratios,
                                         "load_average": [load_before, load_after]}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
