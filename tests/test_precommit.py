"""The `ftprep-lint` hook, run by the real pre-commit from a real `git commit`.

A snapshot of the working tree (uncommitted changes included) is committed to a temporary repo
that a dataset repo's .pre-commit-config.yaml points at, so pre-commit reads the shipped
.pre-commit-hooks.yaml and pip-installs ftprep into its own virtualenv, as for a user. That
install (dependencies come from the package index or pip's cache) takes 15-60 s, once per module:
slow, and CI runs it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.precommit_helpers import ROOT, git_env, ok, run, snapshot_checkout

CLEAN = ROOT / "sample_data" / "clean_chat.jsonl"
SUPPORT = ROOT / "sample_data" / "support_chat.jsonl"  # lines 1, 3 and 4 are clean

pytestmark = pytest.mark.slow

if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Shared by every test here, so pre-commit builds the hook's virtualenv only once."""
    return git_env(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, str]:
    """This project's working tree, tracked and untracked-but-not-ignored files, as one commit."""
    repo = tmp_path_factory.mktemp("ftprep-hook-repo")
    rev = snapshot_checkout(repo, env)
    if rev is None:
        pytest.skip("the project is not a git checkout")
    return repo, rev


PER_FILE = "    -   id: ftprep-lint\n        args: [--model, gpt-4.1-mini]\n"
# The README's advice for a dataset split across files: lint the whole folder on every commit.
WHOLE_FOLDER = (
    "    -   id: ftprep-lint\n"
    "        args: [--model, gpt-4.1-mini, data]\n"
    "        pass_filenames: false\n"
)


def make_dataset_repo(
    path: Path, hook_repo: tuple[Path, str], env: dict[str, str], hook: str = PER_FILE
) -> Path:
    """A dataset repository whose .pre-commit-config.yaml uses the hook as the README shows."""
    source, rev = hook_repo
    config = f"repos:\n-   repo: {source}\n    rev: {rev}\n    hooks:\n{hook}"
    (path / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    ok(["git", "init", "-q"], path, env)
    ok(["pre-commit", "install"], path, env)
    return path


@pytest.fixture
def dataset_repo(tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]) -> Path:
    return make_dataset_repo(tmp_path, hook_repo, env)


def commit(repo: Path, env: dict[str, str], *names: str) -> subprocess.CompletedProcess[str]:
    ok(["git", "add", ".pre-commit-config.yaml", *names], repo, env)
    return run(["git", "commit", "-m", "add data"], repo, env)


def commits(repo: Path, env: dict[str, str]) -> int:
    result = run(["git", "rev-list", "--count", "HEAD"], repo, env)
    return int(result.stdout) if result.returncode == 0 else 0


def test_clean_jsonl_is_committed(dataset_repo: Path, env: dict[str, str]) -> None:
    (dataset_repo / "data").mkdir()
    shutil.copy(CLEAN, dataset_repo / "data" / "train.jsonl")
    result = commit(dataset_repo, env, "data/train.jsonl")
    assert result.returncode == 0, result.stdout
    assert "ftprep lint" in result.stdout and "Passed" in result.stdout
    assert commits(dataset_repo, env) == 1


@pytest.mark.parametrize("name", ["train.jsonl", "chats.ndjson"])
def test_jsonl_with_an_error_blocks_the_commit(
    dataset_repo: Path, env: dict[str, str], name: str
) -> None:
    lines = CLEAN.read_text(encoding="utf-8").splitlines()
    lines[4] = '{"messages": [{"role": "user", "content": "Do you price match other shops?"}]}'
    (dataset_repo / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = commit(dataset_repo, env, name)
    assert result.returncode != 0
    assert "Failed" in result.stdout
    assert f"{name}:5:2: FT106 [error]" in result.stdout, result.stdout
    assert commits(dataset_repo, env) == 0


def test_other_files_are_not_linted(dataset_repo: Path, env: dict[str, str]) -> None:
    (dataset_repo / "notes.txt").write_text('{"messages": [} not JSON, and not JSONL either\n')
    (dataset_repo / "config.json").write_text('{"messages": []}\n')
    result = commit(dataset_repo, env, "notes.txt", "config.json")
    assert result.returncode == 0, result.stdout
    assert "(no files to check)" in result.stdout


def test_files_are_linted_as_one_dataset(dataset_repo: Path, env: dict[str, str]) -> None:
    """One example per file, twelve files: each slice alone is below OpenAI's minimum of 10.

    Passes only if pre-commit hands every file to one ftprep process (require_serial), as
    dataset rules need; without it, pre-commit splits the list across processes, one per core.
    """
    names = []
    for number, line in enumerate(CLEAN.read_text(encoding="utf-8").splitlines()[:12]):
        names.append(f"part-{number:02}.jsonl")
        (dataset_repo / names[-1]).write_text(line + "\n", encoding="utf-8")
    result = commit(dataset_repo, env, *names)
    assert result.returncode == 0, result.stdout
    assert "ftprep lint" in result.stdout and "Passed" in result.stdout, result.stdout
    assert "FT301" not in result.stdout  # split across processes, each slice would be too small
    assert commits(dataset_repo, env) == 1


@pytest.mark.parametrize(
    ("hook", "passes"), [(PER_FILE, False), (WHOLE_FOLDER, True)], ids=["per-file", "whole-folder"]
)
def test_whole_folder_mode_counts_files_not_staged(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str], hook: str, passes: bool
) -> None:
    """Adding 3 examples to a committed 14: per-file mode sees 3 (below the minimum of 10)."""
    repo = make_dataset_repo(tmp_path, hook_repo, env, hook)
    (repo / "data").mkdir()
    shutil.copy(CLEAN, repo / "data" / "train.jsonl")
    assert commit(repo, env, "data/train.jsonl").returncode == 0
    support = SUPPORT.read_text(encoding="utf-8").splitlines()
    extra = [support[0], support[2], support[3]]
    (repo / "data" / "more.jsonl").write_text("\n".join(extra) + "\n", encoding="utf-8")
    result = commit(repo, env, "data/more.jsonl")
    assert (result.returncode == 0) is passes, result.stdout
    assert ("FT301" in result.stdout) is not passes
    if not passes:
        assert "data/more.jsonl: FT301 [error]" in result.stdout, result.stdout
    assert commits(repo, env) == (2 if passes else 1)
