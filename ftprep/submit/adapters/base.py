"""What every provider adapter offers: its requests (for `--dry-run`) and a live session.

An adapter is built from a validated plan without its SDK, so `--dry-run` needs neither the SDK
nor a key; `connect` imports the SDK and builds the client. Sessions turn SDK objects into the
small types here, so the submit loop never sees a provider's own classes.
"""

from __future__ import annotations

import importlib
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.providers.profile import Submission
from ftprep.submit.plan import FileRef, Plan, Request
from ftprep.submit.retry import Failure, Retrier


@dataclass(frozen=True)
class JobState:
    """A job as last seen: its provider status word and, once it has ended, the outcome."""

    id: str
    status: str
    fine_tuned_model: str | None = None
    error: str | None = None
    trained_tokens: int | None = None


@dataclass(frozen=True)
class Event:
    """One line of a job's progress; `key` tells events apart across polls."""

    key: str
    created: str
    message: str
    level: str = "info"


@dataclass(frozen=True)
class Terminal:
    """Which status words end a job, from PROVIDERS.md's mapping; any other word, including
    one the provider adds later, means it is still going."""

    success: frozenset[str]
    failure: frozenset[str]

    def ended(self, status: str) -> bool:
        return status in self.success or status in self.failure


class Session(ABC):
    """A connected client: upload, create, look up, follow. Every call may raise the SDK's
    errors (listed in `errors`), which `classify` explains."""

    errors: tuple[type[BaseException], ...] = ()
    auth_hint: str | None = None  # shown on 401/403 when credentials are not one API key

    def __init__(self, plan: Plan, secrets: tuple[str, ...]) -> None:
        self.plan = plan
        self.secrets = secrets

    @abstractmethod
    def failure(self, error: BaseException) -> Failure | None:
        """The SDK error in words (the server's own message), or None if it is not one."""

    def classify(self, error: BaseException) -> Failure | None:
        """`failure`, with any secret the server echoed blanked out."""
        found = self.failure(error)
        if found is None:
            return None
        return Failure(redact(found.message, self.secrets), found.status, found.transient,
                       found.ambiguous)

    @abstractmethod
    def upload(self, file: FileRef, retrier: Retrier) -> str:
        """Upload one file (retried as a whole when that is safe); the provider's id for it."""

    @abstractmethod
    def create(self, file_ids: dict[str, str]) -> JobState:
        """One job-creation request, not retried here (see `Retrier.create_once`)."""

    @abstractmethod
    def find(self, file_ids: dict[str, str]) -> JobState | None:
        """The job this submit created, if a failed create did create it."""

    @abstractmethod
    def status(self, job_id: str) -> JobState: ...

    @abstractmethod
    def events(self, job_id: str) -> list[Event]: ...


class Adapter(ABC):
    """One provider API. Built offline from a plan; `connect` needs the SDK and the key."""

    terminal: Terminal
    live = True  # False: data must first sit in cloud storage; submit stops at --dry-run

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.check()

    @property
    def title(self) -> str:
        return self.plan.profile.name

    def check(self) -> None:
        """Refuse, offline, what this API cannot take (raise FtprepError)."""

    @abstractmethod
    def requests(self) -> list[Request]:
        """The HTTP requests a live submit sends, in order, for `--dry-run`."""

    @abstractmethod
    def connect(self, key: str | None) -> Session:
        """The SDK client, built with `max_retries=0`: ftprep's Retrier decides retries."""

    def follow_hint(self, job_id: str) -> str:
        """How to follow a job ftprep stopped waiting for."""
        return f"the job {job_id} keeps running; follow it in {self.title}'s console"

    def sdk(self) -> ModuleType:
        return import_sdk(self.plan.profile.submit, self.title)


def import_sdk(submission: Submission | None, provider: str) -> ModuleType:
    """The provider's SDK, imported only now; missing, it is a message naming the extra."""
    if submission is None:
        raise FtprepError(f"ftprep cannot submit to {provider}",
                          "`ftprep export` writes the file for its own tools")
    try:
        return importlib.import_module(submission.module)
    except ImportError:
        raise FtprepError(f"submitting to {provider} needs its SDK",
                          f"pip install 'ftprep[{submission.extra}]'") from None


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


def server_message(body: object, fallback: str) -> str:
    """The server's own words from an error body, whichever of the usual shapes it has."""
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            body = inner
        elif isinstance(inner, str) and inner:
            return inner
        for key in ("message", "detail", "error_message"):
            value = body.get(key) if isinstance(body, dict) else None
            if isinstance(value, str) and value:
                return value
        return json.dumps(body, sort_keys=True)[:500]
    if isinstance(body, str) and body.strip():
        return _short(body)
    return fallback


def _short(text: str, limit: int = 300) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[:limit] + "..."


def stainless_failure(sdk: ModuleType, error: BaseException) -> Failure | None:
    """Errors of the Stainless-generated SDKs (openai, together, fireworks share the shapes)."""
    if isinstance(error, sdk.APIStatusError):
        status = int(error.status_code)
        text = ""
        try:
            text = error.response.text
        except (AttributeError, UnicodeDecodeError, RuntimeError):
            text = ""
        message = server_message(error.body, _short(text) or error.message)
        return Failure(message, status, transient=status in (408, 429) or status >= 500,
                       ambiguous=status == 408 or status >= 500)
    if isinstance(error, sdk.APITimeoutError):
        return Failure("no answer before the timeout", transient=True, ambiguous=True)
    if isinstance(error, sdk.APIConnectionError):
        cause = error.__cause__
        detail = str(cause) if cause is not None and str(cause) else error.message
        return Failure(f"connection failed: {detail}", transient=True, ambiguous=True)
    if isinstance(error, json.JSONDecodeError):
        return Failure(f"the server's answer is not valid JSON ({error.msg} at character "
                       f"{error.pos})", ambiguous=True)
    if isinstance(error, sdk.APIError):
        return Failure(str(getattr(error, "message", "") or error), ambiguous=True)
    return None


def required_text(obj: Any, name: str, what: str) -> str:
    """A string field the rest of the submit depends on; absent, a clear error, not a crash."""
    value = getattr(obj, name, None)
    if not isinstance(value, str) or not value:
        raise FtprepError(f"the server's answer to {what} has no {name}: {_short(repr(obj), 200)}")
    return value


def status_word(value: object) -> str:
    """A status as its plain word: SDKs give str enums, plain strings, or None."""
    if value is None:
        return "unknown"
    return str(getattr(value, "value", value))


ProgressCallback = Callable[[str], None]
