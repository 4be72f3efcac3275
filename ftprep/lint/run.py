"""A lint run: the engine these settings describe, sharded across processes for big files,
and the report once its diagnostics are consumed. Commands call this; shard workers build
their engines with `ftprep.lint.setup` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ftprep.config import Settings, named_where_set
from ftprep.lint.engine import Engine
from ftprep.lint.parallel import run_sharded
from ftprep.lint.report import Report
from ftprep.lint.setup import build_engine
from ftprep.model.diagnostics import Diagnostic
from ftprep.model.errors import ConfigError
from ftprep.model.sources import Source
from ftprep.providers.estimate import estimate


@dataclass
class LintJob:
    """A configured run; iterate `diagnostics()`, then ask for `report()`."""

    settings: Settings
    engine: Engine
    sources: list[Source]
    epochs_from: str = "--epochs"

    def diagnostics(self) -> Iterator[Diagnostic]:
        return self.engine.run(self.sources)

    def report(self) -> Report:
        summary = self.engine.summary
        context = self.engine.context
        est = estimate(
            summary.examples, summary.billed_tokens, context.model, context.model_name,
            context.provider, self.settings.epochs, self.epochs_from,
            usable=summary.usable(context.provider.formats),
        )
        return Report(summary, est, context, self.engine.counter.backend, self.settings.fail_on)


def lint_job(settings: Settings, sources: list[Source], epochs_from: str = "--epochs") -> LintJob:
    try:
        engine = build_engine(settings, sharder=run_sharded)
    except ConfigError as error:  # a rule option or selector: name the file that set it
        raise named_where_set(settings, error) from None
    return LintJob(settings, engine, sources, epochs_from)
