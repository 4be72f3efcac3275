"""`lint` reads gzip, bzip2, xz and zstd files as the JSONL they hold (issue 7 item 4).

`lint harmless-base-test.jsonl.gz` said "convert it". Now a compressed file is decompressed as
it is read, found by its magic bytes; every position is in the decompressed text; the summary
says providers want the uncompressed file; `--jobs` never splits a compressed stream; and a cut
or damaged file is a located diagnostic, never a traceback.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import ftprep.lint.engine
from ftprep.cli._main import run
from ftprep.readers import _open
from tests.helpers import CORPORA, render_lint

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "support_chat.jsonl"
HHRLHF = CORPORA / "realworld" / "hhrlhf" / "harmless-base-test.jsonl.gz"


def _zstd(data: bytes) -> bytes:
    zstd = _open._zstd_module()
    assert zstd is not None
    out: bytes = zstd.compress(data)
    return out


COMPRESS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": (".gz", lambda data: gzip.compress(data, mtime=0)),
    "bzip2": (".bz2", bz2.compress),
    "xz": (".xz", lzma.compress),
    "zstd": (".zst", _zstd),
}


@pytest.mark.skipif(not HHRLHF.is_file(), reason="../shared corpora not present")
def test_real_gzip_file_is_linted_as_the_jsonl_it_holds(tmp_path: Path) -> None:
    plain = tmp_path / "harmless-base-test.jsonl"
    plain.write_bytes(gzip.decompress(HHRLHF.read_bytes()))
    got = render_lint(HHRLHF).replace(str(HHRLHF), "FILE")
    want = render_lint(plain).replace(str(plain), "FILE")
    note = "  files          1 (1 gzip-compressed: providers take uncompressed JSON Lines, so upload it decompressed)\n"
    assert got == want.replace("  files          1\n", note)
    assert "lines          2,312: 2,312 examples" in got and "FT013" not in got
    summary = json.loads(render_lint(HHRLHF, "json"))["summary"]
    assert summary["files"][0]["compression"] == "gzip"
    assert summary["files"][0]["bytes"] == plain.stat().st_size  # decompressed bytes
    assert summary["files"][0]["compressed_bytes"] == HHRLHF.stat().st_size
    assert summary["notes"] == ["1 gzip-compressed: providers take uncompressed JSON Lines, so upload it decompressed"]


@pytest.mark.parametrize("name", sorted(COMPRESS))
def test_every_format_gives_the_plain_files_findings(tmp_path: Path, name: str) -> None:
    suffix, compress = COMPRESS[name]
    path = tmp_path / f"support_chat.data{suffix}"  # any name: the magic bytes decide
    path.write_bytes(compress(SAMPLE.read_bytes()))
    plain = json.loads(render_lint(SAMPLE, "json"))
    packed = json.loads(render_lint(path, "json"))
    located = [(d["code"], d["location"]["line"], d["location"]["column"], d["location"]["offset"],
                d["message"]) for d in plain["diagnostics"]]
    assert [(d["code"], d["location"]["line"], d["location"]["column"], d["location"]["offset"],
             d["message"]) for d in packed["diagnostics"]] == located  # offsets: decompressed
    assert packed["summary"]["files"][0]["compression"] == name
    assert packed["summary"]["examples"] == plain["summary"]["examples"] == 24


def test_directory_scans_read_compressed_jsonl_and_skip_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = SAMPLE.read_bytes().splitlines(keepends=True)[0]
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(good))
    (tmp_path / "b.ndjson.xz").write_bytes(lzma.compress(good * 2))
    (tmp_path / "c.JSONL.ZST").write_bytes(_zstd(good * 3))
    (tmp_path / "faq.csv.gz").write_bytes(gzip.compress(b"q,a\nx,y\n"))
    run(["lint", str(tmp_path), "--select", "FT0", "--no-color", "--isolated"])
    out = capsys.readouterr().out
    assert f"{tmp_path / 'faq.csv.gz'}: FT011 [info] file skipped: not a JSONL file (.csv.gz)" in out
    assert ("files          4 (1 skipped; 1 gzip-compressed, 1 xz-compressed, 1 zstd-compressed: "
            "providers take uncompressed JSON Lines, so upload them decompressed)") in out
    assert "lines          6: 6 examples, 0 blank, 0 not a JSON object" in out


def test_no_jsonl_in_a_directory_names_the_compressed_suffixes_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("n\n")
    assert run(["lint", str(tmp_path)]) == 2
    assert "(compressed too: .gz, .bz2, .xz, .zst)" in capsys.readouterr().err


def test_jobs_never_split_a_compressed_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = SAMPLE.read_bytes() * 200
    path = tmp_path / "big.jsonl.gz"
    path.write_bytes(gzip.compress(lines))
    single = render_lint(path, "json")
    monkeypatch.setattr(ftprep.lint.engine, "SHARD_MIN_BYTES", 0)

    def no_split(*_args: object) -> list[int]:
        raise AssertionError("a compressed file was split: byte offsets inside it mean nothing")

    monkeypatch.setattr(ftprep.lint.engine, "shard_bounds", no_split)
    assert render_lint(path, "json", jobs=3) == single


def _truncated(tmp_path: Path) -> tuple[Path, int]:
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    whole = gzip.compress(b"".join(lines) * 50, mtime=0)
    path = tmp_path / "train.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    return path, len(lines) * 50


def test_a_truncated_file_is_a_located_error_after_every_line_before_it(tmp_path: Path) -> None:
    path, total = _truncated(tmp_path)
    report = json.loads(render_lint(path, "json"))
    (damage,) = [d for d in report["diagnostics"] if d["code"] == "FT014"]
    stats = report["summary"]["files"][0]
    read = stats["lines"]
    assert 0 < read < total
    assert damage["location"]["line"] == read  # the cut line, which does not parse either
    assert damage["message"] == (
        "gzip data is truncated: it ends before its end-of-stream marker; decompression stopped "
        f"after line {read:,} ({stats['bytes']:,} bytes)"
    )
    cut = [d["message"] for d in report["diagnostics"] if d["location"]["line"] == read and d["code"] == "FT005"]
    assert cut == ["line ends before the JSON value is complete"]
    assert stats["read_error"] == "gzip data is truncated: it ends before its end-of-stream marker"


def test_a_truncated_file_in_a_real_process_exits_1_without_a_traceback(tmp_path: Path) -> None:
    path, _total = _truncated(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "ftprep", "lint", str(path), "--isolated", "--select", "FT0"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{path}:" in result.stdout and "FT014 [error] gzip data is truncated" in result.stdout
