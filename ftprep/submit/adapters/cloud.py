"""Vertex AI (the job request only, for `--dry-run`) and what Bedrock's live adapter shares.

Both read training data from their cloud's storage (gs://, s3://). ftprep does not write to
Google Cloud Storage, so a live Vertex submit stops with a pointer to `ftprep export` and the
upload step; its dry run prints `tuningJobs` as google-genai's `tunings.tune` sends it. Bedrock
(adapters/bedrock.py) uploads to S3 itself; its `CreateModelCustomizationJob` is checked offline
here against botocore's own service model (types, required fields, lengths, and the patterns
of the values given).
"""

from __future__ import annotations

import importlib
import os
import re
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.submit.adapters.base import Adapter, Session, Terminal
from ftprep.submit.plan import FileRef, Request

ADAPTER_SIZES = {"1": "ADAPTER_SIZE_ONE", "2": "ADAPTER_SIZE_TWO", "4": "ADAPTER_SIZE_FOUR",
                 "8": "ADAPTER_SIZE_EIGHT", "16": "ADAPTER_SIZE_SIXTEEN"}


class CloudAdapter(Adapter):
    """Shared by Vertex and Bedrock: files named by their place in cloud storage."""

    live = False
    scheme = ""

    def check(self) -> None:
        uri = self.plan.choices.storage_uri
        if uri and not uri.startswith(self.scheme):
            raise FtprepError(f"--storage-uri {uri}: {self.title} reads {self.scheme} URIs")

    def uri(self, file: FileRef) -> str:
        folder = (self.plan.choices.storage_uri or f"{self.scheme}<bucket>/<folder>").rstrip("/")
        return f"{folder}/{file.path.name}"

    def connect(self, key: str | None) -> Session:
        raise FtprepError(f"ftprep does not submit to {self.title} itself",
                          "run with --dry-run to see the request")


class VertexAdapter(CloudAdapter):
    terminal = Terminal(frozenset({"JOB_STATE_SUCCEEDED"}),
                        frozenset({"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}))
    scheme = "gs://"

    def body(self) -> dict[str, Any]:
        """The `tuningJobs` body google-genai 3.6 builds from `tunings.tune(...)` (a test
        compares it with the SDK's own converter)."""
        plan = self.plan
        spec: dict[str, Any] = {"trainingDatasetUri": self.uri(plan.training)}
        if plan.validation is not None:
            spec["validationDatasetUri"] = self.uri(plan.validation)
        tuned = {name: ADAPTER_SIZES.get(str(value), value) if name == "adapterSize" else value
                 for name, value in plan.hyperparameters.items()}
        if tuned:
            spec["hyperParameters"] = tuned
        key = "preferenceOptimizationSpec" if plan.method == "dpo" else "supervisedTuningSpec"
        body: dict[str, Any] = {"baseModel": plan.model, key: spec}
        if plan.choices.suffix:
            body["tunedModelDisplayName"] = plan.choices.suffix
        return body

    def requests(self) -> list[Request]:
        project = os.environ.get("GOOGLE_CLOUD_PROJECT") or "<project>"
        location = os.environ.get("GOOGLE_CLOUD_LOCATION") or "<location>"
        url = (f"https://{location}-aiplatform.googleapis.com/v1beta1/projects/{project}/"
               f"locations/{location}/tuningJobs")
        files = ", ".join(f"{self.uri(f)} <- {f.path}" for f in self.plan.files)
        return [Request(
            "create the tuning job", "POST", url, json=self.body(),
            note=f"genai.Client(vertexai=True, project=..., location=...).tunings.tune(...); "
                 f"upload the converted files first with gcloud storage cp ({files})")]

    def follow_hint(self, job_id: str) -> str:
        return f"the job {job_id} keeps running: client.tunings.get(name={job_id!r})"


def validate_bedrock(params: dict[str, Any]) -> str:
    """Check the request against botocore's service model, offline; say how it was checked."""
    try:
        session_module = importlib.import_module("botocore.session")
        validate = importlib.import_module("botocore.validate")
    except ImportError:
        return "not checked: botocore is not installed (pip install 'ftprep[bedrock]')"
    operation = session_module.get_session().get_service_model("bedrock").operation_model(
        "CreateModelCustomizationJob")
    report = validate.ParamValidator().validate(params, operation.input_shape)
    problems = [line for line in report.generate_report().splitlines() if line.strip()]
    for name, shape in operation.input_shape.members.items():  # patterns: botocore skips them
        value, pattern = params.get(name), shape.metadata.get("pattern")
        if isinstance(value, str) and pattern and not value.startswith("<") and not re.fullmatch(
                pattern, value):
            problems.append(f"{name} {value!r} does not match Bedrock's pattern {pattern}")
    if problems:
        raise FtprepError("the Bedrock request is invalid: " + "; ".join(problems),
                          "checked against botocore's service model for bedrock")
    return "checked against botocore's service model"


def text_value(value: object) -> str:
    """A hyperparameter as Bedrock's string: booleans in JSON's spelling."""
    return str(value).lower() if isinstance(value, bool) else str(value)
