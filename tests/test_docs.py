"""docs/rules.md is what the registry says today: regenerate it when a rule changes."""

from __future__ import annotations

from ftprep.dev import RULES_DOC
from ftprep.registry import all_rules
from ftprep.ruledocs import rules_document


def test_rules_doc_is_current() -> None:
    assert RULES_DOC.read_text(encoding="utf-8") == rules_document(), (
        "docs/rules.md is stale: run `python -m ftprep.dev rules-doc` and commit it")


def test_rules_doc_has_every_rule_in_its_table_and_its_page() -> None:
    document = rules_document()
    for rule in all_rules():
        spec = rule.spec
        assert f"| [{spec.code}](#{spec.name}-{spec.code.lower()}) | {spec.name} |" in document
        assert f"\n### {spec.name} ({spec.code})\n" in document
    assert "\n#### Patterns\n" in document  # pack rules show what they match
