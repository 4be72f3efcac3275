"""Provider profiles: per-model tokenizer, per-example limit, example minimums, dated prices.

Profiles are data (`rules/providers/<id>.toml`), validated here so a typo in a profile is an
error naming the file and key, not a silent default. Every price and every date carries its
source, so a report can say where a number comes from.
"""

from __future__ import annotations

import datetime
import tomllib
from functools import cache
from typing import Any, Literal

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
    """One fine-tunable base model.

    `encoding` is what ftprep counts with. `tokenizer` names the model's own tokenizer when
    that is something else (a Llama or Gemini vocabulary ftprep does not ship, or one that is
    not public): counts are then estimates and every output says so. None: exact counts.
    """

    id: str
    aliases: tuple[str, ...] = ()
    encoding: str
    tokenizer: str | None = None
    max_tokens_per_example: int | None = Field(default=None, gt=0)
    limit_source: str | None = None  # where the per-example limit comes from, when not the file's
    methods: tuple[str, ...] = ()  # sft, dpo, vision, rft
    shutdown: DatedFact | None = None  # the base model and its fine-tunes stop working
    price: Price | None = None
    price_note: str | None = None  # why there is no price, or what else is billed
    images: ImagePricing | None = None  # None: image tokens cannot be counted for this model

    @property
    def exact_counts(self) -> bool:
        return self.tokenizer is None


class EpochHeuristic(_Strict):
    source: str
    target: int = Field(ge=1)
    min_total_examples: int = Field(ge=1)
    max_total_examples: int = Field(ge=1)
    min_epochs: int = Field(ge=1)
    max_epochs: int = Field(ge=1)


class Status(_Strict):
    """Whether the provider still trains models, as of a day, and who says so.

    active: takes jobs; closing: takes jobs until `no_new_jobs_from` (or only from some
    customers); deprecated: no longer supported, do not target; shutdown: takes no jobs.
    """

    state: Literal["active", "closing", "deprecated", "shutdown"]
    as_of: datetime.date
    source: str = Field(min_length=1)
    note: str = ""


class Hyperparameter(_Strict):
    """One training hyperparameter as the provider's API takes it.

    `option` is the ftprep flag that sets it (`--epochs` -> "epochs"); `name` the API's own
    field. A range bound is None where the provider publishes none; `auto` means the API also
    takes the string "auto" (and that is its default when `default` is None).
    """

    name: str
    option: str
    type: Literal["int", "float", "str", "bool"]
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[str, ...] = ()
    default: int | float | str | bool | None = None
    auto: bool = False
    source: str = Field(min_length=1)


class Submission(_Strict):
    """How `ftprep submit` reaches the provider: the adapter, its SDK extra and credentials.

    `live` is False for providers whose data must first sit in cloud storage (Vertex, Bedrock):
    ftprep then stops at `--dry-run` and `export`.
    """

    adapter: Literal["openai", "azure", "together", "fireworks", "vertex", "bedrock"]
    extra: str  # pip install 'ftprep[<extra>]'
    module: str  # the SDK's import name, checked before anything is sent
    api_key_env: tuple[str, ...] = ()  # read in this order; never printed or written
    base_url: str | None = None
    base_url_env: str | None = None
    live: bool = True
    source: str = Field(min_length=1)


class FormatRules(_Strict):
    """How the provider reads a record, where providers differ (lint applies these).

    Defaults are OpenAI's. `extra_keys`: what the provider does with keys its format does not
    define (ignore them, or reject the file). `weights`: which messages may carry `weight`.
    `alternating`: after an optional system message, user and assistant must alternate.
    `one_format`: every line must have the first line's format.
    """

    roles: tuple[str, ...] = ("system", "user", "assistant", "tool")
    alternating: bool = False
    extra_keys: Literal["ignored", "rejected"] = "ignored"
    weights: Literal["assistant", "any"] = "assistant"
    tools: bool = True
    one_format: bool = True
    source: str = ""


class ProviderProfile(_Strict):
    id: str
    name: str
    extends: str | None = None  # another profile this one copies, then overrides
    status: Status
    submit: Submission | None = None  # None: ftprep cannot hand off to it except by `export`
    file_suffixes: tuple[str, ...] = (".jsonl",)
    max_file_bytes: int | None = None
    min_examples: int = 1
    recommended_examples: int | None = None
    max_examples: int | None = None
    max_validation_examples: int | None = None
    formats: tuple[str, ...] = ("chat",)
    format: FormatRules = FormatRules()
    hyperparameters: tuple[Hyperparameter, ...] = ()
    # How training is billed, in words, with its source; `validation_billed`: validation tokens
    # count too (Together: x n_evals).
    billing: str = ""
    validation_billed: bool = False
    no_new_jobs_from: DatedFact | None = None  # the first day the provider creates no job
    # rule name -> what this provider does with the shape the rule finds (see `rule_severity`)
    accepts: dict[str, Verdict] = {}
    epochs: EpochHeuristic | None = None
    encodings: dict[str, str] = {}
    model: tuple[ModelProfile, ...] = ()

    def hyperparameter(self, option: str) -> Hyperparameter | None:
        """The API field an ftprep option (`epochs`, `learning-rate-multiplier`...) sets."""
        return next((h for h in self.hyperparameters if h.option == option), None)

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


def _profile_data(provider_id: str, chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """A profile's TOML table, with the profile it `extends` underneath (one level of keys:
    a table the child gives replaces the parent's whole)."""
    path = rules_dir() / "providers" / f"{provider_id}.toml"
    if not path.is_file():
        known = ", ".join(available_providers())
        raise ConfigError(f"unknown provider {provider_id!r}; known providers: {known}")
    if provider_id in chain:
        raise ConfigError(f"{path}: extends makes a loop: {' -> '.join((*chain, provider_id))}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    parent = data.get("extends")
    if isinstance(parent, str):
        data = {**_profile_data(parent, (*chain, provider_id)), **data}
    return data


@cache
def load_provider(provider_id: str) -> ProviderProfile:
    data = _profile_data(provider_id)
    try:
        return ProviderProfile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        path = rules_dir() / "providers" / f"{provider_id}.toml"
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
