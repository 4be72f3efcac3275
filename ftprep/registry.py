"""The rule registry: one `RuleSpec` per rule, found by file name, selected by code/prefix/name.

Python rules live in `ftprep/checks/<family>/ft<code>_<name>.py` and declare `SPEC` plus either a
`check` function (line and record scopes) or a `Check` class (dataset scope). The file name
carries the code, so looking up one rule imports one module and no list names a rule twice.
Content rules are data: `rules/content/*.toml` packs, and users' packs named by `extend-rules`
(`ftprep.packs`); they become record rules here, in the same registry.
"""

from __future__ import annotations

import enum
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ftprep.model.diagnostics import FixSpec, Severity
from ftprep.model.record import ALL_FORMATS, RecordFormat
from ftprep.packs.compiled import PackRule
from ftprep.packs.load import PackError, builtin_packs, check_record, example_record, user_packs
from ftprep.packs.schema import PackOptions

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ftprep.model.diagnostics import Finding

_CHECKS_DIR = Path(__file__).parent / "checks"
_MODULE_NAME = re.compile(r"^(ft\d{3})_([a-z0-9_]+)\.py$")
_CODE_SELECTOR = re.compile(r"([A-Za-z]{2,6})([0-9]{0,3})")


class Scope(enum.Enum):
    """What a rule sees: raw line bytes, one parsed record, or the whole dataset (accumulating)."""

    LINE = "line"
    RECORD = "record"
    DATASET = "dataset"


class Status(enum.Enum):
    """Preview rules run only when selected by their full code."""

    STABLE = "stable"
    PREVIEW = "preview"


@dataclass(frozen=True)
class RuleSpec:
    """Everything about a rule except its logic: identity, docs, defaults, options.

    `only_if_not_plain` marks line and record rules that can never fire on a plain line
    (`Line.plain`) or a plain chat record (`Record.plain_shape`: text-only, well-typed); the
    engine skips them there. The case harness runs every case with and without this gate and
    requires identical findings.

    `from_provider` derives option values from the chosen provider profile (a
    `ftprep.providers.profile.ProviderProfile`; typed `Any` because providers sit above the
    registry): the roles it takes, whether turns must alternate. Selection validates them with
    the rule's `options` model, under what the user configured for the rule, so one rule
    serves every provider and a configuration can still override a provider's default.
    """

    code: str
    name: str
    scope: Scope
    severity: Severity
    summary: str
    why: str
    bad: str
    good: str
    fix: FixSpec | None = None
    options: type[BaseModel] | None = None
    status: Status = Status.STABLE
    formats: frozenset[RecordFormat] = ALL_FORMATS
    only_if_not_plain: bool = False
    source: str = ""
    from_provider: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Rule:
    """A loaded rule: its spec and the callable or class that does the work.

    `pack` is set for a content rule from a pack: the engine runs those over whole batches in
    one pass (`ftprep.packs.scan`), and `check` is the same rule for one record."""

    spec: RuleSpec
    check: Callable[..., Iterable[Finding]] | None = None
    dataset_check: type | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    pack: PackRule | None = None

    @property
    def code(self) -> str:
        return self.spec.code


def _rule_from_module(module: ModuleType, path: Path) -> Rule:
    spec: RuleSpec = module.SPEC
    spec = RuleSpec(**{**spec.__dict__, "source": f"ftprep/checks/{path.parent.name}/{path.name}"})
    if spec.scope is Scope.DATASET:
        return Rule(spec, dataset_check=module.Check)
    return Rule(spec, check=module.check)


def _module_paths() -> Iterator[tuple[str, Path]]:
    found = []
    for path in _CHECKS_DIR.glob("*/ft*.py"):
        match = _MODULE_NAME.match(path.name)
        if match:
            found.append((match.group(1).upper(), path))
    yield from sorted(found)


def _import(path: Path) -> ModuleType:
    return importlib.import_module(f"ftprep.checks.{path.parent.name}.{path.stem}")


def pack_rule(pack: PackRule) -> Rule:
    """A pack rule as a registry rule: a record rule whose options are `PackOptions`."""
    spec = pack.spec
    rule_spec = RuleSpec(
        code=spec.code, name=spec.name, scope=Scope.RECORD, severity=spec.severity,
        summary=spec.summary, why=spec.why, bad=example_record(spec.bad[0], spec),
        good=example_record(spec.good[0], spec), options=PackOptions,
        status=Status.PREVIEW if spec.preview else Status.STABLE, source=pack.path,
    )
    return Rule(rule_spec, check=partial(check_record, pack), pack=pack)


@cache
def builtin_pack_rules() -> tuple[Rule, ...]:
    """The rules of the shipped packs, rules/content/*.toml."""
    return tuple(pack_rule(pack) for pack in builtin_packs())


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every shipped rule: ftprep/checks and rules/content packs, in code order."""
    python = [_rule_from_module(_import(path), path) for _code, path in _module_paths()]
    return tuple(sorted([*python, *builtin_pack_rules()], key=lambda rule: rule.code))


def rules_with(extend_rules: tuple[str, ...] = ()) -> tuple[Rule, ...]:
    """The shipped rules plus those of the user's packs (`extend-rules`), in code order.

    A user's rule may not take a code or name already in use: that is a pack error naming both
    places, never a silent override."""
    shipped = all_rules()
    if not extend_rules:
        return shipped
    seen = {rule.code: rule for rule in shipped} | {rule.spec.name: rule for rule in shipped}
    for rule in (pack_rule(pack) for pack in user_packs(extend_rules)):
        for key in (rule.code, rule.spec.name):
            if key in seen:
                raise PackError(
                    f"{rule.spec.source}: rule {rule.code} ({rule.spec.name}): {key} is already "
                    f"used by {seen[key].spec.source}", "give the rule another code and name")
            seen[key] = rule
    return tuple(sorted({r.code: r for r in seen.values()}.values(), key=lambda rule: rule.code))


def find_rule(code_or_name: str, extend_rules: tuple[str, ...] = ()) -> Rule | None:
    """One rule by code or name; a Python rule's code imports only that rule's module."""
    wanted = code_or_name.strip()
    if not extend_rules:
        for code, path in _module_paths():
            if code == wanted.upper():
                return _rule_from_module(_import(path), path)
    for rule in rules_with(extend_rules):
        if rule.spec.name == wanted.lower() or rule.code == wanted.upper():
            return rule
    return None


def matches(rule: RuleSpec, selector: str) -> bool:
    """A selector is a code (`FT104`), a code prefix (`FT1`, `FT10`, `ACME`), `ALL`, or a name.

    A prefix's letters must be the code's letters entire: `FT` selects FT104, and a rule
    name such as `mojibake` is never read as a prefix of some code."""
    token = selector.strip()
    if token.upper() == "ALL":
        return True
    code = _CODE_SELECTOR.fullmatch(token)
    if code is not None:
        letters = code.group(1).upper()
        if rule.code[: len(letters)] == letters and rule.code[len(letters)].isdigit():
            return rule.code.startswith(token.upper())
    return rule.name == token.lower()


def is_known_selector(selector: str, rules: Iterable[Rule]) -> bool:
    return any(matches(rule.spec, selector) for rule in rules)
