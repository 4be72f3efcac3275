"""Text normalisation for duplicate detection, and the stable key of an exact duplicate.

`normalize` is for exact duplicates (Unicode NFC, casefold, whitespace runs to one space,
stripped); `near_normalize` also deletes punctuation (Unicode categories P*), so
"Hello, world!" and "hello world" are the same text, and makes each CJK ideograph or kana its
own word ("你好，世界" -> "你 好 世 界"): Chinese and Japanese are written without spaces, so
word shingles would otherwise be whole clauses and one edited character would change them all.
ASCII text, most of it, takes a bytes fast path (`bytes.translate`) with the same result.
"""

from __future__ import annotations

import unicodedata
from hashlib import blake2b

_SPACE = ord(" ")


# Scripts written without spaces, one word per character: kana, CJK ideographs (unified,
# extension A, compatibility, and the supplementary ideographic planes), halfwidth katakana.
_UNSPACED = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
             (0xFF66, 0xFF9F), (0x20000, 0x3134F))


def _near_char(code: int) -> int | str | None:
    """A code point's image under near-normalisation: deleted, a space, a word, or itself."""
    char = chr(code)
    if unicodedata.category(char).startswith("P"):
        return None
    if char.isspace():
        return _SPACE
    if any(lo <= code <= hi for lo, hi in _UNSPACED):
        return f" {char} "
    return code


class _NearTable(dict[int, "int | str | None"]):
    """`str.translate` table filled on first sight of each code point (no 1.1M-entry build)."""

    def __missing__(self, code: int) -> int | str | None:
        value = self[code] = _near_char(code)
        return value


_NEAR_TABLE = _NearTable()
# ASCII: lower-case and whitespace-to-space in one 256-byte table, punctuation deleted.
_ASCII_TABLE = bytes(
    _SPACE if chr(b).isspace() else ord(chr(b).lower()) if b < 128 else b for b in range(256)
)
_ASCII_DELETE = bytes(b for b in range(128) if _near_char(b) is None)


def _folded(text: str) -> str:
    """NFC, casefold, NFC again (casefolding can leave a decomposed sequence).

    ASCII text is already NFC and casefolds as `lower` does: one C pass instead of three."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def normalize(text: str) -> str:
    """The text exact duplicates are compared on: NFC, casefolded, whitespace runs to one space."""
    folded = _folded(text)
    # Only ASCII spaces, never two together (isprintable is False for every other whitespace):
    # stripping the ends is all `split` + `join` would do, at a tenth of the cost.
    if folded.isprintable() and "  " not in folded:
        return folded.strip(" ")
    return " ".join(folded.split())


def near_bytes(text: str) -> bytes:
    """UTF-8 of the text near duplicates are compared on, words separated by one or more spaces.

    Its words (`split(b" ")`, empty pieces dropped) are exactly `near_normalize(text).split()`.
    """
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE, _ASCII_DELETE)
    return _near_unicode(text).encode("utf-8", "surrogatepass")


def _near_unicode(text: str) -> str:
    """`near_bytes` for any text, as str (the ASCII fast path must agree with this)."""
    # NFC once more: deleting punctuation can bring a letter and a combining mark together.
    return unicodedata.normalize("NFC", _folded(text).translate(_NEAR_TABLE))


def near_normalize(text: str) -> str:
    """`normalize(text)` with punctuation deleted: what near-duplicate shingles are built from."""
    return " ".join(near_bytes(text).decode("utf-8", "surrogatepass").split())


def exact_key(text: str) -> int:
    """A stable 64-bit key of `normalize(text)` (blake2b), the same in every process and run."""
    return normalized_key(normalize(text))


def normalized_key(normalized: str) -> int:
    """`exact_key` of a text already normalised (`normalize`), for callers that build one
    normalised text from normalised parts instead of normalising it again."""
    digest = blake2b(normalized.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")
