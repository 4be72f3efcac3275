"""`--format html` and `ftprep report`: one self-contained page with charts, to look at or send.

Diagnostics are folded into counts as they stream (`collect`); at the end the page is drawn from
those, the summary and, for `ftprep report --compare`, the price of every model (`sections`).
"""

from __future__ import annotations

from typing import IO

from ftprep.estimate.run import Estimates
from ftprep.lint.report import Report
from ftprep.model.diagnostics import Diagnostic
from ftprep.reporters.html import sections
from ftprep.reporters.html.collect import Collected
from ftprep.reporters.html.page import document


class HtmlReporter:
    def __init__(self, out: IO[str], comparison: Estimates | None = None) -> None:
        self.out = out
        self.comparison = comparison
        self.collected = Collected()

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        self.collected.add(diagnostic)

    def finish(self, report: Report) -> None:
        self.out.write(render(report, self.collected, self.comparison))


def render(report: Report, collected: Collected, comparison: Estimates | None = None) -> str:
    files = report.summary.files
    names = ", ".join(f.path for f in files[:3]) + (f" and {len(files) - 3:,} more"
                                                     if len(files) > 3 else "")
    context = report.context
    model = context.model.id if context.model else context.model_name
    target = f"{context.provider.name}{f' · {model}' if model else ''}"
    return document("ftprep report", f"{names or 'no input'} · {target} · {report.tokenizer} "
                    f"counts ({context.encoding})", [
        ("overview", "", sections.cards(report)),
        ("tokens", "Tokens", sections.token_lengths(report)),
        ("problems", "Problems", sections.problems(collected)),
        ("labels", "Labels", sections.labels(report)),
        ("duplicates", "Duplicates", sections.duplicates(report, collected)),
        ("estimate", "Cost", sections.estimate(report)),
        ("compare", "Providers", sections.comparison(comparison)),
        ("summary", "Summary", sections.summary_table(report)),
        ("list", "List", sections.problem_table(collected)),
    ])
