"""FT108 role-order."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    alternating: bool = Field(
        False,
        description="after the opening system messages, no two messages in a row may have "
                    "one role (default: from the provider profile; Together: true)",
    )


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    return {"alternating": profile.format.alternating}


SPEC = RuleSpec(
    code="FT108", name="role-order", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A system message comes after the conversation has started, or a tool result "
            "answers no preceding tool call.",
    why="System messages set the conversation up, so they open it: Fireworks documents the "
        "system message as first if present (docs.fireworks.ai/fine-tuning/fine-tuning-models) "
        "and Mistral's trainer takes one, at the start (mistral-finetune "
        "finetune/data/tokenize.py); one in the middle is usually two examples glued together. "
        "A tool (or legacy function) message is the answer to the assistant's call just before "
        "it; without that call the example is incoherent and the provider rejects it. Several "
        "system messages at the start are FT127's, whose severity follows the provider.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "system", '
        '"content": "Be brief."}, '
        '{"role": "assistant", "content": "Hello"}]}',
    good='{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", '
         '"content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    options=Options,
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    from_provider=_from_provider,
)


def check(record: Record, options: Options) -> Iterator[Finding]:
    roles = record.roles
    if roles is not None and not _system_after_start(roles) and not (
        options.alternating and _repeats(roles)
    ):
        return  # plain: no tool messages, system messages only at the start, turns alternate
    for base, messages, _holder in h.conversations(record):
        yield from _check_order(base, messages)
        if options.alternating:
            yield from _check_alternation(base, messages)


def _repeats(roles: tuple[str, ...]) -> bool:
    """Whether two messages in a row have one role (the opening system messages aside)."""
    return any(a == b != "system" for a, b in pairwise(roles))


def _check_alternation(base: str, messages: list[Any]) -> Iterator[Finding]:
    """One finding per message that repeats the role of the one before it.

    The opening system messages are FT127's; a system message later on is reported above.
    """
    previous: str | None = None
    for index, message in enumerate(messages):
        role = message.get("role") if type(message) is dict else None
        if type(role) is not str:
            previous = None  # FT102, FT103
            continue
        if role == previous and role not in ("system", "tool"):
            yield Finding(
                f"{base}/{index}/role",
                f"{role} message follows another {role} message; user and assistant turns "
                "must alternate",
            )
        previous = role


def _system_after_start(roles: tuple[str, ...]) -> bool:
    opening = 0
    while opening < len(roles) and roles[opening] == "system":
        opening += 1
    return "system" in roles[opening:]


def _check_order(base: str, messages: list[Any]) -> Iterator[Finding]:
    started = False  # a message other than a system message has been seen
    previous: dict[str, Any] = {}  # the last message that is not a tool result
    for index, message in enumerate(messages):
        if type(message) is not dict:
            continue  # FT102
        role = message.get("role")
        if role == "system" or role == "developer":
            if started:
                yield Finding(
                    f"{base}/{index}/role",
                    f"{role} message is message {index + 1}, after the conversation has started",
                )
            previous = message
        elif role == "tool":
            started = True
            calls = previous.get("tool_calls")
            if previous.get("role") != "assistant" or type(calls) is not list or not calls:
                yield Finding(
                    f"{base}/{index}/role",
                    "tool message does not follow an assistant message with tool_calls",
                )
        elif role == "function":
            started = True
            called = type(previous.get("function_call")) is dict
            if previous.get("role") != "assistant" or not called:
                yield Finding(
                    f"{base}/{index}/role",
                    "function message does not follow an assistant message with function_call",
                )
        else:  # user, assistant, or an unknown role (FT103): each ends a run of tool results
            previous = message
            started = True
