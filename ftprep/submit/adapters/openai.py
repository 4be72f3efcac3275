"""OpenAI, Azure OpenAI and OpenAI-compatible services (Nebius...) through the `openai` SDK.

Current API shape: `files.create(purpose="fine-tune")`, then `fine_tuning.jobs.create` with
`method={"type": "supervised"|"dpo", ...: {"hyperparameters": ...}}` (the top-level
`hyperparameters` field is deprecated). The job carries `metadata.ftprep_submit_id` on OpenAI
itself, and every POST an `Idempotency-Key` header: the SDK sends none of its own for
OpenAI, and where the server honours one a repeated POST cannot make a second job. The check
before a retry does not depend on it: a job using this submit's freshly uploaded training file
can only be this submit's.
"""

from __future__ import annotations

import json
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

TOP_LEVEL = frozenset({"seed"})  # job fields; every other hyperparameter sits under `method`
DPO_ONLY = frozenset({"beta"})
AZURE_API_VERSION_ENV = "OPENAI_API_VERSION"


class OpenAIAdapter(Adapter):
    terminal = Terminal(frozenset({"succeeded"}), frozenset({"failed", "cancelled"}))

    @property
    def method(self) -> str:
        return "dpo" if self.plan.method == "dpo" else "supervised"

    @property
    def tags(self) -> bool:
        """Only OpenAI documents job `metadata`; a compatible service may reject the field."""
        return self.plan.profile.id == "openai"

    @property
    def legacy_shape(self) -> bool:
        """OpenAI-compatible services document the older top-level `hyperparameters`."""
        return self.plan.profile.id not in ("openai", "azure")

    def check(self) -> None:
        given = set(self.plan.hyperparameters) & DPO_ONLY
        if given and self.plan.method != "dpo":
            raise FtprepError(f"--{'/--'.join(sorted(given))} applies to preference (DPO) "
                              "training only, and the training file holds no preference records")

    def base(self) -> str:
        url = (self.plan.base_url or "https://api.openai.com/v1").rstrip("/")
        if self.plan.profile.submit and self.plan.profile.submit.adapter == "azure":
            return f"{url}/openai"
        return url

    def job_body(self, file_ids: dict[str, str]) -> dict[str, Any]:
        plan = self.plan
        body: dict[str, Any] = {"model": plan.model, "training_file": file_ids["training"]}
        if "validation" in file_ids:
            body["validation_file"] = file_ids["validation"]
        if plan.choices.suffix:
            body["suffix"] = plan.choices.suffix
        tuned = {k: v for k, v in plan.hyperparameters.items() if k not in TOP_LEVEL}
        body.update({k: v for k, v in plan.hyperparameters.items() if k in TOP_LEVEL})
        if self.legacy_shape:
            if tuned:
                body["hyperparameters"] = tuned
        else:
            method: dict[str, Any] = {"type": self.method}
            if tuned:
                method[self.method] = {"hyperparameters": tuned}
            body["method"] = method
        if self.tags:
            body["metadata"] = {"ftprep_submit_id": plan.submit_id}
        return body

    def requests(self) -> list[Request]:
        base = self.base()
        query = ""
        if self.plan.profile.submit and self.plan.profile.submit.adapter == "azure":
            query = f"?api-version={self.plan.choices.api_version or '<OPENAI_API_VERSION>'}"
        found = [Request(f"upload the {f.role} file", "POST", f"{base}/files{query}",
                         form={"purpose": "fine-tune"}, file=f) for f in self.plan.files]
        ids = {f.role: f"<{f.role} file id>" for f in self.plan.files}
        found.append(Request("create the job", "POST", f"{base}/fine_tuning/jobs{query}",
                             json=self.job_body(ids),
                             headers={"Idempotency-Key": self.plan.submit_id}))
        return found

    def connect(self, key: str | None) -> Session:
        sdk = self.sdk()
        submission = self.plan.profile.submit
        if submission is not None and submission.adapter == "azure":
            version = self.plan.choices.api_version
            if not self.plan.base_url:
                raise FtprepError("Azure OpenAI needs the resource's endpoint",
                                  "pass --base-url https://<resource>.openai.azure.com or set "
                                  f"{submission.base_url_env or 'AZURE_OPENAI_ENDPOINT'}")
            if not version:
                raise FtprepError("Azure OpenAI needs an API version",
                                  f"pass --api-version or set {AZURE_API_VERSION_ENV}")
            client = sdk.AzureOpenAI(api_key=key, azure_endpoint=self.plan.base_url,
                                     api_version=version, max_retries=0)
        else:
            client = sdk.OpenAI(api_key=key, base_url=self.base(), max_retries=0)
        return OpenAISession(self, client, sdk, (key or "",))

    def follow_hint(self, job_id: str) -> str:
        if self.plan.profile.id == "openai":
            return (f"the job {job_id} keeps running: https://platform.openai.com/finetune/"
                    f"{job_id}, or client.fine_tuning.jobs.retrieve({job_id!r})")
        return f"the job {job_id} keeps running: client.fine_tuning.jobs.retrieve({job_id!r})"


