"""How a content finding shows what it found: never a whole secret.

A secret or a piece of personal data in a report is a second leak: CI logs, SARIF uploads
and pull-request annotations are read by more people than the dataset. Masked matches keep
a short prefix (enough to recognise `sk-p…` or `AKIA…`) and the length, nothing more.
"""

from __future__ import annotations

from ftprep.packs.schema import Field_, Show
from ftprep.packs.texts import Text

SHOWN_FULL = 40  # characters of a placeholder-like match shown before it is cut


def mask(secret: str) -> str:
    """`sk-p… (56 chars)`: at most 4 leading characters, never more than a quarter."""
    keep = min(4, len(secret) // 4)
    return f"{secret[:keep]}… ({len(secret)} chars)"


def codepoints(found: str) -> str:
    return " ".join(f"U+{ord(char):04X}" for char in found[:8]) + (" …" if len(found) > 8 else "")


def render_match(found: str, show: Show) -> str:
    if show is Show.MASKED:
        return mask(found)
    if show is Show.CODEPOINTS:
        return codepoints(found)
    shown = found if len(found) <= SHOWN_FULL else found[: SHOWN_FULL - 1] + "…"
    return repr(shown)


def describe_where(text: Text) -> str:
    """Where a text sits, in a user's words: 'assistant message', 'tool-call arguments'."""
    if text.field is Field_.CONTENT:
        return f"{text.role} message" if text.role else "text"
    if text.field is Field_.ARGUMENTS:
        return "tool-call arguments"
    if text.field is Field_.TOOLS:
        return "tool definitions"
    return f"value at {text.pointer}"
