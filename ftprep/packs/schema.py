"""The pack file format, as pydantic models: what a `rules/content/*.toml` file may say.

Every key is validated here (`extra="forbid"`), so a misspelt key is an error naming the file,
the rule and the key path rather than a silently ignored setting. Documented for users in
`docs/packs.md`; the shipped packs in `rules/content/` are worked examples.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ftprep.model.diagnostics import Severity

CODE = re.compile(r"[A-Z]{2,6}[0-9]{3}")
NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=_kebab, populate_by_name=True)


class Field_(enum.Enum):
    """Which strings of a record a rule reads (see `ftprep.packs.texts`)."""

    CONTENT = "content"  # message text, text parts, prompt/completion/text, preference outputs
    ARGUMENTS = "arguments"  # tool-call and function-call arguments
    TOOLS = "tools"  # tool and function definitions: names, descriptions, schemas
    OTHER = "other"  # every other string: names, ids, URLs, unknown keys


class Anchor(enum.Enum):
    """Where in a text a pattern must match: anywhere, or touching its start or end."""

    ANYWHERE = "anywhere"
    START = "start"
    END = "end"


class Show(enum.Enum):
    """How a match appears in messages: in full (a placeholder), or masked (a secret, PII)."""

    FULL = "full"
    MASKED = "masked"
    CODEPOINTS = "codepoints"  # invisible characters: U+200B


class PatternSpec(_Strict):
    """One regular expression of a rule and the checks a match must pass to count."""

    regex: str = Field(description="an RE2 pattern (linear time: no backreferences or lookaround)")
    ignore_case: bool = False
    group: int | str = Field(0, description="the capture group that is the finding (default: all)")
    label: str = Field("", description="what this pattern finds, for messages: 'project key'")
    validate_: tuple[str, ...] = Field((), alias="validate", description="validators by name")
    min_entropy: float | None = Field(None, ge=0, le=8, description="Shannon bits per character")
    allow: tuple[str, ...] = Field((), description="substrings (any case) that mark a match as a "
                                                    "documentation example, not a finding")

    @field_validator("regex")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("an empty pattern matches everywhere")
        return value


class PackRuleSpec(_Strict):
    """A `[[rule]]` entry: RuleSpec's fields plus patterns, fields, roles and redaction."""

    code: str
    name: str
    severity: Severity = Severity.WARNING
    summary: str
    why: str
    message: str = Field(
        "{label} {match} in {where}", description="template: {label} {match} {where} {role} {field} {count}"
    )
    fields: tuple[Field_, ...] = (Field_.CONTENT, Field_.ARGUMENTS)
    roles: tuple[str, ...] = Field((), description="roles whose texts are read; empty: every text")
    anchor: Anchor = Anchor.ANYWHERE
    min_length: int = Field(0, ge=0, description="texts shorter than this (characters) are skipped")
    show: Show = Show.MASKED
    redact_as: str = Field("REDACTED", description="fix --redact writes <REDACT_AS> in its place")
    preview: bool = False
    pattern: tuple[PatternSpec, ...] = Field(min_length=1)
    bad: tuple[str, ...] = Field(min_length=1, description="texts or JSONL records that must match")
    good: tuple[str, ...] = Field(min_length=1, description="texts or JSONL records that must not")

    @field_validator("severity", mode="before")
    @classmethod
    def _parse_severity(cls, value: Any) -> Any:
        return Severity.parse(value) if isinstance(value, str) else value

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not CODE.fullmatch(value):
            raise ValueError("a code is 2-6 capital letters and 3 digits, as FT401 or ACME001")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.fullmatch(value):
            raise ValueError("a name is lower-case words joined by '-', as openai-api-key")
        return value

    @field_validator("redact_as")
    @classmethod
    def _placeholder(cls, value: str) -> str:
        if not PLACEHOLDER.fullmatch(value):
            raise ValueError("a placeholder type is capitals, digits and '_', as API_KEY")
        return value

    @field_validator("summary", "why")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class PackFile(_Strict):
    """A whole pack file: an optional `[pack]` description and its `[[rule]]` entries."""

    pack: dict[str, str] = Field(default_factory=dict, description="name and summary of the pack")
    rule: tuple[PackRuleSpec, ...] = Field(min_length=1)


class PackOptions(_Strict):
    """Options every pack rule takes in `[tool.ftprep.rules.FT4xx]`, over the pack's defaults."""

    roles: tuple[str, ...] | None = Field(None, description="roles whose texts are read")
    fields: tuple[Field_, ...] | None = Field(None, description="content, arguments, tools, other")
    allow: tuple[str, ...] = Field((), description="more substrings that mark a match as allowed")
