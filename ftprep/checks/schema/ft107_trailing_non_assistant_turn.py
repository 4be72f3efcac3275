"""FT107 trailing-non-assistant-turn."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT107", name="trailing-non-assistant-turn", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="The conversation ends with a message that is not from the assistant.",
    why="Only assistant turns are learned, so trailing user or tool messages cost tokens and "
        "teach nothing; they are usually a conversation cut before its answer. (Reinforcement "
        "fine-tuning data ends with the user on purpose: ignore this rule for it.)",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", '
        '"content": "Hello"}, '
        '{"role": "user", "content": "Thanks"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    fix=FixSpec("drop the trailing turns, or add the assistant's answer", FixSafety.UNSAFE),
    formats=frozenset({RecordFormat.CHAT}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if record.roles is not None and record.roles[-1] == "assistant":
        return  # a plain record ending with the assistant: the common case
    messages = record.messages
    if not messages:
        return
    last = messages[-1]
    if type(last) is not dict or last.get("role") == "assistant":
        return
    trailing = 0
    for message in reversed(messages):
        if type(message) is dict and message.get("role") == "assistant":
            break
        trailing += 1
    else:
        return  # FT106: there is no assistant message at all
    role = last.get("role")
    if type(role) is str and role in h.ROLE_KEYS:
        what = f"a {role} message"  # system, user, tool, function or developer
    else:
        what = "a message with no known role"
    more = f" ({trailing} messages after the last assistant turn)" if trailing > 1 else ""
    yield Finding(f"/messages/{len(messages) - 1}", f"conversation ends with {what}{more}")
