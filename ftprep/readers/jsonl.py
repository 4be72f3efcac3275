"""Stream JSONL lines (or a JSON document's values) from files, directories, globs, pipes or stdin.

Nothing here holds a file in memory: lines are yielded one at a time from a buffered binary
reader, so a 10 MB line costs 10 MB and a 1 GB file costs one line at a time. An input is opened
once (`ftprep.readers._open`): a compressed file is decompressed as it is read, and what a file
holds (JSON Lines, a JSON document, a binary format) is decided from its first bytes, peeked
from that same stream, so a pipe such as `<(zcat data.jsonl.gz)` is read whole and only once.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from ftprep.model.errors import FtprepError
from ftprep.model.sources import COMPRESSED_SUFFIXES, JSONL_SUFFIXES, FileStats, RawLine, Source
from ftprep.readers._open import (
    STDIN,
    Input,
    open_input,
    strip_compression_suffix,
)
from ftprep.readers._values import BLOCK_BYTES, document_values


def training_and_validation(paths: list[str], validation: list[str]) -> list[Source]:
    """The training sources, then the validation ones marked as such (read, checked and
    counted apart: they are not training data)."""
    held_out = resolve_sources(validation) if validation else []
    for source in held_out:
        source.validation = True
    return resolve_sources(paths) + held_out


def resolve_sources(paths: list[str]) -> list[Source]:
    """Expand user arguments into sources, in a stable order.

    A directory contributes its JSONL files (recursively, sorted) and a skipped entry for every
    other file, so mixed folders are visible rather than silently half-read. A missing path, an
    empty glob or a directory without a JSONL file is an error: the user asked for input that is
    not there.
    """
    sources: list[Source] = []
    for arg in paths:
        if arg == STDIN:
            sources.append(Source(STDIN))
            continue
        path = Path(arg)
        if path.is_dir():
            found = list(_directory_sources(path))
            if all(source.skip_reason for source in found):
                others = f" ({len(found):,} other file{'s' * (len(found) != 1)})" if found else ""
                raise FtprepError(
                    f"{arg}: no JSONL files in this directory{others}",
                    f"ftprep reads files ending in {', '.join(JSONL_SUFFIXES)} (compressed too: "
                    f"{', '.join(COMPRESSED_SUFFIXES)}); convert other formats with `ftprep convert`",
                )
            sources.extend(found)
        elif path.exists():
            sources.append(Source(arg, document=other_format(path)))
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise FtprepError(f"no files match {arg!r}")
            sources.extend(resolve_sources(matches))
        else:
            raise FtprepError(f"{arg}: no such file or directory")
    return sources


def _directory_sources(root: Path) -> Iterator[Source]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = str(Path(dirpath) / name)
            if is_jsonl_name(name):
                yield Source(path)
            else:
                inner, compression = strip_compression_suffix(name)
                suffix = Path(inner).suffix + Path(name).suffix if compression else Path(name).suffix
                yield Source(path, f"not a JSONL file ({suffix or 'no extension'})")


def is_jsonl_name(name: str) -> bool:
    """`train.jsonl`, `train.ndjson.gz`, ...: the names a directory scan reads."""
    return strip_compression_suffix(name)[0].lower().endswith(JSONL_SUFFIXES)


# Files that are certainly not JSON Lines, by suffix: reading them line by line as JSON would
# only bury the one real problem under an error per line. Content is checked when read.
OTHER_FORMATS = {
    ".csv": "a CSV file", ".tsv": "a TSV file", ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook", ".parquet": "a Parquet file", ".zip": "a zip archive",
}


def other_format(path: Path) -> str | None:
    """What a named file is when its name says it is not JSON Lines (`data.csv.gz` too)."""
    name, compression = strip_compression_suffix(path.name)
    known = OTHER_FORMATS.get(Path(name).suffix.lower())
    if known is None or compression is None:
        return known
    return f"{known} ({compression}-compressed)"


# How many lines of a file's head `text_kind` looks at, and how many it needs to decide.
_TEXT_LINES, _TEXT_MIN_LINES = 20, 3


def text_kind(head: bytes) -> str | None:
    """`a WhatsApp chat export` or `a plain-text file` when `head` holds no JSON at all.

    A file named for linting whose first lines neither open an object nor parse as JSON is not
    JSON Lines with a few bad lines: reporting each of its lines would bury the one problem (a
    `.txt` chat export named by mistake). At least three non-blank lines must agree, and a line
    that opens an object (`{`) keeps the file JSON Lines, so a damaged JSONL file is still read
    and its lines reported one by one.
    """
    lines = [line.strip() for line in head.removeprefix(b"\xef\xbb\xbf").split(b"\n")[:-1]]
    lines = [line for line in lines if line][:_TEXT_LINES]
    if len(lines) < _TEXT_MIN_LINES or any(line.startswith(b"{") for line in lines):
        return None
    for line in lines:
        try:
            orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        return None
    # Imported here: the chat-log readers are convert's, and lint's start-up should not pay for
    # them on the usual path (a JSON Lines file never gets this far).
    from ftprep.readers.chatlogs import whatsapp

    if whatsapp.starts_like_a_chat(head):
        return "a WhatsApp chat export"
    return "a plain-text file"


def read_lines(
    source: Source, stats: FileStats, start: int = 0, end: int | None = None,
    opened: Input | None = None,
) -> Iterator[RawLine]:
    """Yield every line of `source`, counting lines, bytes and CRLF endings into `stats`.

    `opened` is the input already opened (and sniffed) by the caller; without it the source is
    opened here. With `start`/`end` (byte offsets at line starts of a regular, uncompressed
    file) only that range is read, as one shard of a parallel run: line numbers then count from
    the range's first line, offsets stay absolute.
    """
    own = opened is None and not start and end is None
    if own:
        opened = open_input(source.path)
    stream = opened.stream if opened is not None else _open_range(source.path, start)
    offset = start
    number = 0
    complete = True
    try:
        for chunk in stream:
            number += 1
            size = len(chunk)
            complete = chunk.endswith(b"\n")
            data = chunk[:-1] if complete else chunk
            crlf = data.endswith(b"\r")
            if crlf:
                data = data[:-1]
                stats.crlf += 1
                if not stats.first_crlf_line:
                    stats.first_crlf_line = number
            yield RawLine(source.path, number, offset, data, crlf)
            offset += size
            if end is not None and offset >= end:
                break
    except OSError as error:
        raise FtprepError(f"{source.path}: read failed at line {number + 1} ({error})") from None
    finally:
        stats.lines = number
        stats.bytes = offset - start
        if opened is None:
            stream.close()
        else:
            _note_input(stats, opened, number if not complete else number + 1)
            if own:
                opened.close()


def _open_range(path: str, start: int) -> BinaryIO:
    try:
        stream = open(path, "rb", buffering=1 << 20)  # noqa: SIM115 (closed by read_lines)
    except OSError as error:
        raise FtprepError(f"{path}: cannot read ({error.strerror})") from None
    stream.seek(start)
    return stream


def read_values(source: Source, opened: Input, stats: FileStats) -> Iterator[RawLine]:
    """Each top-level value of a JSON document (an array's items, or objects one after another)
    as one unit, placed at the line and column where it starts."""
    stats.document_read = True
    size = 0
    line = 1

    def blocks() -> Iterator[bytes]:
        nonlocal size
        while block := opened.stream.read(BLOCK_BYTES):
            size += len(block)
            yield block

    try:
        for value in document_values(blocks()):
            if value.problem is None:
                stats.values += 1
            line = value.line
            yield RawLine(
                source.path, value.line, value.offset, value.data, False, value.column, value.unit,
                value.message if value.problem else None,
            )
    except OSError as error:
        raise FtprepError(f"{source.path}: read failed ({error})") from None
    finally:
        stats.bytes = size
        _note_input(stats, opened, line)


def _note_input(stats: FileStats, opened: Input, line: int) -> None:
    """What the input adds to `stats`: its size on disk when compressed, and where it broke."""
    if opened.compression:
        stats.compressed_bytes = opened.bytes_read
    error = opened.error
    if error:
        stats.read_error = error
        stats.read_error_line = line


def shard_bounds(path: str, shards: int) -> list[int]:
    """Byte offsets splitting a file into `shards` ranges that each start at a line start."""
    size = os.path.getsize(path)
    bounds = [0]
    with open(path, "rb") as stream:
        for k in range(1, shards):
            stream.seek(max(size * k // shards - 1, 0))
            stream.readline()  # to the start of the next line
            bound = stream.tell()
            if bounds[-1] < bound < size:
                bounds.append(bound)
    return [*bounds, size]
