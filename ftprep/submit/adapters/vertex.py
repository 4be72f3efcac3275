"""Google Vertex AI through google-cloud-storage and google-genai: upload to gs://, tune once.

Vertex reads tuning data from Cloud Storage only, so a live submit first puts each converted file
under `--storage-uri` with `Blob.upload_from_filename` (one multipart POST up to 8 MiB, a
resumable upload above), then calls `client.tunings.tune`. `tune` takes no idempotency key, so
the job carries the label `ftprep_submit_id=<submit id>`, and before a failed create is retried
the project's job list is read for that label. Credentials are Application Default Credentials
(`google.auth.default()`), never printed or written; with a plain-HTTP `--endpoint-url` (an
emulator or a local server) none are read or sent. Both SDKs' own retries are off (`retry=None`,
no `retry_options`), so ftprep's Retrier is the one retry policy.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import warnings
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from ftprep.model.errors import FtprepError
from ftprep.submit.adapters.base import (
    Event,
    JobState,
    Session,
    Terminal,
    required_text,
    server_message,
    status_word,
)
from ftprep.submit.adapters.cloud import CloudAdapter, split_uri
from ftprep.submit.plan import Choices, FileRef, Request
from ftprep.submit.retry import Failure, Retrier

LABEL = "ftprep_submit_id"  # the label that finds this submit's job again
API_VERSION = "v1beta1"  # google-genai's own default for Vertex, pinned so dry run = live
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
TIMEOUT = 120  # seconds per request
PLACEHOLDER_TOKEN = "anonymous"  # google-genai needs a bearer; an emulator ignores it
CREDENTIALS_HINT = ("check the Application Default Credentials google.auth finds (`gcloud auth "
                    "application-default login`, or GOOGLE_APPLICATION_CREDENTIALS) and that "
                    "they may write to the bucket and create Vertex AI tuning jobs in the project")
# google-genai's CreateTuningJobConfig argument for each hyperparameter the profile names
ADAPTER_SIZES = {"1": "ADAPTER_SIZE_ONE", "2": "ADAPTER_SIZE_TWO", "4": "ADAPTER_SIZE_FOUR",
                 "8": "ADAPTER_SIZE_EIGHT", "16": "ADAPTER_SIZE_SIXTEEN"}
CONFIG_NAMES = {"epochCount": "epoch_count", "learningRateMultiplier": "learning_rate_multiplier",
                "adapterSize": "adapter_size"}


def project_of(choices: Choices) -> str | None:
    return choices.account or os.environ.get("GOOGLE_CLOUD_PROJECT") or None


def location_of(choices: Choices) -> str | None:
    return choices.region or os.environ.get("GOOGLE_CLOUD_LOCATION") or None


def missing_options(choices: Choices) -> None:
    """A live Vertex submit needs where to upload, the project and location of the job, and
    Cloud Storage's SDK: refuse before lint and before anything is sent, naming what is missing."""
    missing = [option for option, value in (("--storage-uri", choices.storage_uri),
                                            ("--project", project_of(choices)),
                                            ("--location", location_of(choices))) if not value]
    if missing:
        raise FtprepError(
            f"submitting to Google Vertex AI needs {', '.join(missing)}: its training data must "
            "first be in cloud storage (ftprep uploads it to --storage-uri gs://BUCKET/PREFIX), "
            "and the job is created in a project (--project or $GOOGLE_CLOUD_PROJECT) and a "
            "location (--location or $GOOGLE_CLOUD_LOCATION, e.g. us-central1)",
            "submit converts the chat file to Vertex's schema itself (as `ftprep export --to "
            "vertex` does); --dry-run shows the requests")
    _sdk_module("google.cloud.storage")


