"""`--format junit`: JUnit XML that a real XML parser reads, one suite per file, one case per rule."""

from __future__ import annotations

import io
from pathlib import Path
from xml.etree import ElementTree

from ftprep.config import Settings
from ftprep.lint.run import lint_job
from ftprep.model.diagnostics import Diagnostic, Location, Severity
from ftprep.model.sources import Source
from ftprep.reporters.junit import JunitReporter
from tests.test_cli import check_golden, run

SAMPLE = ("lint", "sample_data/support_chat.jsonl", "--model", "gpt-4.1-mini", "--isolated")


def _cases(xml: str) -> dict[str, tuple[str, str]]:
    """testcase name -> ("failure" or "passed", the text listing its findings)."""
    root = ElementTree.fromstring(xml)
    found = {}
    for case in root.iter("testcase"):
        failure = case.find("failure")
        out = case.find("system-out")
        node = failure if failure is not None else out
        found[case.get("name", "")] = ("failure" if failure is not None else "passed",
                                       node.text if node is not None else "")
    return found


def test_errors_fail_their_rule_and_warnings_pass_with_their_findings() -> None:
    code, out, _err = run(*SAMPLE, "--format", "junit")
    assert code == 1
    root = ElementTree.fromstring(out)
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "9", "4")
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "sample_data/support_chat.jsonl"
    cases = _cases(out)
    assert {name for name, (state, _) in cases.items() if state == "failure"} == {
        "ftprep.FT104", "ftprep.FT106", "ftprep.FT110", "ftprep.FT114"}
    assert cases["ftprep.FT106"][1] == (
        "sample_data/support_chat.jsonl:7:2: FT106 [error] no assistant message among 2 messages")
    assert cases["ftprep.FT303"] == ("passed", ("sample_data/support_chat.jsonl:2:1: FT303 [warning] "
                                     "example is repeated once more (line 15) "
                                     "(see sample_data/support_chat.jsonl:15)"))


def test_fail_on_decides_which_cases_fail() -> None:
    _code, out, _err = run(*SAMPLE, "--format", "junit", "--fail-on", "warning")
    failing = {name for name, (state, _) in _cases(out).items() if state == "failure"}
    assert failing == {"ftprep.FT004", "ftprep.FT104", "ftprep.FT106", "ftprep.FT109",
                       "ftprep.FT110", "ftprep.FT114", "ftprep.FT302", "ftprep.FT303"}  # not the info


def test_a_clean_file_is_one_passing_case(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    clean = '{"messages": [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello, how can I help?"}]}\n'
    (folder / "a.jsonl").write_text(clean, encoding="utf-8")
    (folder / "b.jsonl").write_text('{"messages": []}\n', encoding="utf-8")
    _code, out, _err = run("lint", str(folder), "--isolated", "--select", "FT1", "--format", "junit")
    root = ElementTree.fromstring(out)
    suites = {Path(s.get("name", "")).name: [c.get("name") for c in s.iter("testcase")]
              for s in root.findall("testsuite")}
    assert suites == {"a.jsonl": ["ftprep"], "b.jsonl": ["ftprep.FT102"]}
    states = {name: state for name, (state, _) in _cases(out).items()}
    assert states == {"ftprep": "passed", "ftprep.FT102": "failure"}
    assert (root.get("tests"), root.get("failures")) == ("2", "1")


def test_control_characters_cannot_break_the_xml() -> None:
    out = io.StringIO()
    reporter = JunitReporter(out)
    reporter.diagnostic(Diagnostic("FT109", "unknown-key", Severity.ERROR, 'unknown key "a\x01b\x1f"',
                                   Location("d.jsonl", 1, 2)))
    job = lint_job(Settings(select=("FT1",)), [Source("sample_data/clean_chat.jsonl")])
    for _ in job.diagnostics():
        pass
    reporter.finish(job.report())
    cases = _cases(out.getvalue())
    assert cases["ftprep.FT109"] == ("failure", 'd.jsonl:1:2: FT109 [error] unknown key "a\\u0001b\\u001f"')


def test_junit_output_is_golden() -> None:
    code, out, _err = run("lint", "tests/data/mixed_defects.jsonl", "--model", "gpt-4o-mini",
                          "--isolated", "--format", "junit")
    assert code == 1
    check_golden("lint_mixed_defects.junit.xml", out)
