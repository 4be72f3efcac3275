"""Configuration discovery, validation and rule selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftprep.config import Settings, find_config, load_settings, with_overrides
from ftprep.lint.run import lint_job
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


# -- extend ------------------------------------------------------------------------------------


def _layout(tmp_path: Path) -> tuple[Path, Path]:
    """shared/pyproject.toml <- team/ftprep.toml <- project/ftprep.toml (extend chain)."""
    shared, team, project = tmp_path / "shared", tmp_path / "team", tmp_path / "project"
    for folder in (shared, team, project):
        folder.mkdir()
    (shared / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n[tool.ftprep]\nmodel = 'gpt-4o'\nselect = ['FT1', 'FT2']\n"
        "ignore = ['FT106']\nfail-on = 'warning'\n"
        "extend-rules = ['packs/*.toml', '/opt/packs/*.toml']\nbaseline = 'known.json'\n"
        "[tool.ftprep.per-file-ignores]\n'legacy/*' = ['FT1']\n'old/*' = ['FT2']\n"
        "[tool.ftprep.rules.FT202]\nseverity = 'info'\nmin-tokens = 3\n"
        "[tool.ftprep.rules.FT103]\nroles = ['user', 'assistant']\n"
    )
    (team / "ftprep.toml").write_text(
        "extend = '../shared/pyproject.toml'\nselect = ['FT1']\n"
        "[per-file-ignores]\n'old/*' = ['FT3']\n"
        "[rules.FT202]\nmin-tokens = 7\n"
    )
    (project / "ftprep.toml").write_text("extend = '../team/ftprep.toml'\nfail-on = 'error'\n")
    return shared, project


def test_extend_chain_overrides_per_key_and_merges_rules_and_per_file_ignores(tmp_path: Path) -> None:
    _, project = _layout(tmp_path)
    settings = load_settings(None, False, project)
    assert settings.source == str(project / "ftprep.toml")
    assert settings.model == "gpt-4o"                      # only the base sets it
    assert settings.select == ("FT1",)                     # replaced, not merged (as ruff)
    assert settings.ignore == ("FT106",)
    assert settings.fail_on is Severity.ERROR              # the closest file wins
    assert settings.per_file_ignores == {"legacy/*": ("FT1",), "old/*": ("FT3",)}
    ft202 = settings.rules["FT202"]
    assert ft202.severity is Severity.INFO and ft202.options() == {"min-tokens": 7}
    assert settings.rules["FT103"].options() == {"roles": ["user", "assistant"]}
    assert settings.origin("rules.FT202.min-tokens") == str(tmp_path / "team" / "ftprep.toml")
    assert settings.origin("rules.FT202.severity") == str(tmp_path / "shared" / "pyproject.toml")


def test_relative_paths_resolve_against_the_file_that_sets_them(tmp_path: Path) -> None:
    shared, project = _layout(tmp_path)
    settings = load_settings(None, False, project)
    assert settings.extend_rules == (str(shared.resolve() / "packs" / "*.toml"), "/opt/packs/*.toml")
    assert settings.baseline == str(shared.resolve() / "known.json")
    (project / "ftprep.toml").write_text(
        "extend = '../team/ftprep.toml'\nextend-rules = ['mine/*.toml']\nbaseline = 'b.json'\n"
    )
    settings = load_settings(None, False, project)
    assert settings.extend_rules == (str(project.resolve() / "mine" / "*.toml"),)
    assert settings.baseline == str(project.resolve() / "b.json")


def test_explicit_config_follows_extend(tmp_path: Path) -> None:
    _, project = _layout(tmp_path)
    assert load_settings(project / "ftprep.toml", False).model == "gpt-4o"


def test_an_extend_cycle_is_an_error_naming_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text("extend = 'b/ftprep.toml'\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "ftprep.toml").write_text("extend = '../ftprep.toml'\n")
    (tmp_path / "ftprep.toml").write_text("extend = 'b/ftprep.toml'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(None, False, tmp_path)
    message = caught.value.message
    assert "cycle" in message
    assert f"{tmp_path / 'ftprep.toml'} -> {tmp_path / 'b' / 'ftprep.toml'} -> " in message


def test_a_missing_or_tableless_base_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "ftprep.toml").write_text("extend = 'nowhere.toml'\n")
    with pytest.raises(ConfigError, match=r"ftprep\.toml: extend: .*nowhere\.toml: no such file"):
        load_settings(None, False, tmp_path)
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "ftprep.toml").write_text("extend = 'base/pyproject.toml'\n")
    with pytest.raises(ConfigError, match=r"has no \[tool\.ftprep\] table"):
        load_settings(None, False, tmp_path)


def test_an_error_in_a_base_names_the_base(tmp_path: Path) -> None:
    shared, project = _layout(tmp_path)
    text = (shared / "pyproject.toml").read_text().replace("model = 'gpt-4o'", "modle = 'gpt-4o'")
    (shared / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(None, False, project)
    assert caught.value.message == (
        f"{shared / 'pyproject.toml'}: tool.ftprep.modle: unknown key 'modle'; did you mean 'model'?"
    )


def test_misspelt_top_level_key_suggests_the_closest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ftprep]\nextend-selct = ['FT1']\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(None, False, tmp_path)
    assert caught.value.message.endswith(
        "pyproject.toml: tool.ftprep.extend-selct: unknown key 'extend-selct'; "
        "did you mean 'extend-select'?"
    )
    (tmp_path / "ftprep.toml").write_text("extnd = 'base.toml'\n")
    with pytest.raises(ConfigError, match=r"ftprep\.toml: extnd: unknown key 'extnd'; did you mean 'extend'\?"):
        load_settings(None, False, tmp_path)
    (tmp_path / "ftprep.toml").write_text("colour = 'red'\n")  # nothing close: no guess
    with pytest.raises(ConfigError, match=r"ftprep\.toml: colour: unknown key$"):
        load_settings(None, False, tmp_path)
    (tmp_path / "ftprep.toml").write_text("source = 'x'\n")  # set by the loader, not by files
    with pytest.raises(ConfigError, match=r"ftprep\.toml: source: unknown key"):
        load_settings(None, False, tmp_path)


def test_bad_values_name_the_key_and_the_value(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ftprep]\nmax-tokens = 0\n")
    with pytest.raises(ConfigError, match=r"tool\.ftprep\.max-tokens: .*greater than 0 \(got 0\)"):
        load_settings(None, False, tmp_path)


def test_rule_option_errors_name_the_file_that_set_them_and_suggest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ftprep.rules.FT202]\nmin-token = 3\n")
    settings = load_settings(None, False, tmp_path)
    with pytest.raises(ConfigError) as caught:
        lint_job(settings, [])
    assert caught.value.message == (
        f"{tmp_path / 'pyproject.toml'}: tool.ftprep.rules.FT202.min-token: "
        "unknown key 'min-token'; did you mean 'min-tokens'?"
    )


def test_rule_errors_in_a_base_name_the_base(tmp_path: Path) -> None:
    shared, project = _layout(tmp_path)
    text = (shared / "pyproject.toml").read_text().replace("[tool.ftprep.rules.FT103]",
                                                           "[tool.ftprep.rules.unknown-rol]")
    text = text.replace("extend-rules = ['packs/*.toml', '/opt/packs/*.toml']\n", "")
    (shared / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        lint_job(load_settings(None, False, project), [])
    assert caught.value.message == (
        f"{shared / 'pyproject.toml'}: tool.ftprep.rules.unknown-rol: unknown rule; "
        "did you mean 'unknown-role'?"
    )


def test_selector_errors_name_the_flag_when_a_flag_set_them(tmp_path: Path) -> None:
    (tmp_path / "ftprep.toml").write_text("select = ['FT1']\n")
    settings = with_overrides(load_settings(None, False, tmp_path), select=("FT1066",))
    with pytest.raises(ConfigError, match=r"^--select: unknown rule selector 'FT1066'"):
        lint_job(settings, [])
    settings = load_settings(None, False, tmp_path)
    (tmp_path / "ftprep.toml").write_text("ignore = ['FT1066']\n")
    with pytest.raises(ConfigError, match=r"ftprep\.toml: ignore: unknown rule selector 'FT1066'"):
        lint_job(load_settings(None, False, tmp_path), [])
