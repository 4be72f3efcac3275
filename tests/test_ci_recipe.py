"""The README's GitHub Actions recipe (docs/ci/ftprep.yml), its commands run as a script.

Each job's `run:` steps run in order, in bash as the runner runs them (`shell: bash` is
`bash --noprofile --norc -eo pipefail`), in a copy of a small dataset repository, with the
GITHUB_* files a step may write to. A step without `if` runs only while every earlier one
succeeded, `if: always()` regardless, as on GitHub. The install step is the one not run (ftprep is
installed here already); `uses:` steps are not run, but what they upload must exist.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TODAY
from tests.precommit_helpers import ROOT, git_env, ok
from tests.test_reporter_sarif import SCHEMA

WORKFLOW = ROOT / "docs" / "ci" / "ftprep.yml"
README = ROOT / "README.md"
SAMPLE = ROOT / "sample_data" / "support_chat.jsonl"  # 24 records: 4 errors, 1 duplicate
INSTALL = "Install ftprep"
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


@dataclass(frozen=True)
class Ran:
    step: dict[str, Any]
    returncode: int | None  # None: skipped, as the runner skips it after a failure
    output: str


@dataclass(frozen=True)
class JobRun:
    repo: Path
    steps: list[Ran]
    summary: str  # what the steps appended to $GITHUB_STEP_SUMMARY

    def named(self, name: str) -> Ran:
        return next(ran for ran in self.steps if ran.step.get("name") == name)

    def uses(self, action: str) -> dict[str, Any]:
        return next(ran.step for ran in self.steps if ran.step.get("uses", "").startswith(action))


def workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return document


def dataset_repo(repo: Path, home: Path) -> None:
    """A dataset repository as a pull request's checkout has it: HEAD is the merge commit,
    whose first parent (the base branch) held only the sample's first 12 lines."""
    (repo / "data").mkdir(parents=True)
    (repo / "ftprep.toml").write_text('model = "gpt-4.1-mini"\n', encoding="utf-8")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    env = git_env(home)
    ok(["git", "init", "-q", "-b", "main"], repo, env)
    (repo / "data" / "train.jsonl").write_text("".join(lines[:12]), encoding="utf-8")
    ok(["git", "add", "."], repo, env)
    ok(["git", "commit", "-q", "-m", "base"], repo, env)
    shutil.copy(SAMPLE, repo / "data" / "train.jsonl")
    ok(["git", "commit", "-q", "-am", "the pull request, merged"], repo, env)


