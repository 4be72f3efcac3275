"""Provider profiles: per-model tokenizer, per-example limit, example minimums, dated prices.

Profiles are data (`rules/providers/<id>.toml`), validated here so a typo in a profile is an
error naming the file and key, not a silent default. Every price and every date carries its
source, so a report can say where a number comes from.
"""

from __future__ import annotations

import datetime
import tomllib
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ftprep.model.diagnostics import Severity
from ftprep.model.errors import ConfigError
from ftprep.resources import rules_dir


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Price(_Strict):
    """US dollars per 1M training tokens, with the day it was read and where."""

    training_per_1m_tokens: float = Field(gt=0)
    as_of: datetime.date
    source: str = Field(min_length=1)


class DatedFact(_Strict):
    """A day something happens (a shutdown, the end of new jobs) and who says so."""

    date: datetime.date
    source: str = Field(min_length=1)


class TileCost(_Strict):
    """Tile-based image tokens: `base` per image, plus `per_tile` per 512 px tile (detail high)."""

    base: int = Field(gt=0)
    per_tile: int = Field(gt=0)


class PatchCost(_Strict):
    """Patch-based image tokens: 32 px patches, at most `budget`, times `multiplier`."""

    budget: int = Field(gt=0)
    multiplier: float = Field(gt=0)


class ImagePricing(_Strict):
    """How the model turns an image into tokens (ftprep/image_tokens.py has the geometry)."""

    tiles: TileCost | None = None
    patches: PatchCost | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_scheme(self) -> ImagePricing:
        if (self.tiles is None) == (self.patches is None):
            raise ValueError("give exactly one of tiles and patches")
        return self


class Verdict(_Strict):
    """Whether the provider trains on a record shape some providers reject, and who says so."""

    accepted: bool
    source: str = Field(min_length=1)


class ModelProfile(_Strict):
    id: str
    aliases: tuple[str, ...] = ()
    encoding: str
    max_tokens_per_example: int = Field(gt=0)
    methods: tuple[str, ...] = ()
    shutdown: DatedFact | None = None  # the base model and its fine-tunes stop working
    price: Price | None = None
    images: ImagePricing | None = None  # None: image tokens cannot be counted for this model


class EpochHeuristic(_Strict):
    source: str
    target: int = Field(ge=1)
    min_total_examples: int = Field(ge=1)
    max_total_examples: int = Field(ge=1)
    min_epochs: int = Field(ge=1)
    max_epochs: int = Field(ge=1)


class ProviderProfile(_Strict):
    id: str
    name: str
    file_suffixes: tuple[str, ...] = (".jsonl",)
    max_file_bytes: int | None = None
    min_examples: int = 1
    recommended_examples: int | None = None
    formats: tuple[str, ...] = ("chat",)
    no_new_jobs_from: DatedFact | None = None  # the first day the provider creates no job
    # rule name -> what this provider does with the shape the rule finds (see `rule_severity`)
    accepts: dict[str, Verdict] = {}
    epochs: EpochHeuristic | None = None
    encodings: dict[str, str] = {}
    model: tuple[ModelProfile, ...] = ()

    def find_model(self, name: str) -> ModelProfile | None:
        """A model by id or alias; fine-tuned names (`ft:base:org:suffix:id`) resolve their base."""
        wanted = base_model(name)
        for model in self.model:
            if wanted == model.id or wanted in model.aliases:
                return model
        return None

    def rule_severity(self, rule_name: str) -> Severity | None:
        """The severity this provider's documented behaviour gives a rule, if the profile says.

        A shape the provider trains on is worth knowing (info: other providers reject it); one
        it rejects is an error. A rule the profile does not name keeps its own default.
        """
        verdict = self.accepts.get(rule_name)
        if verdict is None:
            return None
        return Severity.INFO if verdict.accepted else Severity.ERROR

    def encoding_for(self, name: str) -> str | None:
        """The tokenizer of a model this profile does not list, by tiktoken's prefix map."""
        wanted = base_model(name)
        for prefix in sorted(self.encodings, key=len, reverse=True):
            if wanted.startswith(prefix):
                return self.encodings[prefix]
        return None


def base_model(name: str) -> str:
    """`ft:gpt-4.1-mini-2025-04-14:org:suffix:id` -> `gpt-4.1-mini-2025-04-14`.

    tiktoken's own map matches `ft:gpt-4.1-…` against its `ft:gpt-4` prefix and answers
    cl100k_base; resolving the base model first gives the right o200k_base.
    """
    if name.startswith("ft:"):
        return name.split(":")[1]
    return name


def available_providers() -> list[str]:
    return sorted(path.stem for path in (rules_dir() / "providers").glob("*.toml"))


@cache
def load_provider(provider_id: str) -> ProviderProfile:
    path = rules_dir() / "providers" / f"{provider_id}.toml"
    if not path.is_file():
        known = ", ".join(available_providers())
        raise ConfigError(f"unknown provider {provider_id!r}; known providers: {known}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return ProviderProfile.model_validate(data)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
