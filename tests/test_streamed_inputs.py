"""A pipe or device named as a path is read once, as a stream (issue 7 item 13).

`ftprep lint <(zcat data.jsonl.gz)` reported FT008 "file is empty (0 bytes)": the size of a pipe
is 0, and sniffing opened it a second time. Emptiness and kind are now decided by reading, from
the one stream that is linted.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ftprep.cli._main import run
from tests.helpers import CORPORA

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "support_chat.jsonl"
AXOLOTL = CORPORA / "realworld" / "axolotl" / "conversation.json"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _lint_fifo(tmp_path: Path, payload: bytes, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Lint a named pipe that a writer thread fills in small pieces; never hang the suite."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb", buffering=0) as pipe:
            pipe.writelines(payload[start : start + 777] for start in range(0, len(payload), 777))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    codes: list[int] = []
    linter = threading.Thread(
        target=lambda: codes.append(run(["lint", str(fifo), "--isolated", "--no-color", *args])),
        daemon=True,
    )
    linter.start()
    linter.join(timeout=60)
    assert codes, "lint is stuck: it opened the pipe a second time, which nobody writes"
    writer.join(timeout=10)
    return codes[0], capsys.readouterr().out.replace(str(fifo), "PIPE")


@needs_fifo
def test_a_fifo_is_linted_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _lint_fifo(tmp_path, SAMPLE.read_bytes(), capsys)
    assert code == 1
    assert "FT008" not in out
    assert "PIPE:7:2: FT106 [error] no assistant message among 2 messages" in out
    assert "lines          25: 24 examples, 1 blank, 0 not a JSON object" in out


@needs_fifo
def test_a_gzip_stream_through_a_fifo_is_decompressed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out = _lint_fifo(tmp_path, gzip.compress(SAMPLE.read_bytes()), capsys)
    assert "lines          25: 24 examples, 1 blank, 0 not a JSON object" in out
    assert "1 gzip-compressed" in out


@needs_fifo
def test_an_empty_fifo_is_empty_because_nothing_came(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out = _lint_fifo(tmp_path, b"", capsys, "--select", "FT008")
    assert "PIPE: FT008 [error] file is empty (0 bytes)" in out


@needs_fifo
@pytest.mark.skipif(not AXOLOTL.is_file(), reason="../shared corpora not present")
def test_a_pretty_printed_document_through_a_fifo_is_sniffed_from_the_same_stream(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out = _lint_fifo(tmp_path, AXOLOTL.read_bytes(), capsys, "--select", "FT013,FT100")
    assert "PIPE:1:1: FT013 [error] file is one pretty-printed JSON object" in out
    assert "PIPE:2:3: FT100" in out


def test_a_character_device_is_read_not_sized(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    run(["lint", "/dev/null", "--isolated", "--select", "FT008"])
    assert "/dev/null: FT008 [error] file is empty (0 bytes)" in capsys.readouterr().out


def _bash(script: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FTPREP": f"{sys.executable} -m ftprep"}
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                          check=False, env=env, cwd=ROOT)


@needs_bash
def test_process_substitution_as_people_type_it(tmp_path: Path) -> None:
    packed = tmp_path / "support_chat.jsonl.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    result = _bash(f'$FTPREP lint --isolated <(zcat "{packed}")')
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "FT008" not in result.stdout
    assert "lines          25: 24 examples, 1 blank, 0 not a JSON object" in result.stdout
    # and the compressed bytes themselves, through a pipe: decompressed on the fly
    raw = _bash(f'$FTPREP lint --isolated <(cat "{packed}")')
    assert "lines          25: 24 examples" in raw.stdout and "1 gzip-compressed" in raw.stdout


@needs_bash
def test_stdin_dash_reads_compressed_input(tmp_path: Path) -> None:
    packed = tmp_path / "support_chat.jsonl.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    result = _bash(f'$FTPREP lint --isolated - < "{packed}"')
    assert "lines          25: 24 examples, 1 blank, 0 not a JSON object" in result.stdout
