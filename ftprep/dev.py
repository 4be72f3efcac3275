"""Developer tools: `python -m ftprep.dev new-rule FT2xx some-name` scaffolds a rule;
`python -m ftprep.dev rules-doc` writes docs/rules.md from the registry.

It writes the rule module (in the family folder the code's first digit picks) and its case
file, both failing until they are filled in, so a new rule cannot land half-done.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FAMILIES = {"0": "file", "1": "schema", "2": "tokens", "3": "dataset", "5": "provider"}
ROOT = Path(__file__).resolve().parent
TESTS = ROOT.parent / "tests" / "rules" / "cases"

MODULE = '''"""{code} {name}."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record
from ftprep.model.record import RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="{code}", name="{name}", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="",  # one sentence: what the rule finds
    why="",  # why it matters for training
    bad="",  # a JSONL line that triggers the rule
    good="",  # a complete, clean example (user + assistant) that triggers nothing
    formats=frozenset({{RecordFormat.CHAT}}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    """Yield Finding(pointer, message): lower-case, measured value against the limit."""
    raise NotImplementedError("{code}: write the check")
'''

CASES = '''# {code} {name}: one case that must trigger, one that must not.

[[case]]
name = "triggers"
input = \'\'\'
\'\'\'
expect = ["1:1 {code}"]

[[case]]
name = "clean"
input = \'\'\'
\'\'\'
pass = true
'''


def new_rule(code: str, name: str) -> list[Path]:
    """Write the module and case file for a new rule; refuse to overwrite anything."""
    code = code.upper()
    if not re.fullmatch(r"FT[01235]\d\d", code):
        raise ValueError(f"{code!r}: a rule code is FT followed by three digits, family 0-3 or 5")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) or name.startswith(("no-", "disallow-")):
        raise ValueError(f"{name!r}: use kebab-case that names the problem (not no-/disallow-)")
    taken = sorted(ROOT.glob(f"checks/*/{code.lower()}_*.py"))
    if taken:
        raise ValueError(f"{code} is taken by {taken[0].relative_to(ROOT.parent)}")
    module = ROOT / "checks" / FAMILIES[code[2]] / f"{code.lower()}_{name.replace('-', '_')}.py"
    cases = TESTS / f"{code}.toml"
    if cases.exists():
        raise ValueError(f"{cases} exists")
    module.write_text(MODULE.format(code=code, name=name), encoding="utf-8")
    cases.write_text(CASES.format(code=code, name=name), encoding="utf-8")
    return [module, cases]


RULES_DOC = ROOT.parent / "docs" / "rules.md"


def write_rules_doc() -> Path:
    from ftprep.ruledocs import rules_document

    RULES_DOC.write_text(rules_document(), encoding="utf-8")
    return RULES_DOC


def main(argv: list[str]) -> int:
    if argv == ["rules-doc"]:
        sys.stdout.write(f"wrote {write_rules_doc()}\n")
        return 0
    if len(argv) != 3 or argv[0] != "new-rule":
        sys.stderr.write("usage: python -m ftprep.dev new-rule FTnnn kebab-name\n"
                         "       python -m ftprep.dev rules-doc\n")
        return 2
    try:
        written = new_rule(argv[1], argv[2])
    except ValueError as error:
        sys.stderr.write(f"ftprep.dev: {error}\n")
        return 2
    for path in written:
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
