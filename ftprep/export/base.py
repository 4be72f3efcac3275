"""What every target shares: the refusal, the per-run notes, and the message helpers.

A target never drops part of a record silently: what it cannot express either makes it refuse
the whole record (`Refusal`, written to the rejects file with its reason) or is lossless and
counted as a note (a `weight` of 1 where every assistant turn is trained anyway).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from ftprep.model.record import RecordFormat, detect_format
from ftprep.packs.redact import mask_secrets

# The kinds of source record an export reads (RecordFormat values, plus plain text records).
CHAT, PREFERENCE, PROMPT_COMPLETION, TEXT = "chat", "preference", "prompt-completion", "text"


class Refusal(Exception):
    """A record the target cannot express: `reason` is a short code the summary counts by,
    `detail` says what in the record and why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class Notes:
    """Lossless changes made while converting, counted by what was done (shown in the summary)."""

    counts: Counter[str] = field(default_factory=Counter)
    used: set[str] = field(default_factory=set)  # optional columns some record used ("tools")
    # Vision: set by the run for every record. `vision`: some record of the run has an image, so
    # every row takes the vision layout (one layout per file); `image_dir`: where decoded images
    # go, relative to the output's folder.
    vision: bool = False
    image_dir: str = ""
    images: list[str] = field(default_factory=list)  # this record's `images` column
    files: dict[str, bytes] = field(default_factory=dict)  # decoded images, written with the row
    image_counts: Counter[str] = field(default_factory=Counter)  # by how carried: url, file, base64

    def add(self, what: str) -> None:
        self.counts[what] += 1


class Target(Protocol):
    """One export target: the output family of each record kind, and the conversion."""

    name: str

    def family(self, kind: str) -> str | None:
        """The output layout a record kind is written in (None: the target takes no such record).

        Records of families other than the file's majority are refused, since a trainer reads
        one layout per file."""
        ...

    def convert(self, kind: str, data: dict[str, Any], notes: Notes) -> dict[str, Any]:
        """The output record, or `Refusal`."""
        ...


def record_kind(data: dict[str, Any]) -> str | None:
    """The kind of a source record by its keys (None: none an export reads).

    `{"text": ...}` records are read whether or not the model layer already calls them TEXT."""
    fmt = detect_format(data)
    if fmt is RecordFormat.UNKNOWN:
        return TEXT if data.keys() == {"text"} and isinstance(data["text"], str) else None
    return fmt.value if fmt.value in (CHAT, PREFERENCE, PROMPT_COMPLETION, TEXT) else None


# --- reading the parts of a source record -------------------------------------------------------

def messages_of(data: dict[str, Any], key: str = "messages") -> list[dict[str, Any]]:
    """The record's message list, each an object with a string role, or `Refusal`."""
    messages = data.get(key)
    if type(messages) is not list or not messages:
        raise Refusal("invalid", f"`{key}` is not a non-empty list")
    for number, message in enumerate(messages, 1):
        if type(message) is not dict or type(message.get("role")) is not str:
            raise Refusal("invalid", f"message {number} is not an object with a string role")
    return messages


