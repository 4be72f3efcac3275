"""Atomic writers: the output's permissions are those a plain `open` would give (issue 7)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftprep.writers import atomic_bytes, atomic_text, current_umask


@pytest.fixture
def umask() -> Iterator[object]:
    """Set the process umask for one test and put the old one back."""
    old = os.umask(0o022)
    os.umask(old)

    def set_to(mask: int) -> None:
        os.umask(mask)

    yield set_to
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_follows_the_umask(tmp_path: Path, umask, mask: int, expected: int) -> None:  # type: ignore[no-untyped-def]
    umask(mask)
    target = tmp_path / "train.jsonl"
    with atomic_bytes(target) as stream:
        stream.write(b"{}\n")
    assert mode(target) == expected
    assert target.read_bytes() == b"{}\n"


@pytest.mark.parametrize("existing", [0o644, 0o640, 0o600, 0o666])
def test_an_overwritten_file_keeps_its_mode(tmp_path: Path, umask, existing: int) -> None:  # type: ignore[no-untyped-def]
    umask(0o077)  # stricter than the file: the file's own mode still wins
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(existing)
    with atomic_text(target) as stream:
        stream.write("new")
    assert mode(target) == existing
    assert target.read_text() == "new"


def test_current_umask_reads_without_changing_it(umask) -> None:  # type: ignore[no-untyped-def]
    umask(0o027)
    assert current_umask() == 0o027
    assert current_umask() == 0o027


def test_convert_output_is_readable_by_others_under_the_usual_umask(tmp_path: Path) -> None:
    """End to end, in a child process with umask 022: what a trainer as another user needs."""
    source = tmp_path / "seed.jsonl"
    source.write_text('{"prompt": "2+2?", "completion": "4"}\n', encoding="utf-8")
    out = tmp_path / "train.jsonl"
    script = (
        "import os, sys; os.umask(0o022); from ftprep.cli._main import main; "
        f"sys.argv = ['ftprep', 'convert', {str(source)!r}, '-o', {str(out)!r}]; main()"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert mode(out) == 0o644
    assert '"content":"4"' in out.read_text(encoding="utf-8").replace(" ", "")


@pytest.mark.parametrize("command", [
    ("lint", "sample_data/clean_chat.jsonl", "--isolated", "-o"),
    ("report", "sample_data/clean_chat.jsonl", "--isolated", "-o"),
    ("fix", "sample_data/clean_chat.jsonl", "--isolated", "-o"),
    ("split", "sample_data/clean_chat.jsonl", "-o"),
])
def test_an_output_in_a_missing_folder_is_a_message_not_a_traceback(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    from tests.test_cli import run

    target = tmp_path / "missing" / "out.file"
    code, _out, err = run(*command, str(target))
    assert code == 2
    assert str(target) in err and "cannot write" in err and "Traceback" not in err
    assert not target.parent.exists()


def test_a_folder_that_refuses_writes_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root every folder is writable, so the refusal is the operating system's, simulated."""
    from ftprep.model.errors import FtprepError

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(FtprepError) as caught, atomic_text(tmp_path / "out.txt") as stream:
        stream.write("x")
    assert caught.value.message == f"{tmp_path / 'out.txt'}: cannot write (Permission denied)"
    assert caught.value.hint == "choose a folder you can write to"


def test_the_writer_names_the_missing_folder_and_what_to_do(tmp_path: Path) -> None:
    from ftprep.model.errors import FtprepError

    target = tmp_path / "missing" / "out.txt"
    with pytest.raises(FtprepError) as caught, atomic_text(target) as stream:
        stream.write("x")
    assert caught.value.message == f"{target}: cannot write (No such file or directory)"
    assert caught.value.hint == "create the folder first, or write elsewhere"
