"""Progress on stderr: shown on a terminal, never in a pipe or with --quiet, never on stdout.

The CLI runs for real in a subprocess with stderr on a pseudo-terminal and stdout on a pipe, so
what a person would see is what is asserted; the engine's calls are checked with a recording
`Progress`. No timing is asserted: the bar draws 100% when a file is read to its end.
"""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import orjson
import pytest

from ftprep.config import Settings
from ftprep.lint.engine import BATCH_RECORDS
from ftprep.lint.run import lint_job
from ftprep.model.sources import Source

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
# What only a progress display writes: cursor and line-erase controls, carriage returns.
CONTROLS = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\r")


def write_records(path: Path, count: int, copies: int = 0) -> Path:
    lines = [
        orjson.dumps({"messages": [
            {"role": "user", "content": f"question {i}: what is {i} squared?"},
            {"role": "assistant", "content": f"{i} squared is {i * i}."},
        ]}) for i in range(count)
    ]
    data = b"\n".join(lines + lines[:copies]) + b"\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def run_cli(
    *args: str, terminal: bool, cwd: Path, term: str = "xterm", stdout_on_terminal: bool = False
) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of `ftprep ARGS`, stderr on a pty when `terminal`."""
    env = {**os.environ, "TERM": term, "COLUMNS": "150"}
    for name in ("NO_COLOR", "FORCE_COLOR"):
        env.pop(name, None)
    command = [sys.executable, "-m", "ftprep", *args]
    if not terminal:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=120, check=False)
        return done.returncode, done.stdout, done.stderr
    master, slave = os.openpty()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stderr=slave,
        stdout=slave if stdout_on_terminal else subprocess.PIPE,
    )
    os.close(slave)
    out: list[bytes] = []
    reader = None
    if process.stdout is not None:
        stream = process.stdout
        reader = threading.Thread(target=lambda: out.append(stream.read()))
        reader.start()
    err = b""
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    code = process.wait(timeout=120)
    if reader is not None:
        reader.join()
    return code, b"".join(out), err


def shown(err: bytes) -> str:
    """The terminal's bytes as text, without colours or cursor moves."""
    return ANSI.sub(b"", err).decode("utf-8", "replace").replace("\r", "\n")


@pytest.fixture
def big(tmp_path: Path) -> Path:
    return write_records(tmp_path / "big.jsonl", BATCH_RECORDS + 900, copies=30)


def test_lint_shows_a_bar_on_a_terminal_and_stdout_is_unchanged(big: Path) -> None:
    args = ("lint", big.name, "--isolated")
    code, out, err = run_cli(*args, terminal=True, cwd=big.parent)
    piped_code, piped_out, piped_err = run_cli(*args, terminal=False, cwd=big.parent)
    assert code == piped_code
    assert out == piped_out and b"FT303" in out
    text = shown(err)
    assert f"linting {big.name}" in text
    assert "100%" in text and f"{BATCH_RECORDS + 930:,} records" in text
    assert "checking duplicates" in text  # the dataset rules after the 100% bar
    # Piped, stderr is what it was before progress existed: nothing drawn, nothing added.
    assert not CONTROLS.search(piped_err) and b"linting" not in piped_err
    assert piped_err == run_cli(*args, "--quiet", terminal=False, cwd=big.parent)[2]


def test_quiet_and_dumb_terminals_show_no_progress(big: Path) -> None:
    for args, term in (((), "dumb"), (("--quiet",), "xterm"), (("-q",), "xterm")):
        code, out, err = run_cli("lint", big.name, "--isolated", *args, terminal=True,
                                 cwd=big.parent, term=term)
        assert code == 0 and b"FT303" in out
        assert b"linting" not in err and not CONTROLS.search(err.replace(b"\r\n", b"\n"))


def test_quiet_still_prints_errors(tmp_path: Path) -> None:
    code, _out, err = run_cli("lint", "missing.jsonl", "-q", terminal=True, cwd=tmp_path)
    assert code == 2 and b"missing.jsonl: no such file" in err