class VertexAdapter(CloudAdapter):
    terminal = Terminal(frozenset({"JOB_STATE_SUCCEEDED"}),
                        frozenset({"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}))
    scheme = "gs://"
    live = True

    def check(self) -> None:
        super().check()
        uri = self.plan.choices.storage_uri
        if uri and not split_uri(uri, self.scheme)[0]:
            raise FtprepError(f"--storage-uri {uri}: expected gs://BUCKET/PREFIX")

    def labels(self) -> dict[str, str]:
        return {LABEL: self.plan.submit_id}

    def body(self, uris: dict[str, str] | None = None) -> dict[str, Any]:
        """The `tuningJobs` body google-genai 3.6 builds from `tunings.tune(...)` (tests compare
        it with the SDK's own converter and with what it sends). `uris`: role -> gs:// URI."""
        plan = self.plan
        uris = uris or {f.role: self.uri(f) for f in plan.files}
        spec: dict[str, Any] = {"trainingDatasetUri": uris["training"]}
        if "validation" in uris:
            spec["validationDatasetUri"] = uris["validation"]
        tuned = {name: ADAPTER_SIZES.get(str(value), value) if name == "adapterSize" else value
                 for name, value in plan.hyperparameters.items()}
        if tuned:
            spec["hyperParameters"] = tuned
        key = "preferenceOptimizationSpec" if plan.method == "dpo" else "supervisedTuningSpec"
        body: dict[str, Any] = {"baseModel": plan.model, key: spec}
        if plan.choices.suffix:
            body["tunedModelDisplayName"] = plan.choices.suffix
        body["labels"] = self.labels()
        return body

    def config(self, uris: dict[str, str]) -> dict[str, Any]:
        """`types.CreateTuningJobConfig` arguments for the same body."""
        plan = self.plan
        config: dict[str, Any] = {"labels": self.labels()}
        for name, value in plan.hyperparameters.items():
            config[CONFIG_NAMES.get(name, _snake(name))] = (
                ADAPTER_SIZES.get(str(value), value) if name == "adapterSize" else value)
        if plan.choices.suffix:
            config["tuned_model_display_name"] = plan.choices.suffix
        if "validation" in uris:
            config["validation_dataset"] = {"gcs_uri": uris["validation"]}
        if plan.method == "dpo":
            config["method"] = "PREFERENCE_TUNING"
        return config

    @property
    def project(self) -> str | None:
        return project_of(self.plan.choices)

    @property
    def location(self) -> str | None:
        return location_of(self.plan.choices)

    def api_root(self) -> str:
        """Where google-genai sends Vertex requests: --endpoint-url, else the location's host
        (`global` has none of its own)."""
        endpoint = self.plan.choices.endpoint_url
        if endpoint:
            return endpoint.rstrip("/")
        location = self.location or "<location>"
        if location == "global":
            return "https://aiplatform.googleapis.com"
        return f"https://{location}-aiplatform.googleapis.com"

    def requests(self) -> list[Request]:
        storage = (self.plan.choices.endpoint_url or "https://storage.googleapis.com").rstrip("/")
        found = []
        for file in self.plan.files:
            bucket, name = split_uri(self.uri(file), self.scheme)
            found.append(Request(
                f"upload the {file.role} file to {self.uri(file)}", "POST",
                f"{storage}/upload/storage/v1/b/{bucket}/o?uploadType=multipart",
                note=f"google.cloud.storage: bucket({bucket!r}).blob({name!r})"
                     f".upload_from_filename (resumable above 8 MiB): {file.describe()}"))
        project, location = self.project or "<project>", self.location or "<location>"
        found.append(Request(
            "create the tuning job", "POST",
            f"{self.api_root()}/{API_VERSION}/projects/{project}/locations/{location}/tuningJobs",
            json=self.body(),
            note="genai.Client(vertexai=True, project=..., location=...).tunings.tune(...); the "
                 f"label {LABEL} finds the job again before a retry"))
        return found

    def connect(self, key: str | None) -> Session:
        genai = self.sdk()
        missing_options(self.plan.choices)
        storage = _sdk_module("google.cloud.storage")
        types = _sdk_module("google.genai.types")
        endpoint = self.plan.choices.endpoint_url or None
        if endpoint and urlsplit(endpoint).scheme == "http":  # an emulator or a local server:
            # no credentials are read, and none go over plain HTTP
            storage_credentials: Any = _sdk_module("google.auth.credentials").AnonymousCredentials()
            credentials: Any = _sdk_module("google.oauth2.credentials").Credentials(
                token=PLACEHOLDER_TOKEN)
        else:
            credentials = storage_credentials = _default_credentials()
        bucket_client = storage.Client(
            project=self.project, credentials=storage_credentials,
            client_options={"api_endpoint": endpoint} if endpoint else None)
        client = genai.Client(
            vertexai=True, project=self.project, location=self.location, credentials=credentials,
            http_options=types.HttpOptions(base_url=endpoint, api_version=API_VERSION,
                                           timeout=TIMEOUT * 1000))
        return VertexSession(self, bucket_client, client, credentials)

    def follow_hint(self, job_id: str) -> str:
        return (f"the job {job_id} keeps running: gcloud ai tuning-jobs describe, or "
                f"client.tunings.get(name={job_id!r})")


class VertexSession(Session):
    def __init__(self, adapter: VertexAdapter, storage: Any, client: Any,
                 credentials: Any) -> None:
        super().__init__(adapter.plan, ())
        self.adapter = adapter
        self.storage = storage
        self.client = client
        self.credentials = credentials
        self.types = _sdk_module("google.genai.types")
        self.genai_errors = _sdk_module("google.genai.errors")
        self.api_core = _sdk_module("google.api_core.exceptions")
        self.auth_errors = _sdk_module("google.auth.exceptions")
        requests_errors = _sdk_module("requests.exceptions")
        # google-genai sends through httpx2 (3.x default) or httpx; Cloud Storage through requests
        http = [importlib.import_module(name) for name in ("httpx2", "httpx")
                if importlib.util.find_spec(name) is not None]
        self.connect_errors = (requests_errors.ConnectTimeout, *(
            error for m in http for error in (m.ConnectError, m.ConnectTimeout)))
        self.timeouts = (requests_errors.Timeout, *(m.TimeoutException for m in http))
        self.dropped = (requests_errors.ConnectionError, *(m.TransportError for m in http))
        self.http_errors = (requests_errors.RequestException, *(m.HTTPError for m in http))
        self.errors = (self.genai_errors.APIError, self.api_core.GoogleAPIError,
                       self.auth_errors.GoogleAuthError, *self.http_errors, json.JSONDecodeError)
        self.auth_hint = CREDENTIALS_HINT

    def classify(self, error: BaseException) -> Failure | None:
        """The token may have been refreshed since connect: blank whichever is current."""
        token = getattr(self.credentials, "token", None)
        self.secrets = (token,) if isinstance(token, str) and token != PLACEHOLDER_TOKEN else ()
        return super().classify(error)

    def failure(self, error: BaseException) -> Failure | None:
        """Both SDKs' errors in words: the server's own message and status for an HTTP error."""
        if isinstance(error, self.genai_errors.APIError):
            status = int(error.code) if isinstance(error.code, int) else None
            message = str(error.message or "") or server_message(error.details, str(error))
            if error.status and str(error.status) not in message:
                message = f"{error.status}: {message}"
            return _http_failure(message, status)
        if isinstance(error, self.api_core.GoogleAPICallError):
            status = int(error.code) if isinstance(error.code, int) else None
            return _http_failure(_storage_message(error), status)
        if isinstance(error, self.auth_errors.TransportError):
            return Failure(f"reaching Google's token service failed: {error}", transient=True)
        if isinstance(error, self.auth_errors.GoogleAuthError):
            return Failure(f"Google credentials: {error} ({CREDENTIALS_HINT})")
        if isinstance(error, self.connect_errors):
            return Failure(f"connection failed: {error}", transient=True)  # nothing was sent
        if isinstance(error, self.timeouts):
            return Failure(f"no answer before the timeout: {error}", transient=True,
                           ambiguous=True)
        if isinstance(error, self.dropped):
            return Failure(f"connection failed: {error}", transient=True, ambiguous=True)
        if isinstance(error, json.JSONDecodeError):
            return Failure(f"the server's answer is not valid JSON ({error.msg} at character "
                           f"{error.pos})", ambiguous=True)
        if isinstance(error, (*self.http_errors, self.api_core.GoogleAPIError)):
            return Failure(str(error) or type(error).__name__, ambiguous=True)
        return None

    def upload(self, file: FileRef, retrier: Retrier) -> str:
        uri = self.adapter.uri(file)
        bucket, name = split_uri(uri, self.adapter.scheme)
        blob = self.storage.bucket(bucket).blob(name)

        def send() -> None:
            blob.upload_from_filename(str(file.path), retry=None, timeout=TIMEOUT)

        retrier.call(f"uploading the {file.role} file {file.path.name} to {uri}", send)
        return uri

    def create(self, file_ids: dict[str, str]) -> JobState:
        types = self.types
        with warnings.catch_warnings():  # tune() warns that it is experimental, on every call
            warnings.simplefilter("ignore")
            job = self.client.tunings.tune(
                base_model=self.plan.model,
                training_dataset=types.TuningDataset(gcs_uri=file_ids["training"]),
                config=types.CreateTuningJobConfig(**self.adapter.config(file_ids)))
        return self._state(job, "the job POST")

    def find(self, file_ids: dict[str, str]) -> JobState | None:
        """The job carries this submit's label: page through the project's jobs for it."""
        for job in self.client.tunings.list(config={"page_size": 100}):
            if (job.labels or {}).get(LABEL) == self.plan.submit_id:
                return self._state(job, "the job list")
        return None

    def status(self, job_id: str) -> JobState:
        return self._state(self.client.tunings.get(name=job_id), "the job GET")

    def events(self, job_id: str) -> list[Event]:
        """google-genai reads no events for a tuning job: the status changes stand in."""
        return []

    def _state(self, job: Any, what: str) -> JobState:
        status = status_word(job.state)
        error = getattr(job.error, "message", None) if job.error is not None else None
        tuned = job.tuned_model
        model = (tuned.model or tuned.endpoint) if tuned is not None else None
        return JobState(
            id=required_text(job, "name", what), status=status, fine_tuned_model=model,
            error=error if status in self.adapter.terminal.failure and error else None)


def _http_failure(message: str, status: int | None) -> Failure:
    code = status or 0
    return Failure(message, status, transient=code in (408, 429) or code >= 500,
                   ambiguous=code == 408 or code >= 500)


def _storage_message(error: Any) -> str:
    """Cloud Storage's own message from the JSON error body, not the SDK's wrapped text."""
    response = getattr(error, "response", None)
    text = ""
    try:
        text = response.text if response is not None else ""
    except (AttributeError, UnicodeDecodeError, RuntimeError):
        text = ""
    try:
        body: object = json.loads(text) if text else None
    except ValueError:
        body = text
    return server_message(body, str(getattr(error, "message", "") or error))


def _default_credentials() -> Any:
    """Application Default Credentials, refreshed once now: a missing or refused login is a
    message before any upload, and the token is known so it can be blanked from errors."""
    auth = _sdk_module("google.auth")
    errors = _sdk_module("google.auth.exceptions")
    transport = _sdk_module("google.auth.transport.requests")
    try:
        credentials, _ = auth.default(scopes=list(SCOPES))
        credentials.refresh(transport.Request())
    except errors.GoogleAuthError as error:
        raise FtprepError(f"submitting to Google Vertex AI needs Google credentials: {error}",
                          CREDENTIALS_HINT) from None
    return credentials


def _sdk_module(name: str) -> ModuleType:
    """A module of the Google SDKs, imported only now; missing, the extra is named."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise FtprepError("submitting to Google Vertex AI needs its SDK",
                          "pip install 'ftprep[vertex]'") from None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
