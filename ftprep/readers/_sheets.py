"""Excel workbooks and Parquet files as source records, streamed row by row or batch by batch.

XLSX goes through openpyxl directly in read-only mode rather than `pandas.read_excel`, which
loads the whole sheet into a DataFrame first: read-only mode parses the sheet XML as it goes,
so memory stays flat. Cells become text the way the sheet shows them (whole numbers without
`.0`, `TRUE`/`FALSE`, dates in ISO form), like CSV cells. Parquet keeps its typed values
(lists of structs become lists of dicts), so a `messages` column from a dataset hub arrives
as a real list of messages.

Both libraries are optional extras; a missing one is an error that says what to install.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Origin, Rejected, SourceRecord
from ftprep.readers._csv import header_names
from ftprep.suggest import closest


def cell_text(value: Any) -> str:
    """A cell as the text a spreadsheet shows; empty for a blank cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_xlsx(
    path: str,
    sheet: str | None,
    header: bool,
    on_columns: Callable[[list[str]], None],
    on_blank: Callable[[], None],
    on_sheet: Callable[[str], None],
) -> Iterator[SourceRecord | Rejected]:
    """Rows of one sheet (the first unless `sheet` names one); `row` is the 1-based data row."""
    try:
        import openpyxl  # type: ignore[import-untyped]
        from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
    except ImportError:
        raise FtprepError(
            "reading .xlsx needs openpyxl", hint="pip install 'ftprep[excel]' (or openpyxl)"
        ) from None
    try:
        # A handle, not the name: openpyxl refuses unknown suffixes. Closed by `with` below.
        handle = Path(path).open("rb")  # noqa: SIM115
    except OSError as error:
        raise FtprepError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise FtprepError(f"{path}: not a readable .xlsx workbook ({error})") from None
        try:
            yield from _sheet_rows(path, book, sheet, header, on_columns, on_blank, on_sheet)
        finally:
            book.close()


def _sheet_rows(
    path: str,
    book: Any,
    sheet: str | None,
    header: bool,
    on_columns: Callable[[list[str]], None],
    on_blank: Callable[[], None],
    on_sheet: Callable[[str], None],
) -> Iterator[SourceRecord | Rejected]:
    name = _pick_sheet(path, book.sheetnames, sheet)
    on_sheet(name)
    columns: list[str] | None = None
    row = 0
    for values in book[name].iter_rows(values_only=True):
        cells = [cell_text(v) for v in values]
        if not any(cells):
            on_blank()
            continue
        if columns is None:
            columns = (
                header_names(cells) if header else [f"col{i}" for i in range(1, len(cells) + 1)]
            )
            on_columns(columns)
            if header:
                continue
        row += 1
        if len(cells) > len(columns):  # a cell right of the header's last column
            columns = columns + [f"col{i}" for i in range(len(columns) + 1, len(cells) + 1)]
        yield SourceRecord(Origin(path, row), dict(zip(columns, cells)))


def _pick_sheet(path: str, names: list[str], sheet: str | None) -> str:
    if not names:
        raise FtprepError(f"{path}: workbook has no sheets")
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    guess = closest(sheet, names)
    raise FtprepError(
        f"{path}: no sheet {sheet!r}; sheets: {', '.join(names)}",
        hint=f"did you mean {guess!r}?" if guess else "give a sheet name or its 1-based position",
    )


def read_parquet(
    path: str, batch_rows: int, on_columns: Callable[[list[str]], None]
) -> Iterator[SourceRecord | Rejected]:
    """Rows of a Parquet file, read in record batches of `batch_rows`."""
    try:
        import pyarrow  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        raise FtprepError(
            "reading .parquet needs pyarrow", hint="pip install 'ftprep[parquet]' (or pyarrow)"
        ) from None
    try:
        file = pq.ParquetFile(path)
    except (pyarrow.ArrowException, OSError) as error:
        raise FtprepError(f"{path}: not a readable Parquet file ({error})") from None
    with file:
        on_columns(list(file.schema_arrow.names))
        row = 0
        for batch in file.iter_batches(batch_size=batch_rows):
            for fields in batch.to_pylist():
                row += 1
                yield SourceRecord(Origin(path, row), fields)
