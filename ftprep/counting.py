"""How a training record turns into tokens: the texts to count and the fixed overheads.

Chat examples are counted the way OpenAI's chat fine-tuning data-prep cookbook counts them:
3 tokens per message, plus the tokens of its role, content and other string fields, 1 more for
a `name`, and 3 per example for the reply priming. The cookbook encodes every value and so
breaks on non-strings; ftprep counts strings only and serialises tools and tool calls in a
fixed way (their exact billing is unpublished):

- each tool call: its `function.name` and `function.arguments` strings (and legacy
  `function_call` the same way);
- `tools` (and legacy `functions`): the compact JSON of the whole list, once per example;
- content parts: the `text` of text parts; images are not counted (their cost is not tokens
  of text).

Preference records count the input conversation (with priming) plus both outputs' messages;
prompt/completion records count the two strings with no overhead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from ftprep.registry import RecordFormat

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3


@dataclass(slots=True)
class CountPlan:
    """The strings of one record to count, split so content tokens can be told apart."""

    content: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    overhead: int = 0


def plan_plain(messages: list[dict[str, Any]], role_tokens: dict[str, int]) -> CountPlan:
    """The same plan as `plan_for`, for a record known to be plain (`Record.plain_shape`).

    Plain messages hold only role, content, name and weight, with string roles from a small
    set, so roles come from `role_tokens` (counted once per run) instead of the tokenizer.
    """
    overhead = REPLY_PRIMING + TOKENS_PER_MESSAGE * len(messages)
    names = [m["name"] for m in messages if "name" in m]
    overhead += len(names) * TOKENS_PER_NAME
    for message in messages:
        overhead += role_tokens[message["role"]]
    return CountPlan([m["content"] for m in messages], names, overhead)


def plan_for(data: dict[str, Any], fmt: RecordFormat) -> CountPlan:
    plan = CountPlan()
    if fmt is RecordFormat.CHAT:
        _plan_conversation(plan, data.get("messages"), data)
    elif fmt is RecordFormat.PREFERENCE:
        source = data.get("input")
        if isinstance(source, dict):
            _plan_conversation(plan, source.get("messages"), source)
        for key in ("preferred_output", "non_preferred_output", "preferred_completion",
                    "non_preferred_completion"):
            _plan_messages(plan, data.get(key))
    elif fmt is RecordFormat.PROMPT_COMPLETION:
        for key in ("prompt", "completion"):
            value = data.get(key)
            if isinstance(value, str):
                plan.content.append(value)
    return plan


def _plan_conversation(plan: CountPlan, messages: Any, holder: dict[str, Any]) -> None:
    if not isinstance(messages, list):
        return
    plan.overhead += REPLY_PRIMING
    _plan_messages(plan, messages)
    for key in ("tools", "functions"):
        value = holder.get(key)
        if isinstance(value, list) and value:
            plan.other.append(orjson.dumps(value).decode())


def _plan_messages(plan: CountPlan, messages: Any) -> None:
    if not isinstance(messages, list):
        return
    content, other = plan.content, plan.other
    for message in messages:
        if not isinstance(message, dict):
            continue
        plan.overhead += TOKENS_PER_MESSAGE
        for key, value in message.items():
            if key == "content":
                if isinstance(value, str):
                    content.append(value)
                elif isinstance(value, list):
                    content.extend(_part_texts(value))
            elif key == "tool_calls":
                if isinstance(value, list):
                    for call in value:
                        _plan_function(other, call.get("function") if isinstance(call, dict) else None)
            elif key == "function_call":
                _plan_function(other, value)
            elif isinstance(value, str):
                other.append(value)
                if key == "name":
                    plan.overhead += TOKENS_PER_NAME


def _part_texts(parts: list[Any]) -> list[str]:
    return [
        part["text"]
        for part in parts
        if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
    ]


def _plan_function(other: list[str], function: Any) -> None:
    if not isinstance(function, dict):
        return
    for key in ("name", "arguments"):
        value = function.get(key)
        if isinstance(value, str):
            other.append(value)
