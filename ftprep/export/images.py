"""Image parts of OpenAI-style vision records, read once and carried the way each trainer reads them.

A user message's `{"type": "image_url", "image_url": {"url": ...}}` part (or the Responses API's
`{"type": "input_image", "image_url": ...}`) holds an http(s) URL or a base64 `data:image/...` URL.
What each target writes (see its module):

- TRL (dataset_formats.md "Vision datasets"): an `images` column and `{"type": "image"}`
  placeholders in list content. A URL stays a URL; a data URL is decoded to a file, since the
  `images` column holds what `datasets.Image()` and the processors open: a path or a URL;
- Axolotl (docs/multimodal.qmd): the image inline in the content, `{"type": "image", "url": ...}`
  or `{"type": "image", "base64": ...}` (both documented keys), so no file is needed;
- LLaMA-Factory (data/README.md "Multimodal Image Dataset"): an `images` column of paths and one
  `<image>` token per image in the text. It opens each entry as a local file, so a data URL is
  decoded to a file and an http(s) URL is refused (download it first).

Decoded images go to `OUT.images/` beside the output, named by the SHA-256 of their bytes (the
same image is written once, and a re-run writes the same names), each written atomically; the
rows refer to them relative to the output's folder (LLaMA-Factory's default `media_dir` is the
dataset folder). A malformed image part is refused, never dropped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftprep.export.base import Notes, Refusal
from ftprep.writers import atomic_bytes

IMAGE_TYPES = ("image_url", "input_image", "image")
_DATA_URL = re.compile(r"data:(image/[A-Za-z0-9.+-]+);base64,(.*)", re.DOTALL)
# The formats vision fine-tuning takes (FORMATS.md §1.2), by their first bytes.
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"),
          (b"GIF89a", "gif"))
_FILE_NAME = re.compile(r"[0-9a-f]{64}\.(png|jpg|gif|webp)")


@dataclass(frozen=True)
class Image:
    """One image part: an http(s) `url`, or the decoded bytes of a data URL (`data`, `b64`)."""

    url: str | None = None
    data: bytes | None = None
    b64: str = ""
    ext: str = ""

    @property
    def file_name(self) -> str:
        return f"{hashlib.sha256(self.data or b'').hexdigest()}.{self.ext}"


def parse_image(part: dict[str, Any], where: str) -> Image:
    """The image of one content part, or `Refusal("image-invalid")` saying what is wrong."""
    source = part.get("image_url")
    url = source.get("url") if type(source) is dict else source
    if not isinstance(url, str):
        raise Refusal("image-invalid", f"{where}: an image part without an image_url URL string")
    if url.startswith(("https://", "http://")):
        return Image(url=url)
    found = _DATA_URL.fullmatch(url)
    if found is None:
        raise Refusal("image-invalid", f"{where}: the image URL is neither http(s) nor a base64 "
                                       f"data:image/... URL ({url[:40]!r})")
    payload = found.group(2)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal("image-invalid", f"{where}: the data URL's base64 does not decode") from None
    ext = _format(data)
    if ext is None:
        raise Refusal("image-invalid", f"{where}: the data URL ({found.group(1)}) does not hold a "
                                       "PNG, JPEG, GIF or WebP image")
    return Image(data=data, b64=payload, ext=ext)


def _format(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return next((ext for magic, ext in _MAGIC if data.startswith(magic)), None)


def content_parts(content: Any, role: str, where: str, target: str,
                  notes: Notes) -> list[str | Image]:
    """A message's content as its text strings and images, in order, or `Refusal`.

    Only user messages carry images (the OpenAI and Together vision formats). An image's
    `detail` (OpenAI's resolution hint) has no place in the trainers' formats: removed, counted."""
    if isinstance(content, str):
        return [content]
    if type(content) is not list:
        raise Refusal("invalid", f"{where}: content is neither a string nor a list of parts")
    found: list[str | Image] = []
    for part in content:
        kind = part.get("type") if type(part) is dict else None
        if kind == "text" and isinstance(part.get("text"), str):
            found.append(part["text"])
        elif kind in IMAGE_TYPES:
            if role != "user":
                raise Refusal("images", f"{where} ({role}) has an image part; {target} takes "
                                        "images in user messages only")
            found.append(parse_image(part, where))
            if type(part.get("image_url")) is dict and "detail" in part["image_url"]:
                notes.add("image detail removed (the trainers do not read it)")
        elif kind == "text":
            raise Refusal("invalid", f"{where}: a text part without a string `text`")
        else:
            raise Refusal("invalid", f"{where}: a content part that is not text ({kind!r})")
    return found


def has_images(data: dict[str, Any]) -> bool:
    """Whether any message of a record (chat, or a preference record's input) has an image part."""
    holders = [data, data.get("input")]
    for holder in holders:
        messages = holder.get("messages") if type(holder) is dict else None
        for message in messages if type(messages) is list else []:
            content = message.get("content") if type(message) is dict else None
            if type(content) is list and any(
                    type(part) is dict and part.get("type") in IMAGE_TYPES for part in content):
                return True
    return False


def image_file(image: Image, notes: Notes) -> str:
    """The path a decoded image is written to, relative to the output's folder; the bytes are
    kept in `notes` and written only if the record is."""
    path = f"{notes.image_dir}/{image.file_name}"
    notes.files[path] = image.data or b""
    notes.image_counts["file"] += 1
    return path


def write_images(folder: Path, files: dict[str, bytes], written: set[str]) -> None:
    """Write each decoded image once (atomically), named by its hash: an existing file of that
    name already holds these bytes."""
    for path, data in files.items():
        name = Path(path).name
        if name in written:
            continue
        target = folder / name
        if not target.is_file() or target.stat().st_size != len(data):
            folder.mkdir(exist_ok=True)
            with atomic_bytes(target) as stream:
                stream.write(data)
        written.add(name)


def prune_images(folder: Path, written: set[str]) -> None:
    """Remove images an earlier run wrote that this run did not: the folder then holds exactly
    this run's images (a re-run gives the same folder). Other files are left alone."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if _FILE_NAME.fullmatch(path.name) and path.name not in written:
            path.unlink()
    if not any(folder.iterdir()):
        folder.rmdir()
