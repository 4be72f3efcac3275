"""What the Vertex and Bedrock adapters share: files named by their place in cloud storage.

Both read training data from their cloud's storage (gs://, s3://), and both upload it there
themselves (adapters/vertex.py, adapters/bedrock.py). Bedrock's `CreateModelCustomizationJob`
is checked offline here against botocore's own service model (types, required fields, lengths,
and the patterns of the values given).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.submit.adapters.base import Adapter, Session
from ftprep.submit.plan import FileRef


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


def split_uri(uri: str, scheme: str) -> tuple[str, str]:
    """`gs://bucket/some/name` -> ("bucket", "some/name")."""
    bucket, _, name = uri.removeprefix(scheme).partition("/")
    return bucket, name


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
