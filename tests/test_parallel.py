"""A file linted by several processes gives exactly the output of a one-process run."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import ftprep.lint.engine
from ftprep.readers.jsonl import shard_bounds
from tests.helpers import render_lint

ROOT = Path(__file__).resolve().parents[1]


def _mixed_file(path: Path, rng: random.Random) -> None:
    good = (ROOT / "sample_data" / "clean_chat.jsonl").read_bytes().splitlines()
    odd = (ROOT / "sample_data" / "support_chat.jsonl").read_bytes().splitlines()
    hostile = [b"", b"not json", b"[1, 2]", b'{"a": NaN}', b"\xef\xbb\xbf" + good[0], b'{"messages": 3}',
               b'{"prompt": "p", "completion": " c"}', b'{"messages": [], "messages": []}', b"caf\xe9"]
    lines = []
    for _ in range(3000):
        pick = rng.random()
        line = rng.choice(good) if pick < 0.8 else rng.choice(odd) if pick < 0.95 else rng.choice(hostile)
        lines.append(line + (b"\r\n" if rng.random() < 0.01 else b"\n"))
    path.write_bytes(b"".join(lines))


@pytest.mark.parametrize("jobs", [2, 3])
def test_sharded_run_matches_a_single_process_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    path = tmp_path / "mixed.jsonl"
    _mixed_file(path, random.Random(jobs))
    single = {fmt: render_lint(path, fmt, 1) for fmt in ("text", "json")}
    monkeypatch.setattr(ftprep.lint.engine, "SHARD_MIN_BYTES", 0)
    assert len(shard_bounds(str(path), jobs)) == jobs + 1
    sharded = {fmt: render_lint(path, fmt, jobs) for fmt in ("text", "json")}
    assert sharded["text"] == single["text"]
    assert sharded["json"] == single["json"]
    assert "FT005" in single["text"] and "FT003" in single["text"]


def test_shard_bounds_fall_on_line_starts(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"".join(b'{"n": %d}\n' % i for i in range(1000)))
    data = path.read_bytes()
    bounds = shard_bounds(str(path), 4)
    assert bounds[0] == 0 and bounds[-1] == len(data)
    assert all(data[b - 1 : b] == b"\n" for b in bounds[1:-1])


def test_a_small_file_is_not_split(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"n": 1}\n')
    assert shard_bounds(str(path), 4) == [0, len(path.read_bytes())]
