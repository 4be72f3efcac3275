"""The duplicate and leakage rules (FT303 exact, FT304 near, FT308 validation) end to end: through
the CLI, across shards, on every kind of input the readers take, and on degenerate datasets."""

from __future__ import annotations

import gzip
import io
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ftprep.lint.engine
from ftprep.checks.dataset._duplicates import exact_clusters, first_with_key
from ftprep.config import Settings
from ftprep.lint.run import lint_job
from ftprep.model.sources import Source
from ftprep.readers.jsonl import shard_bounds
from ftprep.reporters import make_reporter
from tests.test_cli import run

WORDS = [
    "account", "budget", "river", "garden", "window", "yellow", "market", "engine", "silver",
    "planet", "doctor", "letter", "winter", "summer", "forest", "island", "camera", "bottle",
    "pencil", "ticket", "rocket", "butter", "castle", "dragon", "jacket", "kitchen", "ladder",
    "mirror", "needle", "orange", "pepper", "pillow", "rabbit", "saddle", "tablet", "tunnel",
    "violin", "wallet", "zebra", "anchor", "bridge", "candle", "desert", "feather",
]
SELECT = ["--select", "FT303,FT304,FT308", "--isolated"]


def _text(rng: random.Random, words: int = 60) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _example(user: str, answer: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}


def _near(example: dict[str, Any]) -> dict[str, Any]:
    """One word in the middle of the answer changed: Jaccard ~0.9 on 120-word examples."""
    words = example["messages"][1]["content"].split()
    words[len(words) // 2] = "xylophone"
    return _example(example["messages"][0]["content"], " ".join(words))


def _lines(examples: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e) + "\n" for e in examples)


