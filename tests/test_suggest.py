"""'Did you mean' only for a likely typo: a few edits relative to the length, never containment.

FastChat's judge_prompts.jsonl was told `unknown key "system_prompt" (did you mean "prompt"?)`:
partial matching scored `prompt` 90 because `system_prompt` contains it. Its records are another
tool's layout, so ftprep now lists the keys the record has instead.
"""

from __future__ import annotations

import pytest

from ftprep.suggest import LIKELY, closest, similarity
from tests.helpers import CORPORA, run_engine

JUDGE_PROMPTS = CORPORA / "realworld" / "fastchat" / "judge_prompts.jsonl"


@pytest.mark.parametrize(("word", "choice", "score"), [
    ("contnet", "content", 85.71), ("rol", "role", 85.71), ("wieght", "weight", 83.33),
    ("nome", "name", 75.0), ("kontemt", "content", 71.43), ("system_prompt", "prompt", 63.16),
    ("tool", "parallel_tool_calls", 34.78), ("gpt-4.1-mnii", "gpt-4.1-mini", 91.67),
])
def test_similarity(word: str, choice: str, score: float) -> None:
    assert similarity(word, choice) == pytest.approx(score, abs=0.01)


def test_the_threshold_is_inclusive() -> None:
    assert LIKELY == 75.0
    assert closest("nome", ["name", "role", "content"]) == "name"  # 75.0: at the threshold
    assert closest("kontemt", ["name", "role", "content"]) is None  # 71.4: just below it


@pytest.mark.parametrize("word", ["system_prompt", "prompt_template", "output_format"])
def test_containing_a_choice_is_not_a_typo_of_it(word: str) -> None:
    assert closest(word, ["messages", "input", "prompt", "completion"]) is None


def test_the_best_likely_choice_wins() -> None:
    assert closest("mesages", ["messages", "message_list", "input"]) == "messages"
    assert closest("anything", []) is None


@pytest.mark.skipif(not JUDGE_PROMPTS.is_file(), reason="../shared/corpora is not present")
def test_fastchat_judge_prompts_get_no_misleading_hint() -> None:
    diagnostics, _engine = run_engine(JUDGE_PROMPTS, {"select": ["FT100"]})
    messages = [d.message for d in diagnostics]
    assert len(messages) == 8
    assert not any("did you mean" in m for m in messages)
    assert messages[0] == ('record has none of "messages", "input", "prompt" (keys "name", '
                           '"type", "system_prompt", "prompt_template", "description", …)')
