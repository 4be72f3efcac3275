"""One adapter per provider API, each over the provider's official SDK, imported lazily."""

from __future__ import annotations

import importlib

from ftprep.model.errors import FtprepError
from ftprep.submit.adapters.base import Adapter
from ftprep.submit.plan import Choices, Plan

# Submission.adapter -> (module under ftprep.submit.adapters, class)
ADAPTERS = {
    "openai": ("openai", "OpenAIAdapter"),
    "azure": ("openai", "OpenAIAdapter"),
    "together": ("together", "TogetherAdapter"),
    "fireworks": ("fireworks", "FireworksAdapter"),
    "vertex": ("vertex", "VertexAdapter"),
    "bedrock": ("bedrock", "BedrockAdapter"),
}


def make_adapter(plan: Plan) -> Adapter:
    """The adapter the profile's `[submit]` table names, checked against the plan."""
    submission = plan.profile.submit
    if submission is None:
        raise FtprepError(f"ftprep cannot submit to {plan.profile.name}: its profile has no "
                          "[submit] table", "`ftprep export` writes the file for its own tools")
    module, name = ADAPTERS[submission.adapter]
    found = getattr(importlib.import_module(f"ftprep.submit.adapters.{module}"), name)
    adapter = found(plan)
    assert isinstance(adapter, Adapter)
    return adapter


def check_live_options(adapter: str, choices: Choices) -> None:
    """Options a live submit cannot do without (Bedrock: --s3-uri, --role-arn; Vertex:
    --storage-uri, --project, --location), checked before lint so a missing one costs nothing."""
    if adapter == "bedrock":
        from ftprep.submit.adapters.bedrock import missing_options

        missing_options(choices)
    elif adapter == "vertex":
        from ftprep.submit.adapters.vertex import missing_options as vertex_missing

        vertex_missing(choices)
