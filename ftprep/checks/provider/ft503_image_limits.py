"""FT503 image-limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.providers.profile import ProviderProfile
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    max_images: int | None = Field(None, gt=0, description="image parts per example (default: "
                                   "the provider profile's; none: not checked)")
    max_image_bytes: int | None = Field(None, gt=0, description="one image's decoded size in "
                                        "bytes (default: the provider profile's)")
    data_urls_only: bool = Field(False, description="images must be base64 data URLs, not "
                                 "http(s) links (default: the provider profile's)")
    weighted_images: bool = Field(True, description="a message with an image may carry "
                                  "weight 1 (default: the provider profile's)")


def _from_provider(profile: ProviderProfile) -> dict[str, Any]:
    rules = profile.format
    return {"max_images": rules.max_images, "max_image_bytes": rules.max_image_bytes,
            "data_urls_only": rules.image_urls == "data",
            "weighted_images": rules.weighted_images}


SPEC = RuleSpec(
    code="FT503", name="image-limits", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="An example's images break the chosen provider's limits: too many, too large, a "
            "link where it takes only inline data, or a weighted message with an image.",
    why="Providers cap images differently. Together takes at most 10 images per example, each "
        "at most 10 MiB, only as base64 `data:` URLs, and no weight 1 on a message holding an "
        "image (together 3.1.1 `lib/constants.py` MAX_IMAGES_PER_EXAMPLE, MAX_IMAGE_BYTES; its "
        "file checker); a file breaking any of these is rejected. The provider profile's "
        "`[format]` table sets the limits; a profile that states none checks nothing.",
    bad='{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": '
        '{"url": "https://example.com/cat.jpg"}}]}, {"role": "assistant", "content": "A cat."}]}'
        '  (with --provider together)',
    good='{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": '
         '{"url": "data:image/png;base64,iVBORw0KGgo="}}]}, '
         '{"role": "assistant", "content": "A cat."}]}',
    options=Options,
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE,
                       RecordFormat.PROMPT_COMPLETION}),
    only_if_not_plain=True,
    from_provider=_from_provider,
)

_DATA = re.compile(r"data:[^,]*;base64,", re.IGNORECASE)


def _images(record: Record) -> Iterator[tuple[str, str, dict[str, Any] | None]]:
    """(pointer, url, the message holding it or None) for every image part with a string URL."""
    holders: list[tuple[str, Any, dict[str, Any] | None]] = [
        (f"{pointer}/content", message.get("content"), message)
        for pointer, message in h.messages(record)
    ]
    if record.format is RecordFormat.PROMPT_COMPLETION:
        holders.append(("/prompt", record.data.get("prompt"), None))
    for at, parts, message in holders:
        if type(parts) is not list:
            continue
        for index, part in enumerate(parts):
            image = part.get("image_url") if type(part) is dict else None
            url = image.get("url") if type(image) is dict else None
            if part_is_image(part) and type(url) is str:
                yield f"{at}/{index}/image_url/url", url, message


def part_is_image(part: Any) -> bool:
    return type(part) is dict and part.get("type") == "image_url"


def _decoded_size(url: str) -> int | None:
    """Bytes a base64 data URL decodes to (from its length: no decoding needed)."""
    found = _DATA.match(url)
    if found is None:
        return None
    payload = len(url) - found.end()
    padding = len(url) - len(url.rstrip("=")) if payload else 0
    return payload * 3 // 4 - padding


def check(record: Record, options: Options) -> Iterator[Finding]:
    if (options.max_images is None and options.max_image_bytes is None
            and not options.data_urls_only and options.weighted_images):
        return
    images = list(_images(record))
    if options.max_images is not None and len(images) > options.max_images:
        yield Finding(images[options.max_images][0],
                      f"{len(images)} images in one example; the provider takes at most "
                      f"{options.max_images}")
    weighted: set[int] = set()
    for pointer, url, message in images:
        size = _decoded_size(url)
        if options.data_urls_only and size is None:
            yield Finding(pointer, f"image given as a link ({h.show(url)}); the provider takes "
                                   "only base64 data URLs: embed the image")
        if options.max_image_bytes is not None and size is not None \
                and size > options.max_image_bytes:
            yield Finding(pointer, f"image is {size:,} bytes; the provider takes at most "
                                   f"{options.max_image_bytes:,}")
        if (not options.weighted_images and message is not None and id(message) not in weighted
                and message.get("weight") == 1):
            weighted.add(id(message))
            yield Finding(pointer.rsplit("/content/", 1)[0] + "/weight",
                          "weight 1 on a message with an image; the provider trains on no "
                          "message holding an image")
