"""`ftprep estimate`: billed tokens (truncated at the model's limit), epochs, cost, budget.

Expected numbers are computed here from tiktoken itself with the cookbook's counting rule
(3 tokens per message + role and content + 3 per example), not read back from ftprep.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ftprep.providers.profile import load_provider
from ftprep.tokens.encoders import tiktoken_encoding
from tests.test_cli import run as cli_run

O200K = tiktoken_encoding("o200k_base")
MINI = "gpt-4o-mini-2024-07-18"
MINI_PRICE = 3.00  # rules/providers/openai.toml, as of 2026-11-29


def example(user: str, answer: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": user},
                         {"role": "assistant", "content": answer}]}


def cookbook_tokens(record: dict[str, Any]) -> int:
    total = 3
    for message in record["messages"]:
        total += 3 + len(O200K.encode(message["role"])) + len(O200K.encode(message["content"]))
    return total


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    return cli_run("estimate", *args)


def as_json(*args: str) -> dict[str, Any]:
    code, out, _err = run(*args, "--format", "json")
    assert code in (0, 1), out
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.fixture
def twenty(tmp_path: Path) -> tuple[Path, list[int]]:
    records = [example(f"Question number {i}: what is {i} squared?", f"It is {i * i}.")
               for i in range(20)]
    return write(tmp_path / "train.jsonl", records), [cookbook_tokens(r) for r in records]


def test_one_model_bills_tokens_times_the_cookbook_epochs(twenty: tuple[Path, list[int]]) -> None:
    path, tokens = twenty
    data = as_json(str(path), "--model", "gpt-4o-mini", "--isolated")
    (quote,) = data["quotes"]
    assert quote["model"] == MINI
    assert quote["examples"] == 20
    assert quote["billed_tokens_per_epoch"] == sum(tokens)
    assert quote["epochs"] == 5  # 100 // 20: the cookbook's floor of 100 example-passes
    assert quote["billed_tokens"] == 5 * sum(tokens)
    assert quote["cost_usd"] == pytest.approx(5 * sum(tokens) / 1e6 * MINI_PRICE)
    assert quote["price"]["as_of"] == "2026-11-29"
    assert "pricing" in quote["price"]["source"]
    assert quote["exact"] is True


def test_text_names_price_date_and_source(twenty: tuple[Path, list[int]]) -> None:
    path, tokens = twenty
    code, out, _ = run(str(path), "--model", "gpt-4o-mini", "--epochs", "2", "--isolated")
    assert code == 0
    assert f"{sum(tokens):,} × 2 = {2 * sum(tokens):,}" in out
    assert "(as of 2026-11-29; developers.openai.com/api/docs/pricing" in out
    assert "2 (--epochs)" in out
    assert "no new jobs from 2027-01-06, in 38 days" in out


def test_examples_over_the_limit_are_billed_at_it_and_counted(tmp_path: Path) -> None:
    records = [example("short", "ok"), example("long " * 300, "fine " * 300)]
    tokens = [cookbook_tokens(r) for r in records]
    limit = tokens[0] + 1  # the short one fits, the long one does not
    path = write(tmp_path / "t.jsonl", records)
    data = as_json(str(path), "-m", MINI, "--max-tokens", str(limit), "--epochs", "1", "--isolated")
    (quote,) = data["quotes"]
    assert quote["truncated"] == 1
    assert quote["billed_tokens_per_epoch"] == tokens[0] + limit
    data = as_json(str(path), "-m", MINI, "--max-tokens", str(tokens[1]), "--epochs", "1",
                   "--isolated")
    assert data["quotes"][0]["truncated"] == 0  # exactly at the limit is not over it
    assert data["quotes"][0]["billed_tokens_per_epoch"] == sum(tokens)
    code, out, _ = run(str(path), "-m", MINI, "--max-tokens", str(limit), "--isolated")
    assert f"1 over the {limit:,}-token limit, billed at it" in out


def test_broken_records_are_not_billed(tmp_path: Path) -> None:
    good = [example(f"q{i}", f"a{i}") for i in range(12)]
    broken = {"messages": [{"role": "user", "content": "no answer"}]}
    path = write(tmp_path / "t.jsonl", [*good, broken])
    data = as_json(str(path), "-m", MINI, "--epochs", "1", "--isolated")
    assert data["records"] == 13
    assert data["records_with_errors"] == 1
    assert data["quotes"][0]["examples"] == 12
    assert data["quotes"][0]["billed_tokens"] == sum(cookbook_tokens(r) for r in good)


@pytest.mark.parametrize(("budget_delta", "code", "words"), [
    (0.0, 0, "within budget"), (+0.000001, 0, "within budget"), (-0.000001, 1, "over budget"),
])
def test_budget_on_both_sides(
    twenty: tuple[Path, list[int]], budget_delta: float, code: int, words: str
) -> None:
    path, tokens = twenty
    cost = 4 * sum(tokens) / 1e6 * MINI_PRICE
    got, _out, err = run(str(path), "-m", MINI, "--epochs", "4", "--isolated",
                         "--budget", repr(cost + budget_delta))
    assert got == code
    assert words in err


def test_a_budget_cannot_pass_an_unknown_price(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", [example(f"q{i}", f"a{i}") for i in range(12)])
    unpriced = next(m for m in load_provider("azure").model if m.price is None)
    code, _out, err = run(str(path), "--provider", "azure", "-m", unpriced.id, "--epochs", "2",
                          "--budget", "1000", "--isolated")
    assert code == 1
    assert "cannot check the $1,000.00 budget" in err


def test_without_a_model_every_open_model_of_the_provider(twenty: tuple[Path, list[int]]) -> None:
    path, _tokens = twenty
    data = as_json(str(path), "--isolated")
    priced = {q["model"] for q in data["quotes"]}
    assert priced == {"gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14",
                      "gpt-4.1-2025-04-14", "gpt-4o-2024-08-06"}
    closed = {n["model"]: n["reason"] for n in data["not_priced"]}
    assert closed["gpt-4.1-nano-2025-04-14"] == "shut down since 2026-10-23"
    costs = [q["cost_usd"] for q in data["quotes"]]
    assert costs == sorted(costs)  # cheapest first


def test_after_openais_last_day_nothing_of_openai_is_priced(
    twenty: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2027-01-06")
    path, _tokens = twenty
    data = as_json(str(path), "--compare", "--isolated")
    assert not [q for q in data["quotes"] if q["provider"] == "openai"]
    reasons = {n["reason"] for n in data["not_priced"] if n["provider"] == "openai"}
    assert "takes no new jobs since 2027-01-06" in reasons
    monkeypatch.setenv("FTPREP_TODAY", "2027-01-05")  # the day before: still open
    data = as_json(str(path), "--compare", "--isolated")
    assert [q for q in data["quotes"] if q["provider"] == "openai"]


def test_compare_leaves_out_providers_that_reject_the_format(tmp_path: Path) -> None:
    path = write(tmp_path / "pc.jsonl",
                 [{"prompt": f"p{i}", "completion": f" c{i}"} for i in range(12)])
    code, out, _ = run(str(path), "--compare", "--isolated")
    assert "OpenAI" in out and "trains on chat and preference, not prompt-completion" in out
    data = as_json(str(path), "--compare", "--isolated")
    assert all(q["provider"] != "openai" for q in data["quotes"])


def test_preference_data_only_on_models_that_train_dpo(tmp_path: Path) -> None:
    record = {"input": {"messages": [{"role": "user", "content": "Hi"}]},
              "preferred_output": [{"role": "assistant", "content": "Hello!"}],
              "non_preferred_output": [{"role": "assistant", "content": "What."}]}
    path = write(tmp_path / "dpo.jsonl", [record] * 12)
    data = as_json(str(path), "--isolated")
    assert {q["model"] for q in data["quotes"]} == {"gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14"}
    reasons = {n["model"]: n["reason"] for n in data["not_priced"]}
    assert reasons[MINI] == "trains with sft, not dpo (preference data)"


def test_epochs_outside_the_providers_range_are_refused_per_provider(
    twenty: tuple[Path, list[int]]
) -> None:
    path, _tokens = twenty
    data = as_json(str(path), "--compare", "--epochs", "51", "--isolated")
    reasons = [n["reason"] for n in data["not_priced"] if n["provider"] == "openai"]
    assert any("n_epochs <= 50" in r for r in reasons)
    data = as_json(str(path), "--compare", "--epochs", "50", "--isolated")
    assert any(q["provider"] == "openai" and q["epochs"] == 50 for q in data["quotes"])


def test_output_file_and_usage_errors(twenty: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, _tokens = twenty
    target = tmp_path / "estimate.json"
    code, out, _ = run(str(path), "-m", MINI, "--format", "json", "-o", str(target), "--isolated")
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["quotes"][0]["model"] == MINI
    assert run("--isolated")[0] == 2
    code, _out, _err = run(str(path), "--compare", "-m", MINI, "--isolated")
    assert code == 2


def test_together_bills_validation_passes_and_marks_counts_as_estimates(tmp_path: Path) -> None:
    train = [example(f"q{i}", f"a{i}") for i in range(6)]
    val = [example(f"held out {i}", f"answer {i}") for i in range(3)]
    train_path, val_path = write(tmp_path / "t.jsonl", train), write(tmp_path / "v.jsonl", val)
    model = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"
    args = (str(train_path), "--provider", "together", "-m", model, "--validation",
            str(val_path), "--isolated")
    per_train = sum(cookbook_tokens(r) for r in train)
    per_val = sum(cookbook_tokens(r) for r in val)
    quote = as_json(*args, "--n-evals", "2")["quotes"][0]
    assert quote["epochs"] == 1  # Together's SDK default, not OpenAI's heuristic
    assert quote["validation_tokens_billed"] == 2 * per_val
    assert quote["billed_tokens"] == per_train + 2 * per_val
    assert quote["exact"] is False and quote["tokenizer"] == "meta-llama/Llama-3.1-8B-Instruct"
    assert quote["cost_usd"] is None and "estimate-price" in quote["price_note"]
    default = as_json(*args)["quotes"][0]  # n_evals defaults to 0: validation is free
    assert default["validation_tokens_billed"] == 0
    assert default["billed_tokens"] == per_train
    code, out, _ = run(*args, "--n-evals", "2")
    assert f"~{per_train:,} × 1 + {2 * per_val:,} validation = ~{per_train + 2 * per_val:,}" in out
    assert "an estimate: meta-llama/Meta-Llama-3.1-8B-Instruct-Reference uses" in out


def test_openai_does_not_bill_validation(tmp_path: Path) -> None:
    train_path = write(tmp_path / "t.jsonl", [example(f"q{i}", f"a{i}") for i in range(12)])
    val_path = write(tmp_path / "v.jsonl", [example("held", "out")])
    quote = as_json(str(train_path), "-m", MINI, "--validation", str(val_path), "--n-evals", "3",
                    "--isolated")["quotes"][0]
    assert quote["validation_tokens_billed"] == 0


def test_a_file_that_is_not_json_lines_says_why_nothing_was_counted(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("question,answer\nWhat is 2+2?,4\n", encoding="utf-8")
    code, out, err = run(str(path), "-m", MINI, "--isolated")
    assert code == 1
    assert "Estimate for 0 records" in out
    assert "FT013 file is a CSV file, not JSON Lines" in out
    assert "ftprep convert FILE -o train.jsonl" in out
    assert "no training example was read" in err


def test_no_usable_example_is_exit_1_and_one_record_is_singular(tmp_path: Path) -> None:
    path = write(tmp_path / "t.jsonl", [{"messages": [{"role": "user", "content": "Hi"}]}])
    code, out, err = run(str(path), "-m", MINI, "--isolated")
    assert code == 1
    assert out.startswith("Estimate for 1 record (1 chat), as of 2026-11-29\n")
    assert "1 of them with errors: it is not counted" in out
    assert "no usable example" in err
    unknown = write(tmp_path / "u.jsonl", [{"question": "Hi", "answer": "Hello"}] * 2)
    code, out, _err = run(str(unknown), "-m", MINI, "--isolated")
    assert code == 1
    assert out.startswith("Estimate for 2 records (2 unrecognised)")