def _dataset(n: int, seed: int = 7) -> tuple[list[dict[str, Any]], list[tuple[int, int]], list[tuple[int, int]]]:
    """n distinct examples with exact copies (upper-cased) and near copies placed far from their
    originals, so they land in other shards; returns the examples and the (original, copy)
    0-based indices of both kinds."""
    rng = random.Random(seed)
    examples = [_example(_text(rng), _text(rng)) for _ in range(n)]
    exact, near = [], []
    for i in range(0, n // 2, 50):
        j = i + n // 2 + 3
        user, answer = (m["content"] for m in examples[i]["messages"])
        examples[j] = _example(user.upper(), "  " + answer.replace(" ", "\n", 3))
        exact.append((i, j))
    for i in range(25, n // 2, 50):
        j = i + n // 2 + 11
        examples[j] = _near(examples[i])
        near.append((i, j))
    return examples, exact, near


# -- grouping ------------------------------------


def test_grouping_by_key_keeps_file_order() -> None:
    keys = np.array([5, 7, 5, 0, 9, 7, 5, 0], dtype=np.uint64)
    skip = np.array([0], dtype=np.uint64)
    assert [g.tolist() for g in exact_clusters(keys, skip)] == [[0, 2, 6], [1, 5]]
    assert first_with_key(keys, skip).tolist() == [0, 1, 0, -1, 4, 1, 0, -1]


def render_lint(path: Path, fmt: str, jobs: int) -> str:
    """The whole report `ftprep lint --select FT303,FT304,FT308 --format fmt` prints."""
    job = lint_job(Settings(select=("FT303", "FT304", "FT308"), jobs=jobs), [Source(str(path))])
    out = io.StringIO()
    reporter = make_reporter(fmt, out, color=False)
    for diagnostic in job.diagnostics():
        reporter.diagnostic(diagnostic)
    reporter.finish(job.report())
    return out.getvalue()


# -- shards --------------------------------------------------------------------------------------


def test_sharded_run_matches_one_process_with_duplicates_across_shards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    jobs = 2
    examples, exact, near = _dataset(1200)
    path = tmp_path / "train.jsonl"
    path.write_text(_lines(examples), encoding="utf-8")
    single = {fmt: render_lint(path, fmt, 1) for fmt in ("text", "json")}
    monkeypatch.setattr(ftprep.lint.engine, "SHARD_MIN_BYTES", 0)
    bounds = shard_bounds(str(path), jobs)
    assert len(bounds) == jobs + 1
    sharded = {fmt: render_lint(path, fmt, jobs) for fmt in ("text", "json")}
    assert sharded["text"] == single["text"]
    assert sharded["json"] == single["json"]
    report = json.loads(single["json"])
    by_code: dict[str, list[Any]] = {}
    for d in report["diagnostics"]:
        by_code.setdefault(d["code"], []).append(d)
    found_exact = {(d["location"]["line"], d["related"][0]["line"]) for d in by_code["FT303"]}
    found_near = {(d["location"]["line"], d["related"][0]["line"]) for d in by_code["FT304"]}
    assert found_exact == {(i + 1, j + 1) for i, j in exact}
    assert found_near == {(i + 1, j + 1) for i, j in near}
    offsets = [len(_lines(examples[:j]).encode()) for _i, j in exact + near]
    assert any(o >= bounds[1] for o in offsets), "no copy landed beyond the first shard"
    dataset = report["summary"]["dataset"]
    assert dataset["duplicates"]["clusters"] == len(exact)
    assert dataset["near_duplicates"]["clusters"] == len(near)
    assert dataset["near_duplicates"]["estimated_pairs"] == 0


# -- through the CLI -----------------------------------------------------------------------------


def _pairs_file(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    rng = random.Random(11)
    examples = [_example(_text(rng), _text(rng)) for _ in range(6)]
    examples.append(_near(examples[1]))  # line 7 ~ line 2
    examples.append(examples[3])  # line 8 == line 4
    path = tmp_path / "train.jsonl"
    path.write_text(_lines(examples), encoding="utf-8")
    return path, examples


def test_validation_file_end_to_end(tmp_path: Path) -> None:
    train, examples = _pairs_file(tmp_path)
    rng = random.Random(12)
    val = tmp_path / "val.jsonl"
    val.write_text(_lines([_example(_text(rng), _text(rng)), examples[0], _near(examples[5])]),
                   encoding="utf-8")
    code, out, err = run("lint", str(train), "--validation", str(val), *SELECT, cwd=tmp_path)
    assert code == 0, err  # warnings only
    assert "val.jsonl:2:1: FT308 [warning] validation example is also in the training data " \
           "(train.jsonl line 1)" in out
    assert "val.jsonl:3:1: FT308 [warning] validation example is a near copy of 1 training " \
           "example (train.jsonl line 6; similarity 0.9" in out
    assert "leakage" in out and "2 of 3 validation examples in the training data (1 exact, 1 near; FT308)" in out
    code, out, err = run("lint", str(train), "--validation", str(val), *SELECT, "--format", "json",
                         cwd=tmp_path)
    assert code == 0, err
    leakage = json.loads(out)["summary"]["dataset"]["leakage"]
    assert leakage == {"text": "example", "threshold": 0.8, "validation_examples": 3, "exact": 1,
                       "near": 1, "estimated_pairs": 0}


def test_no_validation_file_no_leakage_row(tmp_path: Path) -> None:
    train, _examples = _pairs_file(tmp_path)
    code, out, err = run("lint", str(train), *SELECT, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    dataset = json.loads(out)["summary"]["dataset"]
    assert "leakage" not in dataset
    assert dataset["duplicates"] == {"text": "example", "clusters": 1, "extra_copies": 1}
    assert dataset["near_duplicates"]["clusters"] == 1


def test_validation_file_in_another_format_is_a_clear_diagnostic(tmp_path: Path) -> None:
    train, _examples = _pairs_file(tmp_path)
    val = tmp_path / "val.csv"
    val.write_text("prompt,completion\nhello,world\nhow are you,fine\n", encoding="utf-8")
    code, out, err = run("lint", str(train), "--validation", str(val), "--isolated", cwd=tmp_path)
    assert "Traceback" not in out + err
    assert code in (1, 2)
    assert "val.csv" in out + err
    assert "FT308" not in out  # nothing was compared


def test_different_texts_for_near_rules_is_a_configuration_error(tmp_path: Path) -> None:
    train, _examples = _pairs_file(tmp_path)
    (tmp_path / "ftprep.toml").write_text('[rules.FT304]\ntext = "user"\n', encoding="utf-8")
    code, _out, err = run("lint", str(train), cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert "FT304 and FT308" in err


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_empty_files(tmp_path: Path, content: str) -> None:
    train = tmp_path / "train.jsonl"
    train.write_text(content, encoding="utf-8")
    val = tmp_path / "val.jsonl"
    val.write_text(content, encoding="utf-8")
    code, out, err = run("lint", str(train), "--validation", str(val), *SELECT, "--format",
                         "json", cwd=tmp_path)
    assert code == 0, err
    assert "Traceback" not in out + err
    report = json.loads(out)
    assert report["diagnostics"] == []
    assert {"duplicates", "near_duplicates", "leakage"}.isdisjoint(report["summary"]["dataset"])


def test_one_example(tmp_path: Path) -> None:
    train = tmp_path / "train.jsonl"
    train.write_text(_lines([_example("hi", "hello")]), encoding="utf-8")
    code, out, err = run("lint", str(train), *SELECT, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    report = json.loads(out)
    assert report["diagnostics"] == []
    assert report["summary"]["dataset"]["duplicates"]["clusters"] == 0


def test_all_duplicates(tmp_path: Path) -> None:
    train = tmp_path / "train.jsonl"
    train.write_text(_lines([_example("Hi", "Hello!")] * 300), encoding="utf-8")
    code, out, err = run("lint", str(train), *SELECT, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    report = json.loads(out)
    [finding] = report["diagnostics"]  # one exact group; FT304 sees one distinct text
    assert finding["code"] == "FT303"
    assert finding["message"] == ("example is repeated 299 more times (lines 2, 3, 4, 5, 6, 7, "
                                  "8, 9, 10, 11 and 289 more)")
    assert [r["line"] for r in finding["related"]] == list(range(2, 301))
    assert report["summary"]["dataset"]["duplicates"]["extra_copies"] == 299


# -- inputs read twice: compressed, JSON documents; stdin cannot be ----------------------------------


def _near_messages(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": FT304 " in line]


def test_compressed_input_is_verified_by_streaming_it_again(tmp_path: Path) -> None:
    _plain, examples = _pairs_file(tmp_path)
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(gzip.compress(_lines(examples).encode()))
    code, out, err = run("lint", str(path), *SELECT, cwd=tmp_path)
    assert code == 0, err
    [line] = _near_messages(out)
    assert line.startswith(f"{path}:2:1: FT304 [warning] example has 1 near-duplicate (line 7; "
                           "similarity 0.9")
    assert "estimated" not in line
    assert f"{path}:4:1: FT303" in out


def test_json_array_document_is_verified_by_reading_it_again(tmp_path: Path) -> None:
    _plain, examples = _pairs_file(tmp_path)
    path = tmp_path / "train.json"
    path.write_text(json.dumps(examples, indent=2), encoding="utf-8")
    code, out, err = run("lint", str(path), *SELECT, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    report = json.loads(out)
    near = [d for d in report["diagnostics"] if d["code"] == "FT304"]
    exact = [d for d in report["diagnostics"] if d["code"] == "FT303"]
    assert len(near) == 1 and len(exact) == 1
    assert "estimated" not in near[0]["message"]
    lines = [i + 1 for i, line in enumerate(path.read_text().splitlines()) if line == "  {"]
    assert near[0]["location"]["line"] == lines[1]
    assert near[0]["related"][0]["line"] == lines[6]
    assert exact[0]["location"]["line"] == lines[3]


def test_stdin_cannot_be_read_again_so_similarity_is_estimated(tmp_path: Path) -> None:
    _plain, examples = _pairs_file(tmp_path)
    code, out, err = run("lint", "-", *SELECT, "--format", "json", cwd=tmp_path, stdin=_lines(examples))
    assert code == 0, err
    report = json.loads(out)
    near = [d for d in report["diagnostics"] if d["code"] == "FT304"]
    assert len(near) == 1
    assert near[0]["location"]["line"] == 2 and near[0]["related"][0]["line"] == 7
    assert "estimated similarity" in near[0]["message"]
    assert report["summary"]["dataset"]["near_duplicates"]["estimated_pairs"] == 1
    assert any(d["code"] == "FT303" for d in report["diagnostics"])  # keys need no second read
