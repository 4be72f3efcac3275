"""Reporters render diagnostics and the final report to a stream; one module per format."""

from __future__ import annotations

from typing import IO, Protocol

from ftprep.lint.report import Report
from ftprep.model.diagnostics import Diagnostic

FORMATS = ("text", "json", "github", "junit", "sarif", "html")


class Reporter(Protocol):
    def diagnostic(self, diagnostic: Diagnostic) -> None: ...

    def finish(self, report: Report) -> None: ...


def make_reporter(name: str, out: IO[str], color: bool) -> Reporter:
    if name == "github":
        from ftprep.reporters.github import GithubReporter

        return GithubReporter(out)
    if name == "sarif":
        from ftprep.reporters.sarif import SarifReporter

        return SarifReporter(out)
    if name == "junit":
        from ftprep.reporters.junit import JunitReporter

        return JunitReporter(out)
    if name == "html":
        from ftprep.reporters.html import HtmlReporter

        return HtmlReporter(out)
    if name == "json":
        from ftprep.reporters.json import JsonReporter

        return JsonReporter(out)
    from ftprep.reporters.text import TextReporter

    return TextReporter(out, color)