def preference_parts(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(input, preferred message, non-preferred message) of a preference record, or `Refusal`.

    Reads the guide's `*_output` names and the OpenAPI schema's `*_completion` ones."""
    source = data.get("input")
    if type(source) is not dict:
        raise Refusal("invalid", "`input` is not an object")
    found = []
    for names in (("preferred_output", "preferred_completion"),
                  ("non_preferred_output", "non_preferred_completion")):
        key = next((name for name in names if name in data), names[0])
        value = data.get(key)
        if type(value) is not list or len(value) != 1 or type(value[0]) is not dict \
                or value[0].get("role") != "assistant":
            raise Refusal("invalid", f"`{key}` is not a list of one assistant message")
        found.append(value[0])
    return source, found[0], found[1]


def text_of(content: Any, where: str, target: str) -> str:
    """A message's content as one string: a string as is, text parts joined by newlines.

    An image part is a feature the text targets cannot carry: `Refusal("images")`."""
    if isinstance(content, str):
        return content
    if type(content) is not list:
        raise Refusal("invalid", f"{where}: content is neither a string nor a list of parts")
    texts = []
    for part in content:
        kind = part.get("type") if type(part) is dict else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind in ("image_url", "image", "input_image"):
            raise Refusal("images", f"{where} has an image part; {target} export writes text only")
        elif kind == "text":
            raise Refusal("invalid", f"{where}: a text part without a string `text`")
        else:
            raise Refusal("invalid", f"{where}: a content part that is not text ({kind!r})")
    return "\n".join(texts)


def split_system(messages: list[dict[str, Any]], target: str) -> tuple[str | None, list[dict[str, Any]]]:
    """The leading system (or developer) message's text, and the messages after it.

    Targets with one system field cannot place a second one or one later in the conversation."""
    system = None
    rest = messages
    if messages and messages[0]["role"] in ("system", "developer"):
        system = text_of(messages[0].get("content"), "the system message", target)
        rest = messages[1:]
    for number, message in enumerate(rest, 2 if system is not None else 1):
        if message["role"] in ("system", "developer"):
            raise Refusal("roles", f"message {number} is a {message['role']} message after the "
                                   f"conversation started; {target} takes one system prompt, first")
    return system, rest


def check_weight(message: dict[str, Any], number: int, target: str, notes: Notes) -> None:
    """A weight the target cannot carry: 1 is what it does anyway (noted), 0 is refused."""
    if "weight" not in message:
        return
    if message["weight"] == 1 and type(message["weight"]) is int:
        notes.add("weight 1 removed (every assistant turn is trained by default)")
        return
    raise Refusal("weight", f"message {number} has weight {message['weight']!r} (not trained); "
                            f"{target} has no per-message weight, so it would be trained")


def has_tools(data: dict[str, Any]) -> bool:
    tools = data.get("tools")
    return bool(tools) or bool(data.get("functions"))


def refuse_tools(data: dict[str, Any], messages: list[dict[str, Any]], target: str) -> None:
    """Targets whose documented schema has no tool calls refuse any record that uses them."""
    if has_tools(data):
        raise Refusal("tools", f"the record defines tools; {target}'s training schema has no "
                               "tool calls here")
    for number, message in enumerate(messages, 1):
        if message["role"] in ("tool", "function") or message.get("tool_calls") \
                or message.get("function_call"):
            raise Refusal("tools", f"message {number} is a tool call or result; {target}'s "
                                   "training schema has no tool calls here")


def record_tools(holder: dict[str, Any], notes: Notes, unread: str) -> list[Any] | None:
    """The record's `tools` list for a trainer that reads tools (None: it has none).

    Refuses the deprecated `functions` list and a `tools` that is not a list; notes dropping
    `parallel_tool_calls`, saying why (`unread`: "chat templates do not read it").
    """
    if holder.get("functions"):
        raise Refusal("tools", "the record uses the deprecated `functions` list; rewrite it as tools")
    tools = holder.get("tools")
    if tools and type(tools) is not list:
        raise Refusal("invalid", "`tools` is not a list")
    if tools:
        notes.used.add("tools")
    if "parallel_tool_calls" in holder:
        notes.add(f"parallel_tool_calls removed ({unread})")
    return tools or None


def tool_call_arguments(call: Any, number: int) -> tuple[str, dict[str, Any]]:
    """(name, arguments as an object) of one OpenAI tool call, or `Refusal`.

    Hugging Face chat templates (TRL, Axolotl) and LLaMA-Factory take arguments as an object,
    OpenAI as a JSON string: the string is decoded once."""
    function = call.get("function") if type(call) is dict else None
    if type(function) is not dict or not isinstance(function.get("name"), str):
        raise Refusal("invalid", f"message {number}: a tool call without function.name")
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        try:
            arguments = orjson.loads(arguments)
        except orjson.JSONDecodeError:
            raise Refusal("tool-arguments", f"message {number}: the arguments of "
                                            f"{function['name']} are not JSON") from None
    if type(arguments) is not dict:
        raise Refusal("tool-arguments", f"message {number}: the arguments of {function['name']} "
                                        "are not a JSON object")
    return function["name"], arguments


def alternate(roles: list[str], first: str, second: str, target: str, last: str | None = None) -> None:
    """Strict turn order: first, second, first, ... ending with `last` (when given)."""
    for number, role in enumerate(roles, 1):
        expected = first if number % 2 else second
        if role != expected:
            raise Refusal("roles", f"message {number} is {role}, {target} needs {expected} there "
                                   f"(turns must alternate {first}/{second})")
    if last is not None and (not roles or roles[-1] != last):
        raise Refusal("roles", f"the conversation ends with {roles[-1] if roles else 'nothing'}; "
                               f"{target} needs it to end with {last}")


def other_keys(data: dict[str, Any], known: set[str] | frozenset[str], notes: Notes) -> None:
    """Count top-level keys no output column carries (ids, metadata): removed, never silently."""
    for key in sorted(data.keys() - known):
        notes.add(f"top-level key {mask_secrets(key)!r} removed")  # a key can be a secret


def text_record(data: dict[str, Any], notes: Notes) -> dict[str, Any]:
    """`{"text": str}`: the one row shape every trainer's plain-text (pre-training) layout has."""
    if not isinstance(data.get("text"), str):
        raise Refusal("invalid", "`text` is not a string")
    other_keys(data, {"text"}, notes)
    return {"text": data["text"]}
