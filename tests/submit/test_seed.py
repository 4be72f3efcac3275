"""The source article's submit, end to end with today's API: convert -> lint -> estimate -> submit.

The article called `client.fine_tunes.create(training_file=..., model="gpt-4o", n_epochs=4,
learning_rate_multiplier=0.1)` with prompt/completion data: an endpoint that no longer exists
and a record shape chat models reject. The same data and hyperparameters go through here.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from ftprep.cli._main import run
from tests.submit.conftest import SAMPLES, submit
from tests.submit.fake_openai import FakeOpenAI

SEED = SAMPLES / "sentiment_prompt_completion.jsonl"
MODEL = "gpt-4o-2024-08-06"


def test_the_raw_prompt_completion_file_is_refused_by_the_gate(openai_api: FakeOpenAI) -> None:
    ran = submit(str(SEED), "--model", MODEL, "--epochs", "4", "--dry-run")
    assert ran.code == 2
    assert "lint found" in ran.err and "FT122" in ran.err
    assert openai_api.requests == []


def test_converted_seed_data_submits_with_the_current_api(openai_api: FakeOpenAI,
                                                          tmp_path: Path) -> None:
    chat = tmp_path / "sentiment_chat.jsonl"
    estimate = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert run(["convert", str(SEED), "-o", str(chat)]) == 0
        assert run(["lint", str(chat), "--model", MODEL]) == 0
    with contextlib.redirect_stdout(estimate), contextlib.redirect_stderr(io.StringIO()):
        assert run(["estimate", str(chat), "--model", MODEL, "--epochs", "4", "--budget", "5",
                    "--format", "json"]) == 0
    (quote,) = json.loads(estimate.getvalue())["quotes"]
    ran = submit(str(chat), "--model", MODEL, "--epochs", "4",
                 "--learning-rate-multiplier", "0.1", "--wait")
    assert ran.code == 0, ran.all
    body = openai_api.sent("POST", "/v1/fine_tuning/jobs")[0].json
    assert body["model"] == MODEL  # a dated snapshot, not the moving alias "gpt-4o"
    assert body["method"] == {"type": "supervised", "supervised": {"hyperparameters": {
        "n_epochs": 4, "learning_rate_multiplier": 0.1}}}
    manifest = json.loads(chat.with_name("sentiment_chat.submit.json").read_text())
    assert manifest["outcome"] == "succeeded"
    assert manifest["estimate"]["epochs"] == 4
    # submit's own estimate (from its lint gate) and `ftprep estimate` agree
    assert manifest["estimate"]["billed_tokens"] == quote["billed_tokens"] == 4 * 1_011
    assert manifest["estimate"]["price"]["per_1m_training_tokens_usd"] == 25.0
