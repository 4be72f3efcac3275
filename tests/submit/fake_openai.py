"""OpenAI's fine-tuning endpoints, as the openai SDK calls them: files, jobs, events, list."""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.submit.server import FakeAPI, Recorded, Reply

NOT_FOUND = Reply(404, {"error": {"message": "not found", "type": "invalid_request_error"}})


class FakeOpenAI(FakeAPI):
    """Jobs move one step per GET: validating_files -> running -> `outcome`."""

    def __init__(self, outcome: str = "succeeded", key: str | None = None,
                 prefix: str = "/v1") -> None:
        super().__init__()
        self.prefix = prefix
        self.key = key  # when set, any other bearer token gets a 401 echoing it
        self.outcome = outcome
        self.files: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.ids = itertools.count(1)

    def route(self, request: Recorded) -> Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        token = token or request.headers.get("api-key", "")
        if self.key is not None and token != self.key:
            return Reply(401, {"error": {"message": f"Incorrect API key provided: {token}.",
                                         "type": "invalid_request_error",
                                         "code": "invalid_api_key"}})
        path = request.path.removeprefix(self.prefix)
        if request.method == "POST" and path == "/files":
            return self.upload(request)
        if request.method == "POST" and path == "/fine_tuning/jobs":
            return self.create(request.json)
        if request.method == "GET" and path == "/fine_tuning/jobs":
            return Reply(body={"object": "list", "has_more": False,
                               "data": sorted(self.jobs.values(), key=lambda j: -j["created_at"])})
        match = re.fullmatch(r"/fine_tuning/jobs/([^/]+)(/events)?", path)
        if request.method == "GET" and match and match.group(1) in self.jobs:
            job_id = match.group(1)
            if match.group(2):
                return Reply(body={"object": "list", "has_more": False,
                                   "data": list(reversed(self.events[job_id]))})
            return Reply(body=self.advance(job_id))
        return NOT_FOUND

    def upload(self, request: Recorded) -> Reply:
        form = request.form()
        filename, data = form["file"]
        file_id = f"file-{next(self.ids)}"
        self.files[file_id] = {"id": file_id, "object": "file", "bytes": len(data),
                               "created_at": 1_700_000_000, "filename": filename,
                               "purpose": form.get("purpose"), "status": "processed",
                               "content": data}
        body = {k: v for k, v in self.files[file_id].items() if k != "content"}
        return Reply(body=body)

    def create(self, body: dict[str, Any]) -> Reply:
        if body.get("training_file") not in self.files:
            return Reply(400, {"error": {"message": f"invalid training_file: "
                                                    f"{body.get('training_file')}",
                                         "type": "invalid_request_error"}})
        job_id = f"ftjob-{next(self.ids)}"
        self.jobs[job_id] = {
            "id": job_id, "object": "fine_tuning.job", "created_at": 1_700_000_000 + len(self.jobs),
            "model": body["model"], "training_file": body["training_file"],
            "validation_file": body.get("validation_file"), "status": "validating_files",
            "fine_tuned_model": None, "finished_at": None, "error": None, "trained_tokens": None,
            "hyperparameters": {"n_epochs": "auto", "batch_size": "auto",
                                "learning_rate_multiplier": "auto"},
            "organization_id": "org-test", "result_files": [], "seed": body.get("seed", 42),
            "method": body.get("method"), "metadata": body.get("metadata"),
        }
        self.events[job_id] = [self.event(job_id, "Validating training file")]
        return Reply(body=self.jobs[job_id])

    def event(self, job_id: str, message: str, level: str = "info") -> dict[str, Any]:
        number = len(self.events.get(job_id, []))
        return {"id": f"ftevent-{job_id}-{number}", "object": "fine_tuning.job.event",
                "created_at": 1_700_000_100 + number, "level": level, "message": message,
                "type": "message"}

    def advance(self, job_id: str) -> dict[str, Any]:
        job = self.jobs[job_id]
        events = self.events[job_id]
        if job["status"] == "validating_files":
            job["status"] = "running"
            events.append(self.event(job_id, "Fine-tuning job started"))
        elif job["status"] == "running":
            job["status"] = self.outcome
            job["finished_at"] = 1_700_001_000
            if self.outcome == "succeeded":
                job["fine_tuned_model"] = f"ft:{job['model']}:org-test::abc123"
                job["trained_tokens"] = 12_345
                events.append(self.event(job_id, "The job has successfully completed"))
            else:
                job["error"] = {"code": "invalid_training_file", "param": "training_file",
                                "message": "The job failed due to an invalid training file. "
                                           "Line 3 has no assistant message."}
                events.append(self.event(job_id, "Training file validation failed", "error"))
        return job
