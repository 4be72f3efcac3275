"""Decide how a text source (CSV, TSV) is encoded, without a detection library.

Rules, in order: an explicit `--encoding`; a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16
without a BOM when NUL bytes sit in every other position; UTF-8 when the bytes are valid UTF-8
(checked over the whole file when it is a regular file, so an accented row at line 900,000 is
not missed); otherwise Windows-1252 with a note. A file that is *mostly* UTF-8 with a few invalid
bytes (two sources pasted together) stays UTF-8: its bad rows are rejected one by one instead of
turning every other row into mojibake.

charset-normalizer was tried and not taken: it is not a dependency (it only comes with
requests), and on short Western samples it guessed `mac_latin2` for Windows-1252 French and
`cp1250` for Windows-1252 English, so its answer would need a note anyway. Exact rules plus a
clear note and `--encoding` are cheaper and deterministic across library versions.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ftprep.model.errors import FtprepError

PREFIX_BYTES = 1 << 16
_SCAN_BLOCK = 1 << 22

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"PK\x03\x04", "a zip container (an .xlsx workbook?)"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"\xd0\xcf\x11\xe0", "an old binary Excel/Office file (.xls)"),
)
_NON_ASCII = re.compile("[^\x00-\x7f]")
_LONE_SURROGATE = re.compile("[\udc80-\udcff]")
# Windows-1252 leaves five bytes undefined; browsers (WHATWG) map them to C1 controls.
CP1252 = "cp1252"
_C1_HANDLER = "ftprep-cp1252-c1"


def _c1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(b) for b in bad), error.end


codecs.register_error(_C1_HANDLER, _c1_fallback)


@dataclass(frozen=True, slots=True)
class Encoding:
    """The codec to read a file with, how many BOM bytes to skip, and what to tell the user."""

    name: str
    bom: int = 0
    note: str | None = None

    @property
    def ascii_lines(self) -> bool:
        """True when b"\\n" always ends a line (not so for UTF-16/32)."""
        return not self.name.startswith(("utf-16", "utf-32"))

    @property
    def errors(self) -> str:
        return _C1_HANDLER if self.name == CP1252 else "strict"


def binary_kind(prefix: bytes) -> str | None:
    """What a binary file is, when its first bytes say so; None for anything else."""
    for magic, what in _MAGIC:
        if prefix.startswith(magic):
            return what
    if prefix[257:262] == b"ustar":  # POSIX tar: the magic sits in the first member's header
        return "a tar archive"
    return None


def detect_encoding(prefix: bytes, declared: str | None, rest: BinaryIO | None) -> Encoding:
    """Choose the encoding from `prefix` (the first bytes) and, when given, the rest of the file.

    `rest` is a second handle on the same file positioned after the prefix; it is read to the
    end only when the prefix is valid UTF-8 or undecided, never kept.
    """
    bom_name, bom_len = _bom(prefix)
    if declared:
        name = _codec_name(declared)
        skip = (
            bom_len if bom_name and codecs.lookup(bom_name).name == codecs.lookup(name).name else 0
        )
        return Encoding(name, skip)
    if bom_name:
        return Encoding(bom_name, bom_len)
    what = binary_kind(prefix)
    if what:
        raise FtprepError(
            f"file is {what}, not delimited text", "save it as CSV or .xlsx, or give it its real suffix"
        )
    utf16 = _utf16_without_bom(prefix)
    if utf16:
        return Encoding(utf16, 0, f"no byte-order mark; NUL bytes suggest {utf16.upper()}")
    if b"\x00" in prefix:
        raise FtprepError("file contains NUL bytes: it is binary, not delimited text")
    valid_multibyte, first_bad = _scan_utf8(prefix, rest)
    if first_bad is None or valid_multibyte:
        return Encoding("utf-8")
    return Encoding(
        CP1252,
        0,
        f"not UTF-8 (byte 0x{first_bad[1]:02X} at offset {first_bad[0]}); read as Windows-1252: "
        "pass --encoding if the text looks wrong",
    )


def _bom(prefix: bytes) -> tuple[str | None, int]:
    for mark, name in _BOMS:
        if prefix.startswith(mark):
            return name, len(mark)
    return None, 0


def _codec_name(declared: str) -> str:
    try:
        return codecs.lookup(declared).name
    except LookupError:
        raise FtprepError(
            f"unknown encoding {declared!r}", hint="e.g. utf-8, cp1252, latin-1"
        ) from None


def _utf16_without_bom(prefix: bytes) -> str | None:
    sample = prefix[: len(prefix) // 2 * 2]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0) / (len(sample) // 2)
    odd = sample[1::2].count(0) / (len(sample) // 2)
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _scan_utf8(prefix: bytes, rest: BinaryIO | None) -> tuple[bool, tuple[int, int] | None]:
    """Whether the bytes hold valid multi-byte UTF-8, and the first invalid byte (offset, value).

    Stops at the first valid multi-byte character: from then on the answer is UTF-8 whatever
    follows. A pure-ASCII file is read to the end, looking for the one byte that is not.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    first_bad: tuple[int, int] | None = None
    offset = 0
    for block in _blocks(prefix, rest):
        text = decoder.decode(block, final=not block)
        if not text.isascii():
            bad = _LONE_SURROGATE.search(text) if first_bad is None else None
            if bad:
                head = text[: bad.start()].encode("utf-8", "surrogateescape")
                first_bad = (offset + len(head), ord(bad.group()) - 0xDC00)
            if any(not 0xDC80 <= ord(m.group()) <= 0xDCFF for m in _NON_ASCII.finditer(text)):
                return True, first_bad
        offset += len(block)
    return False, first_bad


def _blocks(prefix: bytes, rest: BinaryIO | None) -> Iterator[bytes]:
    """The prefix, the rest of the file, then b"" so the decoder flushes a truncated tail."""
    yield prefix
    if rest is not None:  # without it (stdin) the prefix may end mid-character: no flush
        while block := rest.read(_SCAN_BLOCK):
            yield block
        yield b""
