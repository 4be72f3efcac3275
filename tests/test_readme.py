"""The README's example is the real output of its command on the bundled sample.

The output depends on the date (FT501 judges the model's deadlines against today); the tests pin
today to 2026-11-29 (tests/conftest.py), the day the README's output was taken.
"""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import run

README = Path(__file__).resolve().parents[1] / "README.md"
COMMAND = "ftprep lint sample_data/support_chat.jsonl --model gpt-4.1-mini"


def _example() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"```console\n$ {COMMAND}\n") + len(f"```console\n$ {COMMAND}\n")
    return text[start : text.index("```\n", start)]


def test_the_readme_example_is_the_real_output() -> None:
    code, out, _err = run(*COMMAND.split()[1:])
    assert code == 1, "the sample has deliberate defects"
    assert out == _example()


def test_the_readme_hand_off_estimate_is_the_real_output(tmp_path: Path) -> None:
    """The seed flow: convert the article's prompt/completion file, then estimate it."""
    train = tmp_path / "train.jsonl"
    code, _out, _err = run("convert", "sample_data/sentiment_prompt_completion.jsonl", "-o",
                           str(train))
    assert code == 0
    text = README.read_text(encoding="utf-8")
    block = text[text.index("`estimate` (as of 2026-11-29) prints:"):]
    block = block[block.index("```console\n") + len("```console\n"):]
    expected = block[: block.index("```\n")]
    code, out, err = run("estimate", str(train), "--model", "gpt-4o-mini-2024-07-18",
                         "--epochs", "4", "--budget", "5")
    assert code == 0
    assert out == expected
    assert "within budget: $0.01 of $5.00" in err


def _block_after(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    block = text[text.index(marker):]
    block = block[block.index("```console\n") + len("```console\n"):]
    return block[: block.index("```\n")]


def test_the_readme_content_rules_example_is_the_real_output(tmp_path: Path) -> None:
    lint = "ftprep lint sample_data/leaky_chat.jsonl --select FT4"
    expected = _block_after("## Content rules")
    assert expected.startswith(f"$ {lint}\n")
    code, out, _err = run(*lint.split()[1:])
    assert code == 1
    assert out.startswith(expected.split("\n", 1)[1]), out
    code, _out, err = run("fix", "sample_data/leaky_chat.jsonl", "-o", str(tmp_path / "clean.jsonl"),
                          "--redact")
    assert code == 0
    assert _block_after("then writes `<API_KEY>`") in err
    written = (tmp_path / "clean.jsonl").read_text(encoding="utf-8")
    assert "sk-proj-" not in written and "maria.lopez" not in written
    assert "<API_KEY>" in written and "<CARD_NUMBER>" in written


def _quickstart() -> list[str]:
    """The Quickstart's commands, in order (comments and blank lines left out)."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index("## Quickstart"):]
    block = block[block.index("```sh\n") + len("```sh\n"):]
    block = block[: block.index("```\n")]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_quickstart_runs_start_to_finish(tmp_path: Path) -> None:
    """A new user's walk through: each step does what its comment says, on a copy of the
    samples (nothing is written into the checkout)."""
    import shlex
    import shutil

    shutil.copytree(README.parent / "sample_data", tmp_path / "sample_data")
    steps = _quickstart()
    assert [shlex.split(s)[1] for s in steps] == [
        "lint", "rule", "report", "fix", "lint", "split", "estimate", "submit"]
    results = [run(*shlex.split(step)[1:], cwd=tmp_path) for step in steps]
    codes = [code for code, _out, _err in results]
    assert codes == [1, 0, 0, 0, 0, 0, 0, 0], [r[2][-500:] for r in results]
    (_, first, _), (_, rule, _), _report, (_, _, fixed), (_, relinted, _), _split, \
        (_, estimate, _), (_, submit, _) = results
    assert "Found 9 problems: 4 errors, 4 warnings, 1 info." in first
    assert rule.startswith("# double-encoded-arguments (FT114)")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="tokens"' in page
    assert "read 24 records: 20 written + 4 rejected" in fixed
    assert "Found 2 problems: 1 warning, 1 info." in relinted
    lines = {name: len((tmp_path / name).read_text(encoding="utf-8").splitlines())
             for name in ("clean.jsonl", "rejects.jsonl", "clean.train.jsonl", "clean.val.jsonl")}
    assert lines == {"clean.jsonl": 20, "rejects.jsonl": 4, "clean.train.jsonl": 16,
                     "clean.val.jsonl": 4}
    row = next(line for line in estimate.splitlines() if "gpt-4.1-mini-2025-04-14" in line)
    assert "$0.08" in row
    assert "nothing was sent" in submit
