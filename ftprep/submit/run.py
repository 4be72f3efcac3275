"""A live submit: upload, create the job once, follow it if asked, and keep the manifest current.

Progress goes to a callback the CLI renders; nothing here prints. The manifest is written once
something has been sent, and again at every step that changes what it says.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from ftprep.model.errors import EXIT_INTERRUPTED, FtprepError
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.submit.adapters.base import Adapter, JobState, Session
from ftprep.submit.manifest import Manifest, now
from ftprep.submit.retry import Backoff, RequestFailed, Retrier

POLL_ENV = "FTPREP_SUBMIT_POLL"  # seconds between status polls with --wait (default 10)

Notify = Callable[[str], None]


class WaitInterrupted(FtprepError):
    """Ctrl-C while following a job: the job keeps running; exit 130 like any interruption."""

    exit_code = EXIT_INTERRUPTED


@dataclass(frozen=True)
class Result:
    job: JobState
    ended: bool
    succeeded: bool


def poll_interval() -> float:
    try:
        return max(0.0, float(os.environ.get(POLL_ENV, "10")))
    except ValueError:
        raise FtprepError(f"{POLL_ENV} must be a number of seconds") from None


def submit(adapter: Adapter, session: Session, manifest: Manifest, wait: bool, notify: Notify,
           sleep: Callable[[float], None] = time.sleep, progress: Progress = NO_PROGRESS) -> Result:
    """Upload every file, create one job, and with `wait` follow it to a terminal status
    (`progress` hears its status at every poll: a spinner on a terminal)."""
    plan = adapter.plan
    keys = plan.profile.submit.api_key_env if plan.profile.submit else ()
    auth = f"the provider refused the credentials: check ${' or $'.join(keys)}" if keys else None
    auth = session.auth_hint or auth
    retrier = Retrier(session.errors, session.classify, Backoff.from_env(), notify, sleep, auth)
    try:
        for file in plan.files:
            notify(f"uploading the {file.role} file {file.path} ({file.size:,} bytes)")
            manifest.file_ids[file.role] = session.upload(file, retrier)
            notify(f"uploaded {file.path.name} as {manifest.file_ids[file.role]}")
            manifest.write()
        ids = dict(manifest.file_ids)
        job = retrier.create_once(
            f"creating the job on {adapter.title}", lambda: session.create(ids),
            lambda: session.find(ids))
    except FtprepError as error:
        if manifest.file_ids:  # files were uploaded: say so, and which
            manifest.outcome, manifest.error, manifest.finished = "error", error.message, now()
            manifest.write()
        raise
    manifest.job, manifest.job_created, manifest.outcome = job, now(), "created"
    manifest.write()
    notify(f"created job {job.id} ({job.status})")
    if wait and not adapter.terminal.ended(job.status):
        job = follow(adapter, session, job, retrier, manifest, notify, sleep, progress)
    ended = adapter.terminal.ended(job.status)
    succeeded = job.status in adapter.terminal.success
    if ended:
        manifest.job, manifest.finished = job, now()
        manifest.outcome = "succeeded" if succeeded else "failed"
        manifest.write()
    return Result(job, ended, succeeded)


def follow(adapter: Adapter, session: Session, job: JobState, retrier: Retrier,
           manifest: Manifest, notify: Notify, sleep: Callable[[float], None],
           progress: Progress = NO_PROGRESS) -> JobState:
    """Poll status and events until the job ends; Ctrl-C stops waiting, not the job."""
    seen: set[str] = set()
    last = job.status
    poll = poll_interval()
    progress.status(f"waiting for job {job.id}: {job.status}")
    try:
        while True:
            state = retrier.call("reading the job's status", lambda: session.status(job.id))
            for event in retrier.call("reading the job's events", lambda: session.events(job.id)):
                if event.key not in seen:
                    seen.add(event.key)
                    notify(f"  {event.created} {event.message}".replace("   ", "  "))
            if state.status != last:
                notify(f"job {state.id}: {state.status}")
                last = state.status
            manifest.job = state
            polled = time.strftime("%H:%M:%S")
            progress.status(f"waiting for job {state.id}: {state.status} (checked {polled})")
            if adapter.terminal.ended(state.status):
                progress.finish()
                return state
            sleep(poll)
    except KeyboardInterrupt:
        manifest.outcome = "waiting-interrupted"
        manifest.write()
        raise WaitInterrupted(f"stopped waiting; {adapter.follow_hint(job.id)}",
                              f"the manifest {manifest.path} records the job") from None
    except RequestFailed as error:
        manifest.outcome, manifest.error = "waiting-failed", error.message
        manifest.write()
        raise FtprepError(error.message, adapter.follow_hint(job.id)) from None
