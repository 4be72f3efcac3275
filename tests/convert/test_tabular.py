"""Tabular and JSON readers: every row becomes a record or a rejection, with its row number."""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Rejected, SourceRecord
from ftprep.readers import _csv, _values
from ftprep.readers.tabular import ReadStats, TabularOptions, detect_kind, read_records
from tests.helpers import CORPORA

DATA = Path(__file__).resolve().parents[1] / "data" / "tabular"
LLAMAFACTORY = CORPORA / "llamafactory"


def read(path: Path | str, **options: Any) -> tuple[list[SourceRecord | Rejected], ReadStats]:
    stats = ReadStats(str(path))
    return list(read_records(str(path), TabularOptions(**options), stats)), stats


def rows(items: list[SourceRecord | Rejected]) -> list[tuple[int | None, Any]]:
    """(row, fields) for records and (row, reason) for rejects, in order."""
    return [(i.origin.row, i.fields if isinstance(i, SourceRecord) else i.reason) for i in items]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- CSV basics --------------------------------------------------------------------------------


def test_csv_rows_keep_quoted_newlines_quotes_and_commas() -> None:
    items, stats = read(DATA / "qa.csv")
    assert stats.kind == "csv" and stats.encoding == "utf-8" and stats.delimiter == ","
    assert stats.columns == ["question", "answer"]
    assert rows(items) == [
        (1, {"question": "What is the capital of France?", "answer": "Paris."}),
        (
            2,
            {
                "question": 'How do I write "hello" in Python?',
                "answer": 'Use print:\n\nprint("hello")',
            },
        ),
        (3, {"question": "Name three colours, please.", "answer": "Red, green and blue."}),
        (4, {"question": "Qu'est-ce qu'un café ?", "answer": "Une boisson."}),
    ]
    assert all(i.origin.unit == "row" and i.origin.path == str(DATA / "qa.csv") for i in items)


@pytest.mark.parametrize(
    ("name", "delimiter"),
    [("qa_semicolon.csv", ";"), ("qa.tsv", "\t"), ("qa_pipe.txt", "|"), ("qa.csv", ",")],
)
def test_delimiter_is_detected(name: str, delimiter: str) -> None:
    items, stats = read(DATA / name)
    assert stats.delimiter == delimiter
    assert stats.columns == ["question", "answer"]
    assert all(isinstance(i, SourceRecord) for i in items)


def test_semicolon_csv_keeps_decimal_commas() -> None:
    items, _ = read(DATA / "qa_semicolon.csv")
    assert items[0].fields == {"question": "Wie viel ist 1,5 + 1?", "answer": "2,5"}  # type: ignore[union-attr]


