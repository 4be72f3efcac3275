"""`--format junit`: a JUnit XML report, one test suite per file and one test case per rule.

CI systems (GitLab's test report, Jenkins, Azure Pipelines, GitHub test-report actions) show
JUnit XML as a list of passing and failing tests, so a dataset's problems appear where a
team already looks. As in ruff's JUnit output, a case is named after the rule
(`ftprep.FT106`) and lists every finding of that rule in the file; it fails when any finding
is at or above `--fail-on`, the same test that decides the exit code, and otherwise passes
with its findings in `system-out`. A file without problems has one passing case, `ftprep`.
XML cannot hold most control characters, so any in a message is written as `\\uXXXX`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import IO
from xml.etree import ElementTree

from ftprep.lint.report import Report
from ftprep.model.diagnostics import Diagnostic
from ftprep.reporters.text import plain_line

# Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _line(diagnostic: Diagnostic) -> str:
    return xml_text(plain_line(diagnostic))


class JunitReporter:
    """Holds the diagnostics (JUnit's counts come first in the file) and writes at the end."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._found: dict[str, dict[str, list[Diagnostic]]] = defaultdict(lambda: defaultdict(list))

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        self._found[diagnostic.location.path][diagnostic.code].append(diagnostic)

    def finish(self, report: Report) -> None:
        paths = list(dict.fromkeys([stats.path for stats in report.summary.files] + list(self._found)))
        root = ElementTree.Element("testsuites", name="ftprep")
        total = failed = 0
        for path in paths:
            by_rule = self._found.get(path, {})
            suite = ElementTree.SubElement(root, "testsuite", name=xml_text(path))
            cases = failures = 0
            for code in sorted(by_rule) or ["ftprep"]:
                found = by_rule.get(code, [])
                name = f"ftprep.{code}" if found else "ftprep"
                case = ElementTree.SubElement(suite, "testcase", name=name, classname=xml_text(path))
                cases += 1
                if not found:
                    continue
                text = "\n".join(_line(d) for d in found)
                worst = max(found, key=lambda d: d.severity)
                if worst.severity >= report.fail_on:
                    failures += 1
                    failure = ElementTree.SubElement(
                        case, "failure", message=_line(worst), type=worst.name)
                    failure.text = text
                else:
                    ElementTree.SubElement(case, "system-out").text = text
            suite.set("tests", str(cases))
            suite.set("failures", str(failures))
            suite.set("errors", "0")
            total += cases
            failed += failures
        root.set("tests", str(total))
        root.set("failures", str(failed))
        root.set("errors", "0")
        ElementTree.indent(root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ElementTree.tostring(root, encoding="unicode") + "\n")
