"""Provider profiles: per-model tokenizer, per-example limit, example minimums, dated prices.

Profiles are data (`rules/providers/<id>.toml`), validated here so a typo in a profile is an
error naming the file and key, not a silent default. Every price and every date carries its
source, so a report can say where a number comes from.
"""

from __future__ import annotations

import datetime
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ftprep.model.diagnostics import Severity
from ftprep.model.errors import ConfigError
from ftprep.resources import rules_dir
from ftprep.suggest import closest


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
    # The hyperparameters a job on this model takes, where they differ by model family (Bedrock:
    # Nova and Claude publish different ranges). None: the provider's list; (): none published.
    hyperparameters: tuple[Hyperparameter, ...] | None = None

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

    @property
    def ended(self) -> bool:
        """The provider takes no jobs at all, whatever the day."""
        return self.state in ("deprecated", "shutdown")


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
    # The dataset format the provider reads when it is not the linted chat file's (Bedrock,
    # Vertex): submit converts the file with `ftprep export --to <export>` and uploads that.
    export: str | None = None
    source: str = Field(min_length=1)


class FormatRules(_Strict):
    """How the provider reads a record, where providers differ (lint applies these).

    Defaults are OpenAI's. `roles`: the message roles it documents; `roles_enforced`: any
    other role fails the job (Together's checker), where False leaves the others to ftprep's
    own rules (OpenAI: the legacy `function` is FT118's, `developer` FT125's). `extra_keys`:
    what the provider does with top-level keys its format does not define (ignore them, or
    reject the file). `weights`: which messages may carry `weight`. `alternating`: after the opening
    system message, no two messages in a row have one role (the rules FT108 and FT127 apply).
    `tools`: a chat record may declare `tools`. `one_format`: every line must have the first
    line's format. `prompt_parts`: a prompt/completion record's `prompt` may be a list of
    text and image_url parts, as a user message's content may (Together's multimodal
    instruction records).
    """

    roles: tuple[str, ...] = ("system", "user", "assistant", "tool")
    roles_enforced: bool = False
    alternating: bool = False
    extra_keys: Literal["ignored", "rejected"] = "ignored"
    weights: Literal["assistant", "any"] = "assistant"
    tools: bool = True
    one_format: bool = True
    prompt_parts: bool = False
    # Image limits the provider enforces (FT503); None: none stated.
    max_images: int | None = Field(default=None, gt=0)  # image parts per example
    max_image_bytes: int | None = Field(default=None, gt=0)  # one image's decoded bytes
    image_urls: Literal["any", "data"] = "any"  # "data": base64 data URLs only, no http(s)
    weighted_images: bool = True  # False: a message with an image may not carry weight 1
    source: str = ""


class ProviderProfile(_Strict):
    id: str
    name: str
    extends: str | None = None  # another profile this one takes the `inherit` keys from
    # The keys copied from `extends`, named one by one: a fact the child does not list (a status,
    # a last day for jobs, prices, models) is never inherited by accident.
    inherit: tuple[str, ...] = ()
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

    def hyperparameter(
        self, option: str, model: ModelProfile | None = None
    ) -> Hyperparameter | None:
        """The API field an ftprep option (`epochs`, `learning-rate-multiplier`...) sets."""
        return next((h for h in self.hyperparameters_for(model) if h.option == option), None)

    def hyperparameters_for(self, model: ModelProfile | None) -> tuple[Hyperparameter, ...]:
        """The model's own list where its family differs, else the provider's."""
        if model is not None and model.hyperparameters is not None:
            return model.hyperparameters
        return self.hyperparameters

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
        prefix = self.encoding_prefix(name)
        return None if prefix is None else self.encodings[prefix]

    def encoding_prefix(self, name: str) -> str | None:
        """The `encodings` prefix a model name matches, longest first. The catch-all "" means
        the profile only approximates: the provider's tokenizer is not one ftprep ships."""
        wanted = base_model(name)
        for prefix in sorted(self.encodings, key=len, reverse=True):
            if wanted.startswith(prefix):
                return prefix
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


# Keys a child never takes from its parent, even when listed: they say who the profile is.
_OWN_KEYS = frozenset({"id", "name", "extends", "inherit", "status"})


def _profile_path(provider_id: str) -> Path:
    known = available_providers()
    if provider_id not in known:  # also keeps `--provider ../x` inside rules/providers
        hint = closest(provider_id, known)
        raise ConfigError(
            f"unknown provider {provider_id!r}; known providers: {', '.join(known)}",
            (f"did you mean {hint!r}? " if hint else "")
            + "`ftprep providers` lists which providers still train, and how",
        )
    return rules_dir() / "providers" / f"{provider_id}.toml"


def _profile_data(provider_id: str, chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """A profile's TOML table with the keys it `inherit`s from the profile it `extends`.

    Only the listed keys are copied (a table is copied whole; a key the child also gives is the
    child's): inheriting everything would hand an OpenAI-compatible service OpenAI's prices and
    OpenAI's last day for jobs.
    """
    path = _profile_path(provider_id)
    if provider_id in chain:
        raise ConfigError(f"{path}: extends makes a loop: {' -> '.join((*chain, provider_id))}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    parent, inherit = data.get("extends"), data.get("inherit", [])
    if parent is None:
        if inherit:
            raise ConfigError(f"{path}: inherit: names keys to copy but the profile extends nothing")
        return data
    if not isinstance(parent, str):
        raise ConfigError(f"{path}: extends: must be the id of another profile, not {parent!r}")
    if not isinstance(inherit, list) or not all(isinstance(k, str) for k in inherit):
        raise ConfigError(f"{path}: inherit: must be a list of key names")
    fields = set(ProviderProfile.model_fields)
    for key in inherit:
        if key not in fields or key in _OWN_KEYS:
            allowed = ", ".join(sorted(fields - _OWN_KEYS))
            raise ConfigError(f"{path}: inherit: {key!r} cannot be inherited; choose from {allowed}")
    try:
        base = _profile_data(parent, (*chain, provider_id))
    except ConfigError as error:
        if "unknown provider" not in error.message:
            raise
        raise ConfigError(f"{path}: extends: {error.message}", error.hint) from None
    return {**{key: base[key] for key in inherit if key in base}, **data}


def _where(data: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """`model.2.price` -> `model[2] ('gpt-4o').price`: the key, and which entry it is in."""
    parts: list[str] = []
    node: Any = data
    for part in loc:
        if isinstance(part, int) and parts:
            node = node[part] if isinstance(node, list) and part < len(node) else None
            label = node.get("id", node.get("name")) if isinstance(node, dict) else None
            parts[-1] += f"[{part}]" + (f" ({label!r})" if isinstance(label, str) else "")
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


@cache
def load_provider(provider_id: str) -> ProviderProfile:
    """The validated profile; any problem is a ConfigError naming the file and the key."""
    data = _profile_data(provider_id)
    path = _profile_path(provider_id)
    try:
        profile = ProviderProfile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise ConfigError(f"{path}: {_where(data, first['loc'])}: {first['msg']}") from None
    if profile.id != provider_id:
        raise ConfigError(f"{path}: id: {profile.id!r} must be the file's name, {provider_id!r}")
    return profile
