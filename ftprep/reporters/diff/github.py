"""`ftprep diff --format github`: an annotation per new problem only, then one summary line.

Problems that already existed are not annotated: a pull request is judged by what it adds.
"""

from __future__ import annotations

from typing import IO

from ftprep.diff.result import Diff
from ftprep.reporters.diff._rows import headline, problems_line
from ftprep.reporters.github import command


def render(diff: Diff, out: IO[str]) -> None:
    for diagnostic in (*diff.problems.new, *diff.problems.internal):
        out.write(command(diagnostic) + "\n")
    out.write(f"ftprep diff: {headline(diff)}; {problems_line(diff)}\n")
