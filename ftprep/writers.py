"""Atomic writes: a crash never leaves a half-written file in place of the old one.

The temporary file gets the mode the real file would have had: an overwritten file keeps its
own, a new one follows the umask (as `open` would), so a trainer running as another user can
still read `train.jsonl`. `mkstemp` alone would leave every output 0600.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ftprep.model.errors import FtprepError


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
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:  # a folder that is missing or not writable: say which, not how
        hint = ("create the folder first, or write elsewhere" if not folder.is_dir()
                else "choose a folder you can write to")
        raise FtprepError(f"{path}: cannot write ({error.strerror or error})", hint) from None
    try:
        os.fchmod(handle, _mode_for(path))
        with os.fdopen(handle, mode, **open_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits `path` keeps (if it exists) or gets from the umask (if new)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask. Linux shows it in /proc; elsewhere set-and-restore is the only way."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    with _atomic(path, "w", encoding="utf-8", newline="\n") as stream:
        yield stream


@contextmanager
def atomic_bytes(path: Path) -> Iterator[IO[bytes]]:
    with _atomic(path, "wb", buffering=1 << 20) as stream:
        yield stream
