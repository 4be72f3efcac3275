"""Git and pre-commit plumbing shared by the hook tests (tests/test_*precommit*.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git_env(home: Path) -> dict[str, str]:
    """Git without the user's or system's config (hooksPath, signing), with a fixed identity.

    The rest of the environment passes through, pip's index and cache settings (PIP_*) with it:
    pre-commit's pip installs ftprep's dependencies from wherever this machine's pip gets them.
    """
    empty = home / "gitconfig"  # a real empty file: os.devnull is not always a device
    empty.write_text("", encoding="utf-8")
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(empty),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "ftprep tests",
        "GIT_AUTHOR_EMAIL": "tests@ftprep.invalid",
        "GIT_COMMITTER_NAME": "ftprep tests",
        "GIT_COMMITTER_EMAIL": "tests@ftprep.invalid",
        "PRE_COMMIT_HOME": str(home),
        "NO_COLOR": "1",
    }


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run with stderr merged into stdout: git shows a hook's output on stderr."""
    return subprocess.run(
        args, check=False, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=900, input="",
    )


def ok(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = run(args, cwd, env)
    assert result.returncode == 0, f"{args}: {result.stdout}"
    return result.stdout


def snapshot_checkout(repo: Path, env: dict[str, str]) -> str | None:
    """Commit this project's working tree (tracked and untracked-but-not-ignored files, so
    uncommitted changes are tested too) to a new repo at `repo`; its commit, or None outside
    a git checkout. pre-commit installs hooks from commits, never from a working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if listed.returncode != 0:
        return None
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():  # tracked files deleted in the working tree are skipped
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    ok(["git", "init", "-q"], repo, env)
    ok(["git", "add", "-A"], repo, env)
    ok(["git", "commit", "-q", "--no-verify", "-m", "snapshot for the hook test"], repo, env)
    return ok(["git", "rev-parse", "HEAD"], repo, env).strip()
