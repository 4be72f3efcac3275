"""Retries with backoff for requests that are safe to repeat, and job creation that never doubles.

ftprep builds every SDK client with `max_retries=0` and retries here instead: one policy for
every provider (the SDKs' own differ, and their backoff cannot be shortened for tests), and the
one place that knows job creation must not simply be repeated. A read or an upload is repeated
on 429, 5xx or a dropped connection (a repeated upload at worst leaves an unused file). A job
POST that fails without a clear answer may still have created the job, so before each retry
the provider is asked for a job using this submit's freshly uploaded file (or its tag); only
when there is none is the POST sent again.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ftprep.model.errors import FtprepError

T = TypeVar("T")

BACKOFF_ENV = "FTPREP_SUBMIT_BACKOFF"  # seconds before the first retry (tests: 0.01)
ATTEMPTS_ENV = "FTPREP_SUBMIT_ATTEMPTS"


@dataclass(frozen=True)
class Failure:
    """An SDK error in words: the server's own message, and what it means for a retry.

    `transient`: trying again may succeed (429, 5xx, 408, a dropped connection, a timeout).
    `ambiguous`: the request may have taken effect although it failed (no reply, 5xx, a
    reply that could not be read), so a job POST must be checked before it is repeated.
    """

    message: str
    status: int | None = None
    transient: bool = False
    ambiguous: bool = False

    def describe(self) -> str:
        return f"HTTP {self.status}: {self.message}" if self.status else self.message


class RequestFailed(FtprepError):
    """A request failed for good; the message carries the server's own words."""

    def __init__(self, what: str, failure: Failure, hint: str | None = None) -> None:
        super().__init__(f"{what} failed ({failure.describe()})", hint)
        self.failure = failure


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter: base, 2x base, 4x base ... capped, `attempts` tries."""

    attempts: int = 4
    base: float = 1.0
    cap: float = 30.0

    def delay(self, retry: int) -> float:
        return float(min(self.cap, self.base * 2.0 ** retry) * (0.75 + 0.25 * random.random()))

    @classmethod
    def from_env(cls) -> Backoff:
        """FTPREP_SUBMIT_BACKOFF and FTPREP_SUBMIT_ATTEMPTS tune it (tests keep sleeps tiny)."""
        try:
            base = float(os.environ.get(BACKOFF_ENV, "1.0"))
            attempts = int(os.environ.get(ATTEMPTS_ENV, "4"))
        except ValueError:
            raise FtprepError(f"{BACKOFF_ENV} must be seconds and {ATTEMPTS_ENV} a count") from None
        return cls(attempts=max(1, attempts), base=max(0.0, base))


Classify = Callable[[BaseException], Failure | None]
Notify = Callable[[str], None]


class Retrier:
    """Runs SDK calls under one backoff policy; `classify` turns the SDK's errors into Failures.

    `errors` are the exception classes the SDK raises for HTTP, connection and decoding
    problems: only those are caught, so a bug in ftprep still shows as one.
    """

    def __init__(self, errors: tuple[type[BaseException], ...], classify: Classify,
                 backoff: Backoff, notify: Notify, sleep: Callable[[float], None] = time.sleep,
                 auth_hint: str | None = None):
        self.auth_hint = auth_hint  # shown when the server refuses the credentials
        self.errors = errors
        self.classify = classify
        self.backoff = backoff
        self.notify = notify
        self.sleep = sleep

    def _failure(self, error: BaseException) -> Failure:
        return self.classify(error) or Failure(str(error) or type(error).__name__)

    def _hint(self, failure: Failure, hint: str | None) -> str | None:
        return self.auth_hint if failure.status in (401, 403) and self.auth_hint else hint

    def call(self, what: str, request: Callable[[], T], hint: str | None = None) -> T:
        """A request that is safe to repeat: retried while its failure is transient."""
        for attempt in range(self.backoff.attempts):
            try:
                return request()
            except self.errors as error:
                failure = self._failure(error)
                if not failure.transient or attempt + 1 == self.backoff.attempts:
                    raise RequestFailed(what, failure, self._hint(failure, hint)) from None
                self._wait(what, failure, attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    def create_once(self, what: str, create: Callable[[], T], find: Callable[[], T | None],
                    hint: str | None = None) -> T:
        """Create a job at most once: after a failure that may have created it, look first."""
        for attempt in range(self.backoff.attempts):
            try:
                return create()
            except self.errors as error:
                failure = self._failure(error)
            if failure.ambiguous or failure.transient:
                found = self._look(what, failure, find)
                if found is not None:
                    self.notify(f"{what}: the server failed to answer ({failure.describe()}), "
                                "but the job exists; carrying on with it")
                    return found
            if not failure.transient or attempt + 1 == self.backoff.attempts:
                tried = f" after {attempt + 1} attempts" if attempt else ""
                if failure.ambiguous or failure.transient:  # looked above: there is no job
                    failure = Failure(f"{failure.message}; no job was created", failure.status)
                raise RequestFailed(what + tried, failure, self._hint(failure, hint)) from None
            self._wait(what, failure, attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    def _look(self, what: str, failure: Failure, find: Callable[[], T | None]) -> T | None:
        """Ask whether the failed POST created the job; when even that fails, stop: a retry
        could make a second job."""
        try:
            return self.call("checking for a job created by the failed request", find)
        except RequestFailed as error:
            raise FtprepError(
                f"{what} failed ({failure.describe()}) and ftprep could not check whether the "
                f"job was created ({error.failure.describe()})",
                "look at the provider's job list before submitting again, so as not to start "
                "two jobs",
            ) from None

    def _wait(self, what: str, failure: Failure, attempt: int) -> None:
        delay = self.backoff.delay(attempt)
        self.notify(f"{what}: {failure.describe()}; retrying in {delay:.1f}s "
                    f"(attempt {attempt + 2} of {self.backoff.attempts})")
        self.sleep(delay)