def test_explicit_delimiter_wins(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", b"a;b,c\n1;2,3\n")
    items, stats = read(path, delimiter=";")
    assert stats.delimiter == ";" and rows(items) == [(1, {"a": "1", "b,c": "2,3"})]


def test_sniffer_is_not_fooled_by_commas_in_tab_separated_text(tmp_path: Path) -> None:
    text = "question\tanswer\n" + "".join(
        f"Hi, there {i}, ok?\tYes, {i}, sure, fine.\n" for i in range(20)
    )
    items, stats = read(write(tmp_path, "data.csv", text.encode()))
    assert stats.delimiter == "\t" and len(items) == 20


def test_no_header_names_columns_and_keeps_the_first_row(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", b"hello,world\nfoo,bar\n")
    items, stats = read(path, header=False)
    assert stats.columns == ["col1", "col2"]
    assert rows(items) == [
        (1, {"col1": "hello", "col2": "world"}),
        (2, {"col1": "foo", "col2": "bar"}),
    ]


def test_header_names_are_trimmed_filled_and_deduplicated(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", b" question , answer,,answer\n1,2,3,4\n")
    items, stats = read(path)
    assert stats.columns == ["question", "answer", "col3", "answer.1"]
    assert items[0].fields == {"question": "1", "answer": "2", "col3": "3", "answer.1": "4"}  # type: ignore[union-attr]


def test_long_fields_beyond_the_csv_default_limit(tmp_path: Path) -> None:
    long = "x" * 300_000
    items, _ = read(write(tmp_path, "x.csv", f"q,a\nshort,{long}\n".encode()))
    assert items[0].fields["a"] == long  # type: ignore[union-attr]


def test_crlf_and_old_mac_line_endings(tmp_path: Path) -> None:
    for ending in (b"\r\n", b"\r"):
        data = ending.join([b"q,a", b"1,2", b'"multi' + ending + b'line",3', b""])
        items, _ = read(write(tmp_path, "x.csv", data))
        assert rows(items) == [
            (1, {"q": "1", "a": "2"}),
            (2, {"q": "multi" + ending.decode() + "line", "a": "3"}),
        ]


# --- hostile CSV -------------------------------------------------------------------------------


def test_malformed_rows_are_rejected_with_row_and_line_never_dropped() -> None:
    items, stats = read(DATA / "malformed.csv")
    assert rows(items) == [
        (1, {"question": "What is 2+2?", "answer": "4"}),
        (2, "row has 3 fields where the header has 2 (line 3)"),
        (3, "row has 1 field where the header has 2 (line 4)"),
        (4, "malformed CSV: ',' expected after '\"' (line 6)"),
        (5, {"question": "Good, after all that?", "answer": "yes"}),
        (6, "quoted field opened at line 9 is never closed (runs to the end of the file)"),
    ]
    assert stats.blank == 2  # the empty line and the row of empty cells
    assert items[1].source == ["one", "two", "three"]  # type: ignore[union-attr]


def test_rejected_rows_name_all_their_lines_when_quotes_span_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", b'q,a\n"multi\nline",x,extra\nok,fine\n')
    items, _ = read(path)
    assert rows(items) == [
        (1, "row has 3 fields where the header has 2 (lines 2-3)"),
        (2, {"q": "ok", "a": "fine"}),
    ]


def test_empty_file_and_header_only_give_no_records() -> None:
    items, stats = read(DATA / "empty.csv")
    assert items == [] and stats.notes == ["file is empty"]
    items, stats = read(DATA / "header_only.csv")
    assert items == [] and stats.columns == ["question", "answer"]


def test_malformed_header_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FtprepError, match="header row is malformed"):
        read(write(tmp_path, "x.csv", b'"q"x,a\n1,2\n'))


@pytest.mark.parametrize(
    ("data", "what"),
    [(b"PK\x03\x04rest", "zip container"), (b"\x00\x01\x02\x03\xff\x00\x00\x07", "binary")],
)
def test_binary_files_named_csv_are_an_error(tmp_path: Path, data: bytes, what: str) -> None:
    with pytest.raises(FtprepError, match=what):
        read(write(tmp_path, "x.csv", data))


# --- encodings ---------------------------------------------------------------------------------

TEXT = "question,answer\nCafé ?,Très « bien » — merci\nÜber?,Straße\n"
EXPECTED = [
    (1, {"question": "Café ?", "answer": "Très « bien » — merci"}),
    (2, {"question": "Über?", "answer": "Straße"}),
]


@pytest.mark.parametrize(
    ("encoded", "name"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16-le"),  # Python writes a BOM, little-endian here
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM: told by the NUL bytes
        (b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"), "utf-32-le"),
    ],
)
def test_unicode_encodings_are_detected(tmp_path: Path, encoded: bytes, name: str) -> None:
    items, stats = read(write(tmp_path, "x.csv", encoded))
    assert stats.encoding == name
    assert stats.columns == ["question", "answer"]  # no BOM glued to the first name
    assert rows(items) == EXPECTED


def test_legacy_encoding_falls_back_to_windows_1252_with_a_note(tmp_path: Path) -> None:
    items, stats = read(write(tmp_path, "x.csv", TEXT.encode("cp1252")))
    assert stats.encoding == "cp1252" and rows(items) == EXPECTED
    assert stats.notes and "not UTF-8 (byte 0xE9 at offset 19)" in stats.notes[0]
    assert "--encoding" in stats.notes[0]


def test_legacy_bytes_after_the_prefix_are_still_found(tmp_path: Path) -> None:
    ascii_rows = "".join(f"question {i},answer {i}\n" for i in range(10_000)).encode()
    assert len(ascii_rows) > 1 << 16
    data = b"q,a\n" + ascii_rows + "Café,é\n".encode("cp1252")
    items, stats = read(write(tmp_path, "x.csv", data))
    assert stats.encoding == "cp1252"
    assert items[-1].fields == {"q": "Café", "a": "é"}  # type: ignore[union-attr]


def test_declared_encoding_is_used(tmp_path: Path) -> None:
    text = "q,a\nЧто?,Кофе\n"
    items, stats = read(write(tmp_path, "x.csv", text.encode("cp1251")), encoding="cp1251")
    assert stats.encoding == "cp1251" and rows(items) == [(1, {"q": "Что?", "a": "Кофе"})]


def test_unknown_declared_encoding_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FtprepError, match="unknown encoding"):
        read(write(tmp_path, "x.csv", b"q,a\n"), encoding="klingon-8")


def test_mostly_utf8_file_rejects_only_its_undecodable_rows(tmp_path: Path) -> None:
    data = "q,a\nCafé,ok\n".encode() + b"Caf\xe9,bad\n" + b"fine,row\n"
    items, stats = read(write(tmp_path, "x.csv", data))
    assert stats.encoding == "utf-8"
    assert rows(items) == [
        (1, {"q": "Café", "a": "ok"}),
        (2, "row is not valid utf-8 (line 3)"),
        (3, {"q": "fine", "a": "row"}),
    ]
    assert items[1].source == ["Caf\\xe9", "bad"]  # type: ignore[union-attr]
    json.dumps(items[1].source)  # the rejects file can hold it


def test_invalid_utf16_is_an_error_with_the_offset(tmp_path: Path) -> None:
    data = "q,a\n1,2\n".encode("utf-16") + b"\x00\xd8\x41\x00"  # a lone high surrogate
    with pytest.raises(FtprepError, match="not valid UTF-16"):
        read(write(tmp_path, "x.csv", data))


@pytest.mark.parametrize("block", [5, 7, 64])
def test_block_boundaries_never_change_the_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Multi-byte characters, CRLFs and quoted newlines cut by a read block read the same."""
    rng = random.Random(block)
    pieces = ["é", "€", "日本", "a,b", '"q"', "\n", "\r\n", " ", "x", "🙂"]
    table = [["q", "a"]] + [
        ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) + "." for _ in range(2)]
        for _ in range(200)
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if block == 7 else "\n").writerows(table)
    path = write(tmp_path, "x.csv", buffer.getvalue().encode())
    monkeypatch.setattr(_csv, "BLOCK_BYTES", block)
    items, _ = read(path)
    assert [list(i.fields.values()) for i in items] == table[1:]  # type: ignore[union-attr]


# --- JSON and JSON Lines -----------------------------------------------------------------------


def test_jsonl_rejects_bad_lines_and_keeps_going() -> None:
    items, stats = read(DATA / "bad_lines.jsonl")
    assert [(i.origin.row, i.origin.unit) for i in items] == [
        (1, "line"),
        (3, "line"),
        (4, "line"),
        (5, "line"),
    ]
    assert isinstance(items[1], Rejected) and items[1].reason.startswith("line is not valid JSON")
    assert isinstance(items[2], Rejected) and items[2].reason == "line is an array, not an object"
    assert items[3].fields == {"question": "after", "answer": "still read"}  # type: ignore[union-attr]
    assert stats.blank == 1


def test_jsonl_with_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "x.jsonl", b'\xef\xbb\xbf{"a": 1}\r\n{"a": 2}\r\n')
    items, _ = read(path)
    assert rows(items) == [(1, {"a": 1}), (2, {"a": 2})]


@pytest.mark.parametrize("whole", [1 << 30, 0])
def test_json_array_items_are_numbered_and_bad_ones_rejected(whole: int) -> None:
    items, _ = read(DATA / "bad_items.json", whole_json_bytes=whole)
    assert [(i.origin.row, i.origin.unit) for i in items] == [(n, "item") for n in range(1, 5)]
    assert rows(items)[0] == (1, {"question": "one?", "answer": "1"})
    assert rows(items)[1] == (2, "item is a number, not an object")
    assert isinstance(items[2], Rejected) and items[2].reason.startswith("item is not valid JSON")
    assert rows(items)[3] == (4, {"question": "three?", "answer": "3"})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[]", []),
        (
            b'  [ {"a": "]}"} , {"b": ["x", {"c": "\\"quoted\\" \\\\"}]} ]  ',
            [{"a": "]}"}, {"b": ["x", {"c": '"quoted" \\'}]}],
        ),
        (b'[{"a": 1},\n {"a": 2}', [{"a": 1}, {"a": 2}]),  # and a note, below
        (b'[{"a": 1}, {"a": [2}', "file ends inside this item"),
        (b'[{"a": 1} {"a": 2}]', "expected ',' or ']'"),
        (
            b'["s", null, true]',
            [
                "item is a string, not an object",
                "item is null, not an object",
                "item is a boolean, not an object",
            ],
        ),
    ],
)
def test_json_array_streaming_edge_cases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, expected: Any
) -> None:
    monkeypatch.setattr(_values, "BLOCK_BYTES", 3)  # every token crosses a block boundary
    items, stats = read(write(tmp_path, "x.json", data), whole_json_bytes=0)
    truncated = data == b'[{"a": 1},\n {"a": 2}'
    assert stats.notes == (
        ["file ends after item 2 without the array's closing ']' (truncated?)"] if truncated else []
    )
    if isinstance(expected, str):
        assert isinstance(items[-1], Rejected) and expected in items[-1].reason
    elif expected and isinstance(expected[0], str):
        assert [i.reason for i in items] == expected  # type: ignore[union-attr]
    else:
        assert [i.fields for i in items] == expected  # type: ignore[union-attr]


@pytest.mark.parametrize("whole", [1 << 30, 0])
def test_json_top_level_object_is_one_record(tmp_path: Path, whole: int) -> None:
    """Issue 7 item 5: it was 'top-level JSON value is a number, not an array of records'."""
    items, _ = read(write(tmp_path, "x.json", b'\n{\n  "data": [1, 2]\n}\n'), whole_json_bytes=whole)
    assert [(i.origin.row, i.origin.unit) for i in items] == [(1, "value")]
    assert rows(items) == [(1, {"data": [1, 2]})]


@pytest.mark.parametrize("whole", [1 << 30, 0])
def test_json_objects_one_after_another_are_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whole: int
) -> None:
    monkeypatch.setattr(_values, "BLOCK_BYTES", 5)
    data = b'{\n  "a": 1\n}\n{\n  "a": [2,\n 3]\n}{"a": "}"}\n 7\n{"a": tru}\n'
    items, _ = read(write(tmp_path, "x.json", data), whole_json_bytes=whole)
    assert [(i.origin.row, i.origin.unit) for i in items] == [(n, "value") for n in range(1, 6)]
    assert rows(items)[:4] == [(1, {"a": 1}), (2, {"a": [2, 3]}), (3, {"a": "}"}),
                              (4, "value is a number, not an object")]
    assert isinstance(items[4], Rejected) and items[4].reason.startswith("value is not valid JSON")


@pytest.mark.skipif(not (CORPORA / "realworld").is_dir(), reason="../shared corpora not present")
def test_axolotl_pretty_printed_conversation_is_one_record() -> None:
    path = CORPORA / "realworld" / "axolotl" / "conversation.json"
    items, stats = read(path)
    assert stats.kind == "json" and len(items) == 1
    assert isinstance(items[0], SourceRecord) and list(items[0].fields) == ["conversations"]


def test_json_file_holding_json_lines_is_read_as_lines(tmp_path: Path) -> None:
    items, stats = read(write(tmp_path, "x.json", b'{"a": 1}\n{"a": 2}\n'))
    assert stats.kind == "jsonl" and stats.notes and rows(items) == [(1, {"a": 1}), (2, {"a": 2})]


@pytest.mark.skipif(not LLAMAFACTORY.is_dir(), reason="../shared corpora not present")
@pytest.mark.parametrize(
    "name", ["alpaca_en_demo.json", "dpo_en_demo.json", "glaive_toolcall_en_demo.json"]
)
def test_streamed_json_equals_parsed_json_on_real_files(name: str) -> None:
    path = LLAMAFACTORY / name
    expected = json.loads(path.read_text(encoding="utf-8"))
    whole, _ = read(path)
    streamed, _ = read(path, whole_json_bytes=0)
    assert [i.fields for i in whole] == [i.fields for i in streamed] == expected  # type: ignore[union-attr]


# --- kinds, stdin, errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("data", b'[{"a": 1}]', "json"),
        ("data", b'{"a": 1}\n', "jsonl"),
        ("data.txt", b"a,b\n", "csv"),
        ("x.TSV", b"", "tsv"),
        ("x.ndjson", b"", "jsonl"),
        ("x.xlsm", b"", "xlsx"),
        ("x.pq", b"", "parquet"),
    ],
)
def test_kind_from_suffix_then_content(name: str, data: bytes, kind: str) -> None:
    assert detect_kind(name, data) == kind


def test_old_excel_and_unknown_kind_and_missing_paths_are_errors(tmp_path: Path) -> None:
    with pytest.raises(FtprepError, match=r"\.xls"):
        detect_kind("book.xls", b"")
    with pytest.raises(FtprepError, match="unknown input kind"):
        read(DATA / "qa.csv", kind="xml")
    with pytest.raises(FtprepError, match="cannot read"):
        read(tmp_path / "missing.csv")
    with pytest.raises(FtprepError, match="is a directory"):
        read(tmp_path)


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("csv", b"q,a\nhi,there\n"),
        ("jsonl", b'{"q": "hi", "a": "there"}\n'),
        ("json", b'[{"q": "hi", "a": "there"}]'),
    ],
)
def test_stdin(monkeypatch: pytest.MonkeyPatch, kind: str, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    items, _ = read("-", kind=kind)
    assert [i.fields for i in items] == [{"q": "hi", "a": "there"}]  # type: ignore[union-attr]


# --- XLSX and Parquet (optional extras) --------------------------------------------------------


def test_xlsx_first_sheet_named_sheet_and_cell_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    book = openpyxl.Workbook()
    first = book.active
    first.title = "Data"
    first.append(["question", "answer", "score", "ok", "when"])
    first.append(["What is 2+2?", "4", 4, True, dt.datetime(2024, 5, 1, 12, 30)])
    first.append([None, None, None, None, None])
    first.append(["Multi\nline?", "yes", 0.5, False, None])
    other = book.create_sheet("Other")
    other.append(["prompt", "completion"])
    other.append(["hi", "there"])
    path = tmp_path / "book.xlsx"
    book.save(path)

    items, stats = read(path)
    assert stats.kind == "xlsx" and stats.sheet == "Data" and stats.blank == 1
    assert rows(items) == [
        (
            1,
            {
                "question": "What is 2+2?",
                "answer": "4",
                "score": "4",
                "ok": "TRUE",
                "when": "2024-05-01 12:30:00",
            },
        ),
        (
            2,
            {
                "question": "Multi\nline?",
                "answer": "yes",
                "score": "0.5",
                "ok": "FALSE",
                "when": "",
            },
        ),
    ]
    for sheet in ("Other", "2"):
        items, stats = read(path, sheet=sheet)
        assert stats.sheet == "Other" and rows(items) == [
            (1, {"prompt": "hi", "completion": "there"})
        ]
    with pytest.raises(FtprepError, match="no sheet 'Othr'") as error:
        read(path, sheet="Othr")
    assert error.value.hint == "did you mean 'Other'?"


def test_xlsx_that_is_not_a_workbook_is_an_error(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    with pytest.raises(FtprepError, match="not a readable .xlsx"):
        read(write(tmp_path, "x.xlsx", b"question,answer\n"))


def test_parquet_keeps_typed_values_across_batches(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    messages = [
        [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]
        for i in range(5)
    ]
    table = pa.table({"messages": messages, "score": [1, 2, 3, None, 5]})
    path = tmp_path / "x.parquet"
    pq.write_table(table, path)
    items, stats = read(path, batch_rows=2)
    assert stats.columns == ["messages", "score"]
    assert [i.origin.row for i in items] == [1, 2, 3, 4, 5]
    assert items[3].fields == {"messages": messages[3], "score": None}  # type: ignore[union-attr]


def test_parquet_that_is_not_parquet_is_an_error(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    with pytest.raises(FtprepError, match="not a readable Parquet"):
        read(write(tmp_path, "x.parquet", b"nope"))


def test_workbook_without_a_suffix_is_found_by_its_content(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["q", "a"])
    book.active.append(["hi", "there"])
    book.save(tmp_path / "book.xlsx")
    (tmp_path / "book.xlsx").rename(tmp_path / "export")
    items, stats = read(tmp_path / "export")
    assert stats.kind == "xlsx" and rows(items) == [(1, {"q": "hi", "a": "there"})]