def test_report_on_the_same_terminal_is_printed_above_the_bar(big: Path) -> None:
    code, _out, err = run_cli("lint", big.name, "--isolated", "--no-color", terminal=True,
                              cwd=big.parent, stdout_on_terminal=True)
    text = shown(err)
    assert code == 0
    assert f"{big.name}:1:1: FT303 [warning] example is repeated" in text  # a finding, whole
    assert "checking duplicates" not in text.split("duplicates     30 extra copies")[1]
    assert "linting" in text


def test_fix_shows_both_passes_and_writes_the_same_file(big: Path) -> None:
    code, out, err = run_cli("fix", big.name, "-o", "a.jsonl", "--isolated", terminal=True,
                             cwd=big.parent)
    piped = run_cli("fix", big.name, "-o", "b.jsonl", "--isolated", terminal=False,
                    cwd=big.parent)
    assert code == piped[0] == 0 and out == piped[1] == b""
    assert (big.parent / "a.jsonl").read_bytes() == (big.parent / "b.jsonl").read_bytes()
    text = shown(err)
    assert f"linting {big.name}" in text and "checking duplicates" in text
    assert f"fixing {big.name}" in text and "100%" in text
    assert "30 rejected" in text  # the summary, printed once the bar is gone
    assert not CONTROLS.search(piped[2])


def test_fix_to_stdout_writes_identical_bytes(big: Path) -> None:
    tty = run_cli("fix", big.name, "-o", "-", "--isolated", terminal=True, cwd=big.parent)
    piped = run_cli("fix", big.name, "-o", "-", "--isolated", terminal=False, cwd=big.parent)
    assert tty[1] == piped[1] and len(piped[1]) > 0
    assert "fixing" in shown(tty[2])


