"""The sample files a new user tries first show what sample_data/README.md says they show.

support_chat.jsonl carries deliberate defects, each on a documented line; the other files are
clean. A new rule that reports a line not listed here has found an undocumented defect in a
sample (fix the sample or the README) or a false positive (fix the rule).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ftprep.cli._main import _register, cli

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
MODEL = "gpt-4.1-mini"

# line -> the rules that must report it (the README's table lists the same lines)
SUPPORT_DEFECTS: dict[int, tuple[str, ...]] = {
    2: ("FT303",),  # the first copy: FT303 reports the group here, with line 15 related
    7: ("FT106",),  # the conversation ends with the user: no assistant reply
    10: ("FT104", "FT109"),  # "contnet" instead of "content"
    12: ("FT110",),  # weight 2
    13: ("FT004",),  # blank line
    15: (),  # exact copy of line 2: a related location of FT303's finding on line 2
    16: ("FT114",),  # double-encoded tool-call arguments
}


def lint_json(path: Path, tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Lint through the CLI (isolated from any config) and return exit code and JSON report."""
    _register()
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli, ["lint", str(path), "--isolated", "--format", "json", "-o", str(report), *args],
        standalone_mode=False,
    )
    assert result.exception is None, result.output
    return result.return_value, json.loads(report.read_text(encoding="utf-8"))


def findings(report: dict[str, Any]) -> set[tuple[int, str]]:
    return {(d["location"]["line"], d["code"]) for d in report["diagnostics"]}


def test_support_chat_reports_each_documented_defect(tmp_path: Path) -> None:
    code, report = lint_json(SAMPLES / "support_chat.jsonl", tmp_path, "--model", MODEL)
    assert code == 1
    found = findings(report)
    expected = {(line, rule) for line, rules in SUPPORT_DEFECTS.items() for rule in rules}
    assert expected <= found


def test_support_chat_reports_only_documented_lines(tmp_path: Path) -> None:
    _code, report = lint_json(SAMPLES / "support_chat.jsonl", tmp_path, "--model", MODEL)
    flagged = {line for line, _rule in findings(report) if line}  # 0: dataset-level findings
    assert flagged <= set(SUPPORT_DEFECTS), "a rule reports a line the README does not list"
    assert report["summary"]["counts"]["internal_errors"] == 0


@pytest.mark.parametrize("name", ["clean_chat.jsonl", "preference.jsonl"])
def test_clean_samples_pass(name: str, tmp_path: Path) -> None:
    code, report = lint_json(SAMPLES / name, tmp_path, "--model", MODEL)
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert (code, errors) == (0, [])


def test_clean_chat_has_enough_examples_for_a_job(tmp_path: Path) -> None:
    _code, report = lint_json(SAMPLES / "clean_chat.jsonl", tmp_path, "--model", MODEL)
    assert report["summary"]["formats"] == {"chat": report["summary"]["examples"]}
    assert report["summary"]["examples"] >= 12


def test_sentiment_sample_is_legacy_prompt_completion(tmp_path: Path) -> None:
    path = SAMPLES / "sentiment_prompt_completion.jsonl"
    code, report = lint_json(path, tmp_path, "--model", MODEL)
    assert code == 1
    assert report["summary"]["formats"] == {"prompt-completion": 30}
    assert {(line, "FT122") for line in range(1, 31)} <= findings(report)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    labels = {row["completion"] for row in rows}
    assert labels == {" Positive", " Negative", " Neutral"}
    assert all(row["prompt"].endswith("\nSentiment:") for row in rows)


def test_preference_sample_is_openai_dpo(tmp_path: Path) -> None:
    _code, report = lint_json(SAMPLES / "preference.jsonl", tmp_path)
    assert report["summary"]["formats"] == {"preference": report["summary"]["examples"]}


def test_support_chat_copy_is_related_to_its_first(tmp_path: Path) -> None:
    _code, report = lint_json(SAMPLES / "support_chat.jsonl", tmp_path, "--model", MODEL)
    [copies] = [d for d in report["diagnostics"] if d["code"] == "FT303"]
    assert [r["line"] for r in copies["related"]] == [15]


def test_readme_describes_every_sample_and_defect() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for path in SAMPLES.glob("*.jsonl"):
        assert f"`{path.name}`" in readme, f"sample_data/README.md does not describe {path.name}"
    documented = {int(n) for n in re.findall(r"^\| (\d+) \|", readme, flags=re.MULTILINE)}
    assert documented == set(SUPPORT_DEFECTS)
