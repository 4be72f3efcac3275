"""Axolotl (axolotl-ai-cloud/axolotl docs/dataset-formats/*.qmd, docs/rlhf.qmd; FORMATS.md §7.2).

- chat -> `type: chat_template` rows `{"messages": [{"role", "content", ...}], "tools": [...]}`
  with `field_messages: messages`, `message_property_mappings: {role: role, content: content}`,
  `field_tools: tools`; a message's `weight` becomes the documented per-message flag
  `"train": true|false` (`message_field_training: train`), so nothing is lost;
- preference -> `rl: dpo` with `type: chat_template.default`:
  `{"messages": [prompt], "chosen": {assistant}, "rejected": {assistant}}`;
- prompt/completion -> `type: input_output` (template-free) segments, the prompt masked
  (`label: false`) and the completion trained, the texts concatenated exactly as written;
- text -> `type: completion` rows `{"text": ...}`.
The `datasets:` snippet goes to `OUT.axolotl.yaml`.

Vision (docs/multimodal.qmd "Dataset Format"): a chat file with images gets list content, text
parts as written and each image inline as `{"type": "image", "url": ...}` (an http(s) URL) or
`{"type": "image", "base64": ...}` (a data URL's payload): both documented, so no file is written.
The snippet then adds the settings that page lists (`processor_type: AutoProcessor`,
`skip_prepare_dataset`, `remove_unused_columns: false`, `sample_packing: false`).
"""

from __future__ import annotations

import json
from typing import Any

from ftprep.export.base import (
    CHAT,
    PREFERENCE,
    PROMPT_COMPLETION,
    TEXT,
    Notes,
    messages_of,
    other_keys,
    text_record,
)
from ftprep.export.hf import hf_messages, hf_tools
from ftprep.export.images import Image
from ftprep.export.trl import preference, prompt_completion
from ftprep.model.record import CHAT_KEYS

NAME = "Axolotl"
TRAIN_KEY = "train"
FAMILIES = {CHAT: "chat_template", PREFERENCE: "chat_template.default",
            PROMPT_COMPLETION: "input_output", TEXT: "completion"}


class AxolotlTarget:
    name = "axolotl"

    def family(self, kind: str) -> str | None:
        return FAMILIES.get(kind)

    def convert(self, kind: str, data: dict[str, Any], notes: Notes) -> dict[str, Any]:
        if kind == CHAT:
            other_keys(data, CHAT_KEYS, notes)
            out: dict[str, Any] = {
                "messages": hf_messages(messages_of(data), NAME, notes, train_key=TRAIN_KEY,
                                        image=_image)}
            hf_tools(data, out, notes)
            return out
        if kind == PREFERENCE:
            row = preference(data, notes, NAME)
            out = {"messages": row["prompt"], "chosen": row["chosen"][0],
                   "rejected": row["rejected"][0]}
            if "tools" in row:
                out["tools"] = row["tools"]
            return out
        if kind == PROMPT_COMPLETION:
            row = prompt_completion(data, notes)
            return {"segments": [{"label": False, "text": row["prompt"]},
                                 {"label": True, "text": row["completion"]}]}
        return text_record(data, notes)


def _image(image: Image, notes: Notes) -> dict[str, Any]:
    """The image inline, by the key multimodal.qmd documents for it."""
    if image.url is not None:
        notes.image_counts["url"] += 1
        return {"type": "image", "url": image.url}
    notes.image_counts["base64"] += 1
    return {"type": "image", "base64": image.b64}


def snippet(family: str, train: str, validation: str | None, used: set[str],
            model: str | None) -> str:
    """The `datasets:` block (and what it needs) for Axolotl's config.yml, as YAML text.

    Paths are the output files' names: relative to the folder axolotl runs in."""
    lines = [
        "# Axolotl dataset config written by `ftprep export --to axolotl`: merge into your",
        "# config.yml. Paths are relative to the directory you run `axolotl train` from.",
    ]
    if model:
        lines.append(f"base_model: {_quote(model)}")
    if family == "chat_template.default":
        lines.append("rl: dpo")
    if "images" in used:
        lines += ["# vision (docs/multimodal.qmd): also set chat_template for your model there",
                  "processor_type: AutoProcessor", "skip_prepare_dataset: true",
                  "remove_unused_columns: false", "sample_packing: false"]
    if family == "input_output":
        lines += ["train_on_inputs: false  # the prompt segments are masked (label: false)",
                  "# input_output adds no BOS/EOS: add them to the texts if your model needs them"]
    lines.append("datasets:")
    lines += _entry(family, train, used, split=family == "chat_template.default")
    if validation is not None:
        lines.append("test_datasets:")
        lines += _entry(family, validation, used, split=True)
        lines.append("val_set_size: 0  # the validation file above is the evaluation set")
    return "\n".join(lines) + "\n"


def _entry(family: str, path: str, used: set[str], split: bool) -> list[str]:
    lines = [f"  - path: {_quote(path)}", "    ds_type: json"]
    if split:
        lines.append("    split: train")
    lines.append(f"    type: {family}")
    if family in ("chat_template", "chat_template.default"):
        lines += ["    field_messages: messages",
                  "    message_property_mappings:", "      role: role", "      content: content"]
        # Axolotl keeps only the mapped message properties: map the tool ones when used.
        lines += [f"      {key}: {key}" for key in ("name", "tool_calls", "tool_call_id")
                  if key in used]
    if family == "chat_template":
        if "tools" in used:
            lines.append("    field_tools: tools")
        lines += ["    roles_to_train: [\"assistant\"]", "    train_on_eos: turn"]
        if TRAIN_KEY in used:
            lines.append(f"    message_field_training: {TRAIN_KEY}  # from each message's weight")
    if family == "chat_template.default":
        lines += ["    field_chosen: chosen", "    field_rejected: rejected",
                  "    roles:", "      user: [\"user\"]", "      assistant: [\"assistant\"]",
                  "      system: [\"system\"]"]
    if family == "completion":
        lines.append("    field: text")
    return lines


def _quote(value: str) -> str:
    """A YAML scalar: double-quoted JSON string syntax is valid YAML for any text."""
    return json.dumps(value, ensure_ascii=False)
