"""Open an input once, as a stream: undo compression found by magic bytes, peek without rereading.

Everything ftprep reads (a file, a pipe such as `<(zcat data.jsonl.gz)`, a character device,
stdin) goes through `open_input`, which opens it exactly once. What the input holds is decided
from bytes peeked from that same stream, never from `stat` sizes or a second open: a pipe reports
0 bytes and cannot be read twice, so either would see an empty or a truncated input.

gzip, bzip2, xz and zstd are recognised by their magic bytes whatever the file is called, and
decompressed as the stream is read: memory holds a buffer, never the file. Positions reported
for compressed input (line, column, byte offset) are positions in the decompressed data, the
only ones a user can look up (`zcat FILE | sed -n 12p`). A truncated or corrupt stream ends the
data where it breaks and `Input.error` says why, so the caller reports it at that line while
every line before it is still read.

zstd comes from the standard library from Python 3.14 (`compression.zstd`) and from
`backports.zstd` before it: the same module (PEP 784) backported by its authors, one small
wheel without dependencies, installed only on Python < 3.14.
"""

from __future__ import annotations

import bz2
import gzip
import importlib
import io
import lzma
import os
import stat
import sys
import zlib
from types import ModuleType, TracebackType
from typing import IO, Any, Self

from ftprep.model.errors import FtprepError
from ftprep.model.sources import COMPRESSED_SUFFIXES

STDIN = "-"
HEAD_BYTES = 1 << 16  # what callers may sniff: enough for a CSV header or two JSON lines
BUFFER_BYTES = 1 << 20

# Longer magics first; bzip2's "BZh" is followed by the block-size digit.
_MAGIC = (
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x1f\x8b\x08", "gzip"),
    *((b"BZh" + digit.to_bytes(1, "big"), "bzip2") for digit in b"123456789"),
)
MAGIC_BYTES = 6
# What a decompressor raises on damaged data: truncation (EOFError), a bad header, CRC or
# stream (OSError, e.g. gzip.BadGzipFile), and each codec's own error. zstd's is added per input.
_DAMAGE: tuple[type[Exception], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError)


def compression_of(prefix: bytes) -> str | None:
    """`gzip`, `bzip2`, `xz` or `zstd` when `prefix` starts with that format's magic bytes."""
    for magic, name in _MAGIC:
        if prefix.startswith(magic):
            return name
    return None


def strip_compression_suffix(name: str) -> tuple[str, str | None]:
    """`data.jsonl.gz` -> (`data.jsonl`, `gzip`); a name without such a suffix is unchanged."""
    base, dot, suffix = name.rpartition(".")
    compression = COMPRESSED_SUFFIXES.get(f".{suffix.lower()}") if dot and base else None
    return (base, compression) if compression else (name, None)


def require_rereadable(path: str, command: str) -> None:
    """Refuse an input `command` cannot read twice (stdin, a pipe, a device) or at all, with a
    message that says why and what to do: split and export plan in one pass, write in another."""
    again = "save the data to a file first (compressed is fine)"
    if path == STDIN:
        raise FtprepError(f"{command} cannot read stdin: it reads its input twice", again)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FtprepError(f"{path}: no such file") from None
    except OSError as error:
        raise FtprepError(f"{path}: cannot read ({error.strerror or error})") from None
    if stat.S_ISDIR(mode):
        raise FtprepError(f"{path}: is a directory", f"{command} takes one JSON Lines file")
    if not stat.S_ISREG(mode):
        raise FtprepError(f"{path}: is a pipe or device, which can be read only once; {command} "
                          "reads its input twice", again)


