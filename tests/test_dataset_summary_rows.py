"""The dataset section's rows say exactly what was found, singular and plural, for each view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import run_engine


def chat(user: str, answer: str, system: str | None = None) -> str:
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return json.dumps({"messages": messages})


def facts(tmp_path: Path, lines: list[str], settings: dict[str, Any] | None = None) -> dict[str, Any]:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _diagnostics, engine = run_engine(path, settings)
    return {f.key: (f.label, f.text, f.data) for f in engine.summary.dataset}


def test_one_copy_in_one_group(tmp_path: Path) -> None:
    rows = facts(tmp_path, [chat("a b c", "x"), chat("d e f", "y"), chat("A  b c", "x")])
    assert rows["duplicates"] == ("duplicates", "1 extra copy in 1 group (FT303)",
                                  {"text": "example", "clusters": 1, "extra_copies": 1})


def test_copies_in_groups_and_a_view(tmp_path: Path) -> None:
    lines = [chat("q1", "a"), chat("q1", "b"), chat("q1", "c"), chat("q2", "d"), chat("q2", "e")]
    rows = facts(tmp_path, lines, {"rules": {"FT303": {"text": "user"}}})
    _label, text, data = rows["duplicates"]
    assert text == "3 extra copies in 2 groups (FT303), comparing user text"
    assert data == {"text": "user", "clusters": 2, "extra_copies": 3}


def test_no_copies(tmp_path: Path) -> None:
    rows = facts(tmp_path, [chat("a b c", "x"), chat("d e f", "y")])
    assert rows["duplicates"][1:] == ("none", {"text": "example", "clusters": 0, "extra_copies": 0})


def test_conflicts_row(tmp_path: Path) -> None:
    lines = [chat("same question", "yes"), chat("same question", "no"), chat("other", "fine")]
    label, text, _data = facts(tmp_path, lines)["conflicting_outputs"]
    assert (label, text) == ("conflicts", "1 prompt with different answers (2 examples, FT305)")
    lines = [chat("q1", "a"), chat("q1", "b"), chat("q2", "c"), chat("q2", "d"), chat("q2", "e")]
    assert facts(tmp_path, lines)["conflicting_outputs"][1] == (
        "2 prompts with different answers (5 examples, FT305)")
    same = [chat("q", "yes"), chat("q", "yes"), chat("other", "fine")]
    assert facts(tmp_path, same)["conflicting_outputs"][1] == "none"
