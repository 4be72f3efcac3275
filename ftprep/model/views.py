"""The texts of a training record that dataset rules compare: the whole example, its user or
assistant turns, the prompt and the final answer, the system prompt.

One definition for every consumer (fingerprints while linting, verification when re-reading,
`split` and `fix`), so a duplicate found by one is a duplicate for all. Views take the parsed
JSON object and never fail: values of the wrong type contribute no text.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import orjson

from ftprep.model.record import PREFERENCE_OUTPUT_KEYS, TEXT_KEY

Turns = list[tuple[str, str]]  # (role, text) in training order


class View(str, Enum):
    """Which text of an example counts when comparing examples."""

    EXAMPLE = "example"  # every turn with its role: the example as the model is trained on it
    USER = "user"  # the user turns (and a prompt): the same question asked twice
    ASSISTANT = "assistant"  # the assistant turns (and a completion): the same answer taught twice


def _content_text(content: Any) -> str:
    if type(content) is str:
        return content
    if type(content) is list:  # content parts: their text, and a marker for anything else
        texts = []
        for part in content:
            if type(part) is dict:
                text = part.get("text")
                if type(text) is str:
                    texts.append(text)
                elif "type" in part:
                    texts.append(f"[{part['type']}]")
        return "\n".join(texts)
    return ""


def message_text(message: Any) -> str:
    """A message's text: its content, and its tool calls as `name(arguments)`."""
    if type(message) is not dict:
        return ""
    text = _content_text(message.get("content"))
    calls = message.get("tool_calls")
    if type(calls) is list:
        shown = []
        for call in calls:
            function = call.get("function") if type(call) is dict else None
            if type(function) is dict:
                arguments = function.get("arguments")
                if type(arguments) is not str:
                    arguments = orjson.dumps(arguments, option=orjson.OPT_SORT_KEYS).decode()
                shown.append(f"{function.get('name')}({arguments})")
        if shown:
            text = "\n".join([text, *shown]) if text else "\n".join(shown)
    return text


def _role(message: Any) -> str:
    role = message.get("role") if type(message) is dict else None
    return role if type(role) is str else ""


def turns(data: dict[str, Any]) -> Turns:
    """The example as (role, text) pairs in training order, whatever its format.

    Chat: its messages. Preference: the input's messages, then the preferred output's.
    Prompt/completion: ("user", prompt), ("assistant", completion) (a prompt of content parts
    reads as a user message's would). Text: ("assistant", text), the text being what is learned.
    """
    messages = data.get("messages")
    if type(messages) is list:
        return [(_role(m), message_text(m)) for m in messages]
    if any(key in data for key in PREFERENCE_OUTPUT_KEYS):
        source = data.get("input")
        inputs = source.get("messages") if type(source) is dict else None
        out = [(_role(m), message_text(m)) for m in inputs] if type(inputs) is list else []
        preferred = data.get("preferred_output", data.get("preferred_completion"))
        if type(preferred) is list:
            out += [(_role(m) or "assistant", message_text(m)) for m in preferred]
        elif type(preferred) is str:
            out.append(("assistant", preferred))
        return out
    if TEXT_KEY in data and not ("prompt" in data and "completion" in data):
        text = data[TEXT_KEY]  # a text record: all of it is trained on, as an answer is
        return [("assistant", text if type(text) is str else "")]
    prompt, completion = data.get("prompt"), data.get("completion")
    return [("user", _content_text(prompt)), ("assistant", _content_text(completion))]


def view_text(data: dict[str, Any], view: View) -> str:
    """The text of one view; turns are joined with newlines, roles kept in the whole example."""
    return view_of(turns(data), view)


def view_of(pairs: Turns, view: View) -> str:
    """`view_text` of an example's `turns`, for callers that need several of its texts."""
    if view is View.EXAMPLE:
        return "\n".join(f"{role}: {text}" for role, text in pairs)
    wanted = "user" if view is View.USER else "assistant"
    return "\n".join(text for role, text in pairs if role == wanted)


def prompt_and_answer(data: dict[str, Any]) -> tuple[str, str] | None:
    """Everything before the final assistant turn, and that turn; None without one."""
    return prompt_and_answer_of(turns(data))


def final_turn(pairs: Turns) -> int | None:
    """The index of the final assistant turn, when some turn comes before it."""
    last = next((i for i in range(len(pairs) - 1, -1, -1) if pairs[i][0] == "assistant"), None)
    return None if last is None or last == 0 else last


def prompt_and_answer_of(pairs: Turns) -> tuple[str, str] | None:
    """`prompt_and_answer` of an example's `turns`."""
    last = final_turn(pairs)
    if last is None:
        return None
    prompt = "\n".join(f"{role}: {text}" for role, text in pairs[:last])
    return prompt, pairs[last][1]


def system_prompt(data: dict[str, Any]) -> str | None:
    """The text of the example's leading system (or developer) message; None without one."""
    return system_prompt_of(turns(data))


def system_prompt_of(pairs: Turns) -> str | None:
    """`system_prompt` of an example's `turns`."""
    if pairs and pairs[0][0] in ("system", "developer"):
        return pairs[0][1]
    return None


def final_answer(data: dict[str, Any]) -> str | None:
    """The final assistant turn's text, as written (labels keep their spelling)."""
    pairs = turns(data)
    last = final_turn(pairs)
    return pairs[last][1] if last is not None else None
