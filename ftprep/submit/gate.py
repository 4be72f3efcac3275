"""The checks a submit must pass before it sends anything: the model, its deadlines, and lint.

A job on a shut-down model, or one the provider no longer takes, fails after the upload; a file
with lint errors fails at the provider's own validation, or trains on broken examples. Both are
cheaper to refuse here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from ftprep.config import Settings
from ftprep.lint.report import Report
from ftprep.lint.run import lint_job
from ftprep.model.diagnostics import Diagnostic, Severity
from ftprep.model.errors import FtprepError
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.sources import Source
from ftprep.providers.lifecycle import deadlines, passed, today
from ftprep.providers.profile import ModelProfile, ProviderProfile
from ftprep.suggest import closest

WARN_DAYS = 30  # warn when a deadline is this close, as FT501 does by default
SHOWN = 5  # located errors quoted when the gate refuses


def check_model(provider: ProviderProfile, name: str) -> ModelProfile | None:
    """The model's profile; an unknown name is an error when the provider lists its models."""
    model = provider.find_model(name)
    if model is None and provider.model:
        names = [m.id for m in provider.model] + [a for m in provider.model for a in m.aliases]
        hint = closest(name, names)
        raise FtprepError(
            f"{provider.name} lists no fine-tunable model {name!r}; it lists "
            f"{', '.join(m.id for m in provider.model)}",
            f"did you mean {hint!r}?" if hint else "pass one of the listed models with --model",
        )
    return model


def check_deadlines(
    provider: ProviderProfile, model: ModelProfile | None, name: str,
    on: datetime.date | None = None,
) -> list[str]:
    """Refuse a shut-down model or a provider that takes no new jobs; return warnings."""
    on = on or today()
    if provider.status.ended:
        raise FtprepError(
            f"{provider.name}'s fine-tuning is {provider.status.state} (as of "
            f"{provider.status.as_of}; {provider.status.source})",
            "choose another provider with --provider; `ftprep export` writes other formats",
        )
    # a shut-down model says more than a provider's closed door
    ended = sorted(passed(provider, model, on), key=lambda d: not d.shutdown)
    if ended:
        deadline = ended[0]
        gone = (f"{name} was shut down on {deadline.date}" if deadline.shutdown
                else f"{provider.name} has taken no new fine-tuning jobs since {deadline.date}")
        raise FtprepError(f"{gone} (source: {deadline.source})",
                          "choose another model or provider; `ftprep export` writes other formats")
    warnings = []
    for deadline in sorted(deadlines(provider, model), key=lambda d: not d.shutdown):
        days = deadline.days_left(on)
        what = (f"{name} shuts down on {deadline.date}" if deadline.shutdown
                else f"{provider.name} takes no new fine-tuning jobs from {deadline.date}")
        if days <= WARN_DAYS:
            warnings.append(f"{what}, in {days} day{'s' * (days != 1)} (source: {deadline.source})")
    return warnings


@dataclass(frozen=True)
class GateResult:
    """What lint found, for the refusal message and the manifest."""

    report: Report
    errors: tuple[Diagnostic, ...]  # the first SHOWN
    error_count: int
    forced: bool

    @property
    def counts(self) -> dict[str, int]:
        by = self.report.summary.by_severity
        return {"errors": by[Severity.ERROR], "warnings": by[Severity.WARNING],
                "info": by[Severity.INFO]}

    @property
    def formats(self) -> dict[str, int]:
        return dict(self.report.summary.formats)


def lint_gate(
    settings: Settings, sources: list[Source], force: bool, rerun: str,
    notes: Callable[[str], None] = lambda _note: None, progress: Progress = NO_PROGRESS,
) -> GateResult:
    """Lint the files as the provider reads them; refuse on errors unless `force`.

    `rerun` is the `ftprep lint ...` command that shows every finding.
    """
    job = lint_job(settings, sources, progress)
    for note in job.engine.context.notes:
        notes(note)
    errors: list[Diagnostic] = []
    count = 0
    for diagnostic in job.diagnostics():
        if diagnostic.severity >= Severity.ERROR:
            count += 1
            if len(errors) < SHOWN:
                errors.append(diagnostic)
    result = GateResult(job.report(), tuple(errors), count, forced=bool(count and force))
    internal = result.report.summary.internal_errors
    if internal:
        raise FtprepError(f"lint stopped on {internal} internal error(s); nothing was sent",
                          f"see them with: {rerun}")
    if result.error_count and not force:
        shown = "\n".join(f"  {_located(d)}" for d in result.errors)
        more = result.error_count - len(result.errors)
        raise FtprepError(
            f"lint found {result.error_count:,} error{'s' * (result.error_count != 1)}; nothing "
            f"was sent\n{shown}" + (f"\n  ... and {more:,} more" if more > 0 else ""),
            f"see them all with: {rerun}; --force submits anyway",
        )
    return result


def _located(diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    where = loc.path if loc.line <= 0 else f"{loc.path}:{loc.line}:{max(loc.column, 1)}"
    return f"{where}: {diagnostic.code} {diagnostic.message}"
