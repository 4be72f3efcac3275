"""FT109 unknown-key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.pointer import escape
from ftprep.record import CHAT_KEYS, PREFERENCE_KEYS, Record
from ftprep.registry import RecordFormat, RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    allowed_keys: tuple[str, ...] = Field(
        (), description="extra top-level keys to accept, e.g. fields a grader reads"
    )


SPEC = RuleSpec(
    code="FT109", name="unknown-key", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="A record or message carries a key the fine-tuning format does not define.",
    why="A misspelt key (`conten`, `tool_call`) silently loses its value: the provider ignores "
        "or rejects it, so the text you meant to train on is not there. Other keys (`id`, "
        "`metadata`) are rejected by strict providers such as Together.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", '
        '"contnet": "Hello"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    fix=FixSpec("rename the key, or remove it (or list it in allowed-keys)", FixSafety.UNSAFE),
    options=Options,
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)

_INPUT_KEYS = frozenset({"messages", "tools", "parallel_tool_calls"})
# Known keys on the wrong role that another rule reports with a better message.
_OTHER_RULES = frozenset({"weight", "tool_calls", "function_call"})


def check(record: Record, options: Options) -> Iterator[Finding]:
    data = record.data
    top = CHAT_KEYS if record.format is RecordFormat.CHAT else PREFERENCE_KEYS
    yield from _unknown("", data, top, options.allowed_keys)
    source = data.get("input")
    if record.format is RecordFormat.PREFERENCE and type(source) is dict:
        yield from _unknown("/input", source, _INPUT_KEYS, ())
    for pointer, message in h.messages(record):
        role = message.get("role")
        allowed = h.ROLE_KEYS.get(role) if type(role) is str else None
        if allowed is None:
            yield from _unknown(pointer, message, h.MESSAGE_KEYS, ())
            continue
        for key in message:
            if key in allowed or key in _OTHER_RULES:
                continue
            if key in h.MESSAGE_KEYS:
                yield Finding(
                    f"{pointer}/{escape(key)}",
                    f"key {h.quoted(key)} is not used on {role} messages",
                )
            else:
                yield _finding(pointer, key, allowed)


def _unknown(
    pointer: str, holder: dict[str, Any], known: frozenset[str], extra: Iterable[str]
) -> Iterator[Finding]:
    for key in holder:
        if key not in known and key not in extra:
            yield _finding(pointer, key, known)


def _finding(pointer: str, key: str, known: frozenset[str]) -> Finding:
    hint = h.suggest(key, known)
    extra = f" (did you mean {h.quoted(hint)}?)" if hint else ""
    return Finding(f"{pointer}/{escape(key)}", f"unknown key {h.quoted(key)}{extra}")
