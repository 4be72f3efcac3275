"""Meta-tests on rule specs, the part ruff's check_docs_formatted.py plays: docs can't drift."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from ftprep.registry import Scope, all_rules
from tests.helpers import compact, lint_text

RULES = all_rules()
IDS = [r.code for r in RULES]


def test_codes_and_names_are_unique() -> None:
    codes = [r.code for r in RULES]
    names = [r.spec.name for r in RULES]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_spec_is_documented(rule) -> None:  # type: ignore[no-untyped-def]
    spec = rule.spec
    assert re.fullmatch(r"FT\d{3}", spec.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", spec.name)
    assert not spec.name.startswith(("no-", "disallow-")), "name the problem, not the remedy"
    for field in ("summary", "why", "bad", "good"):
        assert getattr(spec, field).strip(), f"{spec.code}: empty {field}"
    if rule.pack is not None:  # a pack rule: its source is the pack file
        assert spec.source.startswith("rules/content/") and spec.source.endswith(".toml")
        return
    file_code = Path(spec.source).name.split("_")[0].upper()
    assert file_code == spec.code, "the module's file name must carry the rule's code"
    assert spec.name.replace("-", "_") in spec.source


def _jsonl(example: str) -> bool:
    try:
        return all(isinstance(orjson.loads(line), dict) for line in example.splitlines())
    except orjson.JSONDecodeError:
        return False


@pytest.mark.parametrize("rule", [r for r in RULES if r.spec.scope is not Scope.DATASET], ids=lambda r: r.code)
def test_examples_behave(rule, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A JSONL `bad` example triggers its rule; a `good` one triggers no line or record rule."""
    spec = rule.spec
    settings = {"model": "gpt-4.1-mini"}
    if _jsonl(spec.bad):
        found = compact(lint_text(tmp_path, spec.bad + "\n", {**settings, "select": [spec.code]}))
        assert any(item.endswith(spec.code) for item in found), f"bad example of {spec.code} passes"
    if _jsonl(spec.good):
        found = lint_text(tmp_path, spec.good + "\n", settings)
        noisy = [f"{d.code} {d.message}" for d in found if d.code < "FT300"]
        assert noisy == [], f"good example of {spec.code} is not clean"
