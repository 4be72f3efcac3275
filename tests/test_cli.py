"""The command line as a user meets it: golden outputs, exit codes, options.

Golden files live in tests/golden/; `FTPREP_UPDATE_GOLDEN=1 pytest tests/test_cli.py` rewrites
them, and the diff is reviewed like code.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftprep.cli._main import run as main_run

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
DATA = HERE / "data"
UPDATE = os.environ.get("FTPREP_UPDATE_GOLDEN") == "1"


def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> tuple[int, str, str]:
    """Run the real entry point (exit-code mapping included) with captured streams."""
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd or HERE.parent)
    try:
        with runner.isolation(input=stdin) as streams:
            code = main_run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            out, err = streams[0].getvalue(), streams[1].getvalue()
    finally:
        os.chdir(old)
    return code, out.decode(), err.decode()


def check_golden(name: str, text: str) -> None:
    """Compare with a reviewed golden file; only FTPREP_UPDATE_GOLDEN=1 ever writes one."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: write it with FTPREP_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"output differs from {path}"


def test_a_missing_golden_file_fails_rather_than_being_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", tmp_path)
    with pytest.raises(AssertionError, match="is missing"):
        check_golden("new.txt", "output")
    assert not (tmp_path / "new.txt").exists()


def test_text_output_is_golden() -> None:
    code, out, _err = run("lint", "tests/data/mixed_defects.jsonl", "--model", "gpt-4o-mini", "--isolated")
    assert code == 1
    check_golden("lint_mixed_defects.txt", out)


def test_json_output_is_golden_and_versioned() -> None:
    code, out, _err = run(
        "lint", "tests/data/mixed_defects.jsonl", "--model", "gpt-4o-mini", "--isolated", "--format", "json"
    )
    document = json.loads(out)
    assert document["version"] == 1
    assert document["summary"]["exit_code"] == code == 1
    check_golden("lint_mixed_defects.json", json.dumps(document, indent=2, sort_keys=True) + "\n")


def test_github_output_is_golden() -> None:
    code, out, _err = run(
        "lint", "tests/data/mixed_defects.jsonl", "--model", "gpt-4o-mini", "--isolated", "--format", "github"
    )
    assert code == 1
    check_golden("lint_mixed_defects.github.txt", out)


def test_rule_explanation_is_golden() -> None:
    code, out, _err = run("rule", "FT106")
    assert code == 0
    check_golden("rule_FT106.md", out)


def test_same_input_gives_byte_identical_output() -> None:
    first = run("lint", "tests/data/mixed_defects.jsonl", "--isolated", "--format", "json")
    second = run("lint", "tests/data/mixed_defects.jsonl", "--isolated", "--format", "json")
    assert first == second


def test_fail_on_and_ignore_decide_the_exit_code() -> None:
    code, _out, _err = run("lint", "tests/data/mixed_defects.jsonl", "--isolated", "--ignore", "ALL")
    assert code == 0
    code, _out, _err = run(
        "lint", "tests/data/mixed_defects.jsonl", "--isolated", "--select", "FT106",
        "--fail-on", "error",
    )
    assert code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("lint",), "no input given"),
        (("lint", "does/not/exist.jsonl"), "no such file or directory"),
        (("lint", "tests/data/mixed_defects.jsonl", "--model", "claude-9"), "unknown model 'claude-9'"),
        (("lint", "tests/data/mixed_defects.jsonl", "--select", "FT9"), "unknown rule selector"),
        (("lint", "tests/data/mixed_defects.jsonl", "--provider", "nobody"), "unknown provider"),
        (("rule", "FT999"), "unknown rule"),
    ],
)
def test_unusable_arguments_exit_2_with_a_message(args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_bad_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / "ftprep.toml").write_text("fail-on = 'sometimes'\n")
    (tmp_path / "a.jsonl").write_text("")
    code, _out, err = run("lint", "a.jsonl", cwd=tmp_path)
    assert code == 2
    assert "fail-on" in err


def test_stdin_is_read_with_dash() -> None:
    line = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'
    code, out, err = run("lint", "-", "--isolated", "--select", "FT1", stdin=line)
    assert code == 0, out + err
    assert "1 example" in out


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _err = run("lint", "tests/data/mixed_defects.jsonl", "--isolated", "--format", "json", "-o", str(target))
    assert out == ""
    assert json.loads(target.read_text())["version"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_model_known_only_by_prefix_warns() -> None:
    code, _out, err = run("lint", "tests/data/mixed_defects.jsonl", "--isolated", "--model", "gpt-4.1-mnii")
    assert code == 1
    assert "not in the openai profile" in err
    assert "did you mean 'gpt-4.1-mini'" in err


def test_output_to_a_device_writes_through_it(tmp_path: Path) -> None:
    """-o /dev/null must not replace the device with a regular file (as root it could)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _out, _err = run("lint", "tests/data/mixed_defects.jsonl", "--isolated", "--format", "json", "-o", str(fifo))
    reader.join(timeout=10)
    assert fifo.exists() and not fifo.is_file()
    assert json.loads(received[0])["version"] == 1
    assert code == 1


def test_output_through_a_symlink_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    run("lint", "tests/data/mixed_defects.jsonl", "--isolated", "--format", "json", "-o", str(link))
    assert link.is_symlink()
    assert json.loads(target.read_text())["version"] == 1


@pytest.mark.parametrize(
    ("count", "word", "text"),
    [(1, "error", "1 error"), (2, "error", "2 errors"), (1, "info", "1 info"), (162, "info", "162 info"),
     (1234, "warning", "1,234 warnings")],
)
def test_counts_read_as_english(count: int, word: str, text: str) -> None:
    from ftprep.reporters._coverage import plural

    assert plural(count, word) == text
