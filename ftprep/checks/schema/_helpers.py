"""What several FT1 rules share: the keys each role may carry, and where a record keeps messages.

Rules read records without validating them first, so every helper here tolerates any JSON value
where a list or object belongs and simply yields nothing for it: reporting the wrong shape is
the job of one rule (FT102, FT112, FT120 ...), never of all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from ftprep.model.record import PREFERENCE_OUTPUT_KEYS, Record, RecordFormat
from ftprep.packs.redact import mask_secrets
from ftprep.suggest import closest

# Message keys per role: the fine-tuning schema (OpenAPI FineTuneChatRequestInput and its
# message kinds, FORMATS.md §1; `refusal` and `audio` from openai-client-base's
# FineTuneChatCompletionRequestAssistantMessage). API response dumps carry them as nulls.
ROLE_KEYS: dict[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "developer": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": frozenset(
        {"role", "content", "name", "weight", "tool_calls", "function_call", "refusal", "audio"}
    ),
    "tool": frozenset({"role", "content", "tool_call_id"}),
    "function": frozenset({"role", "content", "name"}),
}
KNOWN_ROLES = tuple(ROLE_KEYS)
MESSAGE_KEYS = frozenset().union(*ROLE_KEYS.values())
# Roles other formats use for the same speakers, so a suggestion can name the OpenAI role.
ROLE_ALIASES = {
    "human": "user", "gpt": "assistant", "bot": "assistant", "model": "assistant",
    "ai": "assistant", "chatbot": "assistant", "observation": "tool", "function_call": "assistant",
}


def show(value: Any, limit: int = 40) -> str:
    """A JSON value as the user wrote it, shortened; containers are named by their type.

    A secret in it is masked first (a role or tool name can be a pasted key): a report must
    not repeat it, not even its first 40 characters."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = orjson.dumps(mask_secrets(value) if isinstance(value, str) else value).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(key: str) -> str:
    """A key as JSON, any secret in it masked (an unknown key can be a pasted key)."""
    return orjson.dumps(mask_secrets(key)).decode()


def conversations(record: Record) -> Iterator[tuple[str, list[Any], dict[str, Any]]]:
    """(pointer, messages, holder) for each message list that is a conversation.

    The holder is the object that also carries `tools`: the record itself for chat, `input`
    for a preference record. Preference outputs are single replies, not conversations.
    """
    data = record.data
    if record.format is RecordFormat.CHAT:
        messages = data.get("messages")
        if type(messages) is list:
            yield "/messages", messages, data
    elif record.format is RecordFormat.PREFERENCE:
        source = data.get("input")
        if type(source) is dict:
            messages = source.get("messages")
            if type(messages) is list:
                yield "/input/messages", messages, source


def tools_holder(record: Record) -> dict[str, Any] | None:
    """The object whose `tools`/`functions` declare what the record's calls may call."""
    if record.format is RecordFormat.CHAT:
        return record.data
    source = record.data.get("input")
    return source if type(source) is dict else None


def message_lists(record: Record) -> Iterator[tuple[str, list[Any]]]:
    """(pointer, list) of every message list: the conversation and, for preference, the outputs."""
    for pointer, messages, _holder in conversations(record):
        yield pointer, messages
    if record.format is RecordFormat.PREFERENCE:
        data = record.data
        for key in PREFERENCE_OUTPUT_KEYS:
            value = data.get(key)
            if type(value) is list:
                yield f"/{key}", value


class Survey:
    """One pass over a record's messages, shared by every FT1 rule that reads them.

    `items` holds each message that is an object, with its pointer; `keys` and `roles` let a
    rule about tool calls, names or weights skip a record that has none without a loop.
    """

    __slots__ = ("items", "keys", "roles", "_functions")

    def __init__(self, record: Record) -> None:
        self.items: list[tuple[str, dict[str, Any]]] = []
        self.keys: set[str] = set()
        self.roles: set[str] = set()
        self._functions: list[tuple[str, dict[str, Any]]] | None = None
        for base, found in message_lists(record):
            for index, message in enumerate(found):
                if type(message) is dict:
                    self.items.append((f"{base}/{index}", message))
                    self.keys.update(message)
                    role = message.get("role")
                    if type(role) is str:
                        self.roles.add(role)


    @property
    def functions(self) -> list[tuple[str, dict[str, Any]]]:
        """(pointer, function) for every call's `function` object and legacy `function_call`."""
        if self._functions is None:
            self._functions = []
            if "tool_calls" in self.keys or "function_call" in self.keys:
                for pointer, message in self.items:
                    self._functions.extend(_functions_of(pointer, message))
        return self._functions


def _functions_of(pointer: str, message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    calls = message.get("tool_calls")
    if type(calls) is list:
        for index, call in enumerate(calls):
            if type(call) is dict:
                function = call.get("function")
                if type(function) is dict:
                    yield f"{pointer}/tool_calls/{index}/function", function
    legacy = message.get("function_call")
    if type(legacy) is dict:
        yield f"{pointer}/function_call", legacy


def survey(record: Record) -> Survey:
    """The record's survey, made on first use: plain records, which most rules skip, never pay."""
    found = record.schema
    if found is None:
        found = record.schema = Survey(record)
    return found  # type: ignore[no-any-return]


def messages(record: Record) -> list[tuple[str, dict[str, Any]]]:
    """(pointer, message) for every message that is an object, wherever the record keeps it."""
    return survey(record).items


def calls_functions(record: Record) -> bool:
    """Whether any message has `tool_calls` or `function_call`: most records have neither."""
    keys = survey(record).keys
    return "tool_calls" in keys or "function_call" in keys


def has_tool_calls(message: dict[str, Any]) -> bool:
    """An assistant message that calls tools (or a legacy function) may omit its content."""
    calls = message.get("tool_calls")
    return (type(calls) is list and bool(calls)) or type(message.get("function_call")) is dict


def call_ids(message: dict[str, Any]) -> list[str]:
    """The string ids of an assistant message's tool calls, in order."""
    calls = message.get("tool_calls")
    if type(calls) is not list:
        return []
    return [c["id"] for c in calls if type(c) is dict and type(c.get("id")) is str]


def suggest(word: str, known: frozenset[str] | tuple[str, ...]) -> str | None:
    """The known key or role a misspelt one most likely means.

    `closest` compares whole words, case-folded, so a case or plural slip (`User`, `tool_call`)
    wins over a long key that merely contains the word (`tool` is not `parallel_tool_calls`).
    """
    return closest(word, sorted(known))


def functions_called(record: Record) -> list[tuple[str, dict[str, Any]]]:
    """(pointer, function) for every call's `function` object and every legacy `function_call`."""
    return survey(record).functions


class Undecodable:
    """What `decode_json` returns for text that is not JSON; carries the parser's complaint."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def decode_json(text: str) -> Any:
    """The JSON value of a string, or `Undecodable` (JSON has no value that could be confused)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        return Undecodable(str(error).split(":")[0])
