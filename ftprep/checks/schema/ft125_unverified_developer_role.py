"""FT125 unverified-developer-role."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT125", name="unverified-developer-role", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="A message uses the `developer` role, which fine-tuning schemas do not list.",
    why="`developer` is the chat API's newer name for `system`, but the fine-tuning schema "
        "lists only `system` (OpenAPI FineTuneChatRequestInput) and other providers do not "
        "know the role at all; `system` is accepted everywhere and means the same.",
    bad='{"messages": [{"role": "developer", "content": "Be brief."}, '
        '{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}',
    good='{"messages": [{"role": "system", "content": "Be brief."}, '
         '{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", '
         '"content": "Paris is the capital of France."}]}',
    fix=FixSpec("rename the role to system", FixSafety.SAFE),
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if "developer" not in h.survey(record).roles:
        return
    for pointer, message in h.messages(record):
        if message.get("role") == "developer":
            yield Finding(
                f"{pointer}/role", "role \"developer\" is not confirmed for fine-tuning data"
            )
