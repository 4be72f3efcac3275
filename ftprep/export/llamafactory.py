"""LLaMA-Factory (hiyouga/LLaMA-Factory data/README.md, data/dataset_info.json; FORMATS.md §7.3).

- chat -> sharegpt: `{"conversations": [{"from": "human"|"gpt"|"function_call"|"observation",
  "value": str}], "system": str, "tools": str}`, human/observation at odd positions and
  gpt/function_call at even ones (LLaMA-Factory drops a row that breaks this, so ftprep refuses
  it); a tool call is `{"name", "arguments": object}` as JSON text (a list for several), `tools`
  the JSON text of the function list (the glaive_toolcall demo's shape);
- preference -> sharegpt with `"ranking": true`: the prompt in `conversations` (ending with a
  human turn), `chosen`/`rejected` one gpt message each;
- prompt/completion -> alpaca `{"instruction", "input": "", "output"}`;
- text -> pre-training `{"text"}` (`columns: {"prompt": "text"}`).
Every output gets a `dataset_info.json` entry, merged into the one in the output's folder.

Vision (data/README.md "Multimodal Image Dataset"; sharegpt, with or without ranking): an
`images` column of paths and one `<image>` token per image, where the image part was (parts are
joined one per line), with `columns.images` in the entry. LLaMA-Factory opens each path as a
local file (relative ones from `media_dir`, by default the dataset folder), so a data URL is
decoded to `OUT.images/` and an http(s) URL is refused with reason `image-url` (download it
first). In a file with images, a text holding a literal `<image>` is refused (`image-token`):
LLaMA-Factory would count it as an image.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from ftprep.export.base import (
    CHAT,
    PREFERENCE,
    PROMPT_COMPLETION,
    TEXT,
    Notes,
    Refusal,
    check_weight,
    messages_of,
    other_keys,
    preference_parts,
    record_tools,
    split_system,
    text_of,
    text_record,
    tool_call_arguments,
)
from ftprep.export.images import Image, content_parts, image_file
from ftprep.model.errors import FtprepError
from ftprep.model.record import CHAT_KEYS, PREFERENCE_KEYS
from ftprep.writers import atomic_text

NAME = "LLaMA-Factory"
FAMILIES = {CHAT: "sharegpt", PREFERENCE: "sharegpt-ranking", PROMPT_COMPLETION: "alpaca",
            TEXT: "pretraining"}
# sharegpt's tags, LLaMA-Factory's defaults written out so the entry says what the rows hold.
TAGS = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
        "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}
_ODD, _EVEN = ("human", "observation"), ("gpt", "function_call")
IMAGE_TOKEN = "<image>"


class LlamaFactoryTarget:
    name = "llamafactory"

    def family(self, kind: str) -> str | None:
        return FAMILIES.get(kind)

    def convert(self, kind: str, data: dict[str, Any], notes: Notes) -> dict[str, Any]:
        if kind == CHAT:
            other_keys(data, CHAT_KEYS, notes)
            out = _sharegpt(data, messages_of(data), notes)
            if len(out["conversations"]) % 2:
                raise Refusal("roles", "the conversation ends with a user or tool turn; "
                                       f"{NAME} needs it to end with an assistant turn")
            return out
        if kind == PREFERENCE:
            source, chosen, rejected = preference_parts(data)
            other_keys(data, PREFERENCE_KEYS, notes)
            other_keys(source, CHAT_KEYS, notes)
            out = _sharegpt(source, messages_of(source), notes)
            if len(out["conversations"]) % 2 == 0:
                raise Refusal("roles", "the input ends with an assistant turn; the prompt must "
                                       "end with a user turn")
            n = len(messages_of(source)) + 1
            out["chosen"] = {"from": "gpt", "value": _answer(chosen, n, notes)}
            out["rejected"] = {"from": "gpt", "value": _answer(rejected, n, notes)}
            return _ordered(out)
        if kind == PROMPT_COMPLETION:
            prompt, completion = data.get("prompt"), data.get("completion")
            if not isinstance(prompt, str) or not isinstance(completion, str):
                raise Refusal("invalid", "prompt and completion are not both strings")
            other_keys(data, {"prompt", "completion"}, notes)
            return {"instruction": prompt, "input": "", "output": completion}
        return text_record(data, notes)


def _answer(message: dict[str, Any], number: int, notes: Notes) -> str:
    check_weight(message, number, NAME, notes)
    if message.get("tool_calls"):
        raise Refusal("tools", f"message {number}: a preference answer with tool calls")
    return text_of(message.get("content"), f"message {number}", NAME)


def _sharegpt(holder: dict[str, Any], messages: list[dict[str, Any]], notes: Notes) -> dict[str, Any]:
    system, rest = split_system(messages, NAME)
    first = 2 if system is not None else 1
    turns: list[dict[str, str]] = []
    for number, message in enumerate(rest, first):
        tag = _tag(message, number, notes)
        position = len(turns) + 1
        if tag not in (_ODD if position % 2 else _EVEN):
            raise Refusal("roles", f"message {number} ({message['role']}) is at position "
                                   f"{position}: {NAME} needs human/observation at odd positions "
                                   "and gpt/function_call at even ones")
        turns.append({"from": tag, "value": _value(tag, message, number, notes)})
    out: dict[str, Any] = {"conversations": turns}
    if notes.images:
        out["images"] = notes.images
    if system is not None:
        out["system"] = system
        notes.used.add("system")
    tools = record_tools(holder, notes, f"{NAME} does not read it")
    if tools:
        out["tools"] = json.dumps([_function(tool) for tool in tools], ensure_ascii=False)
    return out


def _ordered(out: dict[str, Any]) -> dict[str, Any]:
    """conversations, chosen, rejected, images, then system and tools: the README's order."""
    order = ("conversations", "chosen", "rejected", "images", "system", "tools")
    return {key: out[key] for key in order if key in out}


