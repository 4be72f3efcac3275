"""Which rules run, at what severity, with which options: settings applied to the registry.

Order, as in ruff: the `select` base (default: every stable rule), then `extend-select`, then
`ignore`. Preview rules run only when a selector names their full code. A rule's severity is the
configuration's, else what the provider profile's `accepts` table implies, else its default. A
rule's options are the configuration's, else what the provider profile implies
(`RuleSpec.from_provider`: Together's roles, alternation, strict columns ...), else the defaults.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ftprep.config import Settings, named_where_set
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.errors import ConfigError
from ftprep.providers.profile import ProviderProfile, load_provider
from ftprep.registry import Rule, Status, is_known_selector, matches, rules_with
from ftprep.suggest import closest


@dataclass(frozen=True)
class ActiveRule:
    """A selected rule with its effective severity and validated options.

    `configured` says the severity was set in the configuration, which beats the grade a rule
    gives a finding (`Finding.severity`).
    """

    rule: Rule
    severity: Severity
    options: BaseModel | None
    configured: bool = False

    @property
    def code(self) -> str:
        return self.rule.spec.code

    def severity_of(self, finding: Finding) -> Severity:
        """The severity a finding is reported at."""
        if finding.severity is None or self.configured:
            return self.severity
        return finding.severity


def _check_selectors(selectors: tuple[str, ...], where: str, rules: tuple[Rule, ...]) -> None:
    for selector in selectors:
        if not is_known_selector(selector, rules):
            names = [r.code for r in rules] + [r.spec.name for r in rules]
            hint = closest(selector, names)
            extra = f"; did you mean {hint!r}?" if hint else ""
            raise ConfigError(f"unknown rule selector {selector!r}{extra}", key=where)


def _selected(rule: Rule, selectors: tuple[str, ...]) -> bool:
    if rule.spec.status is Status.PREVIEW:
        return any(s.strip().upper() == rule.code for s in selectors)
    return any(matches(rule.spec, s) for s in selectors)


def _options(rule: Rule, settings: Settings, provider: ProviderProfile) -> BaseModel | None:
    """The rule's options: what the provider profile implies, overridden by the configuration."""
    model = rule.spec.options
    config = settings.rules.get(rule.code) or settings.rules.get(rule.spec.name)
    given: dict[str, Any] = config.options() if config else {}
    if model is None:
        if given:
            key = next(iter(given))
            raise ConfigError(f"unknown key ({rule.code} has no options)",
                              key=f"rules.{rule.code}.{key}")
        return None
    derived = rule.spec.from_provider(provider) if rule.spec.from_provider else {}
    try:
        return model.model_validate(
            {**derived, **{k.replace("-", "_"): v for k, v in given.items()}}
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p).replace("_", "-") for p in first["loc"])
        problem = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        if first["type"] == "extra_forbidden":
            hint = closest(where, [_kebab_name(name) for name in model.model_fields])
            problem += f" {where!r}; did you mean {hint!r}?" if hint else ""
        raise ConfigError(problem, key=f"rules.{rule.code}.{where}") from None


def _kebab_name(name: str) -> str:
    return name.replace("_", "-")


def active_rules(settings: Settings) -> list[ActiveRule]:
    """The selected rules with their severities and options. An error about a configuration
    key names the file or flag that set it, for every command that chooses rules."""
    try:
        return _active_rules(settings)
    except ConfigError as error:
        raise named_where_set(settings, error) from None


def _active_rules(settings: Settings) -> list[ActiveRule]:
    rules = rules_with(settings.extend_rules)
    base = settings.select if settings.select is not None else ("ALL",)
    for selectors, where in ((base, "select"), (settings.extend_select, "extend-select"),
                             (settings.ignore, "ignore")):
        _check_selectors(selectors, where, rules)
    for key in settings.rules:
        if not any(r.code == key.upper() or r.spec.name == key for r in rules):
            hint = closest(key, [r.code for r in rules] + [r.spec.name for r in rules])
            extra = f"; did you mean {hint!r}?" if hint else ""
            raise ConfigError(f"unknown rule{extra}", key=f"rules.{key}")
    provider = load_provider(settings.provider)
    for name in provider.accepts:
        if not any(r.spec.name == name for r in rules):
            raise ConfigError(f"provider profile {provider.id}: accepts.{name}: unknown rule name")
    chosen = []
    for rule in rules:
        wanted = _selected(rule, base) or _selected(rule, settings.extend_select)
        if not wanted or any(matches(rule.spec, s) for s in settings.ignore):
            continue
        config = settings.rules.get(rule.code) or settings.rules.get(rule.spec.name)
        configured = config.severity if config else None
        severity = configured or provider.rule_severity(rule.spec.name) or rule.spec.severity
        chosen.append(
            ActiveRule(rule, severity, _options(rule, settings, provider), configured is not None)
        )
    return chosen


class FileIgnores:
    """`per-file-ignores`: glob -> selectors, answered per path and cached."""

    def __init__(self, table: dict[str, tuple[str, ...]]) -> None:
        self._table = table
        self._cache: dict[str, tuple[str, ...]] = {}

    def ignored(self, path: str, rule: Rule) -> bool:
        if not self._table:
            return False
        selectors = self._cache.get(path)
        if selectors is None:
            selectors = tuple(
                s for pattern, group in self._table.items()
                if fnmatch.fnmatch(path, pattern) for s in group
            )
            self._cache[path] = selectors
        return any(matches(rule.spec, s) for s in selectors)
