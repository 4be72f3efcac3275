"""A rule about a shape providers disagree on is reported at the chosen provider's severity.

slavesocieties/openai trained ft:gpt-4o-2024-08-06:personal::B9yazDFQ on
fine_tune_239746_full.jsonl, whose examples open with 8 system messages; ftprep called that 1,127
errors (FT108) in that file. The OpenAI profile's `accepts.multiple-system-messages` line now
makes FT127 info there; flipping that one line to `accepted = false` makes it an error, and a
profile that does not say leaves the rule's default (warning).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import ftprep.providers.profile as profile
from ftprep.config import Settings
from ftprep.lint.selection import active_rules
from ftprep.model.diagnostics import Severity
from ftprep.model.errors import ConfigError
from ftprep.resources import rules_dir
from tests.helpers import CORPORA, lint_text, run_engine
from tests.test_cli import run

Swap = Callable[[str, str], None]  # replace one text of the OpenAI profile with another

USERFILES = CORPORA / "realworld" / "userfiles"
TRAINED = USERFILES / "slavesocieties+openai__fine_tune_239746_full.jsonl"
OPENING = (
    '{"messages": [{"role": "system", "content": "You transcribe records."}, '
    '{"role": "system", "content": "Output JSON."}, {"role": "user", "content": "Record 7"}, '
    '{"role": "assistant", "content": "{\\"id\\": 7}"}]}\n'
)


@pytest.mark.skipif(not TRAINED.is_file(), reason="../shared/corpora is not present")
def test_a_file_openai_trained_on_has_no_role_order_errors() -> None:
    diagnostics, engine = run_engine(TRAINED, {"model": "gpt-4o"})
    by_code = Counter((d.code, d.severity) for d in diagnostics)
    assert by_code[("FT108", Severity.ERROR)] == 0
    assert by_code[("FT127", Severity.INFO)] == engine.summary.examples == 161
    assert not [d for d in diagnostics if d.severity is Severity.ERROR]


@pytest.fixture
def profile_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Swap]:
    """Lint against a copy of the OpenAI profile with one line changed."""
    def use(old: str, new: str) -> None:
        text = (rules_dir() / "providers" / "openai.toml").read_text(encoding="utf-8")
        assert old in text
        folder = tmp_path / "rules"
        (folder / "providers").mkdir(parents=True, exist_ok=True)
        (folder / "providers" / "openai.toml").write_text(text.replace(old, new), encoding="utf-8")
        monkeypatch.setattr(profile, "rules_dir", lambda: folder)
        profile.load_provider.cache_clear()

    yield use
    profile.load_provider.cache_clear()


def _severities(tmp_path: Path, settings: dict[str, object] | None = None) -> list[Severity]:
    found = lint_text(tmp_path, OPENING, {"select": ["FT127", "FT108"], **(settings or {})})
    return [d.severity for d in found if d.code in ("FT127", "FT108")]


def test_openai_accepts_it(tmp_path: Path) -> None:
    assert _severities(tmp_path) == [Severity.INFO]


def test_one_line_makes_it_an_error(tmp_path: Path, profile_with: Swap) -> None:
    profile_with("{ accepted = true,", "{ accepted = false,")
    assert _severities(tmp_path) == [Severity.ERROR]


def test_a_profile_that_does_not_say_leaves_the_default(
    tmp_path: Path, profile_with: Swap
) -> None:
    profile_with("multiple-system-messages = {", "# multiple-system-messages = {")
    assert _severities(tmp_path) == [Severity.WARNING]


def test_the_configuration_beats_the_profile(tmp_path: Path) -> None:
    assert _severities(tmp_path, {"rules": {"FT127": {"severity": "error"}}}) == [Severity.ERROR]


def test_a_profile_naming_no_rule_is_a_config_error(profile_with: Swap) -> None:
    profile_with("multiple-system-messages = {", "multiple-system-message = {")
    with pytest.raises(ConfigError, match="accepts.multiple-system-message: unknown rule name"):
        active_rules(Settings())


@pytest.mark.skipif(not TRAINED.is_file(), reason="../shared/corpora is not present")
def test_the_report_says_why_once_with_the_source() -> None:
    code, out, _err = run("lint", str(TRAINED), "--isolated", "--model", "gpt-4o")
    assert code == 0
    [row] = [line for line in out.splitlines() if line.startswith("  provider ")]
    assert row.startswith("  provider       FT127 multiple-system-messages: OpenAI accepts it (a "
                          "gpt-4o-2024-08-06 job trained on examples that open with 8 system")
    assert "github.com/slavesocieties/openai" in row
    _code, out, _err = run("lint", str(TRAINED), "--isolated", "--model", "gpt-4o",
                           "--format", "json")
    [verdict] = json.loads(out)["summary"]["estimate"]["provider_verdicts"]
    assert (verdict["code"], verdict["accepted"]) == ("FT127", True)
    assert "ft:gpt-4o-2024-08-06:personal::B9yazDFQ" in verdict["source"]


def test_no_verdict_row_when_the_rule_did_not_fire(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(OPENING.replace('{"role": "system", "content": "Output JSON."}, ', ""),
                    encoding="utf-8")
    _code, out, _err = run("lint", str(path), "--isolated", "--model", "gpt-4o")
    assert "  provider " not in out
