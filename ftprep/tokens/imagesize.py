"""Width and height of an image in a base64 data URL, read from its header bytes only.

Image tokens depend on the image's size. A data URL holds the whole file, often megabytes of
base64; the size sits in the first bytes (PNG's IHDR, GIF's screen descriptor, WebP's VP8/VP8L/
VP8X chunk) or, for JPEG, in the first start-of-frame segment after the APPn segments. Base64
decodes in independent 4-character groups, so only the groups holding those bytes are decoded:
a JPEG's segments are walked by their lengths without decoding what they contain.
"""

from __future__ import annotations

import binascii

_PNG = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length
_MAX_SEGMENTS = 512  # a real JPEG reaches its frame header in a handful


class _Base64:
    """Random access to the bytes of a base64 text, decoding only the groups asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.size = len(text) // 4 * 3  # an upper bound: padding may take up to 2 bytes

    def read(self, start: int, count: int) -> bytes | None:
        """`count` bytes from byte `start`, or None past the end or on a bad character."""
        if start < 0 or count <= 0 or start + count > self.size:
            return None
        first, last = start // 3 * 4, -(-(start + count) // 3) * 4
        try:
            decoded = binascii.a2b_base64(self.text[first:last], strict_mode=True)
        except ValueError:  # binascii.Error, or a character outside ASCII
            return None
        chunk = decoded[start % 3 : start % 3 + count]
        return chunk if len(chunk) == count else None


def data_url_size(url: str) -> tuple[int, int] | None:
    """(width, height) of a `data:…;base64,` image URL, or None when its header is unreadable.

    The bytes decide the format, not the media type the URL claims.
    """
    if not url.startswith("data:"):
        return None
    comma = url.find(",", 5, 300)
    if comma < 0 or not url[5:comma].endswith(";base64"):
        return None
    data = _Base64(url[comma + 1 :])
    head = data.read(0, 30) or data.read(0, 12)
    if head is None:
        return None
    if head.startswith(_PNG):
        return _png(head)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _positive(int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little"))
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head[:2] == b"\xff\xd8":
        return _jpeg(data)
    return None


def _positive(width: int, height: int) -> tuple[int, int] | None:
    return (width, height) if width > 0 and height > 0 else None


def _png(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    return _positive(int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"))


def _webp(head: bytes) -> tuple[int, int] | None:
    """RIFF container: the first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended)."""
    if len(head) < 30:
        return None
    kind = head[12:16]
    if kind == b"VP8X":  # canvas width-1 and height-1, 24-bit little-endian
        return _positive(int.from_bytes(head[24:27], "little") + 1,
                         int.from_bytes(head[27:30], "little") + 1)
    if kind == b"VP8L" and head[20] == 0x2F:  # 14-bit width-1, then 14-bit height-1
        bits = int.from_bytes(head[21:25], "little")
        return _positive((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if kind == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":  # key frame start code
        return _positive(int.from_bytes(head[26:28], "little") & 0x3FFF,
                         int.from_bytes(head[28:30], "little") & 0x3FFF)
    return None


def _jpeg(data: _Base64) -> tuple[int, int] | None:
    """Walk the segments from SOI to the first start-of-frame, reading 4 bytes per segment."""
    at = 2
    for _ in range(_MAX_SEGMENTS):
        marker = data.read(at, 2)
        if marker is None or marker[0] != 0xFF:
            return None
        kind = marker[1]
        if kind == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if kind in _STANDALONE:
            at += 2
            continue
        if kind in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        length = data.read(at + 2, 2)
        if length is None:
            return None
        size = int.from_bytes(length, "big")
        if kind in _SOF:
            frame = data.read(at + 5, 4)  # precision (1 byte) precedes height and width
            if frame is None:
                return None
            return _positive(int.from_bytes(frame[2:4], "big"), int.from_bytes(frame[0:2], "big"))
        if size < 2:
            return None
        at += 2 + size
    return None
