"""Messages as Hugging Face chat templates read them: shared by the TRL and Axolotl targets.

Both hand `messages` (and a `tools` column) to `tokenizer.apply_chat_template`, which expects
role/content messages, tool calls as `{"type": "function", "function": {"name", "arguments"}}`
with arguments as an object (TRL's dataset_formats "Tool Calling" example), and tool results as
`{"role": "tool", "content": ...}`. Keys the templates do not read are removed and counted.

Vision rows (a target passes an `ImagePart` and some record of the run has an image): every
content is a list of parts, `{"type": "text", "text": ...}` as written and each image as the
target's image part, since processors read list content and `datasets` needs one type per column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ftprep.export.base import (
    Notes,
    Refusal,
    check_weight,
    record_tools,
    text_of,
    tool_call_arguments,
)
from ftprep.export.images import Image, content_parts
from ftprep.packs.redact import mask_secrets

# How a target writes one image in a message's content (and what it records in `notes`).
ImagePart = Callable[[Image, Notes], dict[str, Any]]

_KEPT_KEYS = {"role", "content", "name", "tool_calls", "tool_call_id", "weight"}


def hf_message(message: dict[str, Any], number: int, target: str, notes: Notes,
               train_key: str | None = None, image: ImagePart | None = None) -> dict[str, Any]:
    """One message for a chat template. `train_key`: write `weight` as this boolean per-message
    training flag (Axolotl's `message_field_training`) instead of refusing weight 0. `image`:
    the target takes images this way (without it, an image part is refused)."""
    role = message["role"]
    if role == "developer":
        role = "system"
        notes.add("developer role written as system")
    elif role == "function" or "function_call" in message:
        raise Refusal("tools", f"message {number} uses the deprecated function-call form; "
                               "rewrite it as tool_calls first")
    elif role not in ("system", "user", "assistant", "tool"):
        raise Refusal("roles", f"message {number} has role {role!r}")
    out: dict[str, Any] = {"role": role}
    content = message.get("content")
    if content is not None and image is not None and notes.vision:
        out["content"] = _parts(content, role, number, target, notes, image)
    elif content is not None:
        out["content"] = text_of(content, f"message {number}", target)
        if isinstance(content, list) and len(content) > 1:
            notes.add("text parts joined into one string, one per line")
    elif not (role == "assistant" and message.get("tool_calls")):
        raise Refusal("invalid", f"message {number} has no content")
    if isinstance(message.get("name"), str):
        out["name"] = message["name"]
        notes.used.add("name")
    calls = message.get("tool_calls")
    if calls:
        if type(calls) is not list:
            raise Refusal("invalid", f"message {number}: tool_calls is not a list")
        out["tool_calls"] = [_call(call, number) for call in calls]
        notes.used.add("tool_calls")
    if isinstance(message.get("tool_call_id"), str):
        out["tool_call_id"] = message["tool_call_id"]
        notes.used.add("tool_call_id")
    if "weight" in message:
        if train_key is None:
            check_weight(message, number, target, notes)
        elif message["weight"] in (0, 1) and type(message["weight"]) is int:
            out[train_key] = message["weight"] == 1
            notes.used.add(train_key)
        else:
            raise Refusal("weight", f"message {number} has weight {message['weight']!r}, not 0 or 1")
    for key in sorted(message.keys() - _KEPT_KEYS):
        notes.add(f"message key {mask_secrets(key)!r} removed (chat templates do not read it)")
    return out


def _parts(content: Any, role: str, number: int, target: str, notes: Notes,
           image: ImagePart) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    for part in content_parts(content, role, f"message {number}", target, notes):
        if isinstance(part, Image):
            parts.append(image(part, notes))
            notes.used.add("images")
        else:
            parts.append({"type": "text", "text": part})
    return parts


def _call(call: dict[str, Any], number: int) -> dict[str, Any]:
    name, arguments = tool_call_arguments(call, number)
    out: dict[str, Any] = {}
    if isinstance(call.get("id"), str):
        out["id"] = call["id"]
    out["type"] = "function"
    out["function"] = {"name": name, "arguments": arguments}
    return out


def hf_messages(messages: list[dict[str, Any]], target: str, notes: Notes,
                train_key: str | None = None, first: int = 1,
                image: ImagePart | None = None) -> list[dict[str, Any]]:
    return [hf_message(m, n, target, notes, train_key, image) for n, m in enumerate(messages, first)]


def hf_tools(holder: dict[str, Any], out: dict[str, Any], notes: Notes) -> None:
    """Copy `tools` (the column chat templates read)."""
    tools = record_tools(holder, notes, "chat templates do not read it")
    if tools:
        out["tools"] = tools

