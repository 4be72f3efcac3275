"""Every shipped pack rule's examples, run: each `bad` must trigger the rule, each `good` not.

A pack states its examples as data; this makes them executable (yamllint's docstring PASS/FAIL
snippets), so a pattern edited into missing its own example fails here, naming the example.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ftprep.packs.load import example_record
from ftprep.registry import all_rules
from tests.helpers import lint_text

PACK_RULES = [rule for rule in all_rules() if rule.pack is not None]
EXAMPLES = [
    pytest.param(rule, kind, text, id=f"{rule.code}-{kind}{number}")
    for rule in PACK_RULES
    for kind in ("bad", "good")
    for number, text in enumerate(getattr(rule.pack.spec, kind))
]


def test_the_shipped_packs_load() -> None:
    assert any(rule.code == "FT401" for rule in PACK_RULES)


@pytest.mark.parametrize(("rule", "kind", "text"), EXAMPLES)
def test_example(rule, kind: str, text: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    record = example_record(text, rule.pack.spec)
    found = [d for d in lint_text(tmp_path, record + "\n", {"select": [rule.code]}) if d.code == rule.code]
    if kind == "bad":
        assert found, f"{rule.code} misses its bad example {text!r}"
    else:
        assert found == [], f"{rule.code} fires on its good example {text!r}: {found[0].message}"
