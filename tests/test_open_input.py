"""The opening layer: one open per input, compression found by magic bytes, peeking from the stream.

Issue 7 items 4 and 13: datasets ship compressed, and `<(zcat data.jsonl.gz)` is a pipe whose
size is 0 and which can be read only once.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ftprep.model.errors import FtprepError
from ftprep.readers import _open
from ftprep.readers._open import compression_of, is_stream, open_input, strip_compression_suffix

DATA = b"".join(b'{"n": %d, "text": "line %d \xc3\xa9"}\n' % (i, i) for i in range(5000))


def _zstd_compress(data: bytes) -> bytes:
    zstd = _open._zstd_module()
    assert zstd is not None, "backports.zstd is a dependency on Python < 3.14"
    compressed: bytes = zstd.compress(data)
    return compressed


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda data: gzip.compress(data, mtime=0),
    "bzip2": lambda data: bz2.compress(data, 1),  # 100 kB blocks: a cut file still has whole ones
    "xz": lzma.compress,
    "zstd": _zstd_compress,
}


@pytest.mark.parametrize("name", sorted(COMPRESSORS))
def test_each_format_is_found_by_its_magic_bytes_whatever_the_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / "data.bin"  # no suffix says it is compressed
    path.write_bytes(COMPRESSORS[name](DATA))
    with open_input(str(path)) as opened:
        assert (opened.compression, opened.regular) == (name, True)
        assert opened.head == DATA[: _open.HEAD_BYTES]
        assert opened.stream.read() == DATA  # the peeked head is not lost
        assert opened.error is None
        assert opened.bytes_read == path.stat().st_size


def test_a_plain_file_named_gz_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl.gz"
    path.write_bytes(DATA)
    with open_input(str(path)) as opened:
        assert opened.compression is None
        assert list(opened.stream) == DATA.splitlines(keepends=True)


def test_concatenated_gzip_members_are_one_stream(tmp_path: Path) -> None:
    """`cat a.jsonl.gz b.jsonl.gz > all.jsonl.gz` is a valid gzip file (and pigz writes such)."""
    path = tmp_path / "all.jsonl.gz"
    path.write_bytes(gzip.compress(DATA[:1000]) + gzip.compress(DATA[1000:]))
    with open_input(str(path)) as opened:
        assert opened.stream.read() == DATA


@pytest.mark.parametrize("name", sorted(COMPRESSORS))
def test_a_truncated_stream_gives_every_byte_before_the_break_then_says_why(
    tmp_path: Path, name: str
) -> None:
    rng = random.Random(7)  # text that does not compress to nothing: every format has many blocks
    data = b"".join(b'{"n": %d, "text": "%s"}\n' % (i, rng.randbytes(30).hex().encode())
                    for i in range(20000))
    whole = COMPRESSORS[name](data)
    path = tmp_path / "cut.gz"
    path.write_bytes(whole[: len(whole) * 3 // 4])
    with open_input(str(path)) as opened:
        got = opened.stream.read()  # never raises
        assert opened.error == f"{name} data is truncated: it ends before its end-of-stream marker"
    assert data.startswith(got) and len(got) > len(data) // 2


def test_corrupt_data_is_reported_in_the_users_terms(tmp_path: Path) -> None:
    damaged = bytearray(gzip.compress(DATA, mtime=0))
    damaged[10] = 0xFF  # the first deflate block header
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(bytes(damaged))
    with open_input(str(path)) as opened:
        assert opened.head == b"" and opened.stream.read() == b""
        assert opened.error == "gzip data is corrupt (invalid block type)"


def _fifo(tmp_path: Path, data: bytes, piece: int) -> tuple[Path, threading.Thread]:
    """A named pipe fed by a writer thread in small pieces, as a slow producer would."""
    path = tmp_path / "pipe"
    os.mkfifo(path)

    def write() -> None:
        with open(path, "wb", buffering=0) as pipe:
            for start in range(0, len(data), piece):
                pipe.write(data[start : start + piece])
                if start < 64:
                    time.sleep(0.01)  # the reader sees the first bytes one piece at a time

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return path, writer


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_a_fifo_is_opened_once_and_sniffed_from_the_same_stream(tmp_path: Path, compressed: bool) -> None:
    payload = gzip.compress(DATA) if compressed else DATA
    path, writer = _fifo(tmp_path, payload, piece=3)
    with open_input(str(path)) as opened:
        assert opened.regular is False
        assert opened.compression == ("gzip" if compressed else None)
        assert opened.head == DATA[: _open.HEAD_BYTES]
        assert opened.stream.read() == DATA
    writer.join(timeout=10)


def test_stdin_is_read_through_the_same_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = io.BytesIO(lzma.compress(DATA))

    monkeypatch.setattr(sys, "stdin", Stdin)
    with open_input("-") as opened:
        assert (opened.compression, opened.regular) == ("xz", False)
        assert opened.stream.read() == DATA
    assert not Stdin.buffer.closed, "stdin belongs to the process, not to ftprep"


def test_unreadable_paths_are_errors_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(FtprepError, match=r"missing\.jsonl: cannot read"):
        open_input(str(tmp_path / "missing.jsonl"))
    with pytest.raises(FtprepError, match="is a directory"):
        open_input(str(tmp_path))


def test_zstd_without_a_zstd_module_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.jsonl.zst"
    path.write_bytes(_zstd_compress(DATA))
    monkeypatch.setattr(_open, "_zstd_module", lambda: None)
    with pytest.raises(FtprepError, match="zstd-compressed") as raised:
        open_input(str(path))
    assert raised.value.hint is not None and "backports.zstd" in raised.value.hint


@pytest.mark.parametrize(
    ("prefix", "name"),
    [(b"\x1f\x8b\x08\x00", "gzip"), (b"BZh91AY&SY", "bzip2"), (b"\xfd7zXZ\x00\x00", "xz"),
     (b"\x28\xb5\x2f\xfd\x00", "zstd"), (b'{"BZh": 1}', None), (b"BZhx", None), (b"\x1f\x8b", None)],
)
def test_magic_bytes(prefix: bytes, name: str | None) -> None:
    assert compression_of(prefix) == name


def test_compression_suffixes() -> None:
    assert strip_compression_suffix("train.jsonl.GZ") == ("train.jsonl", "gzip")
    assert strip_compression_suffix("faq.csv.zst") == ("faq.csv", "zstd")
    assert strip_compression_suffix("train.jsonl") == ("train.jsonl", None)
    assert strip_compression_suffix(".gz") == (".gz", None)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_streams_are_told_apart_without_opening_them(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")  # opening it would block: is_stream must only stat it
    (tmp_path / "file.jsonl").write_bytes(b"{}\n")
    assert is_stream(str(tmp_path / "pipe")) and is_stream("-")
    assert not is_stream(str(tmp_path / "file.jsonl")) and not is_stream(str(tmp_path))
    assert not is_stream(str(tmp_path / "missing"))
