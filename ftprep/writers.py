"""Atomic writes: a crash never leaves a half-written file in place of the old one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def _atomic(path: Path, mode: str, **open_args: Any) -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path`, fsync, then rename over it.

    A symlink's target is replaced, not the link. A path that exists but is not a regular file
    (/dev/null, a FIFO, /dev/stdout) is written in place: renaming over a device as root would
    replace the device with a plain file.
    """
    path = path.resolve()
    if path.exists() and not path.is_file():
        with open(path, mode, **open_args) as stream:
            yield stream
        return
    folder = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, mode, **open_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    with _atomic(path, "w", encoding="utf-8", newline="\n") as stream:
        yield stream


@contextmanager
def atomic_bytes(path: Path) -> Iterator[IO[bytes]]:
    with _atomic(path, "wb", buffering=1 << 20) as stream:
        yield stream
