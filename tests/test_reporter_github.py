"""`--format github`: workflow commands GitHub turns into annotations, escaped as the toolkit does."""

from __future__ import annotations

import json
import re

import pytest

from ftprep.model.diagnostics import Diagnostic, FixSpec, Location, Severity
from ftprep.reporters.github import command
from tests.test_cli import run

COMMAND = re.compile(
    r"::(?P<level>error|warning|notice) (?:file=(?P<file>[^,:]+),)?"
    r"(?:line=(?P<line>\d+),col=(?P<col>\d+),)?title=(?P<title>[^,:]+)::(?P<message>[^\r\n]*)"
)


@pytest.mark.parametrize(("severity", "level"), [
    (Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "notice"),
])
def test_each_severity_has_its_level(severity: Severity, level: str) -> None:
    diagnostic = Diagnostic("FT106", "missing-assistant-message", severity, "no assistant",
                            Location("data.jsonl", 7, 2))
    assert command(diagnostic) == (
        f"::{level} file=data.jsonl,line=7,col=2,title=FT106 missing-assistant-message::no assistant")


def test_properties_and_message_are_escaped() -> None:
    """A comma or colon in a path, or a newline in a message, must not end the command early."""
    diagnostic = Diagnostic(
        "FT420", "email-address", Severity.WARNING, "50% done:\r\nnext, then", Location("a,b:c.jsonl", 3, 0),
        FixSpec("redact it"), (Location("a,b:c.jsonl", 9),),
    )
    assert command(diagnostic) == (
        "::warning file=a%2Cb%3Ac.jsonl,line=3,col=1,title=FT420 email-address::"
        "50%25 done:%0D%0Anext, then (see a,b:c.jsonl:9)%0Ahelp: redact it"
    )


@pytest.mark.parametrize(("location", "properties"), [
    (Location("data.jsonl"), "file=data.jsonl,"),  # a dataset-level problem annotates the file
    (Location("-", 4, 5), ""),  # stdin is no file in the repository
])
def test_problems_without_a_place_in_a_file(location: Location, properties: str) -> None:
    diagnostic = Diagnostic("FT301", "too-few-examples", Severity.ERROR, "few", location)
    assert command(diagnostic) == f"::error {properties}title=FT301 too-few-examples::few"


def test_a_run_prints_one_command_per_diagnostic_of_the_json_report() -> None:
    args = ("lint", "sample_data/support_chat.jsonl", "--model", "gpt-4.1-mini", "--isolated")
    code, out, _err = run(*args, "--format", "github")
    json_code, document, _ = run(*args, "--format", "json")
    assert code == json_code == 1
    *commands, last = out.splitlines()
    assert last == "ftprep: Found 9 problems: 4 errors, 4 warnings, 1 info."
    parsed = [COMMAND.fullmatch(line) for line in commands]
    assert all(parsed), [line for line, m in zip(commands, parsed) if not m]
    expected = [
        ({"error": "error", "warning": "warning", "info": "notice"}[d["severity"]],
         d["location"]["line"] or None, f"{d['code']} {d['name']}")
        for d in json.loads(document)["diagnostics"]
    ]
    got = [(m["level"], int(m["line"]) if m["line"] else None, m["title"]) for m in parsed if m]
    assert got == expected
