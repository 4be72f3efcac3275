"""Normalise one record's messages, whatever vocabulary they arrive in, to OpenAI chat messages.

Accepted: OpenAI/Hugging Face `role`/`content`, ShareGPT `from`/`value` (human, gpt, system,
function_call, observation), legacy OpenAI `function_call` and `function` messages, content as a
string or a list of text/image parts (`text` or LLaMA-Factory's `value`), tool calls whose
`arguments` are an object rather than a JSON string. Written: system/user/assistant/tool
messages with string content (or text/image parts), assistant `tool_calls` with string
arguments, and tool results that answer a call by id. Ids are `call_1`, `call_2`... per record
when the source has none, so output is deterministic. Keys outside the chat schema are dropped:
a training file carries only what is trained on.
"""

from __future__ import annotations

from typing import Any

import orjson

from ftprep.convert.layouts._base import RecordError, structured
from ftprep.packs.redact import mask_secrets
from ftprep.parsing import kind_of

_CALL, _TOOL = "function_call", "tool"
ROLES = {
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "model": "assistant",
    "bot": "assistant",
    "chatgpt": "assistant",
    "system": "system",
    "developer": "system",
    "function_call": _CALL,
    "tool": _TOOL,
    "observation": _TOOL,
    "function": _TOOL,
}
_KNOWN_ROLES = "user, assistant, system, tool (or human, gpt, function_call, observation)"
CONTENT_KEYS = ("content", "value", "text")  # OpenAI/HF, ShareGPT, others: the first present


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _weight(value: Any, ptr: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value not in (0, 1):
        raise RecordError(f"{ptr} is {value!r}; a weight must be 0 or 1")
    return int(value)


def tools(value: Any, ptr: str) -> list[dict[str, Any]] | None:
    """OpenAI `tools` from a list (or its JSON string) of tools or bare function definitions."""
    value = structured(value)
    if value is None or value == "" or value == []:
        return None
    if not isinstance(value, list):
        raise RecordError(f"{ptr} is {kind_of(value)}, not a list of tools")
    out: list[dict[str, Any]] = []
    for i, item in enumerate(value):
        if isinstance(item, dict) and isinstance(item.get("function"), dict):
            out.append({"type": "function", "function": item["function"]})
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            out.append({"type": "function", "function": item})
        else:
            raise RecordError(f"{ptr}/{i} is not a function definition (no name)")
    return out


class MessageReader:
    """Reads the messages of one record; tracks tool-call ids so a result answers its call."""

    def __init__(self) -> None:
        self.issued = 0
        self.pending: list[str] = []

    def messages(self, value: Any, ptr: str) -> list[dict[str, Any]]:
        value = structured(value)
        if not isinstance(value, list):
            raise RecordError(f"{ptr} is {kind_of(value)}, not a list of messages")
        if not value:
            raise RecordError(f"{ptr} is an empty list")
        return [self.message(item, f"{ptr}/{i}") for i, item in enumerate(value)]

    def message(self, item: Any, ptr: str) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise RecordError(f"{ptr} is {kind_of(item)}, not a message object")
        raw = item.get("role", item.get("from"))
        if not isinstance(raw, str):
            raise RecordError(f"{ptr} has no role (role or from)")
        role = ROLES.get(raw.strip().lower())
        if role is None:
            key = "role" if "role" in item else "from"
            raise RecordError(f"{ptr}/{key}: unknown role {mask_secrets(raw)!r} (known: {_KNOWN_ROLES})")
        # Pointers name the key the source used (ShareGPT's `value`, not `content`), so a
        # reason points into the record as the user wrote it.
        key = next((k for k in CONTENT_KEYS if k in item), CONTENT_KEYS[0])
        content = item.get(key)
        cptr = f"{ptr}/{key}"
        if role == _CALL:
            return {"role": "assistant", "tool_calls": self._calls(structured(content), cptr)}
        if role == _TOOL:
            return self._result(item, content, ptr, cptr)
        if role == "assistant":
            return self._assistant(item, content, ptr, cptr)
        out: dict[str, Any] = {"role": role, "content": self._content(content, ptr, cptr, required=True)}
        if isinstance(item.get("name"), str):
            out["name"] = item["name"]
        return out

    def _assistant(self, item: dict[str, Any], content: Any, ptr: str, cptr: str) -> dict[str, Any]:
        out: dict[str, Any] = {"role": "assistant"}
        calls, calls_ptr = item.get("tool_calls"), f"{ptr}/tool_calls"
        if calls is None and item.get("function_call") is not None:
            calls, calls_ptr = item["function_call"], f"{ptr}/function_call"
        drop: tuple[str, ...] = ()
        if calls is None and isinstance(content, list):  # LLaMA-Factory v1 `tool_call` parts
            part_calls = [
                (i, p) for i, p in enumerate(content) if isinstance(p, dict) and p.get("type") == "tool_call"
            ]
            if part_calls:
                calls = [structured(p.get("value", p.get("text"))) for _i, p in part_calls]
                calls_ptr, drop = cptr, ("tool_call",)
        has_calls = calls is not None and calls != []
        if (content is not None and content != "") or not has_calls:
            out["content"] = self._content(content, ptr, cptr, required=not has_calls, join=True, drop=drop)
        if has_calls:
            out["tool_calls"] = self._calls(calls, calls_ptr)
        if isinstance(item.get("name"), str):
            out["name"] = item["name"]
        if "weight" in item:
            out["weight"] = _weight(item["weight"], f"{ptr}/weight")
        elif "loss_weight" in item:  # LLaMA-Factory v1
            out["weight"] = _weight(item["loss_weight"], f"{ptr}/loss_weight")
        return out

    def _content(
        self, value: Any, ptr: str, cptr: str, required: bool, join: bool = False,
        drop: tuple[str, ...] = (),
    ) -> Any:
        """The content at `cptr` (in the message at `ptr`); parts of a type in `drop` (tool
        calls already taken out) are left out, and the other parts keep their source index."""
        if isinstance(value, str):
            if required and not value.strip():
                raise RecordError(f"{cptr} is empty")
            return value
        if isinstance(value, list):
            parts = [
                self._part(part, f"{cptr}/{i}") for i, part in enumerate(value)
                if not (drop and isinstance(part, dict) and part.get("type") in drop)
            ]
            texts = [p["text"] for p in parts if p["type"] == "text"]
            if len(texts) == len(parts) and (len(parts) == 1 or join):
                return self._content("".join(texts), ptr, cptr, required)
            if required and not parts:
                raise RecordError(f"{cptr} is empty")
            return parts
        if value is None:
            if required:
                raise RecordError(f"{ptr} has no content")
            return None
        raise RecordError(f"{cptr} is {kind_of(value)}, not text")

    @staticmethod
    def _part(part: Any, ptr: str) -> dict[str, Any]:
        if isinstance(part, str):
            return {"type": "text", "text": part}
        if not isinstance(part, dict):
            raise RecordError(f"{ptr} is {kind_of(part)}, not a content part")
        kind = part.get("type", "text" if "text" in part else None)
        if kind == "text":
            value = part.get("text", part.get("value"))
            if not isinstance(value, str):
                raise RecordError(f"{ptr} is a text part without text")
            return {"type": "text", "text": value}
        if kind == "image_url":
            image = part.get("image_url", part.get("value"))
            if isinstance(image, str):
                if not image.startswith(("http://", "https://", "data:")):
                    raise RecordError(
                        f"{ptr} is a local image file ({image}), which chat JSONL cannot carry"
                    )
                image = {"url": image}
            if not isinstance(image, dict) or not isinstance(image.get("url"), str):
                raise RecordError(f"{ptr} is an image part without a url")
            return {"type": "image_url", "image_url": image}
        raise RecordError(
            f"{ptr}: {kind!r} content parts cannot be written to chat fine-tuning data"
        )

    def _calls(self, value: Any, ptr: str) -> list[dict[str, Any]]:
        if isinstance(value, dict):  # one call, not a list: its pointer is the value itself
            return [self._call(value, ptr)]
        if not isinstance(value, list) or not value:
            raise RecordError(f"{ptr} is {kind_of(value)}, not a tool call (or list of them)")
        return [self._call(call, f"{ptr}/{i}") for i, call in enumerate(value)]

    def _call(self, call: Any, ptr: str) -> dict[str, Any]:
        if not isinstance(call, dict):
            raise RecordError(f"{ptr} is {kind_of(call)}, not a tool call")
        function = call["function"] if isinstance(call.get("function"), dict) else call
        name = function.get("name")
        if not isinstance(name, str) or not name:
            raise RecordError(f"{ptr} has no function name")
        arguments = function.get("arguments", function.get("parameters", {}))
        if not isinstance(arguments, str):
            arguments = _dumps(arguments)
        call_id = call.get("id")
        if not isinstance(call_id, str) or not call_id:
            self.issued += 1
            call_id = f"call_{self.issued}"
        self.pending.append(call_id)
        return {
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }

    def _result(self, item: dict[str, Any], content: Any, ptr: str, cptr: str) -> dict[str, Any]:
        call_id = item.get("tool_call_id")
        if isinstance(call_id, str) and call_id:
            if call_id in self.pending:
                self.pending.remove(call_id)
        elif self.pending:
            call_id = self.pending.pop(0)
        else:
            raise RecordError(f"{ptr} is a tool result with no earlier tool call to answer")
        if isinstance(content, dict | list) and not _is_parts(content):
            content = _dumps(content)
        return {
            "role": "tool",
            "tool_call_id": call_id,
            "content": self._content(content, ptr, cptr, required=True, join=True),
        }


def _is_parts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(p, dict) and "type" in p for p in value)
