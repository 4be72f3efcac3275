"""FT127 multiple-system-messages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT127", name="multiple-system-messages", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="A conversation opens with more than one system (or developer) message.",
    why="Providers differ. OpenAI trains on such examples: a gpt-4o-2024-08-06 job trained on a "
        "file whose examples open with 8 system messages (github.com/slavesocieties/openai, "
        "fine_tune_data_prep.py at 2d42848), and the cookbook's format checks do not flag them. "
        "Mistral's trainer takes only one system message (mistral-finetune "
        "finetune/data/tokenize.py), Fireworks documents one optional system message first "
        "(docs.fireworks.ai/fine-tuning/fine-tuning-models), and Together's checker rejects two "
        "messages of one role in a row. The severity follows the chosen provider's profile "
        "(`accepts.multiple-system-messages`: info where the provider trains on it, error where "
        "it rejects it, warning where the profile does not say). Merging the system messages "
        "into one keeps the file portable.",
    bad='{"messages": [{"role": "system", "content": "You are a support agent."}, '
        '{"role": "system", "content": "Answer in French."}, {"role": "user", "content": "Hi"}, '
        '{"role": "assistant", "content": "Bonjour !"}]}',
    good='{"messages": [{"role": "system", "content": "You are a support agent. Answer in '
         'French."}, {"role": "user", "content": "Hi"}, '
         '{"role": "assistant", "content": "Bonjour !"}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
)

_SYSTEM_ROLES = frozenset({"system", "developer"})


def check(record: Record, _options: None) -> Iterator[Finding]:
    roles = record.roles
    if roles is not None and roles[1:2] != ("system",):
        return  # plain: at most one system message at the start
    for base, messages, _holder in h.conversations(record):
        finding = _leading(base, messages)
        if finding is not None:
            yield finding


def _leading(base: str, messages: list[Any]) -> Finding | None:
    """One finding for the run of system messages that opens the conversation, if it is > 1."""
    roles: list[str] = []
    for message in messages:
        role = message.get("role") if type(message) is dict else None
        if type(role) is not str or role not in _SYSTEM_ROLES:
            break
        roles.append(role)
    if len(roles) < 2:
        return None
    kinds = sorted(set(roles))
    named = kinds[0] if len(kinds) == 1 else "system and developer"
    return Finding(
        f"{base}/1/role",
        f"conversation opens with {len(roles)} {named} messages; some providers accept only one",
    )
