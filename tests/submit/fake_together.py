"""Together's endpoints as the together 3.1.1 SDK calls them.

Upload: POST /v1/files -> 302 (Location: a signed URL here, X-Together-File-Id), PUT the bytes
there, POST /v1/files/{id}/preprocess. Jobs: GET /v1/fine-tunes/models/limits, POST
/v1/fine-tunes/estimate-price, POST /v1/fine-tunes, GET /v1/fine-tunes[/{id}[/events]].
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.submit.server import FakeAPI, Recorded, Reply

LIMITS = {
    "model_name": "", "default_gradient_accumulation_steps": 1, "max_learning_rate": 1.0,
    "min_learning_rate": 1e-6, "max_num_checkpoints": 10, "max_num_epochs": 20,
    "max_num_evals": 100, "max_seq_length_dpo": 8192, "max_seq_length_sft": 16384,
    "merge_output_lora": False, "min_max_seq_length": 512, "supports_full_training": True,
    "supports_reasoning": False, "supports_tools": True, "supports_vision": False,
    "lora_training": {"default_rank": 8, "max_batch_size": 32, "max_batch_size_dpo": 16,
                      "max_rank": 64, "min_batch_size": 8, "target_modules": ["q_proj"]},
    "full_training": {"max_batch_size": 32, "max_batch_size_dpo": 16, "min_batch_size": 8},
}


class FakeTogether(FakeAPI):
    def __init__(self, outcome: str = "completed", key: str | None = None) -> None:
        super().__init__()
        self.key = key
        self.outcome = outcome
        self.files: dict[str, dict[str, Any]] = {}
        self.pending: dict[str, dict[str, Any]] = {}  # announced, not yet PUT
        self.jobs: dict[str, dict[str, Any]] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.ids = itertools.count(1)

    def error_body(self, status: int, message: str) -> Any:
        return {"error": {"message": message, "type": "invalid_request_error"}}

    def route(self, request: Recorded) -> Reply:
        path, method = request.path, request.method
        if method == "PUT" and path.startswith("/upload/"):
            file_id = path.removeprefix("/upload/")
            self.files[file_id] = {**self.pending.pop(file_id), "content": request.body}
            return Reply(200, b"", {"content-type": "text/plain"})
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.key is not None and token != self.key:
            return Reply(401, {"error": {"message": "Invalid API key provided",
                                         "type": "invalid_request_error"}})
        if method == "POST" and path == "/v1/files":
            form = request.form()
            file_id = f"file-{next(self.ids)}"
            self.pending[file_id] = {"filename": form["file_name"], "purpose": form["purpose"]}
            return Reply(302, b"", {"Location": f"{self.url}/upload/{file_id}",
                                    "X-Together-File-Id": file_id})
        match = re.fullmatch(r"/v1/files/([^/]+)/preprocess", path)
        if method == "POST" and match and match.group(1) in self.files:
            stored = self.files[match.group(1)]
            return Reply(body={"id": match.group(1), "bytes": len(stored["content"]),
                               "created_at": 1_700_000_000, "filename": stored["filename"],
                               "FileType": "jsonl", "object": "file", "purpose": "fine-tune",
                               "processing_status": "COMPLETED"})
        if method == "GET" and path == "/v1/fine-tunes/models/limits":
            return Reply(body={**LIMITS, "model_name": request.query["model_name"][0]})
        if method == "POST" and path == "/v1/fine-tunes/estimate-price":
            return Reply(body={"estimation_available": True, "allowed_to_proceed": True,
                               "estimated_total_price": 1.25,
                               "estimated_train_token_count": 2057.0,
                               "estimated_eval_token_count": 0.0, "user_limit": 100.0})
        if method == "POST" and path == "/v1/fine-tunes":
            return self.create(request.json)
        if method == "GET" and path == "/v1/fine-tunes":
            return Reply(body={"data": list(self.jobs.values())})
        match = re.fullmatch(r"/v1/fine-tunes/([^/]+)(/events)?", path)
        if method == "GET" and match and match.group(1) in self.jobs:
            if match.group(2):
                return Reply(body={"data": self.events[match.group(1)]})
            return Reply(body=self.advance(match.group(1)))
        return Reply(404, self.error_body(404, f"no route {method} {path}"))

    def create(self, body: dict[str, Any]) -> Reply:
        if body.get("training_file") not in self.files:
            return Reply(400, self.error_body(400, "training_file not found"))
        job_id = f"ft-{next(self.ids)}"
        self.jobs[job_id] = {
            "id": job_id, "status": "pending", "created_at": "2026-11-29T10:00:00Z",
            "updated_at": "2026-11-29T10:00:00Z", "model": body["model"],
            "training_file": body["training_file"], "validation_file": body.get("validation_file"),
            "n_epochs": body.get("n_epochs"), "suffix": body.get("suffix"),
            "model_output_name": None, "adapter_output_name": None,
        }
        self.events[job_id] = [self.event(job_id, "Fine tune request created")]
        return Reply(body=self.jobs[job_id])

    def event(self, job_id: str, message: str, level: str = "info") -> dict[str, Any]:
        number = len(self.events.get(job_id, []))
        return {"created_at": f"2026-11-29T10:00:{number:02d}Z", "message": message,
                "object": "fine-tune-event", "type": "JOB_START", "level": level}

    def advance(self, job_id: str) -> dict[str, Any]:
        job = self.jobs[job_id]
        events = self.events[job_id]
        if job["status"] == "pending":
            job["status"] = "running"
            events.append(self.event(job_id, "Training started"))
        elif job["status"] == "running":
            job["status"] = self.outcome
            if self.outcome == "completed":
                job["model_output_name"] = f"user/{job['model']}-{job['suffix']}-abc"
                job["token_count"] = 2057
                events.append(self.event(job_id, "Job finished"))
            else:
                events.append(self.event(job_id, "Training failed: CUDA out of memory at step 3",
                                         "error"))
        return job
