"""FT128 invalid-text-value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.checks.schema.ft119_invalid_content_parts import check_part
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import TEXT_KEY, Record, RecordFormat
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    formats: tuple[str, ...] = Field(
        ("chat", "preference"),
        description="the record formats the provider trains on; records of other formats are "
                    "FT122's and FT502's (default: from the provider profile)",
    )
    prompt_parts: bool = Field(
        False,
        description="a prompt may be a list of text and image_url parts (default: from the "
                    "provider profile; Together: true)",
    )


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    return {"formats": profile.formats, "prompt_parts": profile.format.prompt_parts}


SPEC = RuleSpec(
    code="FT128", name="invalid-text-value", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A text record's `text`, or a prompt/completion record's `prompt` or `completion`, "
            "is not a string (a prompt may also be a list of text and image parts where the "
            "provider takes them).",
    why="These values are the training text itself. Together fails the file when one is not a "
        "string (\"Invalid value type ... Expected string\", together-python 1.5.x "
        "utils/files.py; its test `{\"text\": 123}`); its multimodal instruction records give "
        "the prompt as content parts, text and base64 images, checked like a user message's "
        "parts (FT119), while a completion holds text only (\"Only user messages can contain "
        "images\"). Checked only for formats the provider trains on: elsewhere the record is "
        "reported as a whole (FT122, FT502).",
    bad='{"text": 123}  (with --provider together)',
    good='{"text": "Paris is the capital of France."}',
    options=Options,
    formats=frozenset({RecordFormat.TEXT, RecordFormat.PROMPT_COMPLETION}),
    from_provider=_from_provider,
)


def check(record: Record, options: Options) -> Iterator[Finding]:
    if record.format.value not in options.formats:
        return
    data = record.data
    if record.format is RecordFormat.TEXT:
        yield from _string(data, TEXT_KEY)
        return
    prompt = data["prompt"]
    if type(prompt) is list and options.prompt_parts:
        for index, part in enumerate(prompt):
            yield from check_part(f"/prompt/{index}", part, "user")
    else:
        yield from _string(data, "prompt", parts=options.prompt_parts)
    yield from _string(data, "completion")


def _string(data: dict[str, Any], key: str, parts: bool = False) -> Iterator[Finding]:
    value = data[key]
    if type(value) is not str:
        wanted = "a string or a list of content parts" if parts else "a string"
        yield Finding(f"/{key}", f"{key} is {h.show(value)}, not {wanted}")
