"""Hiding what content rules find: typed placeholders in data, masks in messages.

Two users, one source of truth (the packs' patterns and validators, run by `scan.py`):
`fix --redact` writes `<API_KEY>`, `<EMAIL>` ... (the rule's `redact-as`) over the matches of the
rules that mask what they find (`ftprep.fix.redact` applies it to records), and a rule that quotes record text
in its message (an unknown key's name, a label, an invalid line) passes the excerpt through
`mask_secrets`, so a report never repeats a secret the dataset leaked. Here, not in `fix` or
`checks`, because both need it and both may import `packs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from ftprep.packs.compiled import PackRule
from ftprep.packs.render import mask
from ftprep.packs.scan import ContentScanner, Hit, Slot
from ftprep.packs.schema import Field_, Show

# A pack rule's `redact-as` when it names no type: `<REDACTED>`.
GENERIC = "REDACTED"


def redactable(rule: PackRule) -> bool:
    """Whether `fix --redact` may replace this rule's matches: those of a rule that masks them
    in reports (`show = "masked"`: secrets, personal data), the data that must not be shown.

    A rule that shows its matches (placeholder text, boilerplate, truncation, mojibake, control
    characters) finds flaws, not data to hide: a placeholder over them would only garble the
    example, whatever `redact-as` says."""
    return rule.spec.show is Show.MASKED


def placeholder(rule: PackRule) -> str:
    """`<API_KEY>`: no quote, backslash or character a pattern for secrets or PII matches, so
    it keeps tool-call arguments valid JSON and redacting twice changes nothing."""
    return f"<{rule.spec.redact_as}>"


class Span(NamedTuple):
    """A stretch of one text to replace, and the match whose placeholder replaces it."""

    start: int
    end: int
    hit: Hit


def merge(hits: Sequence[Hit]) -> list[Span]:
    """Overlapping matches of one text (from different rules) as one span each, in order.

    The span covers every overlapping match, so no character any rule matched survives; its
    placeholder is the longest match's, the earliest of equals (a key inside a URL that a
    PII rule also matched reads `<API_KEY>` if the key is the longer match).
    """
    spans: list[Span] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if spans and hit.start < spans[-1].end:
            last = spans[-1]
            best = last.hit if last.hit.end - last.hit.start >= hit.end - hit.start else hit
            spans[-1] = Span(last.start, max(last.end, hit.end), best)
        else:
            spans.append(Span(hit.start, hit.end, hit))
    return spans


def replace_spans(text: str, spans: Sequence[Span]) -> str:
    """`text` with each span replaced by its placeholder, from the end so offsets hold."""
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + placeholder(span.hit.slot.rule) + text[span.end:]
    return text


# -- masking excerpts --------------------------------------------------------------------------


@dataclass
class _Excerpt:
    """An excerpt as the scanner reads a record: one text, at `/text`."""

    data: dict[str, Any]
    plain_shape: bool = False


@cache
def _masking_scanner() -> ContentScanner:
    """The shipped rules whose matches are masked in messages (secrets, personal data), reading
    every text whatever its field or role: an excerpt may come from anywhere in a record."""
    from ftprep.packs.load import builtin_packs  # the shipped packs, read once

    every = frozenset(Field_)
    return ContentScanner([
        Slot(pack, fields=every) for pack in builtin_packs() if pack.spec.show is Show.MASKED
    ])


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Where the shipped secret and personal-data rules find something in `text`, in order
    (character offsets, overlapping matches merged)."""
    if not text:
        return []
    hits = _masking_scanner().hits([_Excerpt({"text": text})])
    return [(span.start, span.end) for span in merge(hits)]


def mask_secrets(excerpt: str) -> str:
    """`excerpt` with each secret or piece of personal data a shipped rule finds in it masked
    (`sk-p… (56 chars)`), for messages that quote record text. Mask before cutting an excerpt
    short: a cut secret may no longer match, yet still be most of the secret."""
    for start, end in reversed(secret_spans(excerpt)):
        excerpt = excerpt[:start] + mask(excerpt[start:end]) + excerpt[end:]
    return excerpt