def _tag(message: dict[str, Any], number: int, notes: Notes) -> str:
    role = message["role"]
    if role == "user":
        return "human"
    if role == "tool":
        return "observation"
    if role == "assistant":
        check_weight(message, number, NAME, notes)
        if message.get("tool_calls"):
            if message.get("content"):
                raise Refusal("tools", f"message {number} has both text and tool calls; a "
                                       f"{NAME} function_call turn holds only the calls")
            return "function_call"
        return "gpt"
    raise Refusal("roles" if role != "function" else "tools",
                  f"message {number} has role {role!r}, which {NAME}'s sharegpt has no tag for")


def _value(tag: str, message: dict[str, Any], number: int, notes: Notes) -> str:
    if tag == "function_call":
        calls = message["tool_calls"]
        if type(calls) is not list:
            raise Refusal("invalid", f"message {number}: tool_calls is not a list")
        decoded = [dict(zip(("name", "arguments"), tool_call_arguments(call, number), strict=True))
                   for call in calls]
        return json.dumps(decoded[0] if len(decoded) == 1 else decoded, ensure_ascii=False)
    content = message.get("content")
    if isinstance(content, list) and len(content) > 1:
        notes.add("text parts joined into one string, one per line")
    texts = []
    for part in content_parts(content, message["role"], f"message {number}", NAME, notes):
        if isinstance(part, Image):
            texts.append(_image(part, number, notes))
        elif notes.vision and IMAGE_TOKEN in part:
            raise Refusal("image-token", f"message {number} holds the text {IMAGE_TOKEN!r}, which "
                                         f"{NAME} reads as an image placeholder")
        else:
            texts.append(part)
    return "\n".join(texts)


def _image(image: Image, number: int, notes: Notes) -> str:
    """The decoded image's path to the row's `images`, its token to the text."""
    if image.url is not None:
        raise Refusal("image-url", f"message {number} has an image by URL ({image.url[:60]}); "
                                   f"{NAME} opens images as local files: download it first")
    notes.images.append(image_file(image, notes))
    notes.used.add("images")
    return IMAGE_TOKEN


def _function(tool: Any) -> Any:
    """`{"type": "function", "function": {...}}` -> the function object (the demo's shape)."""
    if type(tool) is dict and tool.get("type") == "function" and type(tool.get("function")) is dict:
        return tool["function"]
    return tool


def dataset_entry(family: str, file_name: str, used: set[str]) -> dict[str, Any]:
    """The `dataset_info.json` entry for one output file, as data/README.md documents it."""
    entry: dict[str, Any] = {"file_name": file_name}
    if family == "alpaca":
        entry["formatting"] = "alpaca"
        entry["columns"] = {"prompt": "instruction", "query": "input", "response": "output"}
        return entry
    if family == "pretraining":
        entry["columns"] = {"prompt": "text"}
        return entry
    entry["formatting"] = "sharegpt"
    columns = {"messages": "conversations"}
    if family == "sharegpt-ranking":
        entry["ranking"] = True
        columns |= {"chosen": "chosen", "rejected": "rejected"}
    for column in ("system", "tools", "images"):
        if column in used:
            columns[column] = column
    entry["columns"] = columns
    entry["tags"] = dict(TAGS)
    return entry


def read_dataset_info(path: Path, files: dict[str, str]) -> dict[str, Any]:
    """The dataset_info.json at `path` ({} when there is none), checked before anything is
    written: `files` maps each entry name to add to its file name, and an entry of the same name
    for another file is not replaced (that is someone else's dataset)."""
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            existing = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as error:
            raise FtprepError(f"{path}: cannot read it as JSON ({error}); nothing was written",
                              "repair it, or export to another folder") from None
        if type(existing) is not dict:
            raise FtprepError(f"{path}: is not a JSON object; nothing was written")
    for name, file_name in files.items():
        old = existing.get(name)
        if type(old) is dict and old.get("file_name") not in (None, file_name):
            raise FtprepError(
                f"{path}: already has a dataset named {name!r} for {old.get('file_name')}; "
                "nothing was written",
                "choose another name with --name",
            )
    return existing


def write_dataset_info(path: Path, existing: dict[str, Any], entries: dict[str, dict[str, Any]]) -> None:
    """Add or replace our entries, keep every other one as it was (same order), atomically."""
    merged = {**existing, **entries}
    with atomic_text(path) as stream:
        stream.write(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
