"""The cloud targets' limits, from their provider profiles (rules/providers/vertex.toml, ...).

Per example: the model's `max_tokens_per_example`, counted with ftprep's counter for the
profile's `encoding`; Gemini and Nova tokenizers are not ftprep's, so such counts are estimates
and every message says so. Per file: `min_examples`, `max_examples`,
`max_validation_examples`, `max_file_bytes`. A missing profile or an unknown model is said, not
guessed around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ftprep.export.base import Refusal
from ftprep.model.errors import ConfigError
from ftprep.model.record import RecordFormat
from ftprep.providers.profile import ModelProfile, ProviderProfile, load_provider
from ftprep.tokens.counting import plan_for
from ftprep.tokens.encoders import Counter, get_counter


@dataclass
class Limits:
    """What a cloud target allows, and what could not be checked (`notes`)."""

    provider: str
    profile: ProviderProfile | None = None
    model: ModelProfile | None = None
    counter: Counter | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def per_example(self) -> int | None:
        return self.model.max_tokens_per_example if self.model is not None else None

    def totals(self, records: list[tuple[str, dict[str, Any]]]) -> list[int] | None:
        """Each (kind, record)'s tokens, counted in one call for the batch (a call per record
        cost 3.5x the export itself); None when no per-example limit is checked."""
        if self.per_example is None or self.counter is None:
            return None
        plans = [plan_for(data, RecordFormat(kind)) for kind, data in records]
        texts = [text for plan in plans for text in (*plan.content, *plan.other)]
        counts = iter(self.counter.count(texts))
        return [sum(next(counts) for _ in range(len(plan.content) + len(plan.other)))
                + plan.overhead for plan in plans]

    def check(self, total: int | None) -> None:
        """Refuse an example whose `total` tokens (from `totals`) exceed the model's limit."""
        limit = self.per_example
        if limit is None or total is None or self.model is None:
            return
        if total > limit:
            raise Refusal("over-limit", f"{_about(self.model)}{total:,} tokens, over the "
                                        f"{limit:,}-token per-example limit of {self.model.id}"
                                        f"{_estimate(self.model)}")

    def file_problems(self, examples: int, size: int, validation: int | None,
                      validation_size: int | None) -> list[str]:
        """Example counts and file sizes the provider refuses (or advises against)."""
        profile = self.profile
        if profile is None:
            return []
        found = []
        if examples < profile.min_examples:
            found.append(f"{examples:,} training example{'s' * (examples != 1)}: {profile.name} "
                         f"needs at least {profile.min_examples:,}")
        elif profile.recommended_examples and examples < profile.recommended_examples:
            self.notes.append(f"{examples:,} training examples: {profile.name} recommends "
                              f"{profile.recommended_examples:,} or more")
        if profile.max_examples is not None and examples > profile.max_examples:
            found.append(f"{examples:,} training examples: {profile.name} takes at most "
                         f"{profile.max_examples:,}")
        limit = profile.max_validation_examples
        if validation is not None and limit is not None and validation > limit:
            found.append(f"{validation:,} validation examples: {profile.name} takes at most {limit:,}")
        for what, value in (("training", size), ("validation", validation_size)):
            if value is not None and profile.max_file_bytes is not None \
                    and value > profile.max_file_bytes:
                found.append(f"the {what} file is {value:,} bytes: {profile.name} takes at most "
                             f"{profile.max_file_bytes:,}")
        return found


def _about(model: ModelProfile) -> str:
    return "" if model.exact_counts else "about "


def _estimate(model: ModelProfile) -> str:
    if model.exact_counts:
        return ""
    return f" (estimated with {model.encoding}; {model.tokenizer} counts differently)"


def load_limits(provider: str, model: str | None) -> Limits:
    """The limits of `provider` (and `model`), or a Limits that says why none are checked."""
    limits = Limits(provider)
    try:
        limits.profile = load_provider(provider)
    except ConfigError as error:
        limits.notes.append(f"limits not checked: no usable {provider} provider profile "
                            f"({error.message})")
        return limits
    if model is None:
        limits.notes.append(f"per-example token limit not checked: pass --model (one of "
                            f"{', '.join(m.id for m in limits.profile.model) or 'none listed'})")
        return limits
    found = limits.profile.find_model(model)
    if found is None:
        limits.notes.append(f"per-example token limit not checked: {model} is not in the "
                            f"{provider} profile")
        return limits
    limits.model = found
    if found.max_tokens_per_example is None:
        limits.notes.append(f"per-example token limit not checked: the {provider} profile "
                            f"gives none for {found.id}")
    else:
        limits.counter = get_counter(found.encoding)
        if not found.exact_counts:
            limits.notes.append(f"token counts are estimates: {found.id} uses {found.tokenizer}, "
                                f"counted here with {found.encoding}")
    return limits
