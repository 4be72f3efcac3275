"""FT501 model-end-of-life."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from pydantic import BaseModel, Field

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.model.diagnostics import Finding, Severity
from ftprep.providers.lifecycle import Deadline, deadlines, today
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    warn_days: int = Field(
        default=30, ge=0,
        description="warn when a deadline is this many days away or closer; error on and after it",
    )
    as_of: datetime.date | None = Field(
        default=None,
        description="judge the dates as of this day, e.g. the day the job will start "
                    "(default: today, which FTPREP_TODAY=YYYY-MM-DD sets)",
    )


SPEC = RuleSpec(
    code="FT501", name="model-end-of-life", scope=Scope.DATASET, severity=Severity.INFO,
    summary="The chosen model is shut down, or its provider takes no new fine-tuning jobs, "
            "or will soon.",
    why="A job on a shut-down model, or after the provider's last day for new jobs, is refused "
        "after the upload; a model that shuts down soon takes its fine-tunes with it. OpenAI "
        "takes no new fine-tuning jobs from 2027-01-06 and shuts gpt-4o, gpt-4o-mini, gpt-4.1 "
        "and gpt-4.1-mini (and the fine-tunes built on them) down on 2027-01-14; gpt-4.1-nano "
        "and gpt-3.5-turbo were shut down on 2026-10-23. The dates and their sources are in the "
        "provider profile (rules/providers/openai.toml). Judged only when a model is named: an "
        "error on and after a deadline, a warning within `warn-days` of it, otherwise info.",
    bad="(--model gpt-4.1-nano, after its shutdown on 2026-10-23)",
    good="(--model gpt-4.1-mini, more than 30 days before OpenAI's last day for new jobs)",
    options=Options,
)


class Check(DatasetCheck):
    """Needs no record: the model, the provider profile and the day decide."""

    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options
        self.on = options.as_of or today()  # read now: a bad FTPREP_TODAY fails before the run

    def finish(self) -> Iterator[Finding]:
        context = self.context
        if context.model_name is None:
            return  # no target chosen: nothing to judge
        found = deadlines(context.provider, context.model)
        gone = [d for d in found if d.shutdown and d.days_left(self.on) <= 0]
        if gone:
            found = gone  # after a shutdown, later deadlines no longer matter
        if not found:
            return
        grades = [self._grade(d) for d in found]
        message = "; ".join(self._describe(d) for d in found)
        yield Finding("", message, severity=max(grades))

    def _grade(self, deadline: Deadline) -> Severity:
        days = deadline.days_left(self.on)
        if days <= 0:
            return Severity.ERROR
        return Severity.WARNING if days <= self.options.warn_days else Severity.INFO

    def _describe(self, deadline: Deadline) -> str:
        days = deadline.days_left(self.on)
        when = deadline.date.isoformat()
        if deadline.shutdown:
            model = self.context.model_name  # the profile's id: run_context resolves aliases
            if days < 0:
                return f"{model} was shut down on {when}, {_days(-days)} ago"
            if days == 0:
                return f"{model} shuts down today, {when}"
            return f"{model} shuts down on {when}, in {_days(days)}"
        provider = self.context.provider.name
        if days < 0:
            return f"{provider} has taken no new fine-tuning jobs since {when}, {_days(-days)} ago"
        if days == 0:
            return f"{provider} takes no new fine-tuning jobs from today, {when}"
        return f"{provider} takes no new fine-tuning jobs from {when}, in {_days(days)}"


def _days(count: int) -> str:
    return f"{count:,} day{'' if count == 1 else 's'}"
