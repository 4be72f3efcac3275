"""A lint run: the engine these settings describe, sharded across processes for big files,
and the report once its diagnostics are consumed. Commands call this; shard workers build
their engines with `ftprep.lint.setup` directly.

A baseline (`ftprep lint --baseline`) is a filter on the engine's diagnostic stream, here rather
than in the engine: the engine finds problems, the job decides which are news. The filter takes
what it drops out of the summary's counts as it drops it (`Summary.discount`), so the report,
its "found N problems" line and the exit code count only what is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ftprep.checks.base import RunContext
from ftprep.config import Settings
from ftprep.lint.baseline import Baseline, Suppressor
from ftprep.lint.engine import Engine
from ftprep.lint.parallel import run_sharded
from ftprep.lint.report import Report, Suppressed
from ftprep.lint.setup import build_engine
from ftprep.model.diagnostics import Diagnostic
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.sources import Source
from ftprep.providers.estimate import Estimate, estimate
from ftprep.registry import rules_with


@dataclass
class LintJob:
    """A configured run; iterate `diagnostics()`, then ask for `report()`."""

    settings: Settings
    engine: Engine
    sources: list[Source]
    baseline: Baseline | None = None
    baseline_name: str = ""  # the baseline's path as the summary shows it
    _suppressor: Suppressor | None = field(default=None, init=False, repr=False)

    def diagnostics(self) -> Iterator[Diagnostic]:
        found = self.engine.run(self.sources)
        if self.baseline is None:
            return found
        self._suppressor = Suppressor(self.baseline, self.engine.summary)
        return self._suppressor.filter(found)

    def report(self) -> Report:
        summary = self.engine.summary
        context = self.engine.context
        est = run_estimate(summary.examples, summary.billed_tokens,
                           summary.usable(context.provider.formats), context, self.settings)
        suppressed = None
        if self._suppressor is not None:
            suppressed = Suppressed(self.baseline_name, self._suppressor.suppressed)
        return Report(summary, est, context, self.engine.counter.backend, self.settings.fail_on,
                      suppressed, rules_with(self.settings.extend_rules))


def run_estimate(
    examples: int, billed_per_epoch: int, usable: int, context: RunContext, settings: Settings,
) -> Estimate:
    """Epochs, billed tokens and cost of training on these counts, as `ftprep lint` prints
    them: the settings' epochs (named by who chose them) or the provider's default."""
    return estimate(examples, billed_per_epoch, context.model, context.model_name,
                    context.provider, settings.epochs, settings.chosen_by("epochs"), usable=usable)


def lint_job(
    settings: Settings, sources: list[Source], progress: Progress = NO_PROGRESS,
) -> LintJob:
    """The run these settings describe; `progress` hears how far reading is (the CLI's bar)."""
    engine = build_engine(settings, sharder=run_sharded)
    engine.progress = progress
    return LintJob(settings, engine, sources)
