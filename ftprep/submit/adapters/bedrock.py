"""AWS Bedrock through boto3: upload the files to S3, create one model customization job.

Bedrock reads training data from S3 only, so a live submit first puts each file under
`--s3-uri` with `upload_file` (one PutObject for a small file, a multipart upload for a large
one), then calls `create_model_customization_job` with those URIs. Creation is idempotent by
construction: `clientRequestToken` is the submit id (a repeated POST cannot make a second job)
and `jobName` is the submit id too, so the check before a retry is a GET of that one name.
Credentials come only from boto3's own chain (environment, profile, role); botocore's retries
are off (`total_max_attempts=1`) so ftprep's Retrier is the one retry policy.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.submit.adapters.base import Event, JobState, Session, Terminal
from ftprep.submit.adapters.cloud import CloudAdapter, text_value, validate_bedrock
from ftprep.submit.plan import Choices, FileRef, Request
from ftprep.submit.retry import Failure, Retrier

THROTTLING = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException",
                        "SlowDown", "RequestLimitExceeded", "ServiceUnavailableException",
                        "ServiceUnavailable", "InternalServerException", "InternalError",
                        "RequestTimeout", "RequestTimeoutException"})
NOT_FOUND = frozenset({"ResourceNotFoundException", "NotFound", "404"})
CREDENTIALS_HINT = ("check the AWS credentials boto3 finds (AWS_ACCESS_KEY_ID and "
                    "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the instance role) and that they may "
                    "write to the bucket and create Bedrock customization jobs")


def missing_options(choices: Choices) -> None:
    """A live Bedrock submit needs where to upload and the role the job runs as: refuse
    before lint and before anything is sent, naming both options."""
    missing = [option for option, value in (("--s3-uri", choices.storage_uri),
                                            ("--role-arn", choices.role_arn)) if not value]
    if missing:
        raise FtprepError(
            f"submitting to AWS Bedrock needs {' and '.join(missing)}: its training data must "
            "first be in cloud storage (ftprep uploads it to --s3-uri s3://BUCKET/PREFIX/) and "
            "the job runs as an IAM role Bedrock may assume (--role-arn "
            "arn:aws:iam::ACCOUNT:role/NAME)",
            "submit converts the chat file to Bedrock's record schema itself (as `ftprep export "
            "--to bedrock` does); --dry-run shows the requests")


def split_s3(uri: str) -> tuple[str, str]:
    """`s3://bucket/some/key` -> (bucket, "some/key")."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


