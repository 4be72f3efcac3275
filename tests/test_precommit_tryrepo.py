"""The hooks as a user first meets them: `pre-commit try-repo <checkout> [hook] --files ...`.

The real pre-commit reads .pre-commit-hooks.yaml from a snapshot commit of this working tree and
pip-installs ftprep into a virtualenv, then runs the hook in a temporary dataset repository whose
own ftprep.toml and baseline must be honoured. try-repo keeps its store in a fresh temporary
directory on every call (`Store(tempdir)` in pre_commit/commands/try_repo.py; PRE_COMMIT_HOME is
not read), so each call installs again (15-60 s): each test is one call that checks as much as
one call can, and the `git commit` route (tests/test_precommit.py) shares one install instead.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests import test_precommit as precommit
from tests.precommit_helpers import ok, run
from tests.test_precommit import CLEAN

pytestmark = precommit.pytestmark
env = precommit.env
hook_repo = precommit.hook_repo

NO_ASSISTANT = '{"messages": [{"role": "user", "content": "Do you price match other shops?"}]}'
BAD_WEIGHT = ('{"messages": [{"role": "user", "content": "Do you ship to Norway?"}, {"role": '
              '"assistant", "content": "Yes, in 3 to 5 working days.", "weight": 2}]}')


def dataset(path: Path, env: dict[str, str], files: dict[str, str | bytes]) -> Path:
    """A git repository holding `files`, all staged (as `--all-files` needs)."""
    ok(["git", "init", "-q"], path, env)
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    ok(["git", "add", *files], path, env)
    return path


def try_repo(
    repo: Path, hook_repo: tuple[Path, str], env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return run(["pre-commit", "try-repo", str(hook_repo[0]), *args], repo, env)


def with_line_5(text: str) -> str:
    """The clean sample with its fifth example replaced by one that has no assistant reply."""
    lines = CLEAN.read_text(encoding="utf-8").splitlines()
    lines[4] = text
    return "\n".join(lines) + "\n"


def test_a_bad_file_fails_with_its_diagnostic(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    repo = dataset(tmp_path, env, {"data/train.jsonl": with_line_5(NO_ASSISTANT)})
    result = try_repo(repo, hook_repo, env, "ftprep-lint", "--files", "data/train.jsonl")
    assert result.returncode == 1, result.stdout
    assert "ftprep lint" in result.stdout and "Failed" in result.stdout, result.stdout
    assert "data/train.jsonl:5:2: FT106 [error] no assistant message" in result.stdout
    assert "Found 3 problems: 1 error, 2 warnings." in result.stdout


def test_a_clean_file_passes(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    repo = dataset(tmp_path, env, {"train.jsonl": CLEAN.read_text(encoding="utf-8")})
    # --verbose shows a passing hook's output too: the file was linted, not skipped
    result = try_repo(repo, hook_repo, env, "ftprep-lint", "--verbose", "--files", "train.jsonl")
    assert result.returncode == 0, result.stdout
    assert "Passed" in result.stdout
    assert "Found 1 problem: 1 warning." in result.stdout  # below --fail-on (error)
    assert "train.jsonl: FT302 [warning]" in result.stdout and "14: 14 examples" in result.stdout


def test_the_dataset_repositorys_configuration_is_honoured(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    """The file that fails above passes in a repository whose ftprep.toml ignores its rule."""
    repo = dataset(tmp_path, env, {
        "ftprep.toml": 'ignore = ["missing-assistant-message"]\n',
        "data/train.jsonl": with_line_5(NO_ASSISTANT),
    })
    result = try_repo(repo, hook_repo, env, "ftprep-lint", "--verbose", "--all-files")
    assert result.returncode == 0, result.stdout
    assert "Passed" in result.stdout
    assert "FT106" not in result.stdout
    assert "14: 14 examples" in result.stdout  # linted, with the rule off


def test_the_configured_baseline_hides_recorded_problems_and_not_new_ones(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    repo = dataset(tmp_path, env, {
        "ftprep.toml": 'baseline = ".ftprep-baseline.json"\n',
        "data/train.jsonl": with_line_5(NO_ASSISTANT),
    })
    recorded = run(["ftprep", "lint", "data", "--write-baseline", ".ftprep-baseline.json"],
                   repo, env)
    assert recorded.returncode == 0, recorded.stdout
    assert "FT106" in (repo / ".ftprep-baseline.json").read_text(encoding="utf-8")
    with (repo / "data" / "train.jsonl").open("a", encoding="utf-8") as data:
        data.write(BAD_WEIGHT + "\n")
    ok(["git", "add", "."], repo, env)
    result = try_repo(repo, hook_repo, env, "ftprep-lint", "--all-files")
    assert result.returncode == 1, result.stdout
    assert "data/train.jsonl:15:" in result.stdout and "FT110 [error] weight is 2" in result.stdout
    assert "FT106" not in result.stdout  # recorded, so hidden
    assert "suppressed by baseline .ftprep-baseline.json" in result.stdout


def test_every_hook_fix_rewrites_the_file_then_lint_passes(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    """try-repo without a hook id runs the manifest's hooks in id order: ftprep-fix, then lint."""
    original = CLEAN.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8")
    repo = dataset(tmp_path, env, {"train.jsonl": b"\xef\xbb\xbf" + original})
    result = try_repo(repo, hook_repo, env, "--files", "train.jsonl")
    assert result.returncode == 1, result.stdout
    fix = result.stdout[result.stdout.index("ftprep fix"):result.stdout.index("ftprep lint")]
    assert "Failed" in fix and "files were modified by this hook" in fix, result.stdout
    assert "ftprep lint" in result.stdout
    assert result.stdout.rstrip().endswith("Passed"), result.stdout
    fixed = (repo / "train.jsonl").read_bytes()
    assert fixed == CLEAN.read_bytes()  # BOM and CRLF gone, every record kept as it was
    unstaged = ok(["git", "diff", "--name-only"], repo, env).split()
    assert unstaged == ["train.jsonl"]  # the pre-commit way: the user reviews and re-stages
