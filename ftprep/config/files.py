"""Configuration files as raw tables: reading one, following its `extend` chain, merging.

Kept apart from `ftprep.config` itself (which validates) because `extend` is about files, not values:
each file of a chain is read here, its relative paths are made absolute against its own folder
(so a base file's `extend-rules` globs still name its own packs), and the tables are merged as
ruff merges `extend`ed configurations: a key the extending file sets replaces the base's, except
`rules` (merged per rule, then per option) and `per-file-ignores` (merged per glob).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftprep.model.errors import ConfigError

EXTEND = "extend"
# Keys holding paths relative to the file that sets them: made absolute when the file is read.
_PATH_KEYS = ("baseline",)
_GLOB_KEYS = ("extend-rules",)
# Tables merged key by key (one level for `per-file-ignores`, two for `rules`) instead of replaced.
_MERGED_TABLES = ("per-file-ignores",)
_RULES = "rules"


@dataclass(frozen=True)
class ConfigFile:
    """One configuration file's ftprep table, and how to name its keys in messages."""

    path: Path
    data: dict[str, Any]

    @property
    def pyproject(self) -> bool:
        return self.path.name == "pyproject.toml"

    @property
    def prefix(self) -> str:
        """What a key path starts with in this file: `tool.ftprep.` in a pyproject.toml."""
        return "tool.ftprep." if self.pyproject else ""

    @property
    def folder(self) -> Path:
        return self.path.parent


def read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None


def ftprep_table(path: Path) -> dict[str, Any] | None:
    """The ftprep keys of `path`: all of an ftprep.toml, `[tool.ftprep]` of a pyproject.toml
    (None when it has no such table)."""
    data = read_toml(path)
    if path.name != "pyproject.toml":
        return data
    table = data.get("tool", {}).get("ftprep")
    return table if isinstance(table, dict) else None


def extend_chain(top: ConfigFile) -> list[ConfigFile]:
    """`top` and the files it extends, base first; a cycle or a missing base is an error."""
    chain = [top]
    seen = [top.path.resolve()]
    current = top
    while EXTEND in current.data:
        target = current.data[EXTEND]
        if not isinstance(target, str) or not target:
            raise ConfigError(f"{current.path}: {current.prefix}{EXTEND}: expected a path to "
                              "an ftprep.toml or a pyproject.toml")
        path = Path(os.path.normpath(current.folder / Path(target).expanduser()))
        if path.resolve() in seen:
            names = " -> ".join([*(str(f.path) for f in chain), str(path)])
            raise ConfigError(f"{current.path}: {current.prefix}{EXTEND}: cycle: {names}",
                              "remove the `extend` that points back")
        if not path.is_file():
            raise ConfigError(f"{current.path}: {current.prefix}{EXTEND}: {path}: no such file")
        table = ftprep_table(path)
        if table is None:
            raise ConfigError(f"{current.path}: {current.prefix}{EXTEND}: {path} has no "
                              "[tool.ftprep] table")
        current = ConfigFile(path, table)
        chain.append(current)
        seen.append(path.resolve())
    chain.reverse()
    return chain


def kebab_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys as documented (`extend-select`), whichever spelling the file used, so
    a base's `extend_select` and an extending file's `extend-select` are one key when merged."""
    return {key.replace("_", "-"): value for key, value in data.items()}


def absolute_paths(file: ConfigFile, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with relative paths made absolute against `file`'s folder (absolute ones kept)."""
    resolved = dict(data)
    for key in _PATH_KEYS:
        value = resolved.get(key)
        if isinstance(value, str):
            resolved[key] = _absolute(file.folder, value)
    for key in _GLOB_KEYS:
        value = resolved.get(key)
        if isinstance(value, list | tuple):
            resolved[key] = [_absolute(file.folder, v) if isinstance(v, str) else v for v in value]
    return resolved


def _absolute(folder: Path, value: str) -> str:
    path = Path(value).expanduser()
    return value if path.is_absolute() else os.path.normpath(folder.resolve() / path)


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override`'s keys over `base`'s: replaced per key, `rules` merged per rule and option,
    `per-file-ignores` per glob."""
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        if key == _RULES and isinstance(old, dict) and isinstance(value, dict):
            rules = dict(old)
            for code, options in value.items():
                before = rules.get(code)
                both = isinstance(before, dict) and isinstance(options, dict)
                rules[code] = {**before, **options} if both else options  # type: ignore[dict-item]
            merged[key] = rules
        elif key in _MERGED_TABLES and isinstance(old, dict) and isinstance(value, dict):
            merged[key] = {**old, **value}
        else:
            merged[key] = value
    return merged


def origins(chain: list[ConfigFile], tables: list[dict[str, Any]]) -> dict[str, str]:
    """Which file set each key (`select`, `rules.FT205`, `rules.FT205.min-tokens`), the last
    file of the chain winning, so a rule option found bad later is reported where it was set."""
    found: dict[str, str] = {}
    for file, table in zip(chain, tables, strict=True):
        for key, value in table.items():
            found[key] = str(file.path)
            if key in (_RULES, *_MERGED_TABLES) and isinstance(value, dict):
                for inner, options in value.items():
                    found[f"{key}.{inner}"] = str(file.path)
                    if key == _RULES and isinstance(options, dict):
                        for option in options:
                            found[f"{key}.{inner}.{option}"] = str(file.path)
    return found
