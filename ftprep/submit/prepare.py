"""From command-line choices to a plan: every check that needs no lint run and sends nothing.

The order is the cheapest refusal first: the model and its deadlines, the hyperparameters, the
files, then (live only) the SDK and the key, all before lint reads the data and long before an
upload.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Literal

from ftprep.model.errors import FtprepError
from ftprep.providers.profile import ModelProfile, ProviderProfile, Submission
from ftprep.submit.adapters import check_live_options, make_adapter
from ftprep.submit.adapters.base import Adapter, import_sdk
from ftprep.submit.gate import GateResult, check_deadlines, check_model
from ftprep.submit.plan import (
    Choices,
    FileRef,
    Plan,
    Value,
    file_ref,
    hyperparameters,
    new_submit_id,
)


@dataclass(frozen=True)
class Prepared:
    """Checked before lint: what the plan needs besides the lint result."""

    profile: ProviderProfile
    model: ModelProfile | None
    model_name: str
    hyperparameters: dict[str, Value]
    files: tuple[FileRef, ...]
    base_url: str | None
    choices: Choices
    warnings: tuple[str, ...]
    converted_from: tuple[FileRef, ...] = ()  # see ftprep/submit/converted.py


def prepare(profile: ProviderProfile, choices: Choices) -> Prepared:
    """Refuse an unknown or ended model, an out-of-range hyperparameter, an unusable file."""
    model = check_model(profile, choices.model)
    name = model.id if model is not None else choices.model
    warnings = check_deadlines(profile, model, name)
    chosen = hyperparameters(profile, model, choices.values)
    files = [file_ref("training", choices.training, profile)]
    if choices.validation is not None:
        files.append(file_ref("validation", choices.validation, profile))
    base_url = resolve_base_url(profile.submit, choices.base_url)
    api_version = choices.api_version or os.environ.get("OPENAI_API_VERSION") or None
    return Prepared(profile, model, name, chosen, tuple(files), base_url,
                    replace(choices, api_version=api_version), tuple(warnings))


def resolve_base_url(submission: Submission | None, given: str | None) -> str | None:
    """--base-url, else the profile's environment variable, else the profile's own URL."""
    if given:
        return given
    if submission is None:
        return None
    if submission.base_url_env and os.environ.get(submission.base_url_env):
        return os.environ[submission.base_url_env]
    return submission.base_url


def require_live(profile: ProviderProfile, choices: Choices | None = None) -> Submission:
    """The SDK is importable (checked now, not after lint), the provider is submittable, and
    the options its live submit needs are given."""
    submission = profile.submit
    if submission is None:
        raise FtprepError(f"ftprep cannot submit to {profile.name}: its profile has no [submit] "
                          "table", "`ftprep export` writes the file for its own tools")
    if not submission.live:
        raise FtprepError(
            f"ftprep does not submit to {profile.name} itself: its training data must first be "
            "in cloud storage",
            f"`ftprep submit --dry-run --storage-uri URI` writes the file in its schema (as "
            f"`ftprep export --to {submission.adapter}` does) and prints the request; upload "
            f"the file ({'gcloud storage cp' if submission.adapter == 'vertex' else 'aws s3 cp'}"
            " ...), then send that request",
        )
    if choices is not None:
        check_live_options(submission.adapter, choices)
    import_sdk(submission, profile.name)
    return submission


def api_key(submission: Submission, provider: str) -> str | None:
    """The first of the profile's key variables that is set. Keys come from the environment
    only: never an option (shell history), never a file ftprep writes."""
    if not submission.api_key_env:
        return None
    for variable in submission.api_key_env:
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    names = " or ".join(f"${v}" for v in submission.api_key_env)
    raise FtprepError(f"submitting to {provider} needs an API key in {names}",
                      f"export {submission.api_key_env[0]}=... (ftprep reads keys from the "
                      "environment only, and never prints or writes them)")


def method_of(gate: GateResult) -> Literal["sft", "dpo"]:
    """Preference records train with DPO; everything else is supervised."""
    formats = gate.formats
    preference = formats.get("preference", 0)
    return "dpo" if preference and preference >= sum(formats.values()) - preference else "sft"


def plan_and_adapter(prepared: Prepared, gate: GateResult) -> tuple[Plan, Adapter]:
    plan = Plan(
        profile=prepared.profile, model=prepared.model_name, model_profile=prepared.model,
        method=method_of(gate), hyperparameters=prepared.hyperparameters, files=prepared.files,
        choices=prepared.choices, base_url=prepared.base_url, submit_id=new_submit_id(),
        converted_from=prepared.converted_from,
    )
    return plan, make_adapter(plan)
