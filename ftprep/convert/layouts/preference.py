"""`preference`: chosen/rejected pairs to OpenAI preference (DPO) records.

Written: `{"input": {"messages": [...], "tools"?: [...]}, "preferred_output": [assistant],
"non_preferred_output": [assistant]}` (FORMATS.md section 2). Read:

- OpenAI: `input` + `preferred_output`/`non_preferred_output` (or the schema's
  `*_completion` names), normalised;
- TRL explicit prompt: `prompt` + `chosen` + `rejected`, as strings or message lists;
- LLaMA-Factory: ShareGPT `conversations` (or `messages`) + `chosen`/`rejected` turns, or Alpaca
  `instruction`/`input` + `chosen`/`rejected` strings; `system` and `tools` are kept;
- implicit prompt: only `chosen` and `rejected` (TRL; `chosen_messages`/`rejected_messages` in
  LLaMA-Factory v1), as full conversations whose shared beginning is the prompt, or as
  Anthropic HH strings (`\\n\\nHuman: ... \\n\\nAssistant: ...`).

OpenAI takes exactly one assistant message per output, so a pair whose answers run over several
turns is rejected, as is one whose answers are identical (it teaches nothing).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from ftprep.convert.layouts._base import Layout, RecordError, structured, text
from ftprep.convert.layouts._messages import MessageReader, tools
from ftprep.convert.layouts.alpaca import alpaca_prompt, history_turns
from ftprep.parsing import kind_of

_OPENAI_NAMES = (
    ("preferred_output", "non_preferred_output"),
    ("preferred_completion", "non_preferred_completion"),
)
_HH_TURN = re.compile(r"\n\n(Human|Assistant): ?")


def hh_messages(value: str, ptr: str) -> list[dict[str, Any]]:
    """Anthropic HH text (`\\n\\nHuman: q\\n\\nAssistant: a`) as messages."""
    parts = _HH_TURN.split("\n\n" + value.lstrip("\n"))
    if parts[0].strip() or len(parts) < 3:
        raise RecordError(
            f"{ptr} is text without Human:/Assistant: turns, so the prompt cannot be told apart"
        )
    return [
        {"role": "user" if speaker == "Human" else "assistant", "content": body.strip()}
        for speaker, body in zip(parts[1::2], parts[2::2], strict=True)
    ]


class Preference(Layout):
    name = "preference"
    kind = "preference"
    summary = "preference pairs: [prompt | conversations | instruction] + chosen + rejected"

    @classmethod
    def matches(cls, fields: Collection[str]) -> bool:
        if "chosen" in fields and "rejected" in fields:
            return True
        if "chosen_messages" in fields and "rejected_messages" in fields:
            return True
        return "input" in fields and any(a in fields and b in fields for a, b in _OPENAI_NAMES)

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        reader = MessageReader()
        declared = fields.get("tools")
        names = next(((a, b) for a, b in _OPENAI_NAMES if a in fields and b in fields), None)
        if names is not None and "input" in fields:
            given = structured(fields["input"])
            if not isinstance(given, dict):
                raise RecordError(f"input is {kind_of(given)}, not an object with messages")
            prompt = reader.messages(given.get("messages"), "/input/messages")
            chosen = reader.messages(fields[names[0]], f"/{names[0]}")
            rejected = reader.messages(fields[names[1]], f"/{names[1]}")
            declared = given.get("tools", declared)
        elif "chosen" in fields and "rejected" in fields:
            found = self._prompt(fields, reader)
            if found is None:
                prompt, chosen, rejected = self._implicit(
                    fields["chosen"], fields["rejected"], "chosen", "rejected", reader
                )
            else:
                prompt = found
                chosen = self._output(fields["chosen"], "/chosen", reader)
                rejected = self._output(fields["rejected"], "/rejected", reader)
        else:
            prompt, chosen, rejected = self._implicit(
                fields.get("chosen_messages"),
                fields.get("rejected_messages"),
                "chosen_messages",
                "rejected_messages",
                reader,
            )
        self._check(prompt, chosen, rejected)
        system = fields.get("system")
        if isinstance(system, str) and system.strip() and prompt[0]["role"] != "system":
            prompt.insert(0, {"role": "system", "content": system})
        record_input: dict[str, Any] = {"messages": self.with_system(prompt, fields)}
        found_tools = tools(declared, "/tools")
        if found_tools:
            record_input["tools"] = found_tools
        return {"input": record_input, "preferred_output": chosen, "non_preferred_output": rejected}

    @staticmethod
    def _prompt(fields: dict[str, Any], reader: MessageReader) -> list[dict[str, Any]] | None:
        if "prompt" in fields:
            prompt = structured(fields["prompt"])
            if isinstance(prompt, list):
                return reader.messages(prompt, "/prompt")
            return [{"role": "user", "content": text(prompt, "prompt")}]
        for key in ("conversations", "messages"):
            if key in fields:
                return reader.messages(fields[key], f"/{key}")
        if "instruction" in fields:
            return [
                *history_turns(fields.get("history")),
                {"role": "user", "content": alpaca_prompt(fields)},
            ]
        return None

    @staticmethod
    def _output(value: Any, ptr: str, reader: MessageReader) -> list[dict[str, Any]]:
        value = structured(value)
        if isinstance(value, dict):
            return [reader.message(value, ptr)]
        if isinstance(value, list):
            return reader.messages(value, ptr)
        return [{"role": "assistant", "content": text(value, ptr.lstrip("/"))}]

    @staticmethod
    def _implicit(
        chosen: Any, rejected: Any, chosen_key: str, rejected_key: str, reader: MessageReader
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """Split two full conversations into their shared prompt and the two answers."""
        chosen, rejected = structured(chosen), structured(rejected)
        if isinstance(chosen, str) and isinstance(rejected, str):
            full_chosen = hh_messages(chosen, chosen_key)
            full_rejected = hh_messages(rejected, rejected_key)
        else:
            full_chosen = reader.messages(chosen, f"/{chosen_key}")
            full_rejected = reader.messages(rejected, f"/{rejected_key}")
        shared = 0
        for a, b in zip(full_chosen, full_rejected, strict=False):
            if a != b:
                break
            shared += 1
        if shared == len(full_chosen) == len(full_rejected):
            raise RecordError(f"{chosen_key} and {rejected_key} are identical")
        return full_chosen[:shared], full_chosen[shared:], full_rejected[shared:]

    @staticmethod
    def _check(
        prompt: list[dict[str, Any]], chosen: list[dict[str, Any]], rejected: list[dict[str, Any]]
    ) -> None:
        if not prompt:
            raise RecordError(
                "the pair has no prompt (the two answers differ from the first message)"
            )
        if prompt[-1]["role"] == "assistant":
            raise RecordError(
                "the prompt ends with an assistant message; it must end with the user's turn"
            )
        for label, output in (("chosen", chosen), ("rejected", rejected)):
            if len(output) != 1 or output[0]["role"] != "assistant":
                roles = ", ".join(m["role"] for m in output) or "nothing"
                raise RecordError(
                    f"{label} answer is {roles}; a preference answer must be one assistant message"
                )
        if chosen == rejected:
            raise RecordError("chosen and rejected answers are identical")