class BedrockAdapter(CloudAdapter):
    terminal = Terminal(frozenset({"Completed"}), frozenset({"Failed", "Stopped"}))
    scheme = "s3://"
    live = True

    def check(self) -> None:
        super().check()
        choices = self.plan.choices
        for option, uri in (("--s3-uri", choices.storage_uri),
                            ("--output-s3-uri", choices.output_uri)):
            if uri and not (uri.startswith("s3://") and split_s3(uri)[0]):
                raise FtprepError(f"{option} {uri}: expected s3://BUCKET/PREFIX/")

    def folder(self) -> str:
        return (self.plan.choices.storage_uri or "s3://<bucket>/<folder>").rstrip("/")

    def uri(self, file: FileRef) -> str:
        """The file's S3 URI: its own name under --s3-uri (a validation file of the same
        name as the training file gets its role as a prefix)."""
        name = file.path.name
        training = self.plan.training
        if file.role != "training" and name == training.path.name:
            name = f"{file.role}-{name}"
        return f"{self.folder()}/{name}"

    def output_uri(self) -> str:
        return self.plan.choices.output_uri or f"{self.folder()}/output/"

    @property
    def region(self) -> str | None:
        return (self.plan.choices.region or os.environ.get("AWS_REGION")
                or os.environ.get("AWS_DEFAULT_REGION") or None)

    def params(self, uris: dict[str, str] | None = None) -> dict[str, Any]:
        """`create_model_customization_job` arguments; Bedrock takes hyperparameters as
        strings. `uris`: role -> S3 URI of the uploaded files (default: where they will be)."""
        plan = self.plan
        uris = uris or {f.role: self.uri(f) for f in plan.files}
        params: dict[str, Any] = {
            "jobName": plan.submit_id,
            "customModelName": plan.choices.suffix or plan.submit_id,
            "roleArn": plan.choices.role_arn or "<role ARN: pass --role-arn>",
            "baseModelIdentifier": plan.model,
            "customizationType": "FINE_TUNING",
            "trainingDataConfig": {"s3Uri": uris["training"]},
            "outputDataConfig": {"s3Uri": self.output_uri()},
            "clientRequestToken": plan.submit_id,  # Bedrock's idempotency token
        }
        if "validation" in uris:
            params["validationDataConfig"] = {"validators": [{"s3Uri": uris["validation"]}]}
        if plan.hyperparameters:
            params["hyperParameters"] = {k: text_value(v) for k, v in plan.hyperparameters.items()}
        return params

    def requests(self) -> list[Request]:
        params = self.params()
        note = validate_bedrock(params)
        region = self.region or "<region>"
        endpoint = self.plan.choices.endpoint_url
        s3_root = endpoint.rstrip("/") if endpoint else f"https://s3.{region}.amazonaws.com"
        found = []
        for file in self.plan.files:
            bucket, key = split_s3(self.uri(file))
            found.append(Request(
                f"upload the {file.role} file to {self.uri(file)}", "PUT",
                f"{s3_root}/{bucket}/{key}",
                note=f"boto3.client('s3').upload_file: {file.describe()}"))
        bedrock = endpoint.rstrip("/") if endpoint else f"https://bedrock.{region}.amazonaws.com"
        found.append(Request(
            "create the model customization job", "POST", f"{bedrock}/model-customization-jobs",
            json=params,
            note=f"boto3.client('bedrock').create_model_customization_job(**body); {note}"))
        return found

    def connect(self, key: str | None) -> Session:
        boto3 = self.sdk()
        missing_options(self.plan.choices)
        validate_bedrock(self.params())
        config_module = _module("botocore.config")
        transfer = _module("boto3.s3.transfer")
        session = boto3.session.Session(region_name=self.region)
        if session.region_name is None:
            raise FtprepError("submitting to AWS Bedrock needs a region",
                              "pass --region or set AWS_REGION (Bedrock fine-tuning runs in "
                              "us-east-1 for Nova, us-west-2 for Llama and Claude)")
        credentials = session.get_credentials()
        if credentials is None:
            raise FtprepError("submitting to AWS Bedrock needs AWS credentials, and boto3 "
                              "found none", CREDENTIALS_HINT)
        frozen = credentials.get_frozen_credentials()
        endpoint = self.plan.choices.endpoint_url or None
        common: dict[str, Any] = {"retries": {"total_max_attempts": 1, "mode": "standard"},
                                  "connect_timeout": 10, "read_timeout": 120}
        s3_config = config_module.Config(
            **common, s3={"addressing_style": "path"} if endpoint else None)
        s3 = session.client("s3", endpoint_url=endpoint, config=s3_config)
        bedrock = session.client("bedrock", endpoint_url=endpoint,
                                 config=config_module.Config(**common))
        return BedrockSession(self, s3, bedrock, transfer.TransferConfig(use_threads=False),
                              (frozen.secret_key or "", frozen.token or ""))

    def follow_hint(self, job_id: str) -> str:
        return (f"the job {job_id} keeps running: "
                f"aws bedrock get-model-customization-job --job-identifier {job_id}")