def run_job(name: str, tmp_path: Path) -> JobRun:
    document = workflow()
    assert document["defaults"]["run"]["shell"] == "bash"
    repo = tmp_path / "dataset"
    dataset_repo(repo, tmp_path)
    files = {key: tmp_path / key.lower() for key in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT",
                                                     "GITHUB_ENV")}
    for path in files.values():
        path.touch()
    env = {
        **os.environ, **{key: str(path) for key, path in files.items()},
        "GITHUB_WORKSPACE": str(repo), "GITHUB_ACTIONS": "true", "CI": "true", "NO_COLOR": "1",
        "FTPREP_TODAY": TODAY,  # module fixtures start before conftest's per-test one sets it
        # the ftprep of this interpreter, whatever PATH says
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    steps, failed = [], False
    for step in document["jobs"][name]["steps"]:
        if "run" not in step or step.get("name") == INSTALL:
            steps.append(Ran(step, None, ""))
            continue
        assert "${{" not in step["run"], "an expression the runner would substitute"
        condition = step.get("if")
        assert condition in (None, "always()"), f"the test runs no other condition: {condition}"
        if failed and condition is None:
            steps.append(Ran(step, None, ""))
            continue
        result = subprocess.run(
            [*BASH, "-c", step["run"]], cwd=repo, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, timeout=300, check=False,
        )
        failed = failed or result.returncode != 0
        steps.append(Ran(step, result.returncode, result.stdout))
    installs = [ran.step for ran in steps if ran.step.get("name") == INSTALL]
    assert len(installs) == 1 and installs[0]["run"].startswith("pip install ")
    summary = files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
    return JobRun(repo, steps, summary)


@pytest.fixture(scope="module")
def lint(tmp_path_factory: pytest.TempPathFactory) -> JobRun:
    return run_job("lint", tmp_path_factory.mktemp("lint"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> JobRun:
    return run_job("clean", tmp_path_factory.mktemp("clean"))


def test_jobs_run_on_their_events_with_the_permissions_sarif_needs() -> None:
    document: dict[Any, Any] = workflow()
    on = document["on"] if "on" in document else document[True]  # YAML 1.1: a bare `on` is true
    assert set(on) == {"pull_request", "push"} and on["push"]["branches"] == ["main"]
    jobs = document["jobs"]
    assert jobs["lint"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["clean"]["if"] == "github.event_name == 'push'"
    assert jobs["lint"]["permissions"]["security-events"] == "write"


def test_the_job_summary_says_what_the_change_does(lint: JobRun) -> None:
    ran = lint.named("What the change does (job summary)")
    assert lint.uses("actions/checkout")["with"]["fetch-depth"] == 2  # HEAD^1 must be there
    assert ran.returncode == 1  # the pull request brings new errors
    summary = lint.summary
    assert summary.startswith("### ftprep diff: `HEAD^1:data/train.jsonl`")
    assert "12 added, 0 removed, 0 modified, 12 unchanged" in summary
    # the base held lines 1-12 with their errors (7, 10, 12): only what the pull request adds
    assert "**3 new problems (1 error, 2 warnings), 0 fixed**" in summary
    assert "| FT114 double-encoded-arguments | error | 1 | 0 |" in summary
    assert "FT104" not in summary and "FT106" not in summary
    # lint still runs after the diff's failure, to annotate the files
    assert lint.named("Lint (annotations on the pull request)").returncode == 1


def test_lint_annotates_the_pull_request(lint: JobRun) -> None:
    ran = lint.named("Lint (annotations on the pull request)")
    assert ran.returncode == 1  # the sample has errors: the check fails
    *commands, totals = ran.output.splitlines()
    assert totals == "ftprep: Found 9 problems: 4 errors, 4 warnings, 1 info."
    assert all(line.startswith(("::error file=data/train.jsonl", "::warning file=data/train.jsonl",
                                "::notice file=data/train.jsonl")) for line in commands), commands
    assert ("::error file=data/train.jsonl,line=7,col=2,title=FT106 missing-assistant-message"
            "::no assistant message among 2 messages") in commands
    # a problem of the whole dataset annotates the file, without a line
    assert ("::notice file=data/train.jsonl,title=FT501 model-end-of-life::OpenAI takes no new "
            "fine-tuning jobs from 2027-01-06, in 38 days") in "\n".join(commands)
    assert len(commands) == 9


def test_sarif_is_written_after_a_failing_lint_and_is_what_upload_sarif_reads(
    lint: JobRun,
) -> None:
    ran = lint.named("Lint (SARIF for code scanning)")
    assert ran.step["if"] == "always()" and ran.returncode == 1
    upload = lint.uses("github/codeql-action/upload-sarif")
    assert upload["if"] == "always()"
    document = json.loads((lint.repo / upload["with"]["sarif_file"]).read_text(encoding="utf-8"))
    results = document["runs"][0]["results"]
    annotations = lint.named("Lint (annotations on the pull request)").output.count("\n::")
    assert len(results) == annotations + 1  # the first command has no newline before it
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "data/train.jsonl"


@pytest.mark.skipif(not SCHEMA.is_file(), reason="../shared/corpora is not present")
def test_the_uploaded_sarif_validates_against_the_schema(lint: JobRun) -> None:
    import jsonschema

    sarif = lint.repo / lint.uses("github/codeql-action/upload-sarif")["with"]["sarif_file"]
    document = json.loads(sarif.read_text(encoding="utf-8"))
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))


def _records(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def test_main_keeps_cleaned_and_split_files(clean: JobRun) -> None:
    assert [ran.returncode for ran in clean.steps if ran.returncode is not None] == [0]
    artifact = clean.repo / clean.uses("actions/upload-artifact")["with"]["path"]
    assert sorted(p.name for p in artifact.iterdir()) == [
        "all.jsonl", "rejects.jsonl", "train.jsonl", "validation.jsonl"]
    read = _records(clean.repo / "data" / "train.jsonl")
    written, rejected = _records(artifact / "all.jsonl"), _records(artifact / "rejects.jsonl")
    assert (read, written, rejected) == (24, 20, 4)  # records in = written + rejected
    assert _records(artifact / "train.jsonl") + _records(artifact / "validation.jsonl") == written
    assert _records(artifact / "validation.jsonl") == 2  # split's default 10%
    # the fix summary goes to the log and, fenced, to the run's summary page
    assert "read 24 records: 20 written + 4 rejected" in clean.named("Fix and split").output
    assert clean.summary.startswith("~~~\n") and clean.summary.endswith("~~~\n")
    assert "read 24 records: 20 written + 4 rejected" in clean.summary
    linted = subprocess.run([sys.executable, "-m", "ftprep", "lint", str(artifact / "all.jsonl")],
                            cwd=clean.repo, capture_output=True, text=True, check=False)
    assert linted.returncode == 0, linted.stdout  # no errors left in the cleaned file


def test_the_readme_shows_the_workflow_file() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## CI\n"):]
    block = section[section.index("```yaml\n") + len("```yaml\n"):]
    assert block[: block.index("\n```\n") + 1] == WORKFLOW.read_text(encoding="utf-8")
