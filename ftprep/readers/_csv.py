"""CSV and TSV rows as source records: delimiter detection, exact row and line numbers.

Python's `csv` module is the engine rather than `pandas.read_csv`: on the 1M-row benchmark it
is as fast once rows become dicts (pandas' C parser saves time that `.tolist()`/`to_dict` spend
again), and pandas cannot keep the promise that no row is silently dropped: its C engine pads a
short row with empty strings (indistinguishable from real empty cells under
`keep_default_na=False`) and turns a long row into a warning, while a per-row callback needs the
slow Python engine. Here a row with the wrong number of fields, a broken quote or undecodable
bytes becomes a `Rejected` naming its data row and physical lines, and the run goes on.

Reading is strict (`strict=True`): a stray quote is an error for that row, not text silently
rewritten. Bytes are decoded in 1 MiB blocks; a block that fails to decode is split into lines
and only the lines that fail are flagged, so their rows are rejected and every other row is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Origin, Rejected, SourceRecord
from ftprep.readers._encoding import Encoding

if TYPE_CHECKING:
    from _csv import Reader as _csv_reader

BLOCK_BYTES = 1 << 20
DELIMITERS = (",", "\t", ";", "|")
_SNIFF_ROWS = 200
_FIELD_LIMIT = 1 << 30  # the default (131,072 characters) rejects long documents in one cell


class _LineState:
    """Shared between the line source and the row loop: which physical lines failed to decode."""

    __slots__ = ("bad", "reader")

    def __init__(self) -> None:
        self.reader: _csv_reader | None = None
        self.bad: list[int] = []

    def flag_next_line(self) -> None:
        # The csv reader pulls lines only as it needs them, so the line about to be yielded is
        # line_num + 1 of the reader.
        reader = self.reader
        self.bad.append((reader.line_num if reader is not None else 0) + 1)


def sniff_delimiter(sample: str) -> str:
    """The candidate that splits the sample's rows into the same number (>= 2) of fields most often.

    `csv.Sniffer` was not used: it guesses from character frequencies line by line, so quoted
    newlines and commas inside text mislead it; parsing the sample with each candidate respects
    quoting. Ties go to the earlier candidate (comma, tab, semicolon, pipe).
    """
    cut = sample.rfind("\n")
    text = sample[: cut + 1] if cut >= 0 else sample
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        counts = [len(row) for row in itertools.islice(rows, _SNIFF_ROWS) if row]
        if not counts:
            continue
        width, hits = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (hits / len(counts), width)
        if score[0] > best_score[0]:
            best, best_score = delimiter, score
    return best


def decode_sample(prefix: bytes, encoding: Encoding) -> str:
    """The prefix as text for sniffing: undecodable bytes replaced, a cut character dropped."""
    decoder = codecs.getincrementaldecoder(encoding.name)("replace")
    return decoder.decode(prefix[encoding.bom :], final=False)


def text_lines(
    stream: BinaryIO, prefix: bytes, encoding: Encoding, state: _LineState
) -> Iterator[str]:
    """Physical lines (with their endings) of the file whose first bytes are `prefix`.

    A block of bytes is split into lines (`bytes.splitlines` breaks at \\n, \\r and \\r\\n only,
    as the csv module expects) and each line decoded on its own, and the blocks' lists are
    chained in C. That is 2.5x faster than decoding whole blocks and reading them through
    `io.StringIO`: one emoji makes a whole decoded block four bytes per character, and a Python
    generator yielding each line would cost as much as the CSV parsing itself.
    """
    if not encoding.ascii_lines:
        return itertools.chain.from_iterable(_wide_blocks(stream, prefix, encoding))
    return itertools.chain.from_iterable(_blocks(stream, prefix, encoding, state))


def _blocks(
    stream: BinaryIO, prefix: bytes, encoding: Encoding, state: _LineState
) -> Iterator[Iterable[str]]:
    name, errors = encoding.name, encoding.errors
    rest = prefix[encoding.bom :]
    while True:
        block = stream.read(BLOCK_BYTES)
        data = rest + block if rest else block
        if block:
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                cut = data.rfind(b"\r", 0, len(data) - 1) + 1  # old Mac endings; keep \r\n whole
            if cut == 0:
                rest = data  # a line longer than a block: keep reading
                continue
            rest, data = data[cut:], data[:cut]
        if data:
            lines = data.splitlines(keepends=True)
            try:
                yield [line.decode(name, errors) for line in lines]
            except UnicodeDecodeError:
                yield _lines_one_by_one(lines, encoding, state)
        if not block:
            return


def _lines_one_by_one(lines: list[bytes], encoding: Encoding, state: _LineState) -> Iterator[str]:
    """The slow path for a block that failed to decode: flag exactly the lines that fail."""
    for line in lines:
        try:
            yield line.decode(encoding.name, encoding.errors)
        except UnicodeDecodeError:
            state.flag_next_line()
            yield line.decode(encoding.name, "surrogateescape")


def _wide_blocks(stream: BinaryIO, prefix: bytes, encoding: Encoding) -> Iterator[Iterator[str]]:
    """UTF-16/32: decode incrementally; an invalid code unit ends the read with its offset."""
    decoder = codecs.getincrementaldecoder(encoding.name)("strict")
    offset = encoding.bom
    block = prefix[encoding.bom :]
    pending = ""
    while True:
        try:
            text = pending + decoder.decode(block, final=not block)
        except UnicodeDecodeError as error:
            raise FtprepError(
                f"not valid {encoding.name.upper()} near byte {offset + error.start}",
                hint="pass --encoding with the file's real encoding",
            ) from None
        offset += len(block)
        cut = len(text) if not block else text.rfind("\n") + 1
        yield io.StringIO(text[:cut], newline="")
        pending = text[cut:]
        if not block:
            return
        block = stream.read(BLOCK_BYTES)


def header_names(fields: list[str]) -> list[str]:
    """Column names: trimmed; an empty one is `colN`; a repeat gets `.1`, `.2` (as pandas)."""
    names: list[str] = []
    seen: Counter[str] = Counter()
    for i, field in enumerate(fields, 1):
        name = field.strip() or f"col{i}"
        if seen[name]:
            name = f"{name}.{seen[name]}"
        seen[field.strip() or f"col{i}"] += 1
        names.append(name)
    return names


def _fields(count: int) -> str:
    return "1 field" if count == 1 else f"{count} fields"


def _lines_text(start: int, end: int) -> str:
    return f"line {start}" if start == end else f"lines {start}-{end}"


def _printable(fields: list[str], encoding: Encoding) -> list[str]:
    """Fields holding undecodable bytes, made JSON-safe with the bytes shown as \\xNN."""
    return [
        f.encode(encoding.name, "surrogateescape").decode(encoding.name, "backslashreplace")
        for f in fields
    ]


def read_delimited(
    path: str,
    stream: BinaryIO,
    prefix: bytes,
    encoding: Encoding,
    delimiter: str,
    header: bool,
    on_columns: Callable[[list[str]], None],
    on_blank: Callable[[], None],
) -> Iterator[SourceRecord | Rejected]:
    """Rows of a delimited file; `row` in each origin is the 1-based data row (header excluded)."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)  # process-wide, but only ever raised
    state = _LineState()
    reader = csv.reader(
        text_lines(stream, prefix, encoding, state), delimiter=delimiter, strict=True
    )
    state.reader = reader
    bad = state.bad
    columns: list[str] | None = None
    width = row = end = 0
    while True:  # re-entered after each csv.Error: the reader goes on with the next line
        try:
            if columns is None:  # up to the header (or, without one, the first row)
                for fields in reader:
                    start, end = end + 1, reader.line_num
                    if bad and bad[0] <= end:
                        if header:
                            raise FtprepError(f"{path}: header row is not valid {encoding.name}")
                        del bad[: sum(1 for b in bad if b <= end)]
                        row += 1
                        yield _undecodable(path, row, fields, encoding, start, end)
                        continue
                    if not any(fields):
                        on_blank()
                        continue
                    columns = (
                        header_names(fields)
                        if header
                        else [f"col{i}" for i in range(1, len(fields) + 1)]
                    )
                    width = len(columns)
                    on_columns(columns)
                    if not header:
                        row += 1
                        yield SourceRecord(Origin(path, row), dict(zip(columns, fields)))
                    break
                else:
                    return
            for fields in reader:  # the hot loop: one check per row when all is well
                start, end = end + 1, reader.line_num
                if bad and bad[0] <= end:
                    del bad[: sum(1 for b in bad if b <= end)]
                    row += 1
                    yield _undecodable(path, row, fields, encoding, start, end)
                elif len(fields) == width and (fields[0] or any(fields)):
                    row += 1
                    yield SourceRecord(Origin(path, row), dict(zip(columns, fields)))
                elif not any(fields):
                    on_blank()
                else:
                    row += 1
                    reason = f"row has {_fields(len(fields))} where the header has {width}"
                    yield Rejected(
                        Origin(path, row), f"{reason} ({_lines_text(start, end)})", fields
                    )
            return
        except csv.Error as error:
            start, end = end + 1, reader.line_num
            if bad:
                del bad[: sum(1 for b in bad if b <= end)]
            if columns is None and header:
                raise FtprepError(f"{path}: header row is malformed CSV ({error})") from None
            row += 1
            # The csv module has no error codes; this message is its fixed text for EOF in quotes.
            if str(error) == "unexpected end of data":
                reason = (
                    f"quoted field opened at line {start} is never closed "
                    "(runs to the end of the file)"
                )
            else:
                reason = f"malformed CSV: {error} ({_lines_text(start, end)})"
            yield Rejected(Origin(path, row), reason)


def _undecodable(
    path: str, row: int, fields: list[str], encoding: Encoding, start: int, end: int
) -> Rejected:
    return Rejected(
        Origin(path, row),
        f"row is not valid {encoding.name} ({_lines_text(start, end)})",
        _printable(fields, encoding),
    )
