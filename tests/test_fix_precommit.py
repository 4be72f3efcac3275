"""The `ftprep-fix` hook, run by the real pre-commit from a real `git commit` (slow: pre-commit
pip-installs ftprep into its own virtualenv once for this module, as for a user)."""

from __future__ import annotations

import json
from pathlib import Path

from tests import test_precommit as precommit
from tests.test_precommit import CLEAN, commit, commits, make_dataset_repo

pytestmark = precommit.pytestmark
# The hook test's fixtures, by the names pytest looks them up by: the virtualenv pre-commit
# builds is shared by this module's tests.
env = precommit.env
hook_repo = precommit.hook_repo

FIX_THEN_LINT = "    -   id: ftprep-fix\n    -   id: ftprep-lint\n"
DOUBLE = json.dumps(json.dumps({"city": "Paris"}))


def test_the_fix_hook_repairs_stops_the_commit_and_passes_once_restaged(
    tmp_path: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    repo = make_dataset_repo(tmp_path, hook_repo, env, FIX_THEN_LINT)
    lines = CLEAN.read_text(encoding="utf-8").splitlines()
    tool = ('{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
            '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": '
            f'"get_weather", "arguments": {DOUBLE}}}}}]}}, {{"role": "tool", "tool_call_id": '
            '"call_1", "content": "sunny"}, {"role": "assistant", "content": "It is sunny."}], '
            '"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": '
            '{"type": "object", "properties": {}}}}]}')
    data = repo / "train.jsonl"
    data.write_bytes(("\r\n".join([*lines, tool]) + "\r\n").encode("utf-8"))
    result = commit(repo, env, "train.jsonl")
    assert result.returncode != 0, result.stdout
    assert "ftprep fix" in result.stdout and "files were modified by this hook" in result.stdout
    assert commits(repo, env) == 0
    fixed = data.read_bytes()
    assert b"\r\n" not in fixed and len(fixed.splitlines()) == len(lines) + 1
    result = commit(repo, env, "train.jsonl")
    assert result.returncode == 0, result.stdout
    assert commits(repo, env) == 1
    assert data.read_bytes() == fixed
