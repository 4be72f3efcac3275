"""What the conversation rules (FT305-FT310) share: the record formats each reads (masked with
`_fingerprint.format_mask`), and how a re-read text is quoted in a message."""

from __future__ import annotations

from ftprep.model.record import RecordFormat
from ftprep.packs.redact import mask_secrets

# Conversations a model answers: what the prompt and answer rules compare (a preference record
# may have several preferred outputs for one input by design).
ANSWERED = frozenset({RecordFormat.CHAT, RecordFormat.PROMPT_COMPLETION})
# Records with turns, where a system prompt can be (prompt/completion has none).
WITH_TURNS = frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE})


def excerpt(text: str, words: int = 8, chars: int = 48) -> str:
    """The first words of a text, whitespace collapsed, cut with an ellipsis; a secret in them
    masked before the cut (a system prompt or an answer can hold a pasted key)."""
    split = mask_secrets(" ".join(text.split()[: words + 1])).split()
    short = " ".join(split[:words])
    if len(short) > chars:
        short = short[:chars].rstrip() + "…"
    elif len(split) > words:
        short += "…"
    return short


def joined(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
