"""Tokens of an image content part, by OpenAI's published formula for the chosen model.

Source: developers.openai.com/api/docs/guides/images-vision, "Calculating costs" (mirror captured
2026-06-27, stored public file id 55176620865; the same tables in earlier copies of the guide).
The per-model numbers (base and tile tokens; patch budget and multiplier) live in the provider
profile; the geometry below is the guide's:

- tile-based models (GPT-4o, GPT-4.1, GPT-4o-mini): `detail: low` costs the base tokens. Otherwise
  the image is scaled to fit 2048 x 2048, then so that its shortest side is 768 px (both only
  ever shrink it), and each 512 px tile costs the tile tokens, plus the base tokens.
- patch-based models (the gpt-4.1-mini and gpt-4.1-nano 2025-04-14 snapshots, o4-mini): the
  image is covered with 32 px patches; over the patch budget or a 2048 px side it is shrunk to
  fit both, the scale adjusted so whole patches cover it; patches x the model's multiplier.
  The guide gives no figure for `detail: low` on these models, so such an image is not counted.

`detail: auto` (the default) is counted as `high`: the guide says the model chooses, its
gpt-5.4 row says auto sizes as high, and usage reports agree (litellm PR #33790). Training bills
image tokens like text: the vision fine-tuning guide's "Reducing training cost" says a
`detail: low` image "is only represented by 85 tokens" and that this "will reduce the cost of
training".
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

from ftprep.providers.profile import ImagePricing, PatchCost, TileCost
from ftprep.tokens.imagesize import data_url_size

_MAX_SIDE = 2048
_SHORT_SIDE = 768
_TILE = 512
_PATCH = 32


class Uncounted(Enum):
    """Why an image's tokens are not in the count; the value is how the summary says it."""

    URL = "given by URL: ftprep does not download images"
    UNREADABLE = "data URL without a readable PNG, JPEG, GIF or WebP header"
    LOW_DETAIL = "detail low on a patch-based model: OpenAI publishes no figure"
    NO_FORMULA = "no image formula for the model"


def part_tokens(part: dict[str, Any], pricing: ImagePricing | None) -> int | Uncounted:
    """The tokens of one `image_url` content part, or why they cannot be counted."""
    image = part.get("image_url")
    url = image.get("url") if type(image) is dict else None
    detail = image.get("detail") if type(image) is dict else None
    if type(url) is not str:
        return Uncounted.UNREADABLE
    if pricing is None:
        return Uncounted.NO_FORMULA
    if pricing.tiles is not None and detail == "low":
        return pricing.tiles.base  # the size does not matter
    if not url.startswith("data:"):
        return Uncounted.URL
    size = data_url_size(url)
    if size is None:
        return Uncounted.UNREADABLE
    if pricing.tiles is not None:
        return tile_tokens(*size, pricing.tiles)
    assert pricing.patches is not None
    if detail == "low":
        return Uncounted.LOW_DETAIL
    return patch_tokens(*size, pricing.patches)


def tile_tokens(width: int, height: int, cost: TileCost) -> int:
    """A `detail: high` image on a tile-based model."""
    w, h = float(width), float(height)
    if max(w, h) > _MAX_SIDE:
        scale = _MAX_SIDE / max(w, h)
        w, h = w * scale, h * scale
    if min(w, h) > _SHORT_SIDE:
        scale = _SHORT_SIDE / min(w, h)
        w, h = w * scale, h * scale
    tiles = math.ceil(w / _TILE) * math.ceil(h / _TILE)
    return cost.base + cost.per_tile * tiles


def patch_tokens(width: int, height: int, cost: PatchCost) -> int:
    """An image on a patch-based model: patches (at most the budget) x the multiplier."""
    return int(patches(width, height, cost.budget) * cost.multiplier + 0.5)


def patches(width: int, height: int, budget: int) -> int:
    """32 px patches covering the image after the guide's resizing."""
    original = math.ceil(width / _PATCH) * math.ceil(height / _PATCH)
    if original <= budget and max(width, height) <= _MAX_SIDE:
        return original
    scale = min(1.0, _MAX_SIDE / max(width, height))
    if original > budget:
        shrink = math.sqrt(_PATCH * _PATCH * budget / (width * height))
        across, down = width * shrink / _PATCH, height * shrink / _PATCH
        shrink *= min(max(1, math.floor(across)) / across, max(1, math.floor(down)) / down)
        scale = min(scale, shrink)
    # Whole pixels; the tiny epsilon keeps 1055.9999… (floating point) from losing a pixel.
    resized_w = max(1, math.floor(width * scale + 1e-9))
    resized_h = max(1, math.floor(height * scale + 1e-9))
    return min(budget, math.ceil(resized_w / _PATCH) * math.ceil(resized_h / _PATCH))
