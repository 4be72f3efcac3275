"""Fireworks' dataset and supervised fine-tuning endpoints as fireworks-ai 1.2.30 calls them."""

from __future__ import annotations

import re
from typing import Any

from tests.submit.server import FakeAPI, Recorded, Reply


class FakeFireworks(FakeAPI):
    def __init__(self, account: str, outcome: str = "JOB_STATE_COMPLETED",
                 key: str | None = None) -> None:
        super().__init__()
        self.account = account
        self.key = key
        self.outcome = outcome
        self.datasets: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}

    def error_body(self, status: int, message: str) -> Any:
        return {"code": 13 if status >= 500 else 3, "message": message, "details": []}

    def route(self, request: Recorded) -> Reply:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.key is not None and token != self.key:
            return Reply(401, {"code": 16, "message": "unauthenticated: invalid API key"})
        root = f"/v1/accounts/{self.account}"
        path, method = request.path, request.method
        if method == "POST" and path == f"{root}/datasets":
            body = request.json
            dataset_id = body["datasetId"]
            if dataset_id in self.datasets:
                return Reply(409, {"code": 6, "message": "dataset already exists"})
            self.datasets[dataset_id] = {"name": f"accounts/{self.account}/datasets/{dataset_id}",
                                         "state": "UPLOADING", **body["dataset"]}
            return Reply(body=self.datasets[dataset_id])
        match = re.fullmatch(rf"{root}/datasets/([^/:]+):upload", path)
        if method == "POST" and match and match.group(1) in self.datasets:
            filename, data = request.form()["file"]
            self.datasets[match.group(1)].update(state="READY", content=data)
            return Reply(body={"id": match.group(1), "bytes": len(data), "filename": filename})
        if method == "POST" and path == f"{root}/supervisedFineTuningJobs":
            job_id = request.query["supervisedFineTuningJobId"][0]
            if job_id in self.jobs:
                return Reply(409, {"code": 6, "message": "job already exists"})
            body = request.json
            if body["dataset"].rsplit("/", 1)[-1] not in self.datasets:
                return Reply(400, {"code": 3, "message": f"dataset {body['dataset']} not found"})
            self.jobs[job_id] = {**body, "name": f"accounts/{self.account}/"
                                                 f"supervisedFineTuningJobs/{job_id}",
                                 "state": "JOB_STATE_CREATING"}
            return Reply(body=self.jobs[job_id])
        match = re.fullmatch(rf"{root}/supervisedFineTuningJobs/([^/:]+)", path)
        if method == "GET" and match:
            if match.group(1) not in self.jobs:
                return Reply(404, {"code": 5, "message": "job not found"})
            return Reply(body=self.advance(match.group(1)))
        return Reply(404, {"code": 5, "message": f"no route {method} {path}"})

    def advance(self, job_id: str) -> dict[str, Any]:
        job = self.jobs[job_id]
        if job["state"] == "JOB_STATE_CREATING":
            job.update(state="JOB_STATE_RUNNING", jobProgress={"percent": 40, "epoch": 0})
        elif job["state"] == "JOB_STATE_RUNNING":
            job["state"] = self.outcome
            if self.outcome == "JOB_STATE_COMPLETED":
                job["jobProgress"] = {"percent": 100, "epoch": 1}
                job.setdefault("outputModel", f"accounts/{self.account}/models/{job_id}")
            else:
                job["status"] = {"code": "INVALID_ARGUMENT",
                                 "message": "dataset row 4: messages must not be empty"}
        return job
