"""`alpaca`: instruction / input / output, with optional system and history (LLaMA-Factory).

The user turn is the instruction, then a newline and the input when there is one (LLaMA-Factory
joins them so; FORMATS.md 7.3); `history` is a list of `[question, answer]` pairs that come
before it as earlier turns, and `system` becomes the system message.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ftprep.convert.layouts._base import Layout, RecordError, structured, text
from ftprep.parsing import kind_of


def alpaca_prompt(fields: dict[str, Any]) -> str:
    """instruction + "\\n" + input, or whichever of the two is present."""
    instruction = text(fields.get("instruction"), "instruction", required=False)
    extra = text(fields.get("input"), "input", required=False)
    prompt = (
        f"{instruction}\n{extra}" if instruction.strip() and extra.strip() else instruction + extra
    )
    if not prompt.strip():
        raise RecordError("instruction and input are both empty")
    return prompt


def history_turns(value: Any) -> list[dict[str, Any]]:
    value = structured(value)
    if value is None or value == "" or value == []:
        return []
    if not isinstance(value, list):
        raise RecordError(f"history is {kind_of(value)}, not a list of [question, answer] pairs")
    turns: list[dict[str, Any]] = []
    for i, pair in enumerate(value):
        if not isinstance(pair, list) or len(pair) != 2:
            raise RecordError(f"history/{i} is not a [question, answer] pair")
        turns.append({"role": "user", "content": text(pair[0], f"history/{i}/0")})
        turns.append({"role": "assistant", "content": text(pair[1], f"history/{i}/1")})
    return turns


class Alpaca(Layout):
    name = "alpaca"
    summary = "Alpaca: instruction, input, output [+ system, history]"

    @classmethod
    def matches(cls, fields: Collection[str]) -> bool:
        return "instruction" in fields and "output" in fields

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        messages: list[dict[str, Any]] = []
        system = text(fields.get("system"), "system", required=False)
        if system.strip():
            messages.append({"role": "system", "content": system})
        messages.extend(history_turns(fields.get("history")))
        messages.append({"role": "user", "content": alpaca_prompt(fields)})
        messages.append({"role": "assistant", "content": text(fields.get("output"), "output")})
        return {"messages": self.with_system(messages, fields)}
