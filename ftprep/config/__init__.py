"""Settings: `[tool.ftprep]` in pyproject.toml or the same keys in ftprep.toml, then CLI flags.

As in ruff, the closest configuration file wins and files are not merged unless one says
`extend = "../shared/ftprep.toml"` (`ftprep.config.files`); `ftprep.toml` beats `pyproject.toml`
in the same folder; a pyproject without `[tool.ftprep]` is skipped. Every key is validated here,
in the file that sets it: an unknown key is an error naming the file, its full path and the
closest valid key.
"""

from __future__ import annotations

from functools import reduce
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ftprep.config.files import (
    EXTEND,
    ConfigFile,
    absolute_paths,
    extend_chain,
    ftprep_table,
    kebab_keys,
    merge,
    origins,
    read_toml,
)
from ftprep.model.diagnostics import Severity
from ftprep.model.errors import ConfigError
from ftprep.suggest import closest


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Section(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=_kebab, populate_by_name=True
    )


class RuleConfig(BaseModel):
    """`[tool.ftprep.rules.FT205]`: a severity override and the rule's own options."""

    model_config = ConfigDict(frozen=True, extra="allow")

    severity: Severity | None = None

    @field_validator("severity", mode="before")
    @classmethod
    def _parse_severity(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Settings(_Section):
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = {}
    fail_on: Severity = Severity.ERROR
    provider: str = "openai"
    model: str | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    epochs: int | None = Field(default=None, ge=1, le=50)
    tokenizer: str | None = None
    jobs: int | None = Field(default=None, ge=1, le=64)  # processes for big files; None = auto
    rules: dict[str, RuleConfig] = {}
    # Globs of user rule packs (TOML, the format of rules/content/*.toml): their rules join the
    # registry like the shipped ones. Written relative to the configuration file that sets them;
    # `load_settings` makes each absolute (against that file's folder, also for an `extend`ed
    # base), so consumers such as the pack loader can glob them as they are.
    extend_rules: tuple[str, ...] = ()
    # A baseline file (`ftprep lint --write-baseline`): problems recorded in it are not reported.
    # Made absolute against the folder of the file that sets it, like `extend-rules`.
    baseline: str | None = None
    source: str | None = Field(default=None, exclude=True)
    # Which file (or `--flag`) set each key: `select`, `rules.FT205`, `rules.FT205.min-tokens`.
    origins: dict[str, str] = Field(default_factory=dict, exclude=True)

    @field_validator("fail_on", mode="before")
    @classmethod
    def _parse_fail_on(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value

    def origin(self, key: str) -> str | None:
        """The file (or `--flag`) that set `key` or the closest enclosing table it names."""
        parts = key.split(".")
        while parts:
            found = self.origins.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    def chosen_by(self, key: str) -> str:
        """Who chose `key`, as a summary says it: `epochs in FILE` when a configuration file
        set it, else `--epochs` (the flag, or settings built in code, which stand for it)."""
        origin = self.origin(key) or self.source
        if origin is None or origin.startswith("--"):
            return f"--{key}"
        return f"{key} in {origin}"


_INTERNAL = ("source", "origins")
# Every key a configuration file may hold, as documented: what `unknown key` suggestions try.
KEYS = sorted([_kebab(name) for name in Settings.model_fields if name not in _INTERNAL] + [EXTEND])


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The closest ftprep.toml, or pyproject.toml with `[tool.ftprep]`, from `start` upward."""
    for folder in [start, *start.parents]:
        candidate = folder / "ftprep.toml"
        if candidate.is_file():
            return candidate, read_toml(candidate)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = read_toml(candidate).get("tool", {}).get("ftprep")
            if isinstance(table, dict):
                return candidate, table
    return None


def _config_error(error: ValidationError, source: str, prefix: str) -> ConfigError:
    """The first problem pydantic found, named by file and full key path."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    where = prefix + ".".join(loc)
    if first["type"] == "extra_forbidden":
        problem = "unknown key"
        hint = closest(loc[-1], KEYS) if len(loc) == 1 else None
        if hint:
            problem += f" {loc[-1]!r}; did you mean {hint!r}?"
    else:
        problem = first["msg"]
        given = repr(first.get("input"))
        if first["type"] != "value_error" and len(given) <= 60:
            problem += f" (got {given})"
    return ConfigError(f"{source}: {where}: {problem}")


def _checked(file: ConfigFile) -> dict[str, Any]:
    """One file's keys, validated on their own so an error names the file that holds it, with
    relative paths made absolute against that file's folder."""
    data = {key: value for key, value in file.data.items() if key != EXTEND}
    for internal in _INTERNAL:  # fields the loader sets, not keys a file may hold
        if internal in data:
            raise ConfigError(f"{file.path}: {file.prefix}{internal}: unknown key")
    try:
        Settings.model_validate(data)
    except ValidationError as error:
        raise _config_error(error, str(file.path), file.prefix) from None
    return absolute_paths(file, kebab_keys(data))


def settings_of(top: ConfigFile) -> Settings:
    """Settings from `top` and the files it `extend`s, the extending file winning per key."""
    chain = extend_chain(top)
    tables = [_checked(file) for file in chain]
    empty: dict[str, Any] = {}
    merged = reduce(merge, tables, empty)
    try:
        return Settings.model_validate(
            {**merged, "source": str(top.path), "origins": origins(chain, tables)}
        )
    except ValidationError as error:  # each file was valid alone; kept for safety's sake
        raise _config_error(error, str(top.path), top.prefix) from None


def settings_from(data: dict[str, Any], source: str) -> Settings:
    return settings_of(ConfigFile(Path(source), data))


def load_settings(config: Path | None, isolated: bool, start: Path | None = None) -> Settings:
    """Settings from an explicit file, the discovered one, or defaults when `isolated`."""
    if isolated:
        return Settings()
    if config is not None:
        return settings_of(ConfigFile(config, ftprep_table(config) or {}))
    found = find_config((start or Path.cwd()).resolve())
    if found is None:
        return Settings()
    path, data = found
    return settings_of(ConfigFile(path, data))


def named_where_set(settings: Settings, error: ConfigError) -> ConfigError:
    """`error`, about a key checked after loading (`error.key`: a rule option, a selector, need
    the registry), prefixed with the file that set the key: `pyproject.toml: tool.ftprep.rules...`,
    or naming the flag. An error without a key, or a key no file set, is returned as it is."""
    origin = settings.origin(error.key) if error.key else None
    if origin is None:
        return error
    if origin.startswith("--"):
        return type(error)(f"{origin}: {error.problem}", error.hint)
    prefix = "tool.ftprep." if Path(origin).name == "pyproject.toml" else ""
    return type(error)(f"{origin}: {prefix}{error.key}: {error.problem}", error.hint)


def with_overrides(settings: Settings, **overrides: Any) -> Settings:
    """CLI flags beat every file; None means the flag was not given."""
    update = {key: value for key, value in overrides.items() if value is not None}
    if not update:
        return settings
    flags = {_kebab(key): f"--{_kebab(key)}" for key in update}
    try:
        return Settings.model_validate({
            **settings.model_dump(), "source": settings.source,
            "origins": {**settings.origins, **flags}, **update,
        })
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"--{_kebab(where)}: {first['msg']}") from None
