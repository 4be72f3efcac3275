"""`ftprep lint` (a pre-commit hook, run on every commit) imports only what linting needs:
commands are registered lazily, so convert's readers, fix, split, the hand-off commands and the
provider SDKs stay unloaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "clean_chat.jsonl"

PROBE = """
import contextlib, io, sys
from ftprep.cli._main import run
with contextlib.redirect_stdout(io.StringIO()):
    code = run(sys.argv[1:])
loaded = sorted({m.split(".")[1] for m in sys.modules
                 if m.startswith(("ftprep.convert", "ftprep.fix", "ftprep.split", "ftprep.estimate",
                                  "ftprep.export", "ftprep.submit"))}
                | {m.split(".")[0] for m in sys.modules
                   if m.split(".")[0] in ("openai", "together", "fireworks", "boto3", "datasets")})
print(code, ",".join(loaded))
"""


def _loaded_by(*args: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


def test_lint_imports_no_other_command() -> None:
    assert _loaded_by("lint", str(SAMPLE)) == "0"


def test_help_lists_every_command_and_a_command_loads_when_run() -> None:
    assert _loaded_by("split", "--help") == "0 split"
    help_text = subprocess.run([sys.executable, "-m", "ftprep", "--help"], capture_output=True,
                               text=True, check=True).stdout
    for name in ("convert", "estimate", "export", "fix", "lint", "providers", "rule", "rules",
                 "split", "submit"):
        assert f"  {name} " in help_text
