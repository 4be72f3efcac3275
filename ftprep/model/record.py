"""A parsed training record with its provenance and the facts every rule shares.

Facts are computed once per record: its format, whether it is a *plain* chat example (the
common, well-typed case of text-only system/user/assistant messages, which lets the engine skip
rules that can only fire on other records: malformed ones, or ones with tools, parts or other
formats), and, after the engine's batched counting, its token counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ftprep.model.diagnostics import Location


class RecordFormat(enum.Enum):
    """The kinds of training record ftprep recognises in JSONL."""

    CHAT = "chat"
    PREFERENCE = "preference"
    PROMPT_COMPLETION = "prompt-completion"
    TEXT = "text"  # Together's "general" format: one `text` to train on, no turns
    UNKNOWN = "unknown"


ALL_FORMATS = frozenset(RecordFormat)

CHAT_KEYS = frozenset({"messages", "tools", "parallel_tool_calls", "functions"})
# The outputs of a preference record: the guide's `*_output` names, then the OpenAPI schema's.
PREFERENCE_OUTPUT_KEYS = (
    "preferred_output", "non_preferred_output", "preferred_completion", "non_preferred_completion"
)
PREFERENCE_KEYS = frozenset({"input", *PREFERENCE_OUTPUT_KEYS})
PROMPT_COMPLETION_KEYS = frozenset({"prompt", "completion"})
TEXT_KEY = "text"
ROLES = ("system", "user", "assistant", "tool", "function", "developer")
# Keys a plain message may carry: text content, optional name, and weight (assistant only).
_PLAIN_MESSAGE_KEYS = frozenset({"role", "content", "name", "weight"})
PLAIN_ROLES = ("system", "user", "assistant")
_PLAIN_ROLES = frozenset(PLAIN_ROLES)


@dataclass(slots=True)
class TokenFacts:
    """Counted once by the engine; every FT2 rule and the summary read these.

    `total` leaves out what could not be counted: images whose size or formula is unknown
    (`uncounted_images`, with why) and values that are neither text nor an image part
    (`unreadable`). A record with neither is `complete`: its total is its real size.
    """

    total: int = 0  # as OpenAI's cookbook bills a chat example: overheads, roles, names, tools
    content: int = 0  # the message contents alone
    limit: int | None = None  # the model's per-example limit, when a model is known
    messages: int = 0  # in every message list: a preference record's input and outputs too
    images: int = 0  # image parts
    image_tokens: int = 0  # the counted images' tokens, part of `total`
    uncounted_images: dict[str, int] | None = None  # reason -> images left out of `total`
    unreadable: int = 0  # values (content, parts, messages) that hold no countable text

    @property
    def complete(self) -> bool:
        return self.uncounted_images is None and not self.unreadable


class Record:
    """One JSON object from a line, with where it came from and its shared facts."""

    __slots__ = (
        "location", "raw", "data", "format", "messages", "plain_shape", "roles", "tokens", "schema",
        "errors", "_text",
    )

    @classmethod
    def facts_only(
        cls, location: Location, fmt: RecordFormat, tokens: TokenFacts, errors: int
    ) -> Record:
        """A record rebuilt from facts another process computed, for dataset rules and the
        summary (which read location, format, tokens and errors, never data)."""
        record = cls.__new__(cls)
        record.location, record.raw, record.data, record.format = location, b"", {}, fmt
        record.messages = []
        record.plain_shape, record.roles = False, None
        record.tokens, record.schema, record._text = tokens, None, None
        record.errors = errors
        return record

    def __init__(self, location: Location, raw: bytes, data: dict[str, Any]) -> None:
        self.location = location
        self.raw = raw
        self.data = data
        self.format = detect_format(data)
        messages = data.get("messages")
        # `messages` as a list, or [] when missing or not a list (the schema rules say which).
        self.messages: list[Any] = messages if type(messages) is list else []
        # The roles of a plain chat record, in order (None when not plain): rules that only
        # need roles read this instead of walking the messages again.
        self.roles = plain_roles(data) if self.format is RecordFormat.CHAT else None
        self.plain_shape = self.roles is not None
        self.tokens = TokenFacts()
        # The schema rules' survey of the messages, made by the first rule that needs it
        # (ftprep/checks/schema/_helpers.py); plain records never need one.
        self.schema: Any = None
        # Error-severity findings of the record rules, set by the engine after checking it.
        self.errors = 0
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The line as text (decoded lazily: only records with findings need columns)."""
        if self._text is None:
            self._text = self.raw.decode("utf-8", errors="replace")
        return self._text



def is_usable(record: Record, formats: frozenset[str] | tuple[str, ...]) -> bool:
    """A usable example: in a format the provider trains on, with no error from a record rule.

    What would remain of the dataset if every example a rule calls broken were dropped; the
    example-count rules (FT301, FT302) and the summary count these.
    """
    return record.format.value in formats and not record.errors


def detect_format(data: dict[str, Any]) -> RecordFormat:
    """The format a record is meant to be, by its keys; the schema rules judge the values.

    A record with any preference output is a preference record even without `input`, so that
    the missing input is reported as such rather than as an unrecognised record. A `text`
    record is one only when no other format's keys are there: a chat record with a stray
    `text` key is a chat record with an extra key.
    """
    if "messages" in data:
        return RecordFormat.CHAT
    if any(key in data for key in PREFERENCE_OUTPUT_KEYS):
        return RecordFormat.PREFERENCE
    if "prompt" in data and "completion" in data:
        return RecordFormat.PROMPT_COMPLETION
    if TEXT_KEY in data:
        return RecordFormat.TEXT
    return RecordFormat.UNKNOWN


def is_plain_chat(data: dict[str, Any]) -> bool:
    """True for a chat example of text-only system/user/assistant messages with valid fields.

    Such a record cannot trigger a rule marked `only_if_not_plain`: every key is known, every
    role is known, every content is a non-empty string, names are non-empty strings and weights
    are the integers 0 or 1 on assistant messages. Anything else (tools, parts, nulls) is not
    plain.
    """
    return plain_roles(data) is not None


def plain_roles(data: dict[str, Any]) -> tuple[str, ...] | None:
    """The roles of a plain chat record (see `is_plain_chat`), or None when it is not plain."""
    if len(data) != 1:
        return None
    messages = data["messages"]
    if type(messages) is not list or not messages:
        return None
    roles: list[str] = []
    for message in messages:
        if type(message) is not dict or not message.keys() <= _PLAIN_MESSAGE_KEYS:
            return None
        role = message.get("role")
        if type(role) is not str or role not in _PLAIN_ROLES:  # a list or object is unhashable
            return None
        roles.append(role)
        content = message.get("content")
        if type(content) is not str or not content or content.isspace():
            return None
        if "name" in message:
            name = message["name"]
            if type(name) is not str or not name or name.isspace():
                return None
        if "weight" in message:
            weight = message["weight"]
            if role != "assistant" or type(weight) is not int or weight not in (0, 1):
                return None
    return tuple(roles)
