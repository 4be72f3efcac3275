"""One case file per rule (tests/rules/cases/FTnnn.toml), one parametrized harness.

A case has `input` (JSONL text; `input_b64` for raw bytes; `file_name` to name the file, default
data.jsonl; or a `files` table, name = text, to lint a folder of files; `validation`, JSONL text
linted as `--validation val.jsonl` beside the input), optional `options` (the rule's own),
`settings` (run settings such as `model`), and `expect = ["2:31 FT205 the message", ...]` or
`pass = true`. An expectation pins the finding's whole message: a rule whose wording or numbers
drift fails its cases. Two optional keys, one entry per expectation in the same order, pin what
the JSON report adds: `pointers = ["/messages/1/content", ...]`, each finding's JSON pointer, and
`related = [["3:1", "5:1"], ...]`, the `line:col` of each finding's related locations. A third,
`severities = ["warning", ...]`, pins the severity a rule gives each finding (FT501's grows as a
deadline nears).
Every finding, pinned or not, must name a file of the input and carry a pointer that is "" or
starts with "/", for itself and each related location.
Each case runs with only its rule selected, once with the engine's shape gate and once without:
both must give the same findings, which proves the gate never hides a problem.
"""

from __future__ import annotations

import base64
import tomllib
from pathlib import Path
from typing import Any

import pytest

from ftprep.config import Settings
from ftprep.lint.engine import Engine
from ftprep.lint.selection import active_rules
from ftprep.lint.setup import run_context
from ftprep.readers.jsonl import resolve_sources
from ftprep.registry import all_rules
from ftprep.tokens.encoders import get_counter
from tests.helpers import compact, lint_text, run_engine

CASES_DIR = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("FT*.toml")):
        code = path.stem
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for number, case in enumerate(data.get("case", []), 1):
            name = case.get("name", str(number)).replace(" ", "-")
            params.append(pytest.param(code, case, id=f"{code}-{name}"))
    return params


def _input(case: dict[str, Any]) -> bytes:
    if "input_b64" in case:
        return base64.b64decode(case["input_b64"])
    return case["input"].encode("utf-8")


def _lint(tmp_path: Path, case: dict[str, Any], settings: dict[str, Any], shape_gate: bool) -> list[Any]:
    if "validation" in case:  # `ftprep lint data.jsonl --validation val.jsonl`
        (tmp_path / "val.jsonl").write_text(case["validation"], encoding="utf-8")
        (tmp_path / "data.jsonl").write_bytes(_input(case))
        return _run_with_validation(tmp_path / "data.jsonl", tmp_path / "val.jsonl", settings, shape_gate)
    if "files" in case:  # a directory run, for rules about which files are read
        folder = tmp_path / "input"
        folder.mkdir(exist_ok=True)
        for name, text in case["files"].items():
            (folder / name).write_text(text, encoding="utf-8")
        return run_engine(folder, settings, shape_gate)[0]
    return lint_text(tmp_path, _input(case), settings, shape_gate, case.get("file_name", "data.jsonl"))


@pytest.mark.parametrize(("code", "case"), _cases())
def test_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    settings = {"select": [code], **case.get("settings", {})}
    if case.get("options"):
        settings["rules"] = {code: case["options"]}
    diagnostics = _lint(tmp_path, case, settings, shape_gate=True)
    gated = _described(diagnostics)
    ungated = _described(_lint(tmp_path, case, settings, shape_gate=False))
    assert gated == ungated, "the shape gate hid or changed a finding"
    expected = [] if case.get("pass") else case["expect"]
    assert gated == expected
    for diagnostic in diagnostics:
        for location in (diagnostic.location, *diagnostic.related):
            _assert_well_placed(location, tmp_path)
    if "pointers" in case:
        assert [d.location.pointer for d in diagnostics] == case["pointers"]
    if "related" in case:
        related = [[f"{r.line}:{r.column}" for r in d.related] for d in diagnostics]
        assert related == case["related"]
    if "severities" in case:
        assert [d.severity.label for d in diagnostics] == case["severities"]


def _run_with_validation(path: Path, validation: Path, settings: dict[str, Any], shape_gate: bool) -> list[Any]:
    config = Settings.model_validate(settings)
    context = run_context(config)
    engine = Engine(active_rules(config), context, get_counter(context.encoding, config.tokenizer),
                    shape_gate=shape_gate)
    held_out = resolve_sources([str(validation)])
    for source in held_out:
        source.validation = True
    return list(engine.run(resolve_sources([str(path)]) + held_out))


def _assert_well_placed(location: Any, tmp_path: Path) -> None:
    """A location names a file of the input and holds a JSON pointer (RFC 6901) or ""."""
    assert isinstance(location.path, str) and Path(location.path).is_file(), location
    assert Path(location.path).resolve().is_relative_to(tmp_path.resolve()), location
    pointer = location.pointer
    assert isinstance(pointer, str) and (pointer == "" or pointer.startswith("/")), location


def _described(diagnostics: list[Any]) -> list[str]:
    return [f"{line} {d.message}" for line, d in zip(compact(diagnostics), diagnostics)]


def test_every_rule_has_a_case_file() -> None:
    missing = [r.code for r in all_rules() if not (CASES_DIR / f"{r.code}.toml").is_file()]
    assert missing == []


@pytest.mark.parametrize("code", sorted(p.stem for p in CASES_DIR.glob("FT*.toml")))
def test_case_file_has_a_failing_and_a_passing_case(code: str) -> None:
    data = tomllib.loads((CASES_DIR / f"{code}.toml").read_text(encoding="utf-8"))
    cases = data.get("case", [])
    assert any(c.get("pass") for c in cases), f"{code}: add a case that must not trigger"
    assert any(c.get("expect") for c in cases), f"{code}: add a case that must trigger"


@pytest.mark.parametrize("code", sorted(p.stem for p in CASES_DIR.glob("FT*.toml")))
def test_every_expectation_pins_its_message(code: str) -> None:
    """`"1:1 FT201"` checks only where a finding is; its wording and numbers could drift."""
    data = tomllib.loads((CASES_DIR / f"{code}.toml").read_text(encoding="utf-8"))
    bare = [e for c in data.get("case", []) for e in c.get("expect", []) if len(e.split(" ", 2)) < 3]
    assert bare == [], f"{code}: pin the message of {bare}"
