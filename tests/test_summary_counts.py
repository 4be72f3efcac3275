"""Summaries that count what is there: preference messages, usable examples, counted lengths.

Real files from ../shared/corpora (skipped when absent): a preference (DPO) file showed
`messages 0`; FastChat's judge prompts were "8 examples" for FT301 although none is one; and
Brandon-Tsai's FriarsChatBot file got a false FT203 outlier because records whose content ftprep
could not count (lists of strings) dragged the median down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftprep.model.diagnostics import Severity
from tests.helpers import CORPORA, lint_text, run_engine

USERFILES = CORPORA / "realworld" / "userfiles"
DPO = USERFILES / "akshata29+finetuning__data_dpo_train.jsonl"
FRIARS = USERFILES / "Brandon-Tsai+FriarsChatBot__training_data_more_expanded.jsonl"
JUDGE_PROMPTS = CORPORA / "realworld" / "fastchat" / "judge_prompts.jsonl"
needs = pytest.mark.skipif(not USERFILES.is_dir(), reason="../shared/corpora is not present")


def _messages_in(path: Path) -> int:
    """Messages of every list a preference record holds, counted independently of ftprep."""
    total = 0
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        record = json.loads(line)
        total += len(record["input"]["messages"])
        total += len(record["preferred_output"]) + len(record["non_preferred_output"])
    return total


@needs
def test_a_preference_file_counts_its_messages() -> None:
    _diagnostics, engine = run_engine(DPO, {"select": ["FT1"]})
    summary = engine.summary
    assert summary.formats == {"preference": 180}
    assert summary.messages == _messages_in(DPO) == 720


def test_preference_messages_on_a_fixture(tmp_path: Path) -> None:
    line = ('{"input": {"messages": [{"role": "system", "content": "Be kind."}, {"role": "user", '
            '"content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello!"}], '
            '"non_preferred_output": [{"role": "assistant", "content": "What?"}]}\n')
    path = tmp_path / "dpo.jsonl"
    path.write_text(line * 3, encoding="utf-8")
    _diagnostics, engine = run_engine(path, {"select": ["FT1"]})
    assert engine.summary.messages == 12


@needs
def test_fastchat_judge_prompts_are_not_examples() -> None:
    diagnostics, engine = run_engine(JUDGE_PROMPTS, {"select": ["FT301"]})
    assert [d.message for d in diagnostics] == [
        "dataset has 0 usable examples of 8 (8 unrecognized), below OpenAI's minimum of 10"
    ]
    assert engine.summary.usable(("chat", "preference")) == 0


@needs
def test_no_false_outlier_from_content_that_was_not_counted() -> None:
    diagnostics, engine = run_engine(FRIARS, {"select": ["FT203", "FT1"]})
    assert [d for d in diagnostics if d.code == "FT203"] == []
    summary = engine.summary
    assert summary.unreadable_examples == 180
    assert not summary.exact
    assert summary.usable(("chat", "preference")) == 12  # the other 180 have FT119 errors


def test_usable_examples_in_the_sample(tmp_path: Path) -> None:
    sample = Path(__file__).parents[1] / "sample_data" / "support_chat.jsonl"
    found = lint_text(tmp_path, sample.read_bytes(), {"model": "gpt-4.1-mini"})
    [ft302] = [d for d in found if d.code == "FT302"]
    assert ft302.severity is Severity.WARNING
    assert ft302.message == ("dataset has 20 usable examples of 24 (4 with errors), below the 50 "
                             "OpenAI recommends")


HH_RLHF = CORPORA / "realworld" / "hhrlhf" / "harmless-base-test.jsonl.gz"


def test_records_of_no_known_format_are_not_unreadable_nor_token_statistics(tmp_path: Path) -> None:
    """An unrecognised record has no training text: FT100 says so; it is not a 0-token example."""
    text = (
        '{"chosen": "Human: hi Assistant: hello", "rejected": "Human: hi Assistant: go away"}\n'
        '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n'
    )
    path = tmp_path / "mixed.jsonl"
    path.write_text(text, encoding="utf-8")
    _diagnostics, engine = run_engine(path, {"select": ["FT1"]})
    summary = engine.summary
    assert summary.examples == 2
    assert summary.unreadable_examples == 0
    assert summary.exact
    assert len(summary.example_tokens) == 1 and summary.example_tokens[0] > 0


def _lint_cli(*args: str) -> tuple[int, str]:
    from tests.test_cli import run

    code, out, _err = run(*args)
    return code, out


def test_no_estimate_without_a_usable_example(tmp_path: Path) -> None:
    """Epochs, billed tokens and cost for a run the provider would refuse would only mislead."""
    path = tmp_path / "hh.jsonl"
    path.write_text('{"chosen": "a", "rejected": "b"}\n' * 12, encoding="utf-8")
    code, out = _lint_cli("lint", str(path), "--isolated", "--model", "gpt-4.1-mini")
    assert code == 1
    assert "epochs         none: no usable examples" in out
    assert "billed tokens" not in out and "cost" not in out and "tokens/example" not in out
    code, out = _lint_cli("lint", str(path), "--isolated", "--model", "gpt-4.1-mini", "--format", "json")
    estimate = json.loads(out)["summary"]["estimate"]
    assert estimate["epochs"] is None and estimate["billed_tokens"] is None
    assert estimate["cost_usd"] is None


def test_one_usable_example_is_still_estimated(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(
        '{"chosen": "a", "rejected": "b"}\n'
        '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n',
        encoding="utf-8",
    )
    _code, out = _lint_cli("lint", str(path), "--isolated", "--model", "gpt-4.1-mini")
    assert "epochs         25 (provider default" in out
    assert "billed tokens" in out and "cost           $0.00 at $5.00" in out


@pytest.mark.skipif(not HH_RLHF.is_file(), reason="../shared/corpora is not present")
def test_hh_rlhf_has_no_estimate_and_no_unreadable_row() -> None:
    _code, out = _lint_cli("lint", str(HH_RLHF), "--isolated", "--model", "gpt-4.1-mini")
    assert "usable         0 of 2,312 examples" in out
    assert "unreadable" not in out
    assert "epochs         none: no usable examples" in out
