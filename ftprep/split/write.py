"""Pass 2 of a split: stream the input again and write each example's line to its side.

Lines are written as read (no re-serialisation, so key order, spacing and escapes survive),
without a byte order mark or CR, each ending in LF. Both outputs are written atomically: when
anything fails, including the input having changed since pass 1, neither file is replaced.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from ftprep.model.errors import FtprepError
from ftprep.model.sources import FileStats, Source
from ftprep.parsing import BOM
from ftprep.readers.jsonl import read_lines
from ftprep.split.scan import Scan
from ftprep.writers import atomic_bytes


def write_sides(scan: Scan, validation: np.ndarray, train_path: Path, validation_path: Path) -> None:
    """Write example i to `validation_path` when `validation[i]`, else to `train_path`."""
    try:
        _write(scan, validation.tolist(), train_path, validation_path)
    except OSError as error:  # the temporary file's name holds its output's name
        name = str(error.filename or "")
        where = next((str(p) for p in (train_path, validation_path) if p.name in name),
                     f"{train_path} or {validation_path}")
        raise FtprepError(f"{where}: cannot write ({error.strerror or error}); nothing was "
                          "written") from None
    except FtprepError as error:  # the writer's own refusal (a folder it cannot write in)
        raise FtprepError(f"{error.message}; nothing was written", error.hint) from None


def _write(scan: Scan, sides: list[bool], train_path: Path, validation_path: Path) -> None:
    skipped = scan.skipped_lines
    stats = FileStats(scan.path)
    checksum = 0
    index = 0
    with atomic_bytes(train_path) as train, atomic_bytes(validation_path) as held_out:
        for raw in read_lines(Source(scan.path), stats):
            checksum = zlib.crc32(raw.data, checksum)
            if raw.line in skipped:
                continue
            if index < len(sides):
                out = held_out if sides[index] else train
                out.write(raw.data.removeprefix(BOM))
                out.write(b"\n")
            index += 1
        if index != len(sides) or checksum != scan.checksum or stats.lines != scan.lines:
            raise FtprepError(
                f"{scan.path}: the file changed while it was being split; nothing was written",
                "split it again once nothing else writes to it",
            )
