"""Read CSV, TSV, XLSX, Parquet, JSON arrays and JSON Lines as a stream of source records.

`read_records(path, options, stats)` yields `SourceRecord`s (one per row, item or line, each with
its `Origin`) and `Rejected`s for what cannot be a record (a CSV row with the wrong number of
fields, an undecodable row, a line that is not JSON, an array item that is not an object). Every
row is one or the other, except blank rows, which are counted in `stats.blank`.

Memory is bounded by a read block (1 MiB) plus the largest record, not by the file: CSV is
decoded and parsed block by block, JSON arrays are split into elements as they are read, XLSX
sheets are parsed in read-only mode and Parquet in record batches. `stats` says what was
decided (kind, encoding, delimiter, columns, sheet) and carries notes for the user, such as a
fallback encoding. A gzip, bzip2, xz or zstd file (found by its first bytes) is decompressed as
it is read, and its kind comes from the name without the compression suffix (`faq.csv.gz`).

Numbering, in `Origin.row` with `Origin.unit`: `row` is the 1-based data row of a CSV, TSV, XLSX
or Parquet file (the header is not counted; blank rows are not counted); rejects of delimited
files also name the physical lines, which differ when quoted fields hold newlines. `line` is
the physical line of a JSON Lines file, `item` the 1-based position in a JSON array, and
`value` the 1-based position in a document of objects written one after another (or just one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Rejected, SourceRecord
from ftprep.readers import _csv, _json, _sheets, _values
from ftprep.readers._encoding import PREFIX_BYTES, Encoding, detect_encoding
from ftprep.readers._open import Input, open_input, strip_compression_suffix

KINDS = ("csv", "tsv", "xlsx", "parquet", "json", "jsonl")
SUFFIX_KINDS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
}
STDIN = "-"


@dataclass(frozen=True)
class TabularOptions:
    """How to read a source; every field defaults to detection."""

    kind: str | None = None  # one of KINDS; None = from the suffix, then from the content
    delimiter: str | None = None  # CSV only; None = "\t" for .tsv, else detected
    encoding: str | None = None  # CSV/TSV only; None = detected (see _encoding.py)
    header: bool = True  # False: columns are named col1..colN and the first row is data
    sheet: str | None = None  # XLSX: a sheet name or 1-based position; None = the first sheet
    batch_rows: int = 10_000  # Parquet record-batch size
    whole_json_bytes: int = _json.WHOLE_FILE_BYTES  # JSON arrays up to this are parsed at once


@dataclass
class ReadStats:
    """What the reader decided and saw in one file, for the summary."""

    path: str
    kind: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    columns: list[str] = field(default_factory=list)
    blank: int = 0
    notes: list[str] = field(default_factory=list)
    # The input a text kind is streamed from, while it is: `Input.bytes_read` says how far
    # reading is, for a progress bar. None for XLSX and Parquet, which are read by path.
    opened: Input | None = None

    def add_blank(self) -> None:
        self.blank += 1

    def set_columns(self, columns: list[str]) -> None:
        self.columns = list(columns)

    def set_sheet(self, sheet: str) -> None:
        self.sheet = sheet


def detect_kind(path: str, prefix: bytes = b"") -> str:
    """The source kind from the file suffix, else from the first bytes."""
    kind = SUFFIX_KINDS.get(Path(path).suffix.lower())
    if kind:
        return kind
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":
        raise FtprepError(
            f"{path}: old binary Excel (.xls) is not supported", hint="save it as .xlsx or CSV"
        )
    head = prefix.lstrip(b"\xef\xbb\xbf \t\r\n")
    if prefix.startswith(b"PK\x03\x04"):
        return "xlsx"
    if prefix.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "jsonl"
    return "csv"


def read_records(
    path: str, options: TabularOptions | None = None, stats: ReadStats | None = None
) -> Iterator[SourceRecord | Rejected]:
    """Stream the records of one file (or stdin, `-`, for text kinds); see the module docstring.

    The input is opened once (`ftprep.readers._open`): a gzip, bzip2, xz or zstd file is
    decompressed as it is read, and a pipe is sniffed from the same stream it is read from.
    """
    options = options or TabularOptions()
    stats = stats if stats is not None else ReadStats(path)
    if options.kind is not None and options.kind not in KINDS:
        raise FtprepError(f"unknown input kind {options.kind!r}", hint=f"one of {', '.join(KINDS)}")
    if path != STDIN and os.path.isdir(path):
        raise FtprepError(f"{path}: is a directory")
    name = strip_compression_suffix(Path(path).name)[0]  # data.csv.gz is read as data.csv
    kind = options.kind or SUFFIX_KINDS.get(Path(name).suffix.lower())
    source = open_input(path)
    try:
        if source.compression:
            stats.notes.append(f"{source.compression}-compressed: read as it is decompressed")
        if kind in ("xlsx", "parquet"):
            yield from _read_binary(path, kind, source, options, stats)
            return
        stream = source.stream
        prefix = stream.read(PREFIX_BYTES)
        kind = kind or detect_kind(name, prefix)
        stats.kind = kind
        if kind in ("xlsx", "parquet"):  # found from the content of a file without a suffix
            yield from _read_binary(path, kind, source, options, stats)
            return
        if not prefix.strip(b"\xef\xbb\xbf \t\r\n"):
            stats.notes.append("file is empty")
        else:
            stats.opened = source
            yield from _read_text(path, kind, source, prefix, options, stats)
        if source.error:  # the data ended early: what was before the break is converted
            stats.notes.append(f"{source.error}; everything after the break is missing")
    finally:
        source.close()


def _read_binary(
    path: str, kind: str, source: Input, options: TabularOptions, stats: ReadStats
) -> Iterator[SourceRecord | Rejected]:
    """XLSX and Parquet need random access: a file on disk, read by path."""
    stats.kind = kind
    if path == STDIN:
        raise FtprepError(f"{kind} cannot be read from stdin: give a file path")
    if source.compression or not source.regular:
        what = f"{source.compression}-compressed" if source.compression else "a pipe or device"
        raise FtprepError(
            f"{path}: {kind} needs random access, and this input is {what}",
            "decompress it (or save the stream) to a file first",
        )
    source.close()  # a regular file: the readers below open it themselves
    if kind == "xlsx":
        yield from _sheets.read_xlsx(
            path, options.sheet, options.header, stats.set_columns, stats.add_blank, stats.set_sheet
        )
    else:
        yield from _sheets.read_parquet(path, options.batch_rows, stats.set_columns)


def _read_text(
    path: str, kind: str, source: Input, prefix: bytes, options: TabularOptions, stats: ReadStats
) -> Iterator[SourceRecord | Rejected]:
    """The reader for a text kind; returned, not delegated to, to keep one generator per row."""
    stream = _Chain(prefix, source.stream)
    if kind == "jsonl" and _values.document_kind(prefix):  # what `lint` calls FT013
        stats.notes.append("read as a JSON document: it is pretty-printed, not one object per line")
        kind = stats.kind = "json"
    elif kind == "json" and _json.looks_like_jsonl(prefix):
        stats.notes.append("read as JSON Lines: the first line is a complete object")
        kind = stats.kind = "jsonl"
    if kind == "jsonl":
        return _json.read_jsonl(path, stream, stats.add_blank)
    if kind == "json":
        size = os.path.getsize(path) if source.regular and not source.compression else None
        return _json.read_json_document(
            path, stream, size, stats.notes.append, options.whole_json_bytes
        )
    return _read_delimited(path, kind, source, prefix, options, stats)


def _read_delimited(
    path: str, kind: str, source: Input, prefix: bytes, options: TabularOptions, stats: ReadStats
) -> Iterator[SourceRecord | Rejected]:
    try:
        encoding = _encoding_of(path, source, prefix, options.encoding)
    except FtprepError as error:
        raise FtprepError(f"{path}: {error.message}", error.hint) from None
    stats.encoding = encoding.name
    if encoding.note:
        stats.notes.append(encoding.note)
    delimiter = options.delimiter
    if delimiter is None:
        sample = _csv.decode_sample(prefix, encoding)
        delimiter = "\t" if kind == "tsv" else _csv.sniff_delimiter(sample)
    if len(delimiter) != 1:
        raise FtprepError(f"delimiter must be one character, got {delimiter!r}")
    stats.delimiter = delimiter
    return _csv.read_delimited(
        path,
        source.stream,
        prefix,
        encoding,
        delimiter,
        options.header,
        stats.set_columns,
        stats.add_blank,
    )


def _encoding_of(path: str, source: Input, prefix: bytes, declared: str | None) -> Encoding:
    """The file's encoding; a file on disk is checked to its end through a second handle.

    A pipe can be read only once, so its encoding is decided from the prefix alone.
    """
    if not source.regular:
        return detect_encoding(prefix, declared, None)
    with open_input(path) as again:
        rest = again.stream
        rest.read(len(prefix))
        return detect_encoding(prefix, declared, rest)


class _Chain:
    """A binary stream that replays the already-read prefix before the rest of the file."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._prefix = prefix
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._prefix:
            head = self._prefix if size < 0 or size >= len(self._prefix) else self._prefix[:size]
            self._prefix = self._prefix[len(head) :]
            if size < 0:
                return head + self._stream.read()
            return head
        return self._stream.read(size)

    def __iter__(self) -> Iterator[bytes]:
        """Lines with their endings, for JSON Lines."""
        rest = b""
        while block := self.read(1 << 20):
            lines = (rest + block).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield line + b"\n"
        if rest:
            yield rest
