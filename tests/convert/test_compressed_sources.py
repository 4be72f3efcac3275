"""`convert` reads compressed files, pipes and pretty-printed JSON through the readers' opening layer.

Issue 7 items 4, 5 and 13: `convert harmless-base-test.jsonl.gz` said "file is gzip-compressed,
not delimited text" without naming the file; a single pretty-printed object was "top-level JSON
value is a number"; a pipe is read once.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ftprep.cli._main import run
from ftprep.model.errors import FtprepError
from ftprep.model.sources import Rejected, SourceRecord
from ftprep.readers.tabular import ReadStats, TabularOptions, read_records
from tests.helpers import CORPORA

HHRLHF = CORPORA / "realworld" / "hhrlhf" / "harmless-base-test.jsonl.gz"


def read(path: Path | str, **options: object) -> tuple[list[SourceRecord | Rejected], ReadStats]:
    stats = ReadStats(str(path))
    return list(read_records(str(path), TabularOptions(**options), stats)), stats  # type: ignore[arg-type]


@pytest.mark.skipif(not HHRLHF.is_file(), reason="../shared corpora not present")
def test_real_gzip_jsonl_is_read_record_by_record() -> None:
    items, stats = read(HHRLHF)
    assert stats.kind == "jsonl" and "gzip-compressed: read as it is decompressed" in stats.notes
    assert len(items) == 2312 and all(isinstance(i, SourceRecord) for i in items)
    assert set(items[0].fields) == {"chosen", "rejected"}  # type: ignore[union-attr]
    assert items[-1].origin.row == 2312


@pytest.mark.skipif(not HHRLHF.is_file(), reason="../shared corpora not present")
def test_convert_cli_writes_the_decompressed_examples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "train.jsonl"
    assert run(["convert", str(HHRLHF), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "read 2,312 lines" in err and "gzip-compressed" in err
    assert out.read_bytes().count(b"\n") > 2300


def test_compressed_csv_checks_its_encoding_past_the_prefix(tmp_path: Path) -> None:
    """The whole file is checked for UTF-8 (a second decompressing handle): a Windows-1252 byte
    after the first 64 kB still decides the encoding."""
    rows = b"question,answer\n" + b"What is 2+2?,4\n" * 6000 + b"caf\xe9?,coffee\n"
    path = tmp_path / "faq.csv.bz2"
    path.write_bytes(bz2.compress(rows))
    items, stats = read(path)
    assert (stats.kind, stats.encoding) == ("csv", "cp1252")
    assert items[-1].fields == {"question": "café?", "answer": "coffee"}  # type: ignore[union-attr]


def test_truncated_gzip_converts_what_is_there_and_says_the_rest_is_missing(tmp_path: Path) -> None:
    lines = b"".join(b'{"prompt": "p%d", "completion": "c%d"}\n' % (i, i) for i in range(20000))
    whole = gzip.compress(lines)
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items, stats = read(path)
    assert 1000 < len(items) < 20000
    assert stats.notes[-1] == ("gzip data is truncated: it ends before its end-of-stream marker; "
                               "everything after the break is missing")


def test_a_binary_file_without_a_suffix_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "export"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(FtprepError) as raised:
        read(path)
    assert raised.value.message == f"{path}: file is an old binary Excel/Office file (.xls), not delimited text"


def test_compressed_parquet_needs_a_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet.xz"
    path.write_bytes(lzma.compress(b"PAR1" + bytes(20)))
    with pytest.raises(FtprepError, match=r"data\.parquet\.xz: parquet needs random access"):
        read(path)


def test_a_jsonl_file_holding_a_pretty_printed_array_is_read_as_a_document(tmp_path: Path) -> None:
    """What `lint` reports as FT013 with the help "ftprep convert FILE" must then convert."""
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'[\n  {"prompt": "a", "completion": "b"},\n  {"prompt": "c", "completion": "d"}\n]\n')
    items, stats = read(path)
    assert stats.kind == "json"
    assert "read as a JSON document: it is pretty-printed, not one object per line" in stats.notes
    assert [i.origin.row for i in items] == [1, 2]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_gzip_stream_through_a_fifo_is_read_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    payload = gzip.compress(b"question,answer\nWhat is 2+2?,4\nWhat is 3+3?,6\n")
    writer = threading.Thread(target=lambda: fifo.write_bytes(payload), daemon=True)
    writer.start()
    result: list[tuple[list[SourceRecord | Rejected], ReadStats]] = []
    reader = threading.Thread(target=lambda: result.append(read(fifo, kind="csv")), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert result, "the reader is stuck: it opened the pipe a second time, which nobody writes"
    items, stats = result[0]
    assert stats.kind == "csv"
    assert [i.fields for i in items] == [  # type: ignore[union-attr]
        {"question": "What is 2+2?", "answer": "4"}, {"question": "What is 3+3?", "answer": "6"}
    ]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_convert_from_process_substitution_reads_the_pipe_once(tmp_path: Path) -> None:
    """Chat-log sniffing used to open the pipe first and eat its first 8 kB."""
    sample = Path(__file__).resolve().parents[2] / "sample_data" / "sentiment_prompt_completion.jsonl"
    packed = tmp_path / "seed.jsonl.gz"
    packed.write_bytes(gzip.compress(sample.read_bytes()))
    out = tmp_path / "train.jsonl"
    result = subprocess.run(
        ["bash", "-c", f'"$PY" -m ftprep convert <(zcat "{packed}") -o "{out}" --system S'],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PY": sys.executable},
    )
    assert result.returncode == 0, result.stderr
    assert "read 30 lines: 30 written" in result.stderr
    assert len(out.read_bytes().splitlines()) == 30
