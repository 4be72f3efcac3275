"""FT110 invalid-weight."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    roles: Literal["assistant", "any"] = Field(
        "assistant",
        description="which messages may carry a weight (default: from the provider profile; "
                    "Together: any)",
    )


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    return {"roles": profile.format.weights}

SPEC = RuleSpec(
    code="FT110", name="invalid-weight", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A message's `weight` is not the integer 0 or 1, or sits on a message the provider "
            "does not weight.",
    why="`weight` is an integer enum, 0 or 1, that says whether an assistant message is "
        "trained on (OpenAI's schema; Together checks the type too: \"Weight must be an "
        "integer\", \"Weight must be either 0 or 1\"). `true`, `1.0`, `\"1\"` or `0.5` are "
        "rejected. For OpenAI a weight on a user or system message means nothing: those turns "
        "are never learned. Together takes a weight on any message (its checker's tests pass "
        "weights on user and system messages), so there only the value is checked (the "
        "profile's `format.weights`).",
    bad='{"messages": [{"role": "user", "content": "Hi"}, '
        '{"role": "assistant", "content": "Hello", "weight": true}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France.", "weight": 1}]}',
    options=Options,
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
    from_provider=_from_provider,
)


def check(record: Record, options: Options) -> Iterator[Finding]:
    if "weight" not in h.survey(record).keys:
        return
    for pointer, message in h.messages(record):
        if "weight" not in message:
            continue
        weight = message["weight"]
        role = message.get("role")
        if type(weight) is not int or weight not in (0, 1):
            yield Finding(
                f"{pointer}/weight", f"weight is {h.show(weight)}, not the integer 0 or 1"
            )
        elif (
            options.roles == "assistant" and role != "assistant" and type(role) is str
            and role in h.ROLE_KEYS
        ):
            yield Finding(
                f"{pointer}/weight",
                f"weight on a {role} message; only assistant messages are weighted",
            )
