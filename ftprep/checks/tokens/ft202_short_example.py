"""FT202 short-example."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    # 5: debris ("hi" / "ok", "test" / "test") counts 2-4 content tokens; the shortest real
    # instruction examples seen (LLaMA-Factory's alpaca demos) count 10-14.
    min_tokens: int = Field(
        default=5, ge=1, description="report examples whose message contents add up to fewer tokens"
    )


SPEC = RuleSpec(
    code="FT202", name="short-example", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="The example's message contents add up to fewer than `min-tokens` tokens.",
    why="A few tokens carry almost no signal yet cost a training step and the per-message "
        "overhead; such rows are usually export debris, test lines or truncated text. An "
        "example whose content was not all counted (a value that is neither text nor an image "
        "part) is not judged: it may not be short at all.",
    bad='{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris."}]}',
    fix=FixSpec("drop the example, or complete it", FixSafety.UNSAFE),
    options=Options,
)


def check(record: Record, options: Options) -> Iterator[Finding]:
    facts = record.tokens
    content = facts.content
    if content >= options.min_tokens or content == 0 or not facts.complete:
        return  # nothing (or not all) countable is a schema problem (FT1xx), not a length one
    if record.format is RecordFormat.CHAT and _calls_tools(record):
        return  # the call's arguments carry the signal; they are not message contents
    pointer = "/messages" if record.format is RecordFormat.CHAT else ""
    yield Finding(
        pointer,
        f"example has {content} content token{'s' * (content != 1)}, "
        f"below min-tokens ({options.min_tokens})",
    )


def _calls_tools(record: Record) -> bool:
    return any(
        isinstance(message, dict)
        and (bool(message.get("tool_calls")) and isinstance(message["tool_calls"], list)
             or isinstance(message.get("function_call"), dict))
        for message in record.messages
    )