def test_convert_and_split_show_progress(tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text("prompt,completion\n" + "".join(f"q{i},a{i}\n" for i in range(3000)))
    code, out, err = run_cli("convert", source.name, "-o", "-", terminal=True, cwd=tmp_path)
    piped = run_cli("convert", source.name, "-o", "-", terminal=False, cwd=tmp_path)
    assert code == piped[0] == 0 and out == piped[1]
    text = shown(err)
    assert "converting pairs.csv" in text and "100%" in text and "3,000 records" in text
    data = write_records(tmp_path / "data.jsonl", 500)
    code, _out, err = run_cli("split", data.name, terminal=True, cwd=tmp_path)
    assert code == 0 and "reading data.jsonl" in shown(err)
    code, _out, err = run_cli("split", data.name, "-q", terminal=True, cwd=tmp_path)
    assert code == 0 and "reading" not in shown(err)


class Recording:
    """A `Progress` that keeps every call, to check what the engine reports."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def start(self, label: str, total: int | None) -> None:
        self.calls.append(("start", (label, total)))

    def update(self, done: int, records: int) -> None:
        self.calls.append(("update", (done, records)))

    def status(self, text: str) -> None:
        self.calls.append(("status", (text,)))

    def finish(self) -> None:
        self.calls.append(("finish", ()))


@pytest.mark.parametrize("name", ["data.jsonl", "data.jsonl.gz"])
def test_engine_reports_monotonic_bytes_ending_at_the_file_size(tmp_path: Path, name: str) -> None:
    count = 3 * BATCH_RECORDS + 17
    path = write_records(tmp_path / name, count)
    recording = Recording()
    job = lint_job(Settings(), [Source(str(path))], progress=recording)
    list(job.diagnostics())
    kinds = [kind for kind, _args in recording.calls]
    assert recording.calls[0] == ("start", (f"linting {path}", path.stat().st_size))
    updates = [args for kind, args in recording.calls if kind == "update"]
    assert len(updates) >= 3  # once per batch, not once per record
    assert updates == sorted(updates)  # monotonic in bytes and in records
    assert updates[-1] == (path.stat().st_size, count)
    assert kinds[-2:] == ["status", "finish"]  # the dataset rules, then done


def test_stdin_reports_a_count_without_a_total(tmp_path: Path) -> None:
    path = write_records(tmp_path / "data.jsonl", BATCH_RECORDS + 1)
    recording = Recording()
    job = lint_job(Settings(), [Source("-")], progress=recording)
    with path.open("rb") as stream:
        saved, sys.stdin = sys.stdin, open(stream.fileno(), closefd=False)  # noqa: SIM115
        try:
            list(job.diagnostics())
        finally:
            sys.stdin.close()
            sys.stdin = saved
    assert recording.calls[0] == ("start", ("linting -", None))
    updates = [args for kind, args in recording.calls if kind == "update"]
    assert updates[-1][1] == BATCH_RECORDS + 1


def test_submit_wait_shows_the_job_status_at_each_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.submit.conftest import KEY, SAMPLES
    from tests.submit.fake_openai import FakeOpenAI

    train = tmp_path / "train.jsonl"
    train.write_bytes((SAMPLES / "clean_chat.jsonl").read_bytes())
    api = FakeOpenAI(key=KEY).start()
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{api.url}/v1")
    monkeypatch.setenv("FTPREP_SUBMIT_POLL", "0")
    try:
        code, out, err = run_cli("submit", train.name, "--model", "gpt-4o-mini-2024-07-18",
                                 "--wait", terminal=True, cwd=tmp_path)
    finally:
        api.stop()
    text = shown(err)
    job = re.search(rb"job (ftjob-\w+): succeeded", out)
    assert code == 0 and job is not None
    name = job[1].decode()
    assert f"waiting for job {name}: running" in text  # the spinner, updated at a poll
    assert f"ftprep: job {name}: running" in text  # the status notes still print


def test_ctrl_c_erases_the_bar_before_the_interrupted_message(tmp_path: Path) -> None:
    path = write_records(tmp_path / "data.jsonl", 8 * BATCH_RECORDS)
    master, slave = os.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "150"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ftprep", "lint", path.name, "--isolated"], cwd=tmp_path, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave,
    )
    os.close(slave)
    err, sent = b"", False
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        err += chunk
        if not sent and b" records" in err:  # the first batch is drawn: reading is under way
            process.send_signal(signal.SIGINT)
            sent = True
    os.close(master)
    code = process.wait(timeout=60)
    if code == 0:
        pytest.skip("the run ended before the interrupt arrived")
    assert code == 130
    bar, _sep, after = err.rpartition(b"\x1b[2K")  # rich's last line erase
    assert b"records" in bar and b"\x1b[?25h" in bar  # the bar was drawn, the cursor restored
    assert shown(after).strip() == "ftprep: interrupted"  # nothing of the bar after the message


def test_report_and_diff_show_their_phases_and_keep_their_output(big: Path) -> None:
    """report: lint's bar, then the page written; diff: OLD indexed, NEW linted, the change
    linted and paired; stdout the same bytes as piped."""
    code, _out, err = run_cli("report", big.name, "--isolated", "-o", "r.html", terminal=True,
                              cwd=big.parent)
    assert code == 0 and f"linting {big.name}" in shown(err)
    page = (big.parent / "r.html").read_bytes()
    run_cli("report", big.name, "--isolated", "-o", "p.html", terminal=False, cwd=big.parent)
    assert page == (big.parent / "p.html").read_bytes()
    old = big.parent / "old.jsonl"
    old.write_bytes(b"".join(big.read_bytes().splitlines(keepends=True)[:-50]))
    args = ("diff", old.name, big.name, "--isolated")
    code, out, err = run_cli(*args, terminal=True, cwd=big.parent)
    text = shown(err)
    for phase in ("indexing the old version (old.jsonl)", f"linting {big.name}",
                  "pairing 0 removed with 50 added examples"):
        assert phase in text, phase
    piped = run_cli(*args, terminal=False, cwd=big.parent)
    assert (code, out) == piped[:2] and b"50 added" in out
    assert b"indexing" not in piped[2]
    assert b"indexing" not in run_cli(*args, "-q", terminal=True, cwd=big.parent)[2]
