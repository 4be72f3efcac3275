"""S3 (path-style PutObject, as boto3's upload_file sends it) and Bedrock's model customization
endpoints on one local server, as boto3/botocore 1.43 call them with `endpoint_url`."""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from typing import Any
from urllib.parse import unquote

from tests.submit.server import FakeAPI, Recorded, Reply

ACCOUNT_ID = "123456789012"
JOBS = "/model-customization-jobs"


class FakeBedrock(FakeAPI):
    def __init__(self, bucket: str, outcome: str = "Completed", region: str = "us-east-1") -> None:
        super().__init__()
        self.bucket = bucket
        self.outcome = outcome
        self.region = region
        self.objects: dict[str, bytes] = {}
        self.jobs: dict[str, dict[str, Any]] = {}  # by jobName
        self.tokens: dict[str, str] = {}  # clientRequestToken -> jobName
        self.deny_s3 = False

    def error_body(self, status: int, message: str) -> Any:
        """A queued `Status` fault in Bedrock's rest-json error shape (code in `__type`)."""
        code = {429: "ThrottlingException", 403: "AccessDeniedException",
                400: "ValidationException"}.get(status, "InternalServerException")
        return {"__type": code, "message": message}

    def error(self, status: int, code: str, message: str, s3: bool = False) -> Reply:
        if s3:
            xml = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>"
                   f"<Message>{message}</Message><RequestId>R1</RequestId></Error>").encode()
            return Reply(status, xml, {"content-type": "application/xml"})
        return Reply(status, {"message": message}, {"x-amzn-ErrorType": f"{code}:http://x/"})

    def route(self, request: Recorded) -> Reply:
        path, method = request.path, request.method
        if method == "PUT" and path.startswith(f"/{self.bucket}/"):
            if self.deny_s3:
                return self.error(403, "AccessDenied", "Access Denied", s3=True)
            key = unquote(path.removeprefix(f"/{self.bucket}/"))
            crc = request.headers.get("x-amz-checksum-crc32")
            if crc and crc != base64.b64encode(zlib.crc32(request.body).to_bytes(4, "big")).decode():
                return self.error(400, "BadDigest", "the CRC32 you specified did not match", s3=True)
            if request.headers.get("x-amz-content-sha256") not in (
                    "UNSIGNED-PAYLOAD", hashlib.sha256(request.body).hexdigest()):
                return self.error(400, "XAmzContentSHA256Mismatch", "sha256 mismatch", s3=True)
            self.objects[key] = request.body
            return Reply(200, b"", {"ETag": '"etag-1"', "content-type": "application/xml"})
        if method == "POST" and path == JOBS:
            body = request.json
            token = body.get("clientRequestToken")
            if token in self.tokens:  # Bedrock's idempotency: the same job again
                return Reply(201, {"jobArn": self.jobs[self.tokens[token]]["jobArn"]})
            name = body["jobName"]
            if name in self.jobs:
                return self.error(400, "ValidationException", f"job name {name} already exists")
            key = body["trainingDataConfig"]["s3Uri"].removeprefix(f"s3://{self.bucket}/")
            if key not in self.objects:
                return self.error(400, "ValidationException", "training data not found in S3")
            arn = (f"arn:aws:bedrock:{self.region}:{ACCOUNT_ID}:model-customization-job/"
                   f"amazon.nova-micro-v1:0:128k/{len(self.jobs) + 1:012d}")
            self.jobs[name] = {**body, "jobArn": arn, "status": "InProgress"}
            if token:
                self.tokens[token] = name
            return Reply(201, {"jobArn": arn})
        match = re.fullmatch(rf"{JOBS}/(.+)", path)
        if method == "GET" and match:
            ident = unquote(match.group(1))
            job = next((j for j in self.jobs.values() if ident in (j["jobName"], j["jobArn"])),
                       None)
            if job is None:
                return self.error(404, "ResourceNotFoundException", f"job {ident} not found")
            return Reply(body=self.advance(job))
        return self.error(404, "UnknownOperationException", f"no route {method} {path}")

    def advance(self, job: dict[str, Any]) -> dict[str, Any]:
        if job["status"] == "InProgress" and "statusDetails" not in job:
            job["statusDetails"] = {"validationDetails": {"status": "Completed"},
                                    "trainingDetails": {"status": "InProgress"}}
        elif job["status"] == "InProgress":
            job["status"] = self.outcome
            job["statusDetails"]["trainingDetails"]["status"] = self.outcome
            if self.outcome == "Completed":
                job["outputModelArn"] = f"arn:aws:bedrock:{self.region}:{ACCOUNT_ID}:custom-model/x"
            else:
                job["failureMessage"] = "Row 3 of the training data is not valid JSON"
        return {k: v for k, v in job.items() if k != "clientRequestToken"}
