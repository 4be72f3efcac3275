"""FT1 rules on real published data: the OpenAI cookbook's fine-tuning files.

The current cookbook files must be free of FT1 findings; the drone file as of a7e107d carries a
real defect, double-encoded tool arguments on exactly 6 lines (corpora README). Skipped when the
shared corpora are not next to the checkout.
"""

from __future__ import annotations

import pytest

from tests.helpers import CORPORA, run_engine

COOKBOOK = CORPORA / "cookbook"
pytestmark = pytest.mark.skipif(not COOKBOOK.is_dir(), reason="../shared/corpora is absent")
SETTINGS = {"select": ["FT1"]}


@pytest.mark.parametrize("name", ["toy_chat_fine_tuning.jsonl", "drone_training.jsonl"])
@pytest.mark.parametrize("shape_gate", [True, False])
def test_current_cookbook_files_are_clean(name: str, shape_gate: bool) -> None:
    diagnostics, engine = run_engine(COOKBOOK / name, SETTINGS, shape_gate)
    assert [f"{d.location.line} {d.code} {d.message}" for d in diagnostics] == []
    assert engine.summary.examples > 0


def test_double_encoded_arguments_at_a7e107d() -> None:
    diagnostics, _engine = run_engine(COOKBOOK / "drone_training_a7e107d.jsonl", SETTINGS)
    found = [(d.location.line, d.code, d.location.pointer) for d in diagnostics]
    pointer = "/messages/2/tool_calls/0/function/arguments"
    assert found == [(line, "FT114", pointer) for line in range(3, 9)]
