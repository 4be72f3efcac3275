"""`ftprep diff --git`: old versions read from a real repository made here, two commits of a file."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.test_diff import cli, example

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   cwd=repo, check=True, capture_output=True)


def dump(path: Path, records: list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Commit 1: 10 examples. Commit 2: one removed, two added. Working tree: one more added."""
    rng = random.Random(1)
    records = [example(rng) for _ in range(10)]
    git(tmp_path, "init", "-q")
    dump(tmp_path / "data" / "train.jsonl", records)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    second = records[1:] + [example(rng), example(rng)]
    rng.shuffle(second)
    dump(tmp_path / "data" / "train.jsonl", second)
    git(tmp_path, "commit", "-q", "-am", "second")
    dump(tmp_path / "data" / "train.jsonl", [*second, example(rng)])
    return tmp_path


def counts(out: str) -> dict[str, int]:
    return dict(json.loads(out)["counts"])


def test_working_tree_against_a_revision(repo: Path) -> None:
    code, out, err = cli("diff", "--isolated", "--format", "json", "--git", "HEAD~1", "data/train.jsonl", cwd=repo)
    assert code == 0, err
    document = json.loads(out)
    assert counts(out) | {"new_problems": 0, "fixed_problems": 0} == {
        "added": 3, "removed": 1, "modified": 0, "unchanged": 9, "new_problems": 0, "fixed_problems": 0}
    assert document["old"] == ["HEAD~1:data/train.jsonl"] and document["new"] == ["data/train.jsonl"]
    removed = [c for c in document["changes"] if c["kind"] == "removed"]
    assert removed == [{"kind": "removed", "old": {"path": "HEAD~1:data/train.jsonl", "line": 1},
                        "new": None, "tokens_before": removed[0]["tokens_before"],
                        "tokens_after": None, "similarity": None}]


def test_a_commit_range_compares_two_commits(repo: Path) -> None:
    code, out, err = cli("diff", "--isolated", "--format", "json", "--git", "HEAD~1..HEAD", "train.jsonl",
                         cwd=repo / "data")  # paths are relative to where ftprep runs
    assert code == 0, err
    assert counts(out)["added"] == 2 and counts(out)["removed"] == 1
    document = json.loads(out)
    assert document["new"] == ["HEAD:data/train.jsonl"]
    added_at = {c["new"]["path"] for c in document["changes"] if c["kind"] == "added"}
    assert added_at == {"HEAD:data/train.jsonl"}  # never the temporary copy's path


def test_a_file_the_old_revision_lacks_is_all_added(repo: Path) -> None:
    dump(repo / "data" / "extra.jsonl", [example(random.Random(2)) for _ in range(3)])
    code, out, err = cli("diff", "--isolated", "--format", "json", "--git", "HEAD", "data/extra.jsonl", cwd=repo)
    assert code == 0, err
    assert counts(out)["added"] == 3 and counts(out)["removed"] == 0


@pytest.mark.parametrize(("rev", "message"), [
    ("nope~3", "unknown revision"), ("A...B", "symmetric"), ("HEAD~1..HEAD:x", "unknown revision"),
])
def test_a_bad_revision_is_a_usage_error(repo: Path, rev: str, message: str) -> None:
    code, _out, err = cli("diff", "--isolated", "--git", rev, "data/train.jsonl", cwd=repo)
    assert code == 2 and message in err and "Traceback" not in err


def test_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    dump(tmp_path / "a.jsonl", [example(random.Random(3))])
    code, _out, err = cli("diff", "--isolated", "--git", "HEAD", "a.jsonl", cwd=tmp_path)
    assert code == 2 and "not inside a git repository" in err


def test_a_path_neither_commit_has_is_a_usage_error(repo: Path) -> None:
    code, _out, err = cli("diff", "--isolated", "--git", "HEAD~1..HEAD", "data/nothing.jsonl", cwd=repo)
    assert code == 2 and "in neither" in err
