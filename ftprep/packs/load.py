"""Read pack files into registry rules: the shipped `rules/content/*.toml` and users' packs.

A broken pack stops the run with exit 2 and says exactly where: the file, the rule (index,
code and name) and the key path, as `qa/rules.toml: rule[2] (ACME001 internal-url).pattern[0].regex:
RE2 cannot compile it: ...`. The registry turns each into a `Rule` like any Python rule: same
spec, same selection, options, severities, docs and outputs.
"""

from __future__ import annotations

import glob
import tomllib
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from ftprep.model.diagnostics import Finding, Location
from ftprep.model.errors import ConfigError
from ftprep.model.record import Record
from ftprep.packs.compiled import PackRule, PatternError, compile_rule
from ftprep.packs.scan import ContentScanner, Slot
from ftprep.packs.schema import PackFile, PackOptions, PackRuleSpec, PatternSpec
from ftprep.resources import rules_dir
from ftprep.suggest import closest

CONTENT_FOLDER = "content"
# Whole texts that speak for themselves when a pack example is not a JSONL record.
_PROMPT = "Can you help me with my account?"
_ANSWER = "Sure, here is what I found for you."
_TEMPLATE_FIELDS = {"label": "", "match": "", "where": "", "role": "", "field": "", "count": 1}


class PackError(ConfigError):
    """A pack file that cannot be used: exit 2, naming the file, rule and key."""


def _where(loc: Sequence[Any], data: dict[str, Any]) -> str:
    parts: list[str] = []
    found = data.get("rule")
    rules: list[Any] = found if isinstance(found, list) else []
    for index, part in enumerate(loc):
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
            if index == 1 and loc[0] == "rule" and part < len(rules) and isinstance(rules[part], dict):
                entry = rules[part]
                parts[-1] += f" ({entry.get('code', '?')} {entry.get('name', '?')})"
        else:
            parts.append(str(part).replace("_", "-"))
    return ".".join(parts)


def _keys_at(loc: Sequence[Any]) -> list[str]:
    """The keys valid where `loc` points: a file's, a rule's or a pattern's."""
    names = [part for part in loc[:-1] if isinstance(part, str)]
    model: type[Any] = PackFile
    if names[-1:] == ["rule"]:
        model = PackRuleSpec
    elif names[-1:] == ["pattern"]:
        model = PatternSpec
    return [field.alias or key for key, field in model.model_fields.items()]


def read_pack(path: Path, shown: str | None = None) -> list[PackRule]:
    """The rules of one pack file, compiled; a `PackError` names what is wrong and where."""
    name = shown or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PackError(f"{name}: invalid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PackError(f"{name}: cannot read the rule pack: {error}") from None
    try:
        pack = PackFile.model_validate(data)
    except ValidationError as error:
        # A misspelt key also leaves its field "required": name the misspelling first.
        first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
        problem = first["msg"]
        if first["type"] == "extra_forbidden":
            hint = closest(str(first["loc"][-1]), _keys_at(first["loc"]))
            problem = "unknown key" + (f"; did you mean {hint!r}?" if hint else "")
        raise PackError(f"{name}: {_where(first['loc'], data)}: {problem}",
                        "see docs/packs.md for the pack format") from None
    rules = []
    for index, spec in enumerate(pack.rule):
        where = f"{name}: rule[{index}] ({spec.code} {spec.name})"
        try:
            rules.append(compile_rule(spec, name))
        except PatternError as error:
            raise PackError(f"{where}.{error}", "ftprep matches with RE2: see docs/packs.md") from None
        try:
            spec.message.format(**_TEMPLATE_FIELDS)
        except (KeyError, IndexError, ValueError) as error:
            raise PackError(f"{where}.message: bad template: {error!r}",
                            f"use {{{'}, {'.join(_TEMPLATE_FIELDS)}}}") from None
    return rules


def example_record(example: str, spec: PackRuleSpec) -> str:
    """A pack example as a JSONL record: a JSON object as it is, a bare text as the content
    of a message of the rule's first role (user by default) in a small valid chat."""
    if example.lstrip().startswith("{"):
        return example.strip()
    role = spec.roles[0] if spec.roles else "user"
    if role == "assistant":
        messages = [{"role": "user", "content": _PROMPT}, {"role": "assistant", "content": example}]
    else:
        messages = [{"role": role, "content": example}, {"role": "assistant", "content": _ANSWER}]
    return orjson.dumps({"messages": messages}).decode()


@lru_cache(maxsize=256)
def _scanner(rule: PackRule, options: PackOptions | None) -> ContentScanner:
    return ContentScanner([Slot.of(rule, options)])


def check_record(rule: PackRule, record: Any, options: PackOptions | None) -> list[Finding]:
    """One record through one pack rule: the registry's `check` for a pack rule (the engine
    scans whole batches with every rule at once instead)."""
    return [finding for _n, _slot, finding in _scanner(rule, options).findings([record])]


@cache
def builtin_packs() -> tuple[PackRule, ...]:
    """The shipped packs, `rules/content/*.toml`, in file then rule order."""
    folder = rules_dir() / CONTENT_FOLDER
    found: list[PackRule] = []
    for path in sorted(folder.glob("*.toml")):
        found += read_pack(path, f"rules/{CONTENT_FOLDER}/{path.name}")
    return tuple(found)


@cache
def user_packs(patterns: tuple[str, ...]) -> tuple[PackRule, ...]:
    """The rules of the packs `extend-rules` names (globs; resolved by the configuration)."""
    found: list[PackRule] = []
    for pattern in patterns:
        paths = sorted(glob.glob(pattern, recursive=True))
        if not paths:
            raise PackError(f"{pattern!r} matches no file",
                            "paths are relative to the configuration file's folder",
                            key="extend-rules")
        for path in paths:
            rules = read_pack(Path(path))
            for rule in rules:
                verify_examples(rule)
            found += rules
    return tuple(found)


def verify_examples(rule: PackRule) -> None:
    """A user's rule must find each of its `bad` examples and none of its `good` ones, as the
    test suite requires of the shipped packs: a pattern that misses its own example is broken,
    and saying so when the pack loads beats a rule that silently finds nothing."""
    spec = rule.spec
    where = f"{rule.path}: rule {spec.code} ({spec.name})"
    for kind, examples, wanted in (("bad", spec.bad, True), ("good", spec.good, False)):
        for number, example in enumerate(examples):
            text = example_record(example, spec)
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError as error:
                raise PackError(f"{where}.{kind}[{number}]: not a JSON object: {error}") from None
            if not isinstance(data, dict):
                raise PackError(f"{where}.{kind}[{number}]: not a JSON object")
            found = check_record(rule, Record(Location(rule.path, 1), text.encode(), data), None)
            if bool(found) != wanted:
                problem = "is not found by the rule" if wanted else f"is found: {found[0].message}"
                raise PackError(f"{where}.{kind}[{number}] {problem}",
                                "fix the pattern or the example; see docs/packs.md")
