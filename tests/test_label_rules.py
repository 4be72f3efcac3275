"""The conversation rules (FT305 conflicting outputs, FT306 label imbalance, FT307 label variants,
FT309 system prompt variants, FT310 missing system prompt) end to end: a label field missing from
some records, validation rows left out, sharded runs, the JSON summary, standard input."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

import ftprep.lint.engine
from ftprep.checks.dataset._labels import MAX_SPELLINGS, canonical
from ftprep.readers.jsonl import shard_bounds
from tests.helpers import lint_text, render_lint
from tests.test_cli import run

CODES = "FT305,FT306,FT307,FT309,FT310"
SELECT = ["--select", CODES, "--isolated"]
SYSTEM = "You are Kestrel Outdoor's review classifier."


def _chat(user: str, answer: str, system: str | None = SYSTEM, **extra: Any) -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system is not None else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": messages, **extra}


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _json(out: str) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(out)
    return report


def test_canonical_groups_case_space_and_trailing_punctuation() -> None:
    assert canonical(" Positive") == canonical("positive") == canonical("Positive.") == "positive"
    assert canonical("Not  sure!?") == "not sure"
    assert canonical("?") == "?"  # punctuation alone stays a label
    assert canonical("C++") != canonical("C")


def test_label_field_missing_from_some_records(tmp_path: Path) -> None:
    records = [_chat(f"Ticket {i}", "Noted.", metadata={"label": "billing" if i % 3 else "outage"})
               for i in range(30)]
    records[4] = _chat("Ticket 4", "Noted.", metadata={})
    records[9] = _chat("Ticket 9", "Noted.")
    train = _write(tmp_path / "train.jsonl", records)
    (tmp_path / "ftprep.toml").write_text(
        '[rules.FT306]\nlabel-field = "/metadata/label"\n'
        '[rules.FT307]\nlabel-field = "/metadata/label"\n', encoding="utf-8")
    code, out, err = run("lint", str(train), "--select", CODES, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    report = _json(out)
    [finding] = report["diagnostics"]
    assert finding["code"] == "FT306"
    assert finding["message"] == "2 of 30 examples have no label at '/metadata/label' (lines 5, 10)"
    assert [r["line"] for r in finding["related"]] == [10]
    assert report["summary"]["dataset"]["labels"] == {
        "source": "/metadata/label", "classes": 2, "examples": 30, "labelled": 28,
        "unlabelled": 2, "distribution": {"billing": 19, "outage": 9},
    }


def test_a_label_field_on_one_rule_only_is_a_configuration_error(tmp_path: Path) -> None:
    """FT306 and FT307 read one label field: different values are exit 2 naming both rules."""
    train = _write(tmp_path / "train.jsonl", [_chat("Ticket", "Noted.", metadata={"label": "a"})])
    (tmp_path / "ftprep.toml").write_text('[rules.FT306]\nlabel-field = "/metadata/label"\n',
                                          encoding="utf-8")
    code, _out, err = run("lint", str(train), cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert "FT306 and FT307" in err


def test_a_label_field_that_is_not_a_pointer_is_a_configuration_error(tmp_path: Path) -> None:
    train = _write(tmp_path / "train.jsonl", [_chat("Ticket", "Noted.")])
    (tmp_path / "ftprep.toml").write_text('[rules.FT306]\nlabel-field = "metadata.label"\n',
                                          encoding="utf-8")
    code, _out, err = run("lint", str(train), cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert "rules.FT306.label-field" in err


def _messy(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """Everything the five rules report: one spelling variant, a rare class, a prompt answered
    two ways, seven system prompts, a few examples without one."""
    out = []
    for i in range(n):
        label = "negative" if i % 40 == 0 else "positive"
        if i % 97 == 5:
            label = "Positive."
        system: str | None = f"{SYSTEM} Variant {i % 7}." if i % 11 == 0 else SYSTEM
        if i % 53 == 3:
            system = None
        review = f"Review {i}: " + " ".join(rng.choice("abcdefgh") for _ in range(30))
        if i % 500 == 250:  # formats some of the rules skip (`Kinds`), in every shard
            out.append({"prompt": review, "completion": " positive"})
        elif i % 700 == 350:
            out.append({"input": {"messages": [{"role": "user", "content": review}]},
                        "preferred_output": [{"role": "assistant", "content": "positive"}],
                        "non_preferred_output": [{"role": "assistant", "content": "negative"}]})
        else:
            out.append(_chat(review, label, system))
    out.append(dict(out[10]))
    out[-1]["messages"] = [*out[10]["messages"][:-1], {"role": "assistant", "content": "negative"}]
    return out


def test_validation_rows_are_ignored(tmp_path: Path) -> None:
    rng = random.Random(3)
    train = _write(tmp_path / "train.jsonl",
                   [_chat(f"Review {i}", ["positive", "negative", "neutral"][i % 3]) for i in range(60)])
    val = _write(tmp_path / "val.jsonl", _messy(rng, 200))
    code, out, err = run("lint", str(train), "--validation", str(val), *SELECT, "--format", "json",
                         cwd=tmp_path)
    assert code == 0, err
    report = _json(out)
    assert report["diagnostics"] == []
    dataset = report["summary"]["dataset"]
    assert dataset["validation_examples"] == 201
    assert dataset["labels"]["distribution"] == {"positive": 20, "negative": 20, "neutral": 20}
    assert dataset["system_prompts"]["distinct"] == 1
    assert dataset["system_prompts"]["examples"] == 60
    assert dataset["conflicting_outputs"] == {"prompts": 0, "examples": 0}
    # The same file as training data reports all five.
    code, out, err = run("lint", str(val), *SELECT, cwd=tmp_path)
    assert code == 0, err
    for rule in CODES.split(","):
        assert f" {rule} [" in out, rule


def test_json_summary_dataset_section(tmp_path: Path) -> None:
    records = _messy(random.Random(5), 200)
    path = _write(tmp_path / "train.jsonl", records)
    code, out, err = run("lint", str(path), *SELECT, "--format", "json", cwd=tmp_path)
    assert code == 0, err
    report = _json(out)
    dataset = report["summary"]["dataset"]
    assert dataset["labels"] == {
        "source": "final answer", "classes": 2, "examples": 201, "labelled": 201, "unlabelled": 0,
        "distribution": {"positive": 195, "negative": 6},
    }
    assert dataset["conflicting_outputs"] == {"prompts": 1, "examples": 2}
    prompts = dataset["system_prompts"]
    assert prompts["distinct"] == 8 and prompts["examples"] == 201
    assert prompts["with_system_prompt"] == 201 - sum(1 for i in range(200) if i % 53 == 3)
    top = prompts["most_common"][0]
    assert top["text"] == "You are Kestrel Outdoor's review classifier." and top["examples"] > 150
    assert top["first"].endswith("train.jsonl:2")
    messages = {d["code"]: d["message"] for d in report["diagnostics"]}
    assert messages["FT307"] == "label 'positive' (192 examples) is also written 'Positive.' (3)"
    assert messages["FT306"].startswith("label 'negative' has 6 of 201 examples (3.0%): 32.5x fewer")
    assert messages["FT305"] == ("the same prompt has 2 different answers: 'positive' (line 11) "
                                 "and 'negative' (line 201)")


def test_sharded_runs_match_a_single_process_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "train.jsonl", _messy(random.Random(9), 3000))
    single = {fmt: render_lint(path, fmt, 1) for fmt in ("text", "json")}
    for rule in CODES.split(","):
        assert f" {rule} [" in single["text"], rule
    monkeypatch.setattr(ftprep.lint.engine, "SHARD_MIN_BYTES", 0)
    assert len(shard_bounds(str(path), 2)) == 3
    for fmt in ("text", "json"):
        assert render_lint(path, fmt, 2) == single[fmt], fmt


def test_standard_input_is_not_reread(tmp_path: Path) -> None:
    """Quotes need the texts again: from stdin the messages name lines instead."""
    records = [_chat(f"Question {i}", f"Answer {i}", system=f"Prompt number {i % 6}.") for i in range(12)]
    records.append(_chat("Question 0", "Another answer", system="Prompt number 0."))
    stdin = "".join(json.dumps(r) + "\n" for r in records)
    code, out, err = run("lint", "-", *SELECT, stdin=stdin, cwd=tmp_path)
    assert code == 0, err
    assert "-:1:1: FT305 [warning] the same prompt has 2 different answers (lines 1, 13)" in out
    assert ("-:1:1: FT309 [info] 13 examples use 6 different system prompts, more than "
            "max-variants (5): the one at line 1 (3), the one at line 2 (2), the one at line 3 (2) "
            "and 3 more") in out


def test_many_distinct_short_answers_are_not_counted_per_record(tmp_path: Path) -> None:
    """Past MAX_SPELLINGS distinct short answers the data is free text: no labels, no findings."""
    lines = "".join(json.dumps(_chat(f"Q{i}", f"A{i}")) + "\n" for i in range(MAX_SPELLINGS + 50))
    found = lint_text(tmp_path, lines, {"select": ["FT306", "FT307"]})
    assert found == []


def test_empty_and_single_example_files(tmp_path: Path) -> None:
    for text in ("", "\n", json.dumps(_chat("Hi", "positive")) + "\n"):
        found = lint_text(tmp_path, text, {"select": CODES.split(",")})
        assert found == []
