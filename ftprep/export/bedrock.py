"""Amazon Bedrock fine-tuning JSONL (FORMATS.md §6.5), chosen by the `--model` family.

- Amazon Nova (`amazon.nova-*`, and the default without --model):
  `{"schemaVersion": "bedrock-conversation-2024", "system": [{"text"}], "messages": [{"role":
  "user"|"assistant", "content": [{"text"}]}]}`; first turn user, last assistant, alternating;
  a record holding `User:`, `Bot:`, `Assistant:`, `System:`, `<image>`, `<video>` or `[EOS]`
  makes the job fail, so it is refused (docs.aws.amazon.com/nova/latest/userguide/
  fine-tune-prepare-data-understanding.html);
- Anthropic Claude 3 Haiku (`anthropic.claude-*`): `{"system": str, "messages": [{"role",
  "content": str}]}`, at least two messages, first user, last assistant, alternating
  (platform.claude.com/cookbook/finetuning-finetuning-on-bedrock);
- other text models (Titan, Llama, Cohere): `{"prompt", "completion"}`; a chat record becomes one
  only when it is a single user turn and answer without a system prompt
  (docs.aws.amazon.com/bedrock/latest/userguide/preparing-text-data.html).
Refused everywhere: tool calls, images, weight 0, preference and plain-text records.
"""

from __future__ import annotations

from typing import Any

from ftprep.export.base import (
    CHAT,
    PROMPT_COMPLETION,
    Notes,
    Refusal,
    alternate,
    check_weight,
    messages_of,
    other_keys,
    refuse_tools,
    split_system,
    text_of,
)
from ftprep.export.vertex import parts
from ftprep.model.record import CHAT_KEYS

NAME = "Bedrock"
NOVA, CLAUDE, TEXT_MODELS = "nova", "claude", "prompt-completion"
SCHEMA_VERSION = "bedrock-conversation-2024"
NOVA_FORBIDDEN = ("User:", "Bot:", "Assistant:", "System:", "<image>", "<video>", "[EOS]")
SCHEMAS = {
    NOVA: f"Nova conversation ({SCHEMA_VERSION})",
    CLAUDE: "Claude 3 Haiku messages",
    TEXT_MODELS: "prompt/completion (Titan, Llama, Cohere text models)",
}


def schema_for(model: str | None) -> str:
    """Which Bedrock schema a model takes: by its id's provider and family."""
    if model is None:
        return NOVA
    name = model.lower().split(":")[0]
    name = name.split(".", 1)[1] if name.split(".", 1)[0] in ("us", "eu", "apac", "global") else name
    if name.startswith("anthropic."):
        return CLAUDE
    if "nova" in name:
        return NOVA
    return TEXT_MODELS


class BedrockTarget:
    name = "bedrock"

    def __init__(self, model: str | None) -> None:
        self.schema = schema_for(model)

    def family(self, kind: str) -> str | None:
        return self.schema if kind in (CHAT, PROMPT_COMPLETION) else None

    def convert(self, kind: str, data: dict[str, Any], notes: Notes) -> dict[str, Any]:
        if kind == PROMPT_COMPLETION:
            prompt, completion = data.get("prompt"), data.get("completion")
            if not isinstance(prompt, str) or not isinstance(completion, str):
                raise Refusal("invalid", "prompt and completion are not both strings")
            other_keys(data, {"prompt", "completion"}, notes)
            if self.schema == TEXT_MODELS:
                return {"prompt": prompt, "completion": completion}
            data = {"messages": [{"role": "user", "content": prompt},
                                 {"role": "assistant", "content": completion}]}
        else:
            other_keys(data, CHAT_KEYS, notes)
        messages = messages_of(data)
        refuse_tools(data, messages, NAME)
        system, rest = split_system(messages, NAME)
        first = 2 if system is not None else 1
        alternate([m["role"] for m in rest], "user", "assistant", NAME, last="assistant")
        for number, message in enumerate(rest, first):
            if message["role"] == "assistant":
                check_weight(message, number, NAME, notes)
        if self.schema == NOVA:
            return _nova(system, rest, first)
        texts = [text_of(m.get("content"), f"message {n}", NAME) for n, m in enumerate(rest, first)]
        if self.schema == CLAUDE:
            out: dict[str, Any] = {}
            if system is not None:
                out["system"] = system
            out["messages"] = [{"role": m["role"], "content": text}
                               for m, text in zip(rest, texts, strict=True)]
            return out
        if system is not None or len(rest) != 2:
            raise Refusal("shape", "a multi-turn or system-prompted conversation cannot be one "
                                   "prompt/completion pair; use a Nova or Claude model")
        return {"prompt": texts[0], "completion": texts[1]}


def _nova(system: str | None, rest: list[dict[str, Any]], first: int) -> dict[str, Any]:
    out: dict[str, Any] = {"schemaVersion": SCHEMA_VERSION}
    if system is not None:
        _forbidden(system, "the system prompt")
        out["system"] = [{"text": system}]
    messages = []
    for number, message in enumerate(rest, first):
        content = parts(message.get("content"), number, NAME)
        for part in content:
            _forbidden(part["text"], f"message {number}")
        messages.append({"role": message["role"], "content": content})
    out["messages"] = messages
    return out


def _forbidden(text: str, where: str) -> None:
    for marker in NOVA_FORBIDDEN:
        if marker in text:
            raise Refusal("forbidden-text", f"{where} contains {marker!r}, which makes a Nova "
                                            "fine-tuning job fail")
