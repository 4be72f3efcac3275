"""FT119 invalid-content-parts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope
from ftprep.suggest import closest

SPEC = RuleSpec(
    code="FT119", name="invalid-content-parts", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A content part has no type, a text part has no string text, or an image is "
            "misplaced or not an http(s) or base64 JPEG/PNG/WebP data URL.",
    why="Fine-tuning accepts text and image parts only, images only in user messages, given "
        "as an http(s) URL or a `data:image/jpeg|png|webp;base64,` URL (OpenAI's vision "
        "fine-tuning guide; Together checks the same). Audio and file parts are not supported "
        "for fine-tuning; any of these problems makes the provider reject the example.",
    bad='{"messages": [{"role": "user", "content": [{"type": "text", "text": "What animal?"}, '
        '{"type": "image_url", "image_url": {"url": "file:///home/me/cat.jpg"}}]}, '
        '{"role": "assistant", "content": "A cat."}]}',
    good='{"messages": [{"role": "user", "content": [{"type": "text", "text": "What animal?"}, '
         '{"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]}, '
         '{"role": "assistant", "content": "A cat."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)

_DATA_URL = re.compile(r"data:image/(jpeg|png|webp);base64,")
_DETAILS = frozenset({"auto", "low", "high"})
_TYPES = ("text", "image_url", "refusal")
_UNSUPPORTED = frozenset({"input_audio", "file", "audio", "input_file"})


def check(record: Record, _options: None) -> Iterator[Finding]:
    for pointer, message in h.messages(record):
        parts = message.get("content")
        if type(parts) is not list:
            continue
        role = message.get("role")
        known = role if type(role) is str and role in h.ROLE_KEYS else None
        for index, part in enumerate(parts):
            yield from check_part(f"{pointer}/content/{index}", part, known)


def check_part(at: str, part: Any, role: str | None) -> Iterator[Finding]:
    """`role` is the message's role when it is a known one (FT103 reports the others)."""
    if type(part) is not dict:
        yield Finding(at, f"content part is {h.show(part)}, not an object")
        return
    kind = part.get("type")
    if kind is None:
        yield Finding(at, "content part has no type")
    elif kind == "text":
        yield from _check_string(at, part, "text")
    elif kind == "image_url":
        if role is not None and role != "user":
            yield Finding(
                f"{at}/type", f"image in the {role}'s message; only user messages may hold images"
            )
        yield from _check_image(f"{at}/image_url", part.get("image_url"))
    elif kind == "refusal":
        if role is not None and role != "assistant":
            yield Finding(
                f"{at}/type", f"refusal part in a {role} message; only the assistant refuses"
            )
        yield from _check_string(at, part, "refusal")
    elif type(kind) is str and kind in _UNSUPPORTED:
        yield Finding(f"{at}/type", f"{h.show(kind)} parts are not supported for fine-tuning")
    elif type(kind) is not str:
        yield Finding(f"{at}/type", f"content part type is {h.show(kind)}, not a string")
    else:
        hint = closest(kind, _TYPES)
        extra = f" (did you mean {h.quoted(hint)}?)" if hint else ""
        yield Finding(f"{at}/type", f"unknown content part type {h.show(kind)}{extra}")


def _check_string(at: str, part: dict[str, Any], key: str) -> Iterator[Finding]:
    value = part.get(key)
    if value is None:
        others = [h.quoted(other) for other in part if other not in ("type", key)]
        found = f" (it has {', '.join(others[:3])})" if others else ""
        yield Finding(at, f"{part['type']} part has no {key}{found}")
    elif type(value) is not str:
        yield Finding(f"{at}/{key}", f"{key} is {h.show(value)}, not a string")


def _check_image(at: str, image: Any) -> Iterator[Finding]:
    if image is None:
        yield Finding(at.rsplit("/", 1)[0], "image_url part has no image_url")
        return
    if type(image) is not dict:
        yield Finding(at, f"image_url is {h.show(image)}, not an object with a url")
        return
    url = image.get("url")
    if url is None:
        yield Finding(at, "image_url has no url")
    elif type(url) is not str:
        yield Finding(f"{at}/url", f"url is {h.show(url)}, not a string")
    elif not (url.startswith(("https://", "http://")) or _DATA_URL.match(url)):
        shown = h.show(url[:32] + "…" if len(url) > 32 else url, limit=48)
        yield Finding(
            f"{at}/url",
            f"image url {shown} is neither http(s) nor a base64 JPEG, PNG or WebP data URL",
        )
    detail = image.get("detail")
    if detail is not None and (type(detail) is not str or detail not in _DETAILS):
        yield Finding(
            f"{at}/detail", f"detail is {h.show(detail)}, not \"auto\", \"low\" or \"high\""
        )
