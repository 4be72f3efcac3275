"""FT501 model-end-of-life: severity and exit code follow today's date against the profile's dates.

OpenAI takes no new fine-tuning jobs from 2027-01-06 and shut gpt-4.1-nano down on 2026-10-23
(rules/providers/openai.toml, sources in ../shared/reference/PROVIDERS.md). Today is set with
FTPREP_TODAY, as a user (or CI) can.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from ftprep.model.errors import ConfigError
from ftprep.providers.lifecycle import today
from tests.test_cli import run

SAMPLE = "sample_data/support_chat.jsonl"


def ft501(out: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in out.splitlines() if " FT501 " in line]


@pytest.mark.parametrize(("day", "severity", "exit_code"), [
    ("2026-11-29", "info", 0),      # 38 days before OpenAI's last day for jobs: the today
    ("2026-12-06", "info", 0),      # 31 days before
    ("2026-12-07", "warning", 0),   # 30 days before
    ("2027-01-05", "warning", 0),   # the day before
    ("2027-01-06", "error", 1),     # the day itself
    ("2027-02-01", "error", 1),     # after the model's shutdown too
])
def test_severity_follows_the_day(
    monkeypatch: pytest.MonkeyPatch, day: str, severity: str, exit_code: int
) -> None:
    monkeypatch.setenv("FTPREP_TODAY", day)
    code, out, err = run("lint", SAMPLE, "--isolated", "--model", "gpt-4.1-mini",
                         "--select", "FT501")
    assert len(ft501(out)) == 1
    ft501_line(severity, out)
    assert code == exit_code, out + err


def ft501_line(severity: str, out: str) -> str:
    """The one FT501 line, checked for its severity tag (its words are pinned in FT501.toml)."""
    lines = [line.split(": ", 1)[1] for line in out.splitlines() if f"FT501 [{severity}]" in line]
    assert len(lines) == 1, out
    return lines[0]


def test_a_shut_down_model_is_an_error_not_a_note() -> None:
    """`--model gpt-4.1-nano` on 2026-11-29 used to print a note on stderr and exit 0."""
    code, out, err = run("lint", SAMPLE, "--isolated", "--model", "gpt-4.1-nano")
    assert code == 1
    assert (f"{SAMPLE}: FT501 [error] gpt-4.1-nano-2025-04-14 was shut down on 2026-10-23, "
            "37 days ago") in out.splitlines()
    assert "note" not in err


@pytest.mark.parametrize(("day", "severity"), [
    ("2026-09-22", "info"), ("2026-09-23", "warning"), ("2026-10-22", "warning"),
    ("2026-10-23", "error"),
])
def test_shutdown_boundaries(monkeypatch: pytest.MonkeyPatch, day: str, severity: str) -> None:
    monkeypatch.setenv("FTPREP_TODAY", day)
    _code, out, _err = run("lint", SAMPLE, "--isolated", "--model", "gpt-4.1-nano",
                           "--select", "FT501")
    assert f"FT501 [{severity}]" in out


def test_json_carries_the_graded_severity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2026-12-20")
    code, out, _err = run("lint", SAMPLE, "--isolated", "--model", "gpt-4o", "--select", "FT501",
                          "--format", "json")
    document = json.loads(out)
    [diagnostic] = document["diagnostics"]
    assert (diagnostic["code"], diagnostic["severity"]) == ("FT501", "warning")
    assert diagnostic["message"].startswith(
        "OpenAI takes no new fine-tuning jobs from 2027-01-06, in 17 days"
    )
    assert code == 0


def test_a_configured_severity_beats_the_grade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2027-01-10")
    config = tmp_path / "ftprep.toml"
    config.write_text('select = ["FT501"]\n[rules.FT501]\nseverity = "warning"\n', encoding="utf-8")
    sample = str(Path(__file__).parents[1] / SAMPLE)
    code, out, _err = run("lint", sample, "--config", str(config), "--model", "gpt-4.1")
    assert ("FT501 [warning] OpenAI has taken no new fine-tuning jobs since 2027-01-06, "
            "4 days ago") in out
    assert code == 0


def test_no_model_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2027-02-01")
    code, out, _err = run("lint", SAMPLE, "--isolated", "--select", "FT501")
    assert ft501(out) == [] and code == 0


def test_a_bad_today_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "29/11/2026")
    code, out, err = run("lint", SAMPLE, "--isolated", "--model", "gpt-4.1-mini")
    assert code == 2
    assert "FTPREP_TODAY='29/11/2026' is not a date" in err
    assert "Traceback" not in out + err


def test_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", " 2027-01-06 ")
    assert today() == datetime.date(2027, 1, 6)
    monkeypatch.delenv("FTPREP_TODAY")
    assert today() == datetime.date.today()
    monkeypatch.setenv("FTPREP_TODAY", "soon")
    with pytest.raises(ConfigError):
        today()
