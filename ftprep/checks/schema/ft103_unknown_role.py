"""FT103 unknown-role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    roles: tuple[str, ...] | None = Field(
        None,
        description="the roles the provider trains on (default: from the provider profile; "
                    "none given: every role of OpenAI's schema)",
    )


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    """A profile that enforces its roles narrows the rule to them; one that does not (OpenAI)
    leaves `developer` and `function` to FT125 and FT118."""
    rules = profile.format
    return {"roles": rules.roles} if rules.roles_enforced else {}


SPEC = RuleSpec(
    code="FT103", name="unknown-role", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A message has no `role`, or one that is not system, user, assistant or tool, or "
            "one the chosen provider does not train on.",
    why="The role decides what the model is trained to say: only assistant turns are learned. "
        "Providers reject unknown roles, and the usual culprits are another format's names "
        "(`human`/`gpt` from ShareGPT, `model` from Gemini) or a change of case (`User`). "
        "Providers also differ in the roles they take: Together's list is system, user, "
        "assistant and tool (together 3.1.1 `POSSIBLE_ROLES_CONVERSATION`), so `developer` and "
        "the legacy `function` fail there (the profile's `format.roles`, where "
        "`format.roles_enforced` is set).",
    bad='{"messages": [{"role": "human", "content": "Hi"}, {"role": "assistant", '
        '"content": "Hello"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    options=Options,
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    from_provider=_from_provider,
)


def check(record: Record, options: Options) -> Iterator[Finding]:
    allowed = options.roles
    plain = record.roles
    if plain is not None and (allowed is None or set(plain).issubset(allowed)):
        return  # plain: system, user and assistant only (not gated: a provider may lack one)
    for pointer, message in h.messages(record):
        if "role" not in message:
            yield Finding(pointer, "message has no role")
            continue
        role = message["role"]
        if type(role) is not str:
            yield Finding(f"{pointer}/role", f"role is {h.show(role)}, not a string")
        elif role not in h.ROLE_KEYS:
            hint = h.ROLE_ALIASES.get(role.strip().lower()) or h.suggest(role, h.KNOWN_ROLES)
            extra = f" (did you mean {h.quoted(hint)}?)" if hint else ""
            yield Finding(f"{pointer}/role", f"unknown role {h.show(role)}{extra}")
        elif allowed is not None and role not in allowed:
            yield Finding(
                f"{pointer}/role",
                f"role {h.show(role)} is not one the provider trains on "
                f"({', '.join(allowed)})",
            )
