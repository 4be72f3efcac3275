"""Settings: `[tool.ftprep]` in pyproject.toml or the same keys in ftprep.toml, then CLI flags.

As in ruff, the closest configuration file wins and files are not merged; `ftprep.toml` beats
`pyproject.toml` in the same folder; a pyproject without `[tool.ftprep]` is skipped. Every key is
validated once, here: an unknown key is an error naming its full path.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ftprep.model.diagnostics import Severity
from ftprep.model.errors import ConfigError


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
    # Globs of user rule packs (TOML, the format of rules/content/*.toml), relative to the
    # configuration file's folder: their rules join the registry like the shipped ones.
    extend_rules: tuple[str, ...] = ()
    source: str | None = Field(default=None, exclude=True)

    @field_validator("fail_on", mode="before")
    @classmethod
    def _parse_fail_on(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The closest ftprep.toml, or pyproject.toml with `[tool.ftprep]`, from `start` upward."""
    for folder in [start, *start.parents]:
        candidate = folder / "ftprep.toml"
        if candidate.is_file():
            return candidate, _read_toml(candidate)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _read_toml(candidate).get("tool", {}).get("ftprep")
            if isinstance(table, dict):
                return candidate, table
    return None


def settings_from(data: dict[str, Any], source: str) -> Settings:
    prefix = "tool.ftprep." if source.endswith("pyproject.toml") else ""
    try:
        return Settings.model_validate({**data, "source": source})
    except ValidationError as error:
        first = error.errors()[0]
        where = prefix + ".".join(str(part) for part in first["loc"])
        problem = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise ConfigError(f"{source}: {where}: {problem}") from None


def load_settings(config: Path | None, isolated: bool, start: Path | None = None) -> Settings:
    """Settings from an explicit file, the discovered one, or defaults when `isolated`."""
    if isolated:
        return Settings()
    if config is not None:
        data = _read_toml(config)
        if config.name == "pyproject.toml":
            data = data.get("tool", {}).get("ftprep", {})
        return settings_from(data, str(config))
    found = find_config((start or Path.cwd()).resolve())
    if found is None:
        return Settings()
    path, data = found
    return settings_from(data, str(path))


def with_overrides(settings: Settings, **overrides: Any) -> Settings:
    """CLI flags beat every file; None means the flag was not given."""
    update = {key: value for key, value in overrides.items() if value is not None}
    if not update:
        return settings
    try:
        return Settings.model_validate({**settings.model_dump(), "source": settings.source, **update})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"--{_kebab(where)}: {first['msg']}") from None
