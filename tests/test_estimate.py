"""Epochs, billed tokens and cost, against the cookbook heuristic's worked examples.

The worked examples are those in ../shared/reference/PROVIDERS.md, computed from
openai-cookbook examples/Chat_finetuning_data_prep.ipynb: aim at 3 epochs, keep
examples x epochs within [100, 25000] and epochs within [1, 25].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from ftprep.config import Settings
from ftprep.estimate import Estimate, default_epochs, estimate
from ftprep.linting import lint_job
from ftprep.providers.profile import EpochHeuristic, load_provider
from ftprep.readers.jsonl import Source

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
    est = estimate(5, 4306, model("gpt-3.5-turbo"), "gpt-3.5-turbo-0125", HEURISTIC, None)
    assert (est.epochs, est.billed_tokens_per_epoch, est.billed_tokens) == (20, 4306, 86_120)
    assert est.epochs_source == f"provider default, estimated as in {HEURISTIC.source}"


def test_epochs_override_beats_the_heuristic() -> None:
    est = estimate(5, 4306, model("gpt-3.5-turbo"), "gpt-3.5-turbo-0125", HEURISTIC, 7)
    assert (est.epochs, est.epochs_source, est.billed_tokens) == (7, "--epochs", 30_142)
    est = estimate(5, 4306, None, None, HEURISTIC, 2, epochs_from="config")
    assert (est.epochs, est.epochs_source) == (2, "config")


def test_cost_is_billed_tokens_times_epochs_times_price() -> None:
    mini = model("gpt-4o-mini")
    assert mini.price is not None and mini.price.training_per_1m_tokens == 3.00
    est = estimate(1_000, 2_500_000, mini, mini.id, HEURISTIC, None)
    assert (est.epochs, est.billed_tokens) == (3, 7_500_000)
    assert est.cost == pytest.approx(7.5 * 3.00)
    assert est.price is mini.price and est.price.as_of and est.price.source
    est = estimate(1_000, 2_500_000, mini, mini.id, HEURISTIC, 1)
    assert est.cost == pytest.approx(2.5 * 3.00)
    big = model("gpt-4o")
    assert estimate(10, 1_000_000, big, big.id, HEURISTIC, None).cost == pytest.approx(
        1_000_000 * 10 / 1e6 * big.price.training_per_1m_tokens if big.price else -1
    )


@pytest.mark.parametrize("name", ["gpt-4.1-mini", "gpt-4.1", "gpt-3.5-turbo"])
def test_unknown_price_stays_unknown(name: str) -> None:
    est = estimate(100, 50_000, model(name), model(name).id, HEURISTIC, None)
    assert est.price is None and est.cost is None
    assert est.billed_tokens == 150_000, "billed tokens are still known"


def test_no_model_and_no_heuristic() -> None:
    est = estimate(100, 50_000, None, None, HEURISTIC, None)
    assert (est.cost, est.billed_tokens) == (None, 150_000)
    est = estimate(100, 50_000, None, None, None, None)
    assert (est.epochs, est.billed_tokens, est.cost) == (None, None, None)
    assert est.epochs_source.startswith("unknown")


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