class BedrockSession(Session):
    def __init__(self, adapter: BedrockAdapter, s3: Any, bedrock: Any, transfer: Any,
                 secrets: tuple[str, ...]) -> None:
        super().__init__(adapter.plan, secrets)
        self.adapter = adapter
        self.s3 = s3
        self.bedrock = bedrock
        self.transfer = transfer
        self.exceptions = _module("botocore.exceptions")
        self.upload_failed = _module("boto3.exceptions").S3UploadFailedError
        self.errors = (self.exceptions.ClientError, self.exceptions.BotoCoreError,
                       self.upload_failed)
        self.last: dict[str, Any] = {}  # the job as last read, for its step details
        self.auth_hint = CREDENTIALS_HINT

    def failure(self, error: BaseException) -> Failure | None:
        """botocore's errors in words: the service's own code and message for a ClientError."""
        exc = self.exceptions
        if isinstance(error, self.upload_failed):  # s3transfer wraps the ClientError in text
            cause = error.__cause__ or error.__context__
            if cause is not None and cause is not error:
                return self.failure(cause)
            return Failure(str(error), ambiguous=True)
        if isinstance(error, exc.ClientError):
            response: dict[str, Any] = getattr(error, "response", {}) or {}
            info = response.get("Error", {}) or {}
            code = str(info.get("Code") or "")
            message = str(info.get("Message") or "") or str(error)
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            status = int(status) if isinstance(status, int) else None
            transient = code in THROTTLING or status in (408, 429) or (status or 0) >= 500
            return Failure(f"{code}: {message}" if code else message, status, transient,
                           ambiguous=(status or 0) >= 500 or status == 408
                           or code in ("RequestTimeout", "RequestTimeoutException"))
        if isinstance(error, exc.NoCredentialsError | exc.PartialCredentialsError):
            return Failure(f"{error} ({CREDENTIALS_HINT})")
        if isinstance(error, exc.EndpointConnectionError | exc.ConnectTimeoutError):
            return Failure(f"connection failed: {error}", transient=True)  # nothing was sent
        if isinstance(error, exc.ReadTimeoutError):
            return Failure(f"no answer before the timeout: {error}", transient=True,
                           ambiguous=True)
        if isinstance(error, exc.HTTPClientError):  # ConnectionClosedError and the like
            return Failure(f"connection failed: {error}", transient=True, ambiguous=True)
        if isinstance(error, exc.ResponseParserError):
            return Failure(f"the server's answer could not be read: {error}", ambiguous=True)
        if isinstance(error, exc.BotoCoreError):
            return Failure(str(error))
        return None

    def upload(self, file: FileRef, retrier: Retrier) -> str:
        uri = self.adapter.uri(file)
        bucket, key = split_s3(uri)

        def send() -> None:
            self.s3.upload_file(str(file.path), bucket, key, Config=self.transfer)

        retrier.call(f"uploading the {file.role} file {file.path.name} to {uri}", send)
        return uri

    def create(self, file_ids: dict[str, str]) -> JobState:
        answer = self.bedrock.create_model_customization_job(**self.adapter.params(file_ids))
        arn = answer.get("jobArn")
        if not isinstance(arn, str) or not arn:
            raise FtprepError(f"Bedrock's answer to the job POST has no jobArn: {answer!r:.200}")
        return JobState(id=arn, status="InProgress")

    def find(self, file_ids: dict[str, str]) -> JobState | None:
        """The job is named by the submit id, so a GET of that name finds it or not."""
        try:
            return self.status(self.plan.submit_id)
        except self.exceptions.ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in NOT_FOUND or status == 404:
                return None
            raise

    def status(self, job_id: str) -> JobState:
        job = self.bedrock.get_model_customization_job(jobIdentifier=job_id)
        self.last = job
        arn = job.get("jobArn")
        status = str(job.get("status") or "unknown")
        failed = status in self.adapter.terminal.failure
        message = job.get("failureMessage")
        return JobState(
            id=arn if isinstance(arn, str) and arn else job_id, status=status,
            fine_tuned_model=job.get("outputModelArn") or job.get("outputModelName"),
            error=message if failed and isinstance(message, str) and message else None)

    def events(self, job_id: str) -> list[Event]:
        """Bedrock lists no events: the steps in `statusDetails` stand in for them."""
        details = self.last.get("statusDetails") or {}
        found = []
        for step in ("validationDetails", "dataProcessingDetails", "trainingDetails"):
            status = (details.get(step) or {}).get("status")
            if isinstance(status, str):
                name = step.removesuffix("Details")
                found.append(Event(f"{name}-{status}", "", f"{name}: {status}"))
        return found


def _module(name: str) -> Any:
    """A boto3/botocore submodule, imported only once the SDK is known to be there."""
    return importlib.import_module(name)
