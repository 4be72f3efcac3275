"""FT106 missing-assistant-message."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT106", name="missing-assistant-message", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="The conversation has no assistant message, so there is nothing to learn.",
    why="Chat fine-tuning trains only on assistant turns; OpenAI rejects examples without one "
        "(the cookbook's `example_missing_assistant_message`).",
    bad='{"messages": [{"role": "user", "content": "What is 2+2?"}]}',
    good='{"messages": [{"role": "user", "content": "What is 2+2?"}, '
         '{"role": "assistant", "content": "4"}]}',
    formats=frozenset({RecordFormat.CHAT}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if record.roles is not None and "assistant" in record.roles:
        return  # a plain record: its roles are known without walking the messages
    messages = record.messages
    if not messages:
        return  # FT102 reports a missing or empty list
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        yield Finding(
            "/messages",
            f"no assistant message among {len(messages)} message{'s' * (len(messages) != 1)}",
        )
