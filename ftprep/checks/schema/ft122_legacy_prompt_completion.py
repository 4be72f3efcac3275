"""FT122 legacy-prompt-completion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    accepted: bool = Field(
        False,
        description="the provider trains on prompt/completion records, so none is reported "
                    "(default: from the provider profile's formats; Together: true)",
    )


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    return {"accepted": RecordFormat.PROMPT_COMPLETION.value in profile.formats}

SPEC = RuleSpec(
    code="FT122", name="legacy-prompt-completion", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="The record is a legacy prompt/completion pair, which chat models do not accept.",
    why="Prompt/completion JSONL was the format of OpenAI's completion models (babbage-002, "
        "davinci-002); chat models (gpt-4o, gpt-4.1 ...) train on `messages` only and the job "
        "fails on this format. If you do train one of those legacy base models, ignore this "
        "rule. A provider whose profile lists the format trains on it (Together's "
        "\"instruction\" records), and there the rule is silent.",
    bad='{"prompt": "Review: great phone\\n\\n###\\n\\n", "completion": " positive END"}',
    good='{"messages": [{"role": "user", "content": "Review: great phone"}, '
         '{"role": "assistant", "content": "positive"}]}',
    fix=FixSpec("convert the file to chat messages with `ftprep convert`", FixSafety.UNSAFE),
    options=Options,
    formats=frozenset({RecordFormat.PROMPT_COMPLETION}),
    from_provider=_from_provider,
)


def check(record: Record, options: Options) -> Iterator[Finding]:
    if options.accepted:
        return
    yield Finding("", "prompt/completion record; chat models accept only messages")
