"""`--format github`: one GitHub Actions workflow command per problem, then a one-line summary.

    ::error file=data.jsonl,line=7,col=2,title=FT106 missing-assistant-message::no assistant ...

GitHub shows each as an annotation on the pull request's files and on the run's page, at the
line and column ruff's and yamllint's GitHub output use; errors, warnings and infos become
`error`, `warning` and `notice`. A problem with no line (a dataset-level one) annotates the
whole file. Values are escaped as the Actions toolkit escapes them (`core/src/command.ts`):
`%`, CR and LF everywhere, and `:` and `,` inside properties, so a message or path holding them
cannot end the command early.
"""

from __future__ import annotations

from typing import IO

from ftprep.lint.report import Report
from ftprep.model.diagnostics import Diagnostic, Severity
from ftprep.reporters.text import related_text, totals_line

STDIN_PATH = "-"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(diagnostic: Diagnostic) -> str:
    """The workflow command for one diagnostic, without its newline."""
    location = diagnostic.location
    properties = []
    if location.path != STDIN_PATH:
        properties.append(f"file={escape_property(location.path)}")
        if location.line > 0:
            properties.append(f"line={location.line}")
            properties.append(f"col={max(location.column, 1)}")
    properties.append(f"title={escape_property(f'{diagnostic.code} {diagnostic.name}')}")
    message = diagnostic.message + related_text(diagnostic)
    if diagnostic.fix:
        message += f"\nhelp: {diagnostic.fix.title}"
    return f"::{LEVELS[diagnostic.severity]} {','.join(properties)}::{escape_data(message)}"


class GithubReporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        self.out.write(command(diagnostic) + "\n")

    def finish(self, report: Report) -> None:
        """The totals as a plain log line; the summary table is the text format's."""
        self.out.write(f"ftprep: {totals_line(report)}\n")
