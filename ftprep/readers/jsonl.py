"""Stream JSONL lines from files, directories, globs or stdin, with path, line and byte offset.

Nothing here holds a file in memory: lines are yielded one at a time from a buffered binary
reader, so a 10 MB line costs 10 MB and a 1 GB file costs one line at a time.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import orjson

from ftprep.errors import FtprepError

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
STDIN = "-"


@dataclass(slots=True)
class RawLine:
    """One physical line: bytes without the line ending, and where it came from."""

    path: str
    line: int
    offset: int
    data: bytes
    crlf: bool


@dataclass(slots=True)
class Source:
    """An input the user named: a readable JSONL file, stdin, or something we must skip."""

    path: str
    skip_reason: str | None = None
    document: str | None = None  # "a JSON array" etc. when the file is one JSON document


@dataclass(slots=True)
class FileStats:
    """What a reader saw in one file, so every line is accounted for in the summary."""

    path: str
    lines: int = 0
    bytes: int = 0
    blank: int = 0
    crlf: int = 0
    first_crlf_line: int = 0
    unparsed: int = 0
    records: int = 0
    skipped: str | None = None
    document: str | None = None  # set when the file is one JSON document, not JSON Lines


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
                    f"ftprep reads files ending in {', '.join(JSONL_SUFFIXES)}; "
                    "convert other formats with `ftprep convert`",
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
            if name.lower().endswith(JSONL_SUFFIXES):
                yield Source(path)
            else:
                suffix = Path(name).suffix or "no extension"
                yield Source(path, f"not a JSONL file ({suffix})")


# Files that are certainly not JSON Lines, by suffix: reading them line by line as JSON would
# only bury the one real problem under an error per line.
OTHER_FORMATS = {
    ".csv": "a CSV file", ".tsv": "a TSV file", ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook", ".parquet": "a Parquet file", ".zip": "a zip archive",
    ".gz": "a gzip file",
}


def other_format(path: Path) -> str | None:
    """What a named file is when it is not JSON Lines (by suffix, then by its first lines)."""
    known = OTHER_FORMATS.get(path.suffix.lower())
    return known if known is not None else json_document_kind(path)


def json_document_kind(path: Path, sniff: int = 1 << 16) -> str | None:
    """`a JSON array` or `a multi-line JSON object` when the file is one pretty-printed document.

    JSON Lines holds a whole value on every line. A document opens with a line that cannot parse
    on its own and ends in an opener or a comma (`[`, `{`, `[{"a": 1},`, `{"messages": [`), and
    its second line cannot parse on its own either. Anything else is read as JSONL and its bad
    lines are reported one by one (a truncated JSONL line is not mistaken for a document).
    """
    try:
        with open(path, "rb") as stream:
            head = stream.read(sniff)
    except OSError:
        return None  # read_lines reports it
    lines = [line.strip() for line in head.removeprefix(b"\xef\xbb\xbf").split(b"\n")]
    lines = [line for line in lines if line][:2]
    if len(lines) < 2 or lines[0][:1] not in (b"[", b"{") or lines[0][-1:] not in b"[{,:":
        return None
    kind = "a JSON array" if lines[0].startswith(b"[") else "a multi-line JSON object"
    if lines[0] in (b"[", b"{"):
        return kind  # a bare opener is never a line of JSONL
    for line in lines:
        try:
            orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        return None
    return kind


def _open(source: Source) -> BinaryIO:
    if source.path == STDIN:
        return sys.stdin.buffer
    try:
        return open(source.path, "rb", buffering=1 << 20)
    except IsADirectoryError:
        raise FtprepError(f"{source.path}: is a directory") from None
    except OSError as error:
        raise FtprepError(f"{source.path}: cannot read ({error.strerror})") from None


def read_lines(
    source: Source, stats: FileStats, start: int = 0, end: int | None = None
) -> Iterator[RawLine]:
    """Yield every line of `source`, counting lines, bytes and CRLF endings into `stats`.

    With `start`/`end` (byte offsets at line starts) only that range is read, as one shard of
    a parallel run: line numbers then count from the range's first line, offsets stay absolute.
    """
    stream = _open(source)
    offset = start
    number = 0
    try:
        if start:
            stream.seek(start)
        for chunk in stream:
            number += 1
            size = len(chunk)
            data = chunk[:-1] if chunk.endswith(b"\n") else chunk
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
        if stream is not sys.stdin.buffer:
            stream.close()


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
