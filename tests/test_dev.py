"""The rule scaffold writes a module and a case file that the meta-tests then hold to account."""

from __future__ import annotations

from pathlib import Path

import pytest

import ftprep.dev as dev


def test_new_rule_writes_module_and_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "ftprep"
    (package / "checks" / "tokens").mkdir(parents=True)
    cases = tmp_path / "cases"
    cases.mkdir()
    monkeypatch.setattr(dev, "ROOT", package)
    monkeypatch.setattr(dev, "TESTS", cases)
    module, case_file = dev.new_rule("ft299", "tiny-answer")
    assert module == package / "checks" / "tokens" / "ft299_tiny_answer.py"
    text = module.read_text()
    assert 'code="FT299", name="tiny-answer"' in text
    compile(text, str(module), "exec")
    assert '"1:1 FT299"' in case_file.read_text()
    with pytest.raises(ValueError, match="taken"):
        dev.new_rule("FT299", "other-name")


@pytest.mark.parametrize(("code", "name"), [("FT9999", "x"), ("FT201", "no-long"), ("FT250", "Bad_Name")])
def test_new_rule_refuses_bad_codes_and_names(code: str, name: str) -> None:
    with pytest.raises(ValueError):
        dev.new_rule(code, name)


def test_existing_code_is_refused() -> None:
    with pytest.raises(ValueError, match="taken"):
        dev.new_rule("FT201", "another-long-example")
