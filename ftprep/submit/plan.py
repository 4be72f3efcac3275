"""What a submit will send, validated before anything is sent: files, model, hyperparameters.

`--dry-run` prints a plan's requests; a live submit sends exactly those. Hyperparameters are
checked against the provider profile's published ranges here, so an out-of-range value is a
message naming the range and its source, not an HTTP 400 after the upload.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.providers.profile import Hyperparameter, ModelProfile, ProviderProfile
from ftprep.suggest import closest

Value = int | float | str | bool


@dataclass(frozen=True)
class FileRef:
    """A local file to upload, identified by content so the manifest pins what was sent."""

    role: str  # "training" or "validation"
    path: Path
    size: int
    sha256: str

    def describe(self) -> str:
        return f"@{self.path} ({self.size:,} bytes, sha256 {self.sha256})"


@dataclass(frozen=True)
class Request:
    """One HTTP request as the SDK sends it: what `--dry-run` prints.

    `json` is a JSON body; `form` multipart fields, with `file` the part holding a file.
    Values the provider assigns (a file id) appear as `<training file id>` placeholders.
    """

    purpose: str
    method: str
    url: str
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    file: FileRef | None = None
    headers: dict[str, str] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class Choices:
    """What the user asked for on the command line, before validation."""

    training: Path
    validation: Path | None
    model: str
    values: dict[str, str]  # ftprep option (`epochs`) -> the text given
    suffix: str | None = None
    base_url: str | None = None
    account: str | None = None  # Fireworks: the account; Vertex: the Google Cloud project
    api_version: str | None = None
    storage_uri: str | None = None  # Vertex/Bedrock: where the files sit in cloud storage
    role_arn: str | None = None  # Bedrock: the role the job runs as
    force: bool = False  # submit despite lint errors (and skip an SDK's own file check)
    output_uri: str | None = None  # Bedrock: where the job writes its output (S3)
    region: str | None = None  # Bedrock: the AWS region; Vertex: the location
    endpoint_url: str | None = None  # Bedrock/Vertex: one endpoint for storage and the API


@dataclass(frozen=True)
class Plan:
    """A validated submission: everything an adapter needs to build its requests."""

    profile: ProviderProfile
    model: str  # the id sent to the provider
    model_profile: ModelProfile | None
    method: str  # "sft" or "dpo"
    hyperparameters: dict[str, Value]  # API field -> value, only those the user set
    files: tuple[FileRef, ...]
    choices: Choices
    base_url: str | None
    submit_id: str  # tags the job where the API allows, and names ids the client chooses
    # The linted files `files` were converted from, when the provider reads another format.
    converted_from: tuple[FileRef, ...] = ()

    @property
    def training(self) -> FileRef:
        return self.files[0]

    @property
    def validation(self) -> FileRef | None:
        return self.files[1] if len(self.files) > 1 else None


def file_ref(role: str, path: Path, profile: ProviderProfile) -> FileRef:
    """Hash and size the file, refusing what the provider cannot take as an upload."""
    if not path.is_file():
        raise FtprepError(f"{path}: not a regular file", "submit uploads one JSONL file per role")
    if profile.file_suffixes and path.suffix.lower() not in profile.file_suffixes:
        raise FtprepError(
            f"{path}: {profile.name} takes {' or '.join(profile.file_suffixes)} files, not "
            f"{path.suffix or 'a file without a suffix'}",
            "decompress or convert it first (ftprep convert), then submit the .jsonl file",
        )
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except OSError as error:
        raise FtprepError(f"{path}: cannot read: {error.strerror or error}") from None
    if profile.max_file_bytes is not None and size > profile.max_file_bytes:
        raise FtprepError(
            f"{path}: {size:,} bytes, over {profile.name}'s {profile.max_file_bytes:,}-byte limit"
        )
    return FileRef(role, path, size, digest.hexdigest())


def parse_value(option: str, text: str, spec: Hyperparameter, provider: str) -> Value:
    """The typed value of `--option text`, inside the profile's range, or a clear error."""
    where = f"{provider}'s {spec.name}"
    source = f"source: {spec.source}"
    if spec.auto and text == "auto":
        return "auto"
    words = [c for c in spec.choices if _typed(c, spec.type) is None]  # "max" beside numbers
    if text in words:
        return text
    value = _typed(text, spec.type)
    if value is None:
        kind = {"int": "an integer", "float": "a number", "bool": "true or false"}.get(
            spec.type, "a string")
        also = f" or one of {', '.join(words)}" if words else ""
        raise FtprepError(f"--{option} {text}: {where} takes {kind}{also}", source)
    listed = [c for c in spec.choices if c not in words]  # an exhaustive list of values
    if listed and str(value) not in listed:
        raise FtprepError(f"--{option} {text}: {where} takes one of {', '.join(spec.choices)}",
                          source)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = spec.minimum, spec.maximum
        too_low = low is not None and (value <= low if spec.exclusive_minimum else value < low)
        too_high = high is not None and value > high
        if too_low or too_high:
            raise FtprepError(f"--{option} {text} is out of range: {where} takes {_range(spec)}",
                              source)
    return value


def _typed(text: str, kind: str) -> Value | None:
    """`text` as the hyperparameter's type, or None when it is not one."""
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
    except ValueError:
        return None
    if kind == "bool":
        lowered = text.lower()
        if lowered in ("true", "1", "yes"):
            return True
        return False if lowered in ("false", "0", "no") else None
    return text


def _range(spec: Hyperparameter) -> str:
    def show(bound: float) -> str:
        return f"{int(bound):,}" if float(bound).is_integer() else f"{bound:g}"

    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None and not spec.exclusive_minimum:
        return f"{show(low)} to {show(high)}"
    parts = []
    if low is not None:
        parts.append(f"{'more than' if spec.exclusive_minimum else 'at least'} {show(low)}")
    if high is not None:
        parts.append(f"at most {show(high)}")
    return " and ".join(parts) or "any value"


def hyperparameters(
    profile: ProviderProfile, model: ModelProfile | None, values: dict[str, str],
) -> dict[str, Value]:
    """API field -> value for every option given; an option the API does not take is an error."""
    known = _known(profile, model)
    chosen: dict[str, Value] = {}
    for option, text in values.items():
        spec = known.get(option)
        if spec is None:
            takes = ", ".join(f"--{name}" for name in known) or "none"
            hint = closest(option, known)
            raise FtprepError(
                f"--{option}: {profile.name} takes no such hyperparameter (it takes: {takes})",
                f"did you mean --{hint}?" if hint else None,
            )
        chosen[spec.name] = parse_value(option, text, spec, profile.name)
    return chosen


def _known(profile: ProviderProfile, model: ModelProfile | None) -> dict[str, Hyperparameter]:
    """The model's list where its family publishes its own ranges, else the provider's."""
    return {spec.option: spec for spec in profile.hyperparameters_for(model)}


def new_submit_id() -> str:
    """Random, so two submits of one file stay two jobs; one submit's retries share it."""
    return f"ftprep-{uuid.uuid4().hex[:16]}"
