"""Together AI through the `together` SDK (3.x, Stainless-generated).

Upload is the SDK's own flow: `POST /v1/files` answers 302 with a signed URL and a file id,
the file is PUT there, then `POST /v1/files/{id}/preprocess`. `fine_tuning.create` first reads
the model's limits and asks for a price estimate, then `POST /v1/fine-tunes`. Together's API
takes no idempotency key or job tag, so the check before a retry is the job list: a job on this
submit's freshly uploaded training file can only be this submit's.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

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

DEFAULT_BASE = "https://api.together.ai"


class TogetherAdapter(Adapter):
    terminal = Terminal(frozenset({"completed"}),
                        frozenset({"error", "user_error", "cancelled"}))

    def base(self) -> str:
        """The SDK's paths start with /v1, so a base URL ending in /v1 would double it."""
        url = (self.plan.base_url or DEFAULT_BASE).rstrip("/")
        return url.removesuffix("/v1")

    def job_args(self, file_ids: dict[str, str]) -> dict[str, Any]:
        plan = self.plan
        args: dict[str, Any] = {"training_file": file_ids["training"], "model": plan.model,
                                "training_method": plan.method}
        if "validation" in file_ids:
            args["validation_file"] = file_ids["validation"]
        if plan.choices.suffix:
            args["suffix"] = plan.choices.suffix
        args.update(plan.hyperparameters)
        return args

    def requests(self) -> list[Request]:
        base = self.base()
        found: list[Request] = []
        for f in self.plan.files:
            found += [
                Request(f"ask where to upload the {f.role} file", "POST", f"{base}/v1/files",
                        form={"purpose": "fine-tune", "file_name": f.path.name,
                              "file_type": "jsonl", "checksum": f.sha256},
                        note="answered with 302: a signed upload URL and the file id"),
                Request(f"upload the {f.role} file", "PUT", "<signed URL from the 302>",
                        file=f, note="the file's bytes as the body"),
                Request(f"start validating the {f.role} file", "POST",
                        f"{base}/v1/files/<{f.role} file id>/preprocess"),
            ]
        args = self.job_args({f.role: f"<{f.role} file id>" for f in self.plan.files})
        found += [
            Request("read the model's limits (the SDK checks batch sizes against them)", "GET",
                    f"{base}/v1/fine-tunes/models/limits?model_name={self.plan.model}"),
            Request("ask for Together's price estimate", "POST",
                    f"{base}/v1/fine-tunes/estimate-price",
                    json={k: v for k, v in args.items()
                          if k in ("training_file", "validation_file", "model", "n_epochs",
                                   "n_evals")}),
            Request("create the job", "POST", f"{base}/v1/fine-tunes", json=args,
                    note="client.fine_tuning.create(...) with these arguments; the SDK fills "
                         "in its defaults for the rest (packing, lr_scheduler, train_on_inputs)"),
        ]
        return found

    def connect(self, key: str | None) -> Session:
        sdk = self.sdk()
        client = sdk.Together(api_key=key, base_url=self.base(), max_retries=0)
        return TogetherSession(self, client, sdk, (key or "",))

    def follow_hint(self, job_id: str) -> str:
        return (f"the job {job_id} keeps running: `together fine-tuning retrieve {job_id}` "
                "or https://api.together.ai/jobs")


class TogetherSession(Session):
    def __init__(self, adapter: TogetherAdapter, client: Any, sdk: Any,
                 secrets: tuple[str, ...]) -> None:
        super().__init__(adapter.plan, secrets)
        self.adapter = adapter
        self.client = client
        self.sdk = sdk
        self.httpx = importlib.import_module("httpx")  # the SDK's own dependency
        # The signed-URL PUT goes through httpx directly; the SDK checks arguments with ValueError.
        self.errors = (sdk.TogetherError, self.httpx.HTTPError, ValueError)

    def failure(self, error: BaseException) -> Failure | None:
        if isinstance(error, self.sdk.FileTypeError):
            return Failure(f"Together's SDK refused the file: {error}")
        if isinstance(error, self.httpx.TransportError):
            return Failure(f"connection failed: {error}", transient=True, ambiguous=True)
        if isinstance(error, self.httpx.HTTPError):
            return Failure(str(error), ambiguous=True)
        found = stainless_failure(self.sdk, error)
        if found is None and isinstance(error, ValueError) and not isinstance(
                error, json.JSONDecodeError):
            return Failure(f"Together's SDK refused the request: {error}")
        return found

    def upload(self, file: FileRef, retrier: Retrier) -> str:
        answer = retrier.call(
            f"uploading the {file.role} file {file.path.name}",
            lambda: self.client.files.upload(file=file.path, purpose="fine-tune",
                                             check=not self.plan.choices.force))
        return required_text(answer, "id", "POST /v1/files")

    def create(self, file_ids: dict[str, str]) -> JobState:
        job = self.client.fine_tuning.create(**self.adapter.job_args(file_ids))
        return self._state(job, "POST /v1/fine-tunes")

    def find(self, file_ids: dict[str, str]) -> JobState | None:
        for job in getattr(self.client.fine_tuning.list(), "data", None) or []:
            if getattr(job, "training_file", None) == file_ids["training"]:
                return self._state(job, "GET /v1/fine-tunes")
        return None

    def status(self, job_id: str) -> JobState:
        state = self._state(self.client.fine_tuning.retrieve(job_id), f"GET /v1/fine-tunes/{job_id}")
        if state.status in self.adapter.terminal.failure:
            # Together's job carries no error field; its events say what went wrong.
            events = self.events(job_id)
            errors = [e.message for e in events if e.level == "error"] or [
                e.message for e in events[-1:]]
            if errors:
                state = JobState(state.id, state.status, state.fine_tuned_model, errors[-1],
                                 state.trained_tokens)
        return state

    def events(self, job_id: str) -> list[Event]:
        data = getattr(self.client.fine_tuning.list_events(job_id), "data", None) or []
        return [Event(f"{getattr(e, 'created_at', '')}|{getattr(e, 'message', '')}",
                      str(getattr(e, "created_at", "")), str(getattr(e, "message", "")),
                      str(getattr(e, "level", None) or "info")) for e in data]

    def _state(self, job: Any, what: str) -> JobState:
        tokens = getattr(job, "token_count", None)
        model = getattr(job, "output_name", None) or getattr(job, "x_model_output_name", None)
        return JobState(id=required_text(job, "id", what),
                        status=status_word(getattr(job, "status", None)),
                        fine_tuned_model=model if isinstance(model, str) else None,
                        trained_tokens=tokens if isinstance(tokens, int) else None)
