"""FT111 all-weights-zero."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT111", name="all-weights-zero", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="Every assistant message has weight 0, so the example trains on nothing.",
    why="Weight 0 excludes an assistant message from training. When every assistant message "
        "has it, the example is billed but teaches nothing; usually the weights were meant to "
        "mask the earlier turns and the final answer lost its 1.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, '
        '{"role": "assistant", "content": "Hello", "weight": 0}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France.", "weight": 0}, '
         '{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Bye!", '
         '"weight": 1}]}',
    fix=FixSpec("set weight 1 on the assistant message to learn, or drop the example",
                FixSafety.UNSAFE),
    formats=frozenset({RecordFormat.CHAT}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    assistants = 0
    for message in record.messages:
        if type(message) is dict and message.get("role") == "assistant":
            if message.get("weight") != 0:  # no weight is weight 1
                return
            assistants += 1
    if assistants:
        if assistants == 1:
            yield Finding("/messages", "the assistant message has weight 0")
        else:
            yield Finding("/messages", f"all {assistants} assistant messages have weight 0")
