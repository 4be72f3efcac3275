"""The texts of a record a content rule reads, each with its JSON pointer, role and field.

Every string value of a record is a text; its field says what it is (message content, tool-call
arguments, a tool definition, anything else) and its role is that of the message holding it.
A prompt/completion record's completion and a preference record's outputs speak as the
assistant. Texts come in document order, so a record's texts are the same list every time:
the scanner keeps only each record's first byte offset and finds a text again by walking the
record once more, for the few records with a match.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ftprep.model.pointer import escape
from ftprep.model.record import PREFERENCE_OUTPUT_KEYS
from ftprep.packs.schema import Field_

# Keys whose string value is text a model reads or writes.
_CONTENT_KEYS = frozenset({"content", "text", "prompt", "completion", "refusal", "reasoning_content"})
_TOOL_KEYS = frozenset({"tools", "functions"})
_ARGUMENT_KEYS = frozenset({"arguments"})
# Top-level keys whose texts speak as the assistant (or user) when no message says who speaks.
_TOP_ROLES = {"completion": "assistant", "prompt": "user", **dict.fromkeys(PREFERENCE_OUTPUT_KEYS, "assistant")}


class Text(NamedTuple):
    """One string of a record: where it is, who says it, what kind of text it is."""

    pointer: str
    role: str | None
    field: Field_
    text: str


def record_texts(data: dict[str, Any]) -> list[Text]:
    """Every string of a record, in document order, with its pointer, role and field."""
    out: list[Text] = []
    for key, value in data.items():
        token = "/" + escape(key)
        if key in _TOOL_KEYS:
            _walk(value, token, None, Field_.TOOLS, out)
        else:
            _walk(value, token, _TOP_ROLES.get(key), _field(key, Field_.OTHER), out)
    return out


def _field(key: str, inherited: Field_) -> Field_:
    if inherited is Field_.TOOLS or inherited is Field_.ARGUMENTS:
        return inherited
    if key in _CONTENT_KEYS:
        return Field_.CONTENT
    if key in _ARGUMENT_KEYS:
        return Field_.ARGUMENTS
    return Field_.OTHER


def _walk(value: Any, pointer: str, role: str | None, field: Field_, out: list[Text]) -> None:
    kind = type(value)
    if kind is str:
        out.append(Text(pointer, role, field, value))
    elif kind is dict:
        own = value.get("role")
        if type(own) is str:
            role = own
        for key, item in value.items():
            _walk(item, f"{pointer}/{escape(key)}", role, _field(key, field), out)
    elif kind is list:
        for index, item in enumerate(value):
            _walk(item, f"{pointer}/{index}", role, field, out)


def record_strings(data: dict[str, Any], fields: frozenset[Field_]) -> list[str]:
    """The strings `record_texts` gives in `fields`, in the same order, without pointers or
    roles: the scanner reads every non-plain record this way, and walks with pointers only the
    few records where something matched.

    The hot path of content scanning for tool-calling and multi-part records, so fields are
    plain strings here (an enum's hash is a Python call) and a string value is judged by its
    key without a recursive call."""
    wanted = frozenset(field.value for field in fields)
    out: list[str] = []
    for key, value in data.items():
        if key in _TOOL_KEYS:
            if _TOOLS in wanted:
                _collect(value, _TOOLS, wanted, out)
        else:
            _collect(value, _KEY_FIELD.get(key, _OTHER), wanted, out)
    return out


_CONTENT, _ARGUMENTS, _TOOLS, _OTHER = (f.value for f in (Field_.CONTENT, Field_.ARGUMENTS, Field_.TOOLS, Field_.OTHER))
_KEY_FIELD = {**dict.fromkeys(_CONTENT_KEYS, _CONTENT), **dict.fromkeys(_ARGUMENT_KEYS, _ARGUMENTS)}
_SCALARS = (bool, int, float, type(None))


def _collect(value: Any, field: str, wanted: frozenset[str], out: list[str]) -> None:
    """`_walk`'s order and fields (see `_field`), collecting only the strings."""
    kind = type(value)
    if kind is str:
        if field in wanted:
            out.append(value)
    elif kind is dict:
        keep = field is _TOOLS or field is _ARGUMENTS  # inherited by everything below
        for key, item in value.items():
            child = field if keep else _KEY_FIELD.get(key, _OTHER)
            if type(item) is str:
                if child in wanted:
                    out.append(item)
            elif type(item) not in _SCALARS:
                _collect(item, child, wanted, out)
    elif kind is list:
        for item in value:
            if type(item) is str:
                if field in wanted:
                    out.append(item)
            elif type(item) not in _SCALARS:
                _collect(item, field, wanted, out)


def plain_contents(data: dict[str, Any]) -> list[str]:
    """The contents of a plain chat record (`Record.plain_shape`), in message order.

    The fast path for the common record: the same texts `record_texts` gives in the content
    field, without building pointers. A plain record has no arguments or tools; its other
    strings are roles and names, which this leaves out (callers reading `other` walk)."""
    return [message["content"] for message in data["messages"]]