def is_stream(path: str) -> bool:
    """True for stdin and for a pipe, device or socket named as a path: it can be read only once,
    so nothing may open it to sniff before the reader does. Decided by `stat`, without opening."""
    if path == STDIN:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # the reader reports it
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _zstd_module() -> ModuleType | None:
    for name in ("compression.zstd", "backports.zstd"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


class _Feed(io.RawIOBase):
    """A raw stream over `source` that can peek ahead: peeked bytes are replayed first.

    With `damage` (the errors a decompressor raises on a truncated or corrupt stream), such an
    error ends the stream where it happens and is kept in `error`; every byte decoded before
    it is still delivered, because the source is read with `read1` (one step at a time).
    """

    def __init__(self, source: Any, damage: tuple[type[Exception], ...] = (), owned: bool = True) -> None:
        super().__init__()
        self._source = source
        self._pending = b""
        self._damage = damage
        self._owned = owned
        self.error: Exception | None = None
        self.delivered = 0  # bytes handed on, peeked ones included

    def readable(self) -> bool:
        return True

    def peek(self, size: int) -> bytes:
        """Up to `size` bytes from the current position, without consuming them."""
        while len(self._pending) < size:
            chunk = self._pull(size - len(self._pending))
            if not chunk:
                break
            self._pending += chunk
        return self._pending[:size]

    def readinto(self, buffer: Any) -> int:
        if self._pending:
            count = min(len(buffer), len(self._pending))
            buffer[:count] = self._pending[:count]
            self._pending = self._pending[count:]
            return count
        if not self._damage:  # a plain file or pipe: straight into the caller's buffer
            count = self._source.readinto(buffer) or 0
            self.delivered += count
            return count
        data = self._pull(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _pull(self, size: int) -> bytes:
        if self.error is not None:
            return b""
        try:
            data: bytes = (self._source.read1 if self._damage else self._source.read)(size)
        except self._damage as error:
            self.error = error
            return b""
        self.delivered += len(data)
        return data

    def close(self) -> None:
        if not self.closed and self._owned:
            self._source.close()
        super().close()


class Input:
    """One opened input: `stream` gives its bytes (decompressed) from the first one.

    `head` is the first `HEAD_BYTES` of that content, peeked from the same stream. `regular`
    inputs are files on disk: they may be sized, reopened and split for `--jobs`; pipes,
    devices and stdin are read once, in order.
    """

    def __init__(self, path: str, raw: IO[bytes], regular: bool, owned: bool) -> None:
        self.path = path
        self.regular = regular
        self._base = _Feed(raw, owned=owned)
        self.compression = compression_of(self._base.peek(MAGIC_BYTES))
        self._top = self._base
        if self.compression is not None:
            self._top = self._decompressing(self.compression)
        self.head = self._top.peek(HEAD_BYTES)
        self.stream = io.BufferedReader(self._top, BUFFER_BYTES)

    def _decompressing(self, compression: str) -> _Feed:
        base: Any = self._base
        if compression == "gzip":
            return _Feed(gzip.GzipFile(fileobj=base, mode="rb"), _DAMAGE)
        if compression == "bzip2":
            return _Feed(bz2.BZ2File(base, mode="rb"), _DAMAGE)
        if compression == "xz":
            return _Feed(lzma.LZMAFile(base, mode="rb"), _DAMAGE)
        zstd = _zstd_module()
        if zstd is None:
            self.close()
            raise FtprepError(
                f"{self.path}: file is zstd-compressed and this Python has no zstd module",
                "pip install backports.zstd (Python < 3.14), or decompress it: zstd -d FILE",
            )
        return _Feed(zstd.ZstdFile(base, mode="rb"), (*_DAMAGE, zstd.ZstdError))

    @property
    def size(self) -> int | None:
        """What `bytes_read` reaches at the end: the file's size on disk; None for a pipe or
        stdin, whose end is not known until it comes."""
        if not self.regular:
            return None
        try:
            return os.path.getsize(self.path)
        except OSError:
            return None

    @property
    def bytes_read(self) -> int:
        """Bytes read from the file itself so far: the compressed size, once a compressed file
        is read to its end. Cheap (a counter), so progress can sample it every batch."""
        return self._base.delivered

    @property
    def error(self) -> str | None:
        """Why the compressed data ended early, once the stream has hit it; None otherwise."""
        error = self._top.error if self._top is not self._base else None
        if error is None:
            return None
        if isinstance(error, EOFError):
            return f"{self.compression} data is truncated: it ends before its end-of-stream marker"
        reason = str(error).strip().rstrip(".") or type(error).__name__
        reason = reason.rpartition("while decompressing data: ")[2]  # zlib's prefix
        if reason[1:2].islower():  # "Invalid data stream", not "CRC check failed"
            reason = reason[:1].lower() + reason[1:]
        return f"{self.compression} data is corrupt ({reason})"

    def close(self) -> None:
        if hasattr(self, "stream"):
            self.stream.close()  # closes the decompressor and, through it, the feed
        self._top.close()
        self._base.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_input(path: str) -> Input:
    """Open `path` (or stdin for `-`) once, for reading from the start; see the module docstring."""
    if path == STDIN:
        try:
            return Input(path, sys.stdin.buffer, regular=False, owned=False)
        except OSError as error:
            raise FtprepError(f"stdin: cannot read ({error.strerror or error})") from None
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 (closed by Input.close)
    except IsADirectoryError:
        raise FtprepError(f"{path}: is a directory") from None
    except OSError as error:
        raise FtprepError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        regular = stat.S_ISREG(os.fstat(raw.fileno()).st_mode)
        return Input(path, raw, regular, owned=True)
    except OSError as error:  # Input closes the file itself on its own errors
        raw.close()
        raise FtprepError(f"{path}: cannot read ({error.strerror or error})") from None
