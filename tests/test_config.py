"""Configuration discovery, validation and rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftprep.config import Settings, find_config, load_settings, with_overrides
from ftprep.lint.selection import FileIgnores, active_rules
from ftprep.model.diagnostics import Severity
from ftprep.model.errors import ConfigError
from ftprep.registry import find_rule


def _codes(settings: Settings) -> set[str]:
    return {active.code for active in active_rules(settings)}


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(tmp_path) is None


def test_ftprep_toml_beats_pyproject_in_one_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ftprep]\nmodel = 'gpt-4o'\n")
    (tmp_path / "ftprep.toml").write_text("model = 'gpt-4.1-mini'\n")
    settings = load_settings(None, False, tmp_path)
    assert settings.model == "gpt-4.1-mini"


def test_closest_file_wins_and_files_are_not_merged(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ftprep]\nmodel = 'gpt-4o'\nignore = ['FT1']\n")
    inner = tmp_path / "data"
    inner.mkdir()
    (inner / "ftprep.toml").write_text("fail-on = 'warning'\n")
    settings = load_settings(None, False, inner)
    assert settings.fail_on is Severity.WARNING
    assert settings.model is None and settings.ignore == ()


def test_unknown_key_names_its_path(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ftprep]\nmodle = 'gpt-4o'\n")
    with pytest.raises(ConfigError, match=r"tool\.ftprep\.modle: unknown key"):
        load_settings(None, False, tmp_path)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "ftprep.toml").write_text("model = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(None, False, tmp_path)


def test_isolated_ignores_files(tmp_path: Path) -> None:
    (tmp_path / "ftprep.toml").write_text("model = 'gpt-4o'\n")
    assert load_settings(None, True, tmp_path).model is None


def test_cli_overrides_beat_files() -> None:
    settings = with_overrides(Settings(model="gpt-4o"), model="gpt-4.1-mini", ignore=None)
    assert settings.model == "gpt-4.1-mini"


def test_select_prefix_extend_and_ignore() -> None:
    codes = _codes(Settings(select=("FT1",), extend_select=("FT201",), ignore=("FT106",)))
    assert "FT201" in codes and "FT106" not in codes
    assert all(code.startswith("FT1") or code == "FT201" for code in codes)


def test_select_by_rule_name() -> None:
    assert _codes(Settings(select=("missing-assistant-message",))) == {"FT106"}


def test_unknown_selector_suggests(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown rule selector 'FT1066'"):
        active_rules(Settings(select=("FT1066",)))


def test_severity_override_and_rule_options_are_validated() -> None:
    rules = active_rules(Settings(select=("FT106",), rules={"FT106": {"severity": "warning"}}))
    assert rules[0].severity is Severity.WARNING
    with pytest.raises(ConfigError, match="rules.FT106.colour: unknown key"):
        active_rules(Settings(select=("FT106",), rules={"FT106": {"colour": 1}}))


def test_unknown_rule_table_is_an_error() -> None:
    with pytest.raises(ConfigError, match="rules.FT999: unknown rule"):
        active_rules(Settings(rules={"FT999": {"severity": "info"}}))


def test_per_file_ignores_match_globs() -> None:
    rule = find_rule("FT106")
    assert rule is not None
    ignores = FileIgnores({"legacy/*.jsonl": ("FT1",)})
    assert ignores.ignored("legacy/a.jsonl", rule)
    assert not ignores.ignored("train.jsonl", rule)
