"""FT103 unknown-role."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT103", name="unknown-role", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A message has no `role`, or one that is not system, user, assistant or tool.",
    why="The role decides what the model is trained to say: only assistant turns are learned. "
        "Providers reject unknown roles, and the usual culprits are another format's names "
        "(`human`/`gpt` from ShareGPT, `model` from Gemini) or a change of case (`User`).",
    bad='{"messages": [{"role": "human", "content": "Hi"}, {"role": "assistant", '
        '"content": "Hello"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    for pointer, message in h.messages(record):
        if "role" not in message:
            yield Finding(pointer, "message has no role")
            continue
        role = message["role"]
        if type(role) is not str:
            yield Finding(f"{pointer}/role", f"role is {h.show(role)}, not a string")
        elif role not in h.ROLE_KEYS:
            hint = h.ROLE_ALIASES.get(role.strip().lower()) or h.suggest(role, h.KNOWN_ROLES)
            extra = f" (did you mean {h.quoted(hint)}?)" if hint else ""
            yield Finding(f"{pointer}/role", f"unknown role {h.show(role)}{extra}")
