"""Epochs, billed tokens and cost, against the cookbook heuristic's worked examples.

The worked examples are those in ../shared/reference/PROVIDERS.md, computed from
openai-cookbook examples/Chat_finetuning_data_prep.ipynb: aim at 3 epochs, keep
examples x epochs within [100, 25000] and epochs within [1, 25].
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from ftprep.config import Settings
from ftprep.lint.run import lint_job
from ftprep.model.sources import Source
from ftprep.providers.estimate import Estimate, default_epochs, estimate
from ftprep.providers.profile import EpochHeuristic, Price, load_provider
from ftprep.reporters.text import TextReporter

OPENAI = load_provider("openai")

def _heuristic() -> EpochHeuristic:
    assert OPENAI.epochs is not None
    return OPENAI.epochs


HEURISTIC = _heuristic()


def notebook_epochs(n: int) -> int:
    """The notebook's cell with its constants, as a second opinion."""
    epochs = 3
    if n * 3 < 100:
        epochs = min(25, 100 // n)
    elif n * 3 > 25_000:
        epochs = max(1, 25_000 // n)
    return epochs


def test_profile_carries_the_notebooks_constants() -> None:
    assert HEURISTIC == EpochHeuristic(
        source=HEURISTIC.source, target=3, min_total_examples=100, max_total_examples=25_000,
        min_epochs=1, max_epochs=25,
    )
    assert "Chat_finetuning_data_prep" in HEURISTIC.source


@pytest.mark.parametrize(("examples", "epochs"), [
    (1, 25), (3, 25), (4, 25), (5, 20), (10, 10), (33, 3), (34, 3), (100, 3), (8_333, 3),
    (8_334, 2), (12_500, 2), (12_501, 1), (30_000, 1), (1_000_000, 1),
])
def test_worked_examples(examples: int, epochs: int) -> None:
    assert default_epochs(examples, HEURISTIC) == epochs


def test_every_size_agrees_with_the_notebook() -> None:
    for examples in range(1, 30_001):
        assert default_epochs(examples, HEURISTIC) == notebook_epochs(examples), examples


def test_no_examples_does_not_divide_by_zero() -> None:
    assert default_epochs(0, HEURISTIC) == 3


def model(name: str) -> Any:
    found = OPENAI.find_model(name)
    assert found is not None
    return found


def test_heuristic_epochs_and_billed_tokens() -> None:
    est = estimate(5, 4306, model("gpt-3.5-turbo"), "gpt-3.5-turbo-0125", OPENAI, None)
    assert (est.epochs, est.billed_tokens_per_epoch, est.billed_tokens) == (20, 4306, 86_120)
    assert est.epochs_source == f"provider default, estimated as in {HEURISTIC.source}"


def test_epochs_override_beats_the_heuristic() -> None:
    est = estimate(5, 4306, model("gpt-3.5-turbo"), "gpt-3.5-turbo-0125", OPENAI, 7)
    assert (est.epochs, est.epochs_source, est.billed_tokens) == (7, "--epochs", 30_142)
    est = estimate(5, 4306, None, None, OPENAI, 2, epochs_from="config")
    assert (est.epochs, est.epochs_source) == (2, "config")


def test_cost_is_billed_tokens_times_epochs_times_price() -> None:
    mini = model("gpt-4o-mini")
    assert mini.price is not None and mini.price.training_per_1m_tokens == 3.00
    est = estimate(1_000, 2_500_000, mini, mini.id, OPENAI, None)
    assert (est.epochs, est.billed_tokens) == (3, 7_500_000)
    assert est.cost == pytest.approx(7.5 * 3.00)
    assert est.price is mini.price and est.price.as_of and est.price.source
    est = estimate(1_000, 2_500_000, mini, mini.id, OPENAI, 1)
    assert est.cost == pytest.approx(2.5 * 3.00)
    big = model("gpt-4o")
    assert estimate(10, 1_000_000, big, big.id, OPENAI, None).cost == pytest.approx(
        1_000_000 * 10 / 1e6 * big.price.training_per_1m_tokens if big.price else -1
    )


# OpenAI's training prices per 1M tokens: ../shared/reference/PROVIDERS.md, "Training prices per
# 1M training tokens (trusted, 2026-11-29)", three captures of OpenAI's own pricing pages.
OPENAI_TRAINING_PRICES = [
    ("gpt-4.1", "gpt-4.1-2025-04-14", 25.00),
    ("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 5.00),
    ("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", 1.50),
    ("gpt-4o", "gpt-4o-2024-08-06", 25.00),
    ("gpt-4o-mini", "gpt-4o-mini-2024-07-18", 3.00),
    ("gpt-3.5-turbo", "gpt-3.5-turbo-0125", 8.00),
]


@pytest.mark.parametrize(("alias", "model_id", "price"), OPENAI_TRAINING_PRICES)
def test_every_openai_model_has_openais_own_dated_price(
    alias: str, model_id: str, price: float
) -> None:
    found = model(alias)
    assert found.id == model_id
    assert found.price is not None, f"{model_id} has no price"
    assert found.price.training_per_1m_tokens == price
    assert found.price.as_of == datetime.date(2026, 11, 29)
    assert found.price.source.startswith("developers.openai.com/api/docs/pricing")
    assert "secondary" not in found.price.source


def test_a_price_needs_a_date_and_a_source() -> None:
    with pytest.raises(ValidationError):
        Price.model_validate({"training_per_1m_tokens": 5.0, "source": "x"})
    with pytest.raises(ValidationError):
        Price.model_validate({"training_per_1m_tokens": 5.0, "as_of": "2026", "source": "x"})
    with pytest.raises(ValidationError):
        Price.model_validate({"training_per_1m_tokens": 5.0, "as_of": "2026-11-29", "source": ""})


def test_unknown_price_stays_unknown() -> None:
    unpriced = model("gpt-4.1-mini").model_copy(update={"price": None})
    est = estimate(100, 50_000, unpriced, unpriced.id, OPENAI, None)
    assert est.price is None and est.cost is None
    assert est.billed_tokens == 150_000, "billed tokens are still known"


def test_the_readme_example_is_priced(tmp_path: Path) -> None:
    """`ftprep lint sample_data/support_chat.jsonl --model gpt-4.1-mini`, the README's example."""
    sample = Path(__file__).parents[1] / "sample_data" / "support_chat.jsonl"
    job = lint_job(Settings.model_validate({"model": "gpt-4.1-mini"}), [Source(str(sample))])
    list(job.diagnostics())
    est = job.report().estimate
    assert est.billed_tokens is not None and est.billed_tokens > 0
    assert est.cost == pytest.approx(est.billed_tokens / 1e6 * 5.00)
    buffer = io.StringIO()
    TextReporter(buffer).finish(job.report())
    assert (f"cost           ${est.cost:,.2f} at $5.00 per 1M training tokens (as of 2026-11-29; "
            "developers.openai.com/api/docs/pricing, fine-tuning table)") in buffer.getvalue()


def test_no_model_and_no_heuristic() -> None:
    est = estimate(100, 50_000, None, None, OPENAI, None)
    assert (est.cost, est.billed_tokens) == (None, 150_000)
    no_default = OPENAI.model_copy(update={"epochs": None, "hyperparameters": ()})
    est = estimate(100, 50_000, None, None, no_default, None)
    assert (est.epochs, est.billed_tokens, est.cost) == (None, None, None)
    assert est.epochs_source.startswith("unknown")


def test_a_documented_default_is_used_where_there_is_no_heuristic() -> None:
    together = load_provider("together")
    est = estimate(100, 50_000, None, None, together, None)
    assert (est.epochs, est.billed_tokens) == (1, 50_000)
    assert est.epochs_source.startswith("provider default (together")


# -- through a lint run ------------------------------------------------------------------------


def _example(words: int) -> bytes:
    text = " ".join(["tree"] * words)
    return orjson.dumps({"messages": [{"role": "user", "content": "Describe a forest."},
                                      {"role": "assistant", "content": text}]})


def _run(tmp_path: Path, lines: list[bytes], **settings: Any) -> tuple[Estimate, Any]:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    job = lint_job(Settings.model_validate(settings), [Source(str(path))])
    list(job.diagnostics())
    report = job.report()
    return report.estimate, report.summary


def test_billed_tokens_cap_at_the_per_example_limit(tmp_path: Path) -> None:
    lines = [_example(5), _example(2_000), _example(40)]
    est, summary = _run(tmp_path, lines, model="gpt-4o-mini")
    totals = list(summary.example_tokens)
    assert totals[1] > 1_000 and summary.over_limit == 0
    assert est.billed_tokens_per_epoch == sum(totals)

    est, summary = _run(tmp_path, lines, model="gpt-4o-mini", max_tokens=1_000)
    assert summary.over_limit == 1
    assert est.billed_tokens_per_epoch == totals[0] + 1_000 + totals[2]
    assert est.epochs == 25  # 3 examples
    assert est.billed_tokens == 25 * est.billed_tokens_per_epoch
    assert est.cost == pytest.approx(est.billed_tokens / 1e6 * 3.00)


def test_epochs_setting_reaches_the_estimate(tmp_path: Path) -> None:
    est, _summary = _run(tmp_path, [_example(10)] * 12, model="gpt-4o-mini", epochs=4)
    assert (est.epochs, est.epochs_source) == (4, "--epochs")
    assert est.billed_tokens == 4 * est.billed_tokens_per_epoch
    est, _summary = _run(tmp_path, [_example(10)] * 12, model="gpt-4o-mini")
    assert est.epochs == 8  # 100 // 12


def test_lint_calls_counts_for_a_model_with_another_tokenizer_estimates() -> None:
    from tests.test_cli import run

    args = ("lint", "sample_data/clean_chat.jsonl", "--provider", "together", "--model",
            "openai/gpt-oss-20b", "--isolated")
    code, out, _err = run(*args)
    assert "(o200k_base, toktok; an estimate: openai/gpt-oss-20b uses openai/gpt-oss-20b" in out
    assert "epochs         1 (provider default (together" in out
    code, out, _err = run(*args, "--format", "json")
    tokens = orjson.loads(out)["summary"]["tokens"]
    assert tokens["exact"] is False
    assert tokens["model_tokenizer"].startswith("openai/gpt-oss-20b")
    code, out, _err = run("lint", "sample_data/clean_chat.jsonl", "--model", "gpt-4o-mini",
                          "--isolated", "--format", "json")
    assert orjson.loads(out)["summary"]["tokens"]["exact"] is True
