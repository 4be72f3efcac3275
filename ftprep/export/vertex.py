"""Google Vertex AI Gemini supervised tuning (FORMATS.md §6.4; cloud.google.com/vertex-ai/
generative-ai/docs/models/gemini-supervised-tuning-prepare).

chat and prompt/completion -> `{"systemInstruction": {"role": "system", "parts": [{"text"}]},
"contents": [{"role": "user"|"model", "parts": [{"text": ...}]}]}`, the last content from the
model. Text parts stay separate parts. Refused: tool calls and tools, images (Vertex reads media
as `fileData` gs:// URIs, which an OpenAI image_url is not), weight 0, preference and plain-text
records (not supervised tuning examples).
"""

from __future__ import annotations

from typing import Any

from ftprep.export.base import (
    CHAT,
    PROMPT_COMPLETION,
    Notes,
    Refusal,
    check_weight,
    messages_of,
    other_keys,
    refuse_tools,
    split_system,
    text_of,
)
from ftprep.model.record import CHAT_KEYS

NAME = "Vertex AI"
_ROLES = {"user": "user", "assistant": "model"}


class VertexTarget:
    name = "vertex"

    def family(self, kind: str) -> str | None:
        return "gemini-sft" if kind in (CHAT, PROMPT_COMPLETION) else None

    def convert(self, kind: str, data: dict[str, Any], notes: Notes) -> dict[str, Any]:
        if kind == PROMPT_COMPLETION:
            prompt, completion = data.get("prompt"), data.get("completion")
            if not isinstance(prompt, str) or not isinstance(completion, str):
                raise Refusal("invalid", "prompt and completion are not both strings")
            other_keys(data, {"prompt", "completion"}, notes)
            return {"contents": [{"role": "user", "parts": [{"text": prompt}]},
                                 {"role": "model", "parts": [{"text": completion}]}]}
        other_keys(data, CHAT_KEYS, notes)
        messages = messages_of(data)
        refuse_tools(data, messages, NAME)
        system, rest = split_system(messages, NAME)
        out: dict[str, Any] = {}
        if system is not None:
            out["systemInstruction"] = {"role": "system", "parts": [{"text": system}]}
        contents = []
        for number, message in enumerate(rest, 2 if system is not None else 1):
            role = _ROLES.get(message["role"])
            if role is None:
                raise Refusal("roles", f"message {number} has role {message['role']!r}")
            if role == "model":
                check_weight(message, number, NAME, notes)
            contents.append({"role": role, "parts": parts(message.get("content"), number, NAME)})
        if not contents or contents[-1]["role"] != "model":
            raise Refusal("roles", f"the conversation does not end with an assistant turn; "
                                   f"{NAME} trains on a last `model` content")
        out["contents"] = contents
        return out


def parts(content: Any, number: int, target: str) -> list[dict[str, str]]:
    """Text parts, one per OpenAI text part (a string is one part)."""
    if isinstance(content, list):
        return [{"text": text_of([part], f"message {number}", target)} for part in content]
    return [{"text": text_of(content, f"message {number}", target)}]
