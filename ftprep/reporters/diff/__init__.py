"""Renderers of a `Diff` (`ftprep diff`): text, json, markdown and github, one module each."""

from __future__ import annotations

from typing import IO

from ftprep.diff.result import Diff

FORMATS = ("text", "json", "markdown", "github")


def render(diff: Diff, name: str, out: IO[str]) -> None:
    """Write `diff` to `out` in the format `name` (one of FORMATS)."""
    if name == "json":
        from ftprep.reporters.diff.json import render as render_json

        render_json(diff, out)
    elif name == "markdown":
        from ftprep.reporters.diff.markdown import render as render_markdown

        render_markdown(diff, out)
    elif name == "github":
        from ftprep.reporters.diff.github import render as render_github

        render_github(diff, out)
    else:
        from ftprep.reporters.diff.text import render as render_text

        render_text(diff, out)
