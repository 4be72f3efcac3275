"""When a provider stops training a model: its shutdown, and the provider's last day for jobs.

Dates come from the provider profile, each with its source. Today's date comes from the clock
here, which `FTPREP_TODAY=YYYY-MM-DD` sets, so a run (and a test) can be judged as of any day.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from ftprep.model.errors import ConfigError
from ftprep.providers.profile import ModelProfile, ProviderProfile

TODAY_ENV = "FTPREP_TODAY"


def today() -> datetime.date:
    """Today, or the day `FTPREP_TODAY` names; a malformed value is a usage error, not a guess."""
    value = os.environ.get(TODAY_ENV, "").strip()
    if not value:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{TODAY_ENV}={value!r} is not a date", "use YYYY-MM-DD") from None


@dataclass(frozen=True)
class Deadline:
    """A day after which a job on this model cannot run, and why."""

    date: datetime.date
    source: str
    shutdown: bool  # True: the model itself stops; False: the provider takes no new jobs

    def days_left(self, on: datetime.date) -> int:
        """Days from `on` to the deadline: 0 on the day itself, negative once it has passed."""
        return (self.date - on).days


def deadlines(provider: ProviderProfile, model: ModelProfile | None) -> list[Deadline]:
    """The model's shutdown and the provider's end of new jobs, earliest first."""
    found = []
    if model is not None and model.shutdown is not None:
        found.append(Deadline(model.shutdown.date, model.shutdown.source, shutdown=True))
    if provider.no_new_jobs_from is not None:
        end = provider.no_new_jobs_from
        found.append(Deadline(end.date, end.source, shutdown=False))
    return sorted(found, key=lambda deadline: deadline.date)


def passed(
    provider: ProviderProfile, model: ModelProfile | None, on: datetime.date
) -> list[Deadline]:
    """The deadlines that have come by `on` (0 days left or fewer), earliest first."""
    return [d for d in deadlines(provider, model) if d.days_left(on) <= 0]
