"""FT109 unknown-key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.pointer import escape
from ftprep.model.record import CHAT_KEYS, PREFERENCE_KEYS, Record, RecordFormat
from ftprep.registry import RuleSpec, Scope


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


# What each holder takes, in the order the format documents them, for a message that has no
# likely suggestion to offer.
_TAKES = {
    RecordFormat.CHAT: ("a chat record", ("messages", "tools", "parallel_tool_calls", "functions")),
    RecordFormat.PREFERENCE: (
        "a preference record", ("input", "preferred_output", "non_preferred_output")
    ),
}
_ROLE_ORDER = ("role", "content", "name", "tool_calls", "tool_call_id", "weight")


def check(record: Record, options: Options) -> Iterator[Finding]:
    data = record.data
    top = CHAT_KEYS if record.format is RecordFormat.CHAT else PREFERENCE_KEYS
    yield from _unknown("", data, top, options.allowed_keys, _TAKES.get(record.format))
    source = data.get("input")
    if record.format is RecordFormat.PREFERENCE and type(source) is dict:
        takes = ("the input", ("messages", "tools", "parallel_tool_calls"))
        yield from _unknown("/input", source, _INPUT_KEYS, (), takes)
    for pointer, message in h.messages(record):
        role = message.get("role")
        allowed = h.ROLE_KEYS.get(role) if type(role) is str else None
        if allowed is None:
            yield from _unknown(pointer, message, h.MESSAGE_KEYS, (), None)
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
                listed = tuple(k for k in _ROLE_ORDER if k in allowed)
                article = "an" if role == "assistant" else "a"
                yield _finding(pointer, key, allowed, (f"{article} {role} message", listed))


def _unknown(
    pointer: str, holder: dict[str, Any], known: frozenset[str], extra: Iterable[str],
    takes: tuple[str, tuple[str, ...]] | None,
) -> Iterator[Finding]:
    for key in holder:
        if key not in known and key not in extra:
            yield _finding(pointer, key, known, takes)


def _finding(
    pointer: str, key: str, known: frozenset[str], takes: tuple[str, tuple[str, ...]] | None
) -> Finding:
    """A likely intended key when there is one (`suggest`), else what the holder takes."""
    hint = h.suggest(key, known)
    if hint:
        extra = f" (did you mean {h.quoted(hint)}?)"
    elif takes is not None:
        holder, keys = takes
        extra = f" ({holder} takes {', '.join(h.quoted(k) for k in keys)})"
    else:
        extra = ""
    return Finding(f"{pointer}/{escape(key)}", f"unknown key {h.quoted(key)}{extra}")
