"""`sharegpt`: `conversations` of `{from, value}` turns, as LLaMA-Factory and FastChat write them.

Speakers: human -> user, gpt -> assistant, system -> system, function_call -> an assistant tool
call (its value is the JSON `{"name", "arguments"}`, or a list of them), observation -> the tool
result answering the oldest unanswered call. A top-level `system` string becomes the system
message and `tools` (a JSON string in LLaMA-Factory files) becomes OpenAI `tools`. Any other
speaker (e.g. `CHARACTER` in role-play sets) rejects the record with the speaker named.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ftprep.convert.layouts._base import Layout
from ftprep.convert.layouts._messages import MessageReader
from ftprep.convert.layouts.messages import chat_record, check_label, check_media


class ShareGPT(Layout):
    name = "sharegpt"
    summary = "ShareGPT: conversations of {from, value} [+ system, tools]"

    @classmethod
    def matches(cls, fields: Collection[str]) -> bool:
        return "conversations" in fields

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        check_label(fields)
        check_media(fields)
        messages = MessageReader().messages(fields.get("conversations"), "/conversations")
        system = fields.get("system")
        if isinstance(system, str) and system.strip() and messages[0]["role"] != "system":
            messages.insert(0, {"role": "system", "content": system})
        return chat_record(self.with_system(messages, fields), fields)
