"""Run ftprep's engine on JSONL text in tests, returning compact `line:col CODE` strings."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ftprep.config import Settings
from ftprep.lint.engine import Engine
from ftprep.lint.run import lint_job
from ftprep.lint.selection import active_rules
from ftprep.lint.setup import run_context
from ftprep.model.diagnostics import Diagnostic
from ftprep.model.sources import Source
from ftprep.readers.jsonl import resolve_sources
from ftprep.reporters import make_reporter
from ftprep.tokens.encoders import get_counter

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = SHARED / "corpora"


def run_engine(
    path: Path, settings: dict[str, Any] | None = None, shape_gate: bool = True
) -> tuple[list[Diagnostic], Engine]:
    config = Settings.model_validate(settings or {})
    context = run_context(config)
    engine = Engine(
        active_rules(config), context, get_counter(context.encoding, config.tokenizer),
        shape_gate=shape_gate,
    )
    diagnostics = list(engine.run(resolve_sources([str(path)])))
    return diagnostics, engine


def compact(diagnostics: list[Diagnostic]) -> list[str]:
    """`line:col CODE` per diagnostic; dataset-level ones without a line read `0:0 CODE`."""
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in diagnostics]


def lint_text(
    tmp_path: Path, text: str | bytes, settings: dict[str, Any] | None = None,
    shape_gate: bool = True, name: str = "data.jsonl",
) -> list[Diagnostic]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    diagnostics, _engine = run_engine(path, settings, shape_gate)
    return diagnostics


def render_lint(path: Path, fmt: str = "text", jobs: int = 1, model: str = "gpt-4.1-mini") -> str:
    """The whole report (diagnostics and summary) that `ftprep lint --format fmt` would print."""
    job = lint_job(Settings(model=model, jobs=jobs), [Source(str(path))])
    out = io.StringIO()
    reporter = make_reporter(fmt, out, color=False)
    for diagnostic in job.diagnostics():
        reporter.diagnostic(diagnostic)
    reporter.finish(job.report())
    return out.getvalue()
