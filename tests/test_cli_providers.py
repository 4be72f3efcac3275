"""`ftprep providers` says what is still possible where, counted from FTPREP_TODAY.

conftest pins the day to 2026-11-29: OpenAI's last day for new jobs (2027-01-06) is then 38 days
away and its last models shut down on 2027-01-14, 46 days away; Gemini 2.5 Flash on Vertex shut
down 40 days before.
"""

from __future__ import annotations

import datetime
import json

import pytest

from ftprep.providers.catalog import dated, hyperparameter_text, provider_rows, when
from ftprep.providers.profile import Hyperparameter
from tests.test_cli import run

DAY = datetime.date(2026, 11, 29)


def _line(out: str, provider: str) -> str:
    return next(line for line in out.splitlines() if line.split()[:1] == [provider])


def test_the_table_says_what_is_possible_where() -> None:
    code, out, err = run("providers")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].split()[:3] == ["PROVIDER", "STATUS", "AS"]
    openai = _line(out, "openai")
    assert "closing: no new jobs from 2027-01-06, in 38 days" in openai
    assert "6 (2 shut down; the last shuts down on 2027-01-14, in 46 days)" in openai
    assert "live via SDK (ftprep[openai])" in openai
    assert "active" in _line(out, "azure") and "ftprep[openai]" in _line(out, "azure")
    vertex = _line(out, "vertex")
    assert "live via SDK (ftprep[vertex])" in vertex and "1 shut down" in vertex
    assert "live via SDK (ftprep[bedrock])" in _line(out, "bedrock")
    assert "any (none listed)" in _line(out, "fireworks")
    assert "chat, prompt-completion" in _line(out, "nebius")
    mistral = _line(out, "mistral")
    assert "deprecated" in mistral and "none" in mistral
    assert "shutdown" in _line(out, "cohere")
    assert "mistral: fine-tuning (API, text, vision, Classifier Factory)" in out


def test_the_day_comes_from_ftprep_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2027-01-10")
    code, out, _ = run("providers")
    openai = _line(out, "openai")
    assert code == 0
    assert "closing: no new jobs since 2027-01-06, 4 days ago" in openai
    assert "none: takes no new jobs" in openai
    monkeypatch.setenv("FTPREP_TODAY", "2027-01-06")
    assert "no new jobs since 2027-01-06, today" in _line(run("providers")[1], "openai")
    monkeypatch.setenv("FTPREP_TODAY", "29/11/2026")
    code, _, err = run("providers")
    assert code == 2 and "FTPREP_TODAY='29/11/2026' is not a date" in err


def test_json_lists_every_row() -> None:
    code, out, _ = run("providers", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2026-11-29"
    rows = {row["id"]: row for row in data["providers"]}
    assert rows["openai"]["status"] == "closing: no new jobs from 2027-01-06, in 38 days"
    assert rows["openai"]["models_shut_down"] == 2
    assert rows["vertex"]["submit"] == "live via SDK (ftprep[vertex])"
    assert rows["mistral"] == {**rows["mistral"], "state": "deprecated", "profile": False,
                               "submit": "none"}
    assert rows["nebius"]["formats"] == ["chat", "prompt-completion"]


def test_one_profile_in_detail() -> None:
    code, out, _ = run("providers", "openai")
    assert code == 0
    assert out.startswith("OpenAI (openai)\n  status     closing: no new jobs from 2027-01-06, "
                          "in 38 days (as of 2026-11-29)\n")
    assert "  minimum examples             10\n" in out
    assert "    limit       65,536 tokens per example\n" in out
    assert "    tokens      exact (o200k_base)\n" in out
    assert ("    price       $25.00 per 1M training tokens (as of 2026-11-29, "
            "developers.openai.com/api/docs/pricing, fine-tuning table)\n") in out
    assert "    shutdown    shut down on 2026-10-23, 37 days ago (" in out
    assert "  n_epochs (--epochs): int, 1 to 50, default auto  [openai-openapi" in out
    assert "  beta (--beta): float, > 0 and <= 2, default auto" in out
    assert "  no new jobs: API reference for POST /v1/fine_tuning/jobs" in out


def test_estimates_and_unknown_prices_say_so() -> None:
    _, out, _ = run("providers", "vertex")
    assert "    tokens      estimate: gemini (not public), counted with o200k_base\n" in out
    assert "    price       unknown: Vertex tuning prices were not stored\n" in out
    assert "    shutdown    shut down on 2026-10-20, 40 days ago (secondary:" in out
    assert "  adapterSize (--adapter-size): int, one of 1, 2, 4, 8, 16, default not stated" in out
    assert "  maximum validation examples  5,000\n" in out
    _, out, _ = run("providers", "bedrock")
    assert "      epochCount (--epochs): int, 1 to 5, default 2  [" in out  # Nova
    assert "      epochCount (--epochs): int, 1 to 10, default 2  [" in out  # Claude 3 Haiku
    assert "      batchSize (--batch-size): int, 4 to 256, default 32  [" in out
    assert "\nHyperparameters\n" not in out  # none at provider level: each model has its own
    _, out, _ = run("providers", "fireworks")
    assert "Models: none listed\n  any model name is accepted; counts use o200k_base (an estimate)" in out
    assert "  lora_rank (--lora-rank): int, >= 1, default not stated" in out


def test_detail_as_json() -> None:
    code, out, _ = run("providers", "nebius", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["provider"]["status"] == "active"
    assert [m["counts"] for m in data["models"]] == ["estimate", "estimate"]
    assert data["profile"]["no_new_jobs_from"] is None
    assert data["profile"]["inherit"] == ["file_suffixes", "format"]
    assert {"fact": "inherits", "source": "file_suffixes, format from the openai profile"} in data["sources"]
    _, out, _ = run("providers", "mistral", "--format", "json")
    assert json.loads(out)["provider"]["state"] == "deprecated"


def test_a_provider_without_a_profile_and_an_unknown_one() -> None:
    code, out, _ = run("providers", "cohere")
    assert code == 0 and out.startswith("Cohere (cohere): shutdown (as of 2026-11-29)\n")
    assert "source: docs.cohere.com/docs/chat-fine-tuning" in out
    code, _, err = run("providers", "vertx")
    assert code == 2
    assert "unknown provider 'vertx'" in err and "did you mean 'vertex'?" in err


def test_days_are_counted_in_the_library() -> None:
    assert when(DAY, DAY) == "today"
    assert when(DAY + datetime.timedelta(days=1), DAY) == "in 1 day"
    assert when(DAY - datetime.timedelta(days=2), DAY) == "2 days ago"
    assert dated("ends on", "ended on", DAY, DAY) == "ended on 2026-11-29, today"
    rows = provider_rows(DAY)
    assert [r.id for r in rows if not r.profile] == ["mistral", "cohere", "tinker"]
    seed = Hyperparameter(name="seed", option="seed", type="int", minimum=0, source="s")
    assert hyperparameter_text(seed) == "int, >= 0, default not stated"
    flag = Hyperparameter(name="lora", option="lora", type="bool", source="s")
    assert hyperparameter_text(flag) == "bool, default not stated"
