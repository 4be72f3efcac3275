"""Fireworks AI through the `fireworks-ai` SDK (1.2.x, Stainless-generated).

A dataset is created under an id ftprep chooses, then its file uploaded (`:upload`, up to
150 MB); the job is created under an id ftprep chooses too (`supervisedFineTuningJobId`), so
creation is idempotent by construction: a repeated POST meets ALREADY_EXISTS, and the check
before a retry is a GET of that one id.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.submit.adapters.base import (
    Adapter,
    Event,
    JobState,
    Session,
    Terminal,
    required_text,
    stainless_failure,
    status_word,
)
from ftprep.submit.plan import FileRef, Request
from ftprep.submit.retry import Failure, Retrier

DEFAULT_BASE = "https://api.fireworks.ai"
ACCOUNT_ENV = "FIREWORKS_ACCOUNT_ID"
RESOURCE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


class FireworksAdapter(Adapter):
    terminal = Terminal(frozenset({"JOB_STATE_COMPLETED", "JOB_STATE_EARLY_STOPPED"}),
                        frozenset({"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}))

    def check(self) -> None:
        if self.plan.method == "dpo":
            raise FtprepError("ftprep submits supervised jobs to Fireworks; its DPO jobs are "
                              "a separate API (dpo_jobs) ftprep does not drive yet",
                              "submit a chat file, or use firectl for DPO")
        suffix = self.plan.choices.suffix
        if suffix and not RESOURCE_ID.fullmatch(suffix):
            raise FtprepError(f"--suffix {suffix!r}: Fireworks names the output model with it, "
                              "and a model id is 1-63 lower-case letters, digits and hyphens")

    @property
    def account(self) -> str | None:
        return self.plan.choices.account or os.environ.get(ACCOUNT_ENV) or None

    def base(self) -> str:
        return (self.plan.base_url or DEFAULT_BASE).rstrip("/")

    def base_model(self) -> str:
        model = self.plan.model
        return model if model.startswith("accounts/") else f"accounts/fireworks/models/{model}"

    def dataset_id(self, role: str) -> str:
        return f"{self.plan.submit_id}-{role}"

    def dataset_name(self, role: str, account: str) -> str:
        return f"accounts/{account}/datasets/{self.dataset_id(role)}"

    def job_args(self, account: str) -> dict[str, Any]:
        plan = self.plan
        args: dict[str, Any] = {"dataset": self.dataset_name("training", account),
                                "base_model": self.base_model()}
        if plan.validation is not None:
            args["evaluation_dataset"] = self.dataset_name("validation", account)
        if plan.choices.suffix:
            args["output_model"] = plan.choices.suffix
            args["display_name"] = plan.choices.suffix
        args.update(plan.hyperparameters)
        return args

    def requests(self) -> list[Request]:
        account = self.account or "<account id>"
        root = f"{self.base()}/v1/accounts/{account}"
        found: list[Request] = []
        for f in self.plan.files:
            found += [
                Request(f"create the {f.role} dataset", "POST", f"{root}/datasets",
                        json={"datasetId": self.dataset_id(f.role),
                              "dataset": {"userUploaded": {},
                                          "exampleCount": str(_examples(f))}}),
                Request(f"upload the {f.role} file", "POST",
                        f"{root}/datasets/{self.dataset_id(f.role)}:upload", file=f),
            ]
        body = {_camel(k): v for k, v in self.job_args(account).items()}
        found.append(Request(
            "create the job", "POST",
            f"{root}/supervisedFineTuningJobs?supervisedFineTuningJobId={self.plan.submit_id}",
            json=body))
        return found

    def connect(self, key: str | None) -> Session:
        sdk = self.sdk()
        if self.account is None:
            raise FtprepError("submitting to Fireworks needs the account id",
                              f"pass --account or set {ACCOUNT_ENV}")
        client = sdk.Fireworks(api_key=key, account_id=self.account, base_url=self.base(),
                               max_retries=0)
        return FireworksSession(self, client, sdk, (key or "",))

    def follow_hint(self, job_id: str) -> str:
        return (f"the job {job_id} keeps running: `firectl get supervised-fine-tuning-job "
                f"{job_id}` or client.supervised_fine_tuning_jobs.get({job_id!r})")


class FireworksSession(Session):
    def __init__(self, adapter: FireworksAdapter, client: Any, sdk: Any,
                 secrets: tuple[str, ...]) -> None:
        super().__init__(adapter.plan, secrets)
        self.adapter = adapter
        self.client = client
        self.sdk = sdk
        self.account = adapter.account or ""
        self.errors = (sdk.APIError, json.JSONDecodeError)
        self.last: Any = None  # the job as last read, for its progress

    def failure(self, error: BaseException) -> Failure | None:
        return stainless_failure(self.sdk, error)

    def upload(self, file: FileRef, retrier: Retrier) -> str:
        dataset_id = self.adapter.dataset_id(file.role)

        def create() -> None:
            try:
                self.client.datasets.create(
                    dataset_id=dataset_id,
                    dataset={"user_uploaded": {}, "example_count": str(_examples(file))})
            except self.sdk.ConflictError:
                pass  # made by an earlier attempt whose answer was lost: the id is ours

        def send() -> Any:
            with file.path.open("rb") as stream:
                return self.client.datasets.upload(dataset_id, file=(file.path.name, stream))

        retrier.call(f"creating the {file.role} dataset {dataset_id}", create)
        retrier.call(f"uploading the {file.role} file {file.path.name}", send)
        return self.adapter.dataset_name(file.role, self.account)

    def create(self, file_ids: dict[str, str]) -> JobState:
        try:
            job = self.client.supervised_fine_tuning_jobs.create(
                **self.adapter.job_args(self.account),
                supervised_fine_tuning_job_id=self.plan.submit_id)
        except self.sdk.ConflictError:
            return self.status(self.plan.submit_id)  # the lost answer's job: ours by its id
        return self._state(job, "POST supervisedFineTuningJobs")

    def find(self, file_ids: dict[str, str]) -> JobState | None:
        try:
            return self.status(self.plan.submit_id)
        except self.sdk.NotFoundError:
            return None

    def status(self, job_id: str) -> JobState:
        job = self.client.supervised_fine_tuning_jobs.get(job_id)
        self.last = job
        return self._state(job, f"GET supervisedFineTuningJobs/{job_id}")

    def events(self, job_id: str) -> list[Event]:
        """Fireworks lists no events for a job: its progress percentage stands in for them."""
        progress = getattr(self.last, "job_progress", None)
        percent = getattr(progress, "percent", None)
        if not isinstance(percent, int):
            return []
        epoch = getattr(progress, "epoch", None)
        where = f" (epoch {epoch + 1})" if isinstance(epoch, int) else ""
        return [Event(f"progress-{percent}", "", f"{percent}% done{where}")]

    def _state(self, job: Any, what: str) -> JobState:
        name = required_text(job, "name", what)
        status = getattr(job, "status", None)
        message = getattr(status, "message", None)
        state = status_word(getattr(job, "state", None))
        failed = state in self.adapter.terminal.failure
        return JobState(id=name.rsplit("/", 1)[-1], status=state,
                        fine_tuned_model=getattr(job, "output_model", None),
                        error=message if failed and isinstance(message, str) and message else None)


def _examples(file: FileRef) -> int:
    with file.path.open("rb") as stream:
        return sum(1 for line in stream if line.strip())


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
