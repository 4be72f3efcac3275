"""FT502 unsupported-format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    formats: tuple[str, ...] = Field(
        ("chat", "preference"),
        description="the record formats the provider trains on (default: from the provider "
                    "profile's formats)",
    )


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    return {"formats": profile.formats}


SPEC = RuleSpec(
    code="FT502", name="unsupported-format", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="The record is in a format the chosen provider does not train on (a text record "
            "for OpenAI, a preference record where DPO is not offered).",
    why="Providers take different record formats: OpenAI trains on chat and preference "
        "records (developers.openai.com supervised and DPO guides), Together also on "
        "prompt/completion (\"instruction\") and `{\"text\": ...}` (\"general\") records "
        "(together 3.1.1 `JSONL_REQUIRED_COLUMNS_MAP`). The provider profile's `formats` lists "
        "them; a record in another format fails the job. Prompt/completion records under a "
        "provider that does not take them are FT122's, which can convert them.",
    bad='{"text": "Paris is the capital of France."}  (with --provider openai)',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    options=Options,
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE, RecordFormat.TEXT}),
    from_provider=_from_provider,
)

_NAMES = {RecordFormat.CHAT: "chat", RecordFormat.PREFERENCE: "preference",
          RecordFormat.TEXT: "text"}


def check(record: Record, options: Options) -> Iterator[Finding]:
    if record.format.value in options.formats:
        return
    names = [f.replace("prompt-completion", "prompt/completion") for f in options.formats]
    takes = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    yield Finding(
        "", f"{_NAMES[record.format]} record; the provider trains on {takes} records only"
    )
