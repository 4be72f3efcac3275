"""FT201 example-too-long."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT201", name="example-too-long", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="The example has more tokens than the model's per-example training limit.",
    why="Providers truncate examples over the limit: the end of the conversation, usually the "
        "assistant answer the example exists to teach, is silently cut from training.",
    bad="(a chat example of 70,112 tokens for gpt-4o-mini-2024-07-18, whose limit is 65,536)",
    good='{"messages": [{"role": "user", "content": "Summarise: the meeting moved to Monday."}, '
         '{"role": "assistant", "content": "Meeting now on Monday."}]}',
    fix=FixSpec("split or shorten the example, or drop it", FixSafety.UNSAFE),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    tokens = record.tokens
    if tokens.limit is not None and tokens.total > tokens.limit:
        over = tokens.total - tokens.limit
        yield Finding(
            "", f"example has {tokens.total:,} tokens, {over:,} over the {tokens.limit:,} limit"
        )
