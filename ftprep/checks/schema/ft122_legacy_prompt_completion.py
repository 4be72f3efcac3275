"""FT122 legacy-prompt-completion."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT122", name="legacy-prompt-completion", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="The record is a legacy prompt/completion pair, which chat models do not accept.",
    why="Prompt/completion JSONL was the format of OpenAI's completion models (babbage-002, "
        "davinci-002); chat models (gpt-4o, gpt-4.1 ...) train on `messages` only and the job "
        "fails on this format. If you do train one of those legacy base models, ignore this rule.",
    bad='{"prompt": "Review: great phone\\n\\n###\\n\\n", "completion": " positive END"}',
    good='{"messages": [{"role": "user", "content": "Review: great phone"}, '
         '{"role": "assistant", "content": "positive"}]}',
    fix=FixSpec("convert the file to chat messages with `ftprep convert`", FixSafety.UNSAFE),
    formats=frozenset({RecordFormat.PROMPT_COMPLETION}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    yield Finding("", "prompt/completion record; chat models accept only messages")
