"""Cloud Storage's JSON API (multipart upload, as google-cloud-storage 3.x sends a small file) and
Vertex AI's `tuningJobs` (as google-genai 3.6 sends them with `base_url`) on one local server."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import json
import re
from typing import Any
from urllib.parse import unquote

from tests.submit.server import FakeAPI, Recorded, Reply

PARENT = r"/v1beta1/projects/([^/]+)/locations/([^/]+)/tuningJobs"
STATUS_WORDS = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


class FakeVertex(FakeAPI):
    def __init__(self, bucket: str, project: str, location: str,
                 outcome: str = "JOB_STATE_SUCCEEDED") -> None:
        super().__init__()
        self.bucket = bucket
        self.project = project
        self.location = location
        self.outcome = outcome
        self.objects: dict[str, bytes] = {}
        self.jobs: dict[str, dict[str, Any]] = {}  # by resource name, in creation order
        self.deny_storage = False
        self.page_limit = 2  # serve at most this many jobs per list page, so paging is used

    def seed(self, count: int) -> None:
        """Jobs of other submits, made before this one: `find` must not take them."""
        for number in range(count):
            self._add({"baseModel": "gemini-3.5-flash", "labels": {
                "ftprep_submit_id": f"ftprep-other{number:010d}"}}, "JOB_STATE_SUCCEEDED")

    def error_body(self, status: int, message: str) -> Any:
        return {"error": {"code": status, "message": message,
                          "status": STATUS_WORDS.get(status, "UNKNOWN")}}

    def route(self, request: Recorded) -> Reply:
        path, method = request.path, request.method
        if method == "GET" and path == f"/storage/v1/b/{self.bucket}":
            return Reply(body={"kind": "storage#bucket", "name": self.bucket, "location": "US"})
        if method == "POST" and path == f"/upload/storage/v1/b/{self.bucket}/o":
            return self.upload(request)
        parent = re.fullmatch(PARENT, path)
        if parent and (parent.group(1), parent.group(2)) != (self.project, self.location):
            return Reply(404, self.error_body(404, f"no project/location {parent.groups()}"))
        if method == "POST" and parent:
            return self.create(request.json)
        if method == "GET" and parent:
            return self.list(request)
        job = re.fullmatch(PARENT[:-1] + r"s/(\d+)", path)
        if method == "GET" and job:
            name = path.removeprefix("/v1beta1/")
            if name not in self.jobs:
                return Reply(404, self.error_body(404, f"TuningJob {name} not found"))
            return Reply(body=self.advance(self.jobs[name]))
        return Reply(404, self.error_body(404, f"no route {method} {path}"))

    def upload(self, request: Recorded) -> Reply:
        if self.deny_storage:
            return Reply(403, self.error_body(
                403, "ftprep-ci@kestrel.iam.gserviceaccount.com does not have "
                     "storage.objects.create access to the Google Cloud Storage object."))
        if request.query.get("uploadType") != ["multipart"]:
            return Reply(400, self.error_body(400, "only multipart uploads are faked"))
        kind = request.headers.get("content-type", "")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {kind}\r\n\r\n".encode() + request.body)
        metadata_part, media = list(message.iter_parts())
        metadata = json.loads(metadata_part.get_payload(decode=True) or b"{}")
        data = media.get_payload(decode=True) or b""
        if "md5Hash" in metadata and metadata["md5Hash"] != base64.b64encode(
                hashlib.md5(data).digest()).decode():
            return Reply(400, self.error_body(400, "Provided MD5 hash doesn't match data"))
        if "crc32c" in metadata:
            import google_crc32c

            if metadata["crc32c"] != base64.b64encode(google_crc32c.Checksum(
                    data).digest()).decode():
                return Reply(400, self.error_body(400, "Provided CRC32C doesn't match data"))
        name = metadata["name"]
        self.objects[name] = data
        return Reply(body={"kind": "storage#object", "bucket": self.bucket, "name": name,
                           "generation": "1700000000000001", "size": str(len(data)),
                           "id": f"{self.bucket}/{name}/1700000000000001"})

    def create(self, body: dict[str, Any]) -> Reply:
        spec = body.get("supervisedTuningSpec") or {}
        for key in ("trainingDatasetUri", "validationDatasetUri"):
            uri = spec.get(key)
            if uri is None:
                continue
            name = unquote(uri).removeprefix(f"gs://{self.bucket}/")
            if name not in self.objects:
                return Reply(400, self.error_body(400, f"{uri} does not exist"))
        return Reply(body=self._add(body, "JOB_STATE_PENDING"))

    def list(self, request: Recorded) -> Reply:
        size = min(int(request.query.get("pageSize", ["50"])[0]), self.page_limit)
        start = int(request.query.get("pageToken", ["0"])[0])
        jobs = list(reversed(self.jobs.values()))  # newest first
        page: dict[str, Any] = {"tuningJobs": jobs[start:start + size]}
        if start + size < len(jobs):
            page["nextPageToken"] = str(start + size)
        return Reply(body=page)

    def advance(self, job: dict[str, Any]) -> dict[str, Any]:
        """PENDING -> RUNNING -> the outcome, one step per GET."""
        if job["state"] == "JOB_STATE_PENDING":
            job["state"] = "JOB_STATE_RUNNING"
        elif job["state"] == "JOB_STATE_RUNNING":
            job["state"] = self.outcome
            if self.outcome == "JOB_STATE_SUCCEEDED":
                job["tunedModel"] = {
                    "model": f"projects/{self.project}/locations/{self.location}/models/77",
                    "endpoint": f"projects/{self.project}/locations/{self.location}/endpoints/88"}
            else:
                job["error"] = {"code": 3, "message": "Row 3 of the training dataset is not a "
                                                      "valid Content: missing `parts`"}
        return job

    def _add(self, body: dict[str, Any], state: str) -> dict[str, Any]:
        number = 4000 + len(self.jobs)
        name = f"projects/{self.project}/locations/{self.location}/tuningJobs/{number}"
        job = {**body, "name": name, "state": state, "createTime": "2026-12-01T10:00:00Z"}
        self.jobs[name] = job
        return job
