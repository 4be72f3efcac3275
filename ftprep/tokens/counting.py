"""How a training record turns into tokens: the texts to count and the fixed overheads.

Chat examples are counted the way OpenAI's chat fine-tuning data-prep cookbook counts them:
3 tokens per message, plus the tokens of its role, content and other string fields, 1 more for
a `name`, and 3 per example for the reply priming. The cookbook encodes every value and so
breaks on non-strings; ftprep counts strings only and serialises tools and tool calls in a
fixed way (their exact billing is unpublished):

- each tool call: its `function.name` and `function.arguments` strings (and legacy
  `function_call` the same way);
- `tools` (and legacy `functions`): the compact JSON of the whole list, once per example;
- content parts: the `text` of text parts and the `refusal` of refusal parts; an image part
  by OpenAI's image formula for the model (ftprep/image_tokens.py) when its size is known, and
  otherwise not at all: the record then says how many images it left out and why.

Preference records count the input conversation (with priming) plus both outputs' messages;
prompt/completion records count the two strings with no overhead. Anything that should hold
text but does not (a number as content, a string as a content part, a message that is not an
object) is counted as `unreadable`, so no total claims to be exact when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from ftprep.model.record import PREFERENCE_OUTPUT_KEYS, TEXT_KEY, RecordFormat, TokenFacts
from ftprep.providers.profile import ImagePricing
from ftprep.tokens.images import part_tokens

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3


@dataclass(slots=True)
class CountPlan:
    """The strings of one record to count, split so content tokens can be told apart, and what
    is known without the tokenizer (overheads, images, what cannot be counted)."""

    content: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    overhead: int = 0
    messages: int = 0
    images: int = 0
    image_tokens: int = 0
    uncounted_images: dict[str, int] | None = None
    unreadable: int = 0

    def apply(self, tokens: TokenFacts, content: int, other: int, limit: int | None) -> None:
        """Fill a record's token facts once the plan's texts are counted."""
        tokens.content = content
        tokens.total = content + other + self.overhead + self.image_tokens
        tokens.limit = limit
        tokens.messages = self.messages
        tokens.images = self.images
        tokens.image_tokens = self.image_tokens
        tokens.uncounted_images = self.uncounted_images
        tokens.unreadable = self.unreadable


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
    return CountPlan([m["content"] for m in messages], names, overhead, len(messages))


def plan_for(
    data: dict[str, Any], fmt: RecordFormat, images: ImagePricing | None = None
) -> CountPlan:
    """What to count in any record; `images` is the model's image formula (None: unknown)."""
    plan = CountPlan()
    if fmt is RecordFormat.CHAT:
        _plan_conversation(plan, data.get("messages"), data, images)
    elif fmt is RecordFormat.PREFERENCE:
        source = data.get("input")
        if isinstance(source, dict):
            _plan_conversation(plan, source.get("messages"), source, images)
        else:
            plan.unreadable += 1
        for key in PREFERENCE_OUTPUT_KEYS:
            if key in data:
                _plan_messages(plan, data[key], images)
    elif fmt is RecordFormat.PROMPT_COMPLETION:
        for key in ("prompt", "completion"):
            value = data.get(key)
            if isinstance(value, str):
                plan.content.append(value)
            elif isinstance(value, list):  # content parts (Together's multimodal instruction)
                _plan_parts(plan, value, images)
            else:
                plan.unreadable += 1
    elif fmt is RecordFormat.TEXT:  # Together's "general" record: the text is all there is
        value = data.get(TEXT_KEY)
        if isinstance(value, str):
            plan.content.append(value)
        else:
            plan.unreadable += 1
    # A record of no known format has no training text to count (FT100 reports it); it is not
    # "unreadable", and the summary leaves it out of the token statistics.
    return plan


def _plan_conversation(
    plan: CountPlan, messages: Any, holder: dict[str, Any], images: ImagePricing | None
) -> None:
    if not isinstance(messages, list):
        plan.unreadable += 1
        return
    plan.overhead += REPLY_PRIMING
    _plan_messages(plan, messages, images)
    for key in ("tools", "functions"):
        value = holder.get(key)
        if isinstance(value, list) and value:
            plan.other.append(orjson.dumps(value).decode())


def _plan_messages(plan: CountPlan, messages: Any, images: ImagePricing | None) -> None:
    if not isinstance(messages, list):
        plan.unreadable += 1
        return
    plan.messages += len(messages)
    content, other = plan.content, plan.other
    for message in messages:
        if not isinstance(message, dict):
            plan.unreadable += 1
            continue
        plan.overhead += TOKENS_PER_MESSAGE
        for key, value in message.items():
            if key == "content":
                if isinstance(value, str):
                    content.append(value)
                elif isinstance(value, list):
                    _plan_parts(plan, value, images)
                elif value is not None:  # null: an assistant that only calls tools
                    plan.unreadable += 1
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


def _plan_parts(plan: CountPlan, parts: list[Any], images: ImagePricing | None) -> None:
    for part in parts:
        kind = part.get("type") if isinstance(part, dict) else None
        text = part.get(kind) if kind in ("text", "refusal") else None
        if isinstance(text, str):
            plan.content.append(text)
        elif kind == "image_url":
            plan.images += 1
            counted = part_tokens(part, images)
            if isinstance(counted, int):
                plan.image_tokens += counted
            else:
                uncounted = plan.uncounted_images = plan.uncounted_images or {}
                uncounted[counted.name] = uncounted.get(counted.name, 0) + 1
        else:
            plan.unreadable += 1


def _plan_function(other: list[str], function: Any) -> None:
    if not isinstance(function, dict):
        return
    for key in ("name", "arguments"):
        value = function.get(key)
        if isinstance(value, str):
            other.append(value)
