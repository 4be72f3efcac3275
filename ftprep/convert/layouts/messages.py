"""`messages`: OpenAI chat and Hugging Face/TRL conversational records, normalised.

`{"messages": [{"role": "user", ...}, ...], "tools": [...]}` (OpenAI fine-tuning, TRL
"conversational language modeling", LLaMA-Factory's `openai` style). Messages are normalised
(see `_messages.py`); legacy `functions` become `tools`; a KTO/TRL unpaired-preference record
whose boolean `label` (or `kto_tag`) is false is rejected, since it marks a reply not to learn.
Records with local images, videos or audio (LLaMA-Factory multimodal) are rejected: their files
are not in the output.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ftprep.convert.layouts._base import Layout, RecordError
from ftprep.convert.layouts._messages import MessageReader, tools

MEDIA_KEYS = ("images", "videos", "audios")


def check_label(fields: dict[str, Any]) -> None:
    """Reject records an unpaired-preference dataset marks as undesirable."""
    for key in ("label", "kto_tag"):
        if fields.get(key) is False:
            raise RecordError(f"record is labelled undesirable ({key} is false)")


def check_media(fields: dict[str, Any]) -> None:
    for key in MEDIA_KEYS:
        if fields.get(key):
            raise RecordError(f"/{key} lists local {key[:-1]} files, which chat JSONL cannot carry")


def chat_record(
    messages: list[dict[str, Any]], fields: dict[str, Any], reader: MessageReader | None = None
) -> dict[str, Any]:
    """`{"messages": ..., "tools": ...}` with the record's tools (or legacy functions)."""
    record: dict[str, Any] = {"messages": messages}
    declared = fields.get("tools")
    key = "tools"
    if declared is None and fields.get("functions") is not None:
        declared, key = fields["functions"], "functions"
    found = tools(declared, f"/{key}")
    if found:
        record["tools"] = found
    if isinstance(fields.get("parallel_tool_calls"), bool):
        record["parallel_tool_calls"] = fields["parallel_tool_calls"]
    return record


class Messages(Layout):
    name = "messages"
    summary = "OpenAI or Hugging Face chat: messages [+ tools]"

    @classmethod
    def matches(cls, fields: Collection[str]) -> bool:
        return "messages" in fields

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        check_label(fields)
        check_media(fields)
        messages = MessageReader().messages(fields.get("messages"), "/messages")
        system = fields.get("system")
        if isinstance(system, str) and system.strip() and messages[0]["role"] != "system":
            messages.insert(0, {"role": "system", "content": system})
        return chat_record(self.with_system(messages, fields), fields)
