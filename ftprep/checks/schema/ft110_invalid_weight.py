"""FT110 invalid-weight."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT110", name="invalid-weight", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A message's `weight` is not the integer 0 or 1, or sits on a non-assistant message.",
    why="`weight` is an integer enum, 0 or 1, that says whether an assistant message is "
        "trained on (OpenAI's schema; Together checks the type too). `true`, `1.0`, `\"1\"` or "
        "`0.5` are rejected, and on a user or system message the weight means nothing: those "
        "turns are never learned.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, '
        '{"role": "assistant", "content": "Hello", "weight": true}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France.", "weight": 1}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if "weight" not in h.survey(record).keys:
        return
    for pointer, message in h.messages(record):
        if "weight" not in message:
            continue
        weight = message["weight"]
        role = message.get("role")
        if type(weight) is not int or weight not in (0, 1):
            yield Finding(
                f"{pointer}/weight", f"weight is {h.show(weight)}, not the integer 0 or 1"
            )
        elif role != "assistant" and type(role) is str and role in h.ROLE_KEYS:
            yield Finding(
                f"{pointer}/weight",
                f"weight on a {role} message; only assistant messages are weighted",
            )
