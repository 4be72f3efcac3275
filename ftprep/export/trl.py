"""Hugging Face TRL (huggingface.co/docs/trl/dataset_formats; FORMATS.md §7.1).

- chat -> conversational language modeling: `{"messages": [...], "tools": [...]}` (SFTTrainer
  passes `tools` to the chat template);
- prompt/completion -> standard prompt-completion `{"prompt": str, "completion": str}`, trained
  on the completion only (SFTTrainer's completion_only_loss);
- preference -> conversational preference with an explicit prompt:
  `{"prompt": [messages], "chosen": [assistant], "rejected": [assistant]}` (DPOTrainer);
- text -> standard language modeling `{"text": str}`.
TRL has no per-message weight: weight 0 is refused, weight 1 removed (noted).

Vision (dataset_formats.md "Vision datasets"; SFTTrainer's DataCollatorForVisionLanguageModeling):
a chat file with images gets an `images` column on every row (`[]` on text-only rows: the
collator reads `example["images"]` of each row and takes the dataset as vision from its first
row) and list content with a `{"type": "image"}` placeholder where each image was, filled from
`images` in order. An image is its URL, or the path of its decoded file (see `images`).
Preference records with images are refused (TRL's vision preference layout is not written).
"""

from __future__ import annotations

from typing import Any

from ftprep.export.base import (
    CHAT,
    PREFERENCE,
    PROMPT_COMPLETION,
    TEXT,
    Notes,
    Refusal,
    messages_of,
    other_keys,
    preference_parts,
    text_record,
)
from ftprep.export.hf import hf_message, hf_messages, hf_tools
from ftprep.export.images import Image, image_file
from ftprep.model.record import CHAT_KEYS, PREFERENCE_KEYS

NAME = "TRL"
FAMILIES = {CHAT: "messages", PROMPT_COMPLETION: "prompt-completion", PREFERENCE: "preference",
            TEXT: "text"}
# The columns each layout has, for the summary and the `datasets` check.
COLUMNS = {"messages": ("messages",), "prompt-completion": ("prompt", "completion"),
           "preference": ("prompt", "chosen", "rejected"), "text": ("text",)}


class TrlTarget:
    name = "trl"

    def family(self, kind: str) -> str | None:
        return FAMILIES.get(kind)

    def convert(self, kind: str, data: dict[str, Any], notes: Notes) -> dict[str, Any]:
        if kind == CHAT:
            other_keys(data, CHAT_KEYS, notes)
            out: dict[str, Any] = {
                "messages": hf_messages(messages_of(data), NAME, notes, image=_image)}
            hf_tools(data, out, notes)
            if notes.vision:
                out["images"] = notes.images
            return out
        if kind == PREFERENCE:
            return preference(data, notes, NAME)
        if kind == PROMPT_COMPLETION:
            return prompt_completion(data, notes)
        return text_record(data, notes)


def _image(image: Image, notes: Notes) -> dict[str, Any]:
    """TRL's placeholder; the image goes to the row's `images` column, in order."""
    if image.url is not None:
        notes.images.append(image.url)
        notes.image_counts["url"] += 1
    else:
        notes.images.append(image_file(image, notes))
    return {"type": "image"}


def prompt_completion(data: dict[str, Any], notes: Notes) -> dict[str, Any]:
    prompt, completion = data.get("prompt"), data.get("completion")
    if not isinstance(prompt, str) or not isinstance(completion, str):
        raise Refusal("invalid", "prompt and completion are not both strings")
    other_keys(data, {"prompt", "completion"}, notes)
    return {"prompt": prompt, "completion": completion}


def preference(data: dict[str, Any], notes: Notes, target: str) -> dict[str, Any]:
    """TRL's conversational preference row; Axolotl's chat_template.default reuses the parts."""
    source, chosen, rejected = preference_parts(data)
    other_keys(data, PREFERENCE_KEYS, notes)
    prompt = hf_messages(messages_of(source), target, notes)
    if prompt[-1]["role"] == "assistant":
        raise Refusal("roles", "the input ends with an assistant message; the prompt must end "
                               "before the answer")
    n = len(prompt) + 1
    out: dict[str, Any] = {"prompt": prompt, "chosen": [hf_message(chosen, n, target, notes)],
                           "rejected": [hf_message(rejected, n, target, notes)]}
    hf_tools(source, out, notes)
    other_keys(source, CHAT_KEYS, notes)
    return out