class OpenAISession(Session):
    def __init__(self, adapter: OpenAIAdapter, client: Any, sdk: Any,
                 secrets: tuple[str, ...]) -> None:
        super().__init__(adapter.plan, secrets)
        self.adapter = adapter
        self.client = client
        self.sdk = sdk
        self.errors = (sdk.APIError, json.JSONDecodeError)

    def failure(self, error: BaseException) -> Failure | None:
        return stainless_failure(self.sdk, error)

    def upload(self, file: FileRef, retrier: Retrier) -> str:
        def send() -> Any:
            with file.path.open("rb") as stream:
                return self.client.files.create(file=(file.path.name, stream),
                                                purpose="fine-tune")

        answer = retrier.call(f"uploading the {file.role} file {file.path.name}", send)
        return required_text(answer, "id", "POST /files")

    def create(self, file_ids: dict[str, str]) -> JobState:
        body = self.adapter.job_body(file_ids)
        job = self.client.fine_tuning.jobs.create(
            **body, extra_headers={"Idempotency-Key": self.plan.submit_id})
        return self._state(job, "POST /fine_tuning/jobs")

    def find(self, file_ids: dict[str, str]) -> JobState | None:
        page = self.client.fine_tuning.jobs.list(limit=50)
        for job in getattr(page, "data", None) or []:
            tag = (getattr(job, "metadata", None) or {}).get("ftprep_submit_id")
            if getattr(job, "training_file", None) == file_ids["training"] or (
                    tag == self.plan.submit_id):
                return self._state(job, "GET /fine_tuning/jobs")
        return None

    def status(self, job_id: str) -> JobState:
        return self._state(self.client.fine_tuning.jobs.retrieve(job_id),
                           f"GET /fine_tuning/jobs/{job_id}")

    def events(self, job_id: str) -> list[Event]:
        page = self.client.fine_tuning.jobs.list_events(job_id, limit=50)
        found = [Event(str(getattr(e, "id", "") or f"{e.created_at}:{e.message}"),
                       str(getattr(e, "created_at", "")), str(getattr(e, "message", "")),
                       str(getattr(e, "level", "info") or "info"))
                 for e in getattr(page, "data", None) or []]
        return sorted(found, key=lambda e: (e.created, e.key))  # the API lists newest first

    def _state(self, job: Any, what: str) -> JobState:
        error = getattr(job, "error", None)
        message = getattr(error, "message", None) if error is not None else None
        tokens = getattr(job, "trained_tokens", None)
        return JobState(
            id=required_text(job, "id", what),
            status=status_word(getattr(job, "status", None)),
            fine_tuned_model=getattr(job, "fine_tuned_model", None),
            error=message if isinstance(message, str) and message else None,
            trained_tokens=tokens if isinstance(tokens, int) else None,
        )
