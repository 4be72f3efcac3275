"""Epochs, billed tokens and training cost from the token counts and a provider profile.

Cost = billed tokens per epoch x epochs x the profile's dated price. A model without a sourced
price gets no cost: the estimate says the price is unknown rather than inventing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ftprep.providers.profile import EpochHeuristic, ModelProfile, Price, ProviderProfile


@dataclass(frozen=True)
class Estimate:
    examples: int
    epochs: int | None
    epochs_source: str  # "--epochs", "config", or the heuristic's source
    billed_tokens_per_epoch: int
    billed_tokens: int | None
    price: Price | None
    cost: float | None
    model: str | None


def default_epochs(examples: int, heuristic: EpochHeuristic) -> int:
    """OpenAI cookbook's estimate of "auto": aim at `target` epochs, keep
    examples x epochs within [min_total, max_total] and epochs within [min, max]."""
    if examples <= 0:
        return heuristic.target
    epochs = heuristic.target
    if examples * epochs < heuristic.min_total_examples:
        epochs = min(heuristic.max_epochs, heuristic.min_total_examples // examples)
    elif examples * epochs > heuristic.max_total_examples:
        epochs = max(heuristic.min_epochs, heuristic.max_total_examples // examples)
    return epochs


def provider_epochs(
    provider: ProviderProfile, model: ModelProfile | None, examples: int
) -> tuple[int | None, str]:
    """The epochs a job gets when none are asked for, and why: the provider's estimated
    "auto" (OpenAI's cookbook heuristic), else its documented default, else unknown."""
    if provider.epochs is not None:
        return (default_epochs(examples, provider.epochs),
                f"provider default, estimated as in {provider.epochs.source}")
    spec = provider.hyperparameter("epochs", model)
    if spec is not None and type(spec.default) is int:
        return spec.default, f"provider default ({spec.source})"
    return None, f"unknown: {provider.name} publishes no default; pass --epochs"


def estimate(
    examples: int, billed_per_epoch: int, model: ModelProfile | None, model_name: str | None,
    provider: ProviderProfile, epochs: int | None, epochs_from: str = "--epochs",
    usable: int | None = None,
) -> Estimate:
    """`usable`: examples the provider would train on; none means there is no run to estimate."""
    if examples and usable == 0:
        chosen: int | None = None
        source = ("none: no usable examples (each has an error or a format the provider does "
                  "not train on)")
    elif epochs is not None:
        chosen = epochs
        source = epochs_from
    elif examples == 0:  # the heuristic would answer for a dataset that is not there
        chosen, source = None, "none: no examples were read"
    else:
        chosen, source = provider_epochs(provider, model, examples)
    billed = billed_per_epoch * chosen if chosen is not None else None
    price = model.price if model else None
    cost = billed / 1_000_000 * price.training_per_1m_tokens if price and billed is not None else None
    return Estimate(examples, chosen, source, billed_per_epoch, billed, price, cost, model_name)
