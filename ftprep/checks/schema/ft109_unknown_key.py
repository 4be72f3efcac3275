"""FT109 unknown-key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.pointer import escape
from ftprep.model.record import (
    CHAT_KEYS,
    PREFERENCE_KEYS,
    TEXT_KEY,
    Record,
    RecordFormat,
)
from ftprep.packs.redact import mask_secrets  # a key can be a pasted secret: not in the pointer
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    allowed_keys: tuple[str, ...] = Field(
        (), description="extra top-level keys to accept, e.g. fields a grader reads"
    )
    extra_keys: Literal["ignored", "rejected"] = Field(
        "ignored",
        description="what the provider does with top-level keys beyond its format's columns: "
                    "rejected makes each an error (default: from the provider profile; "
                    "Together: rejected)",
    )
    tools: bool = Field(
        True, description="whether a chat record may declare `tools` (rejected mode only)"
    )


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    return {"extra_keys": profile.format.extra_keys, "tools": profile.format.tools}


SPEC = RuleSpec(
    code="FT109", name="unknown-key", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="A record or message carries a key the fine-tuning format does not define.",
    why="A misspelt key (`conten`, `tool_call`) silently loses its value: the provider ignores "
        "or rejects it, so the text you meant to train on is not there. Other keys (`id`, "
        "`metadata`, a top-level `weight`) are rejected by strict providers: Together fails the "
        "file with 'Found extra column' for any top-level key beyond its format's columns "
        "(`messages` and `tools`; `prompt` and `completion`; `text`; `input`, "
        "`preferred_output` and `non_preferred_output`: together-python 1.5.x utils/files.py, "
        "3.1.1 `JSONL_REQUIRED_COLUMNS_MAP`, `JSONL_EXTRA_COLUMNS_MAP`). Where the provider "
        "profile says so (`format.extra_keys = \"rejected\"`) those top-level keys are errors; "
        "elsewhere every finding is a warning.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", '
        '"contnet": "Hello"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    fix=FixSpec("rename the key, or remove it (or list it in allowed-keys)", FixSafety.UNSAFE),
    options=Options,
    formats=frozenset(
        {RecordFormat.CHAT, RecordFormat.PREFERENCE, RecordFormat.PROMPT_COMPLETION,
         RecordFormat.TEXT}
    ),
    only_if_not_plain=True,
    from_provider=_from_provider,
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


# A strict provider's columns per format (Together's JSONL_REQUIRED_COLUMNS_MAP, and `tools`).
_COLUMNS = {
    RecordFormat.CHAT: ("messages",),
    RecordFormat.PREFERENCE: ("input", "preferred_output", "non_preferred_output"),
    RecordFormat.PROMPT_COMPLETION: ("prompt", "completion"),
    RecordFormat.TEXT: (TEXT_KEY,),
}
_NAMES = {
    RecordFormat.CHAT: "a chat record",
    RecordFormat.PREFERENCE: "a preference record",
    RecordFormat.PROMPT_COMPLETION: "a prompt/completion record",
    RecordFormat.TEXT: "a text record",
}


def check(record: Record, options: Options) -> Iterator[Finding]:
    data = record.data
    if options.extra_keys == "rejected":
        yield from _columns(record, options)
    elif record.format in (RecordFormat.CHAT, RecordFormat.PREFERENCE):
        top = CHAT_KEYS if record.format is RecordFormat.CHAT else PREFERENCE_KEYS
        yield from _unknown("", data, top, options.allowed_keys, _TAKES.get(record.format))
    else:
        return  # a text or prompt/completion record: only a strict provider's columns apply
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
                    f"{pointer}/{escape(mask_secrets(key))}",
                    f"key {h.quoted(key)} is not used on {role} messages",
                )
            else:
                listed = tuple(k for k in _ROLE_ORDER if k in allowed)
                article = "an" if role == "assistant" else "a"
                yield _finding(pointer, key, allowed, (f"{article} {role} message", listed))


def _columns(record: Record, options: Options) -> Iterator[Finding]:
    """Errors for top-level keys beyond the format's columns, where the provider rejects them."""
    columns = _COLUMNS[record.format]
    if record.format is RecordFormat.CHAT and options.tools:
        columns = (*columns, "tools")
    takes = f"{_NAMES[record.format]} takes only {', '.join(h.quoted(c) for c in columns)}"
    for key in record.data:
        if key in columns or key in options.allowed_keys:
            continue
        hint = h.suggest(key, frozenset(columns))
        extra = f"did you mean {h.quoted(hint)}?" if hint else takes
        yield Finding(
            f"/{escape(mask_secrets(key))}", f"extra key {h.quoted(key)}, which the provider rejects ({extra})",
            severity=Severity.ERROR,
        )


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
    return Finding(f"{pointer}/{escape(mask_secrets(key))}", f"unknown key {h.quoted(key)}{extra}")
