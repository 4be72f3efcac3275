"""One priced run: what a provider would bill to train one model on the counted examples.

Billed tokens follow the provider: each example counts up to the model's per-example limit
(longer ones are truncated, not rejected, and the quote says how many), times the epochs, plus
validation tokens where the provider bills them (Together: x n_evals). A price is the profile's
dated, sourced one or none: "unknown" is an answer, a guessed number is not.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from ftprep.providers.estimate import provider_epochs
from ftprep.providers.lifecycle import deadlines, passed
from ftprep.providers.profile import ModelProfile, Price, ProviderProfile


@dataclass(frozen=True)
class Epochs:
    """How many epochs, and why that many; `count` is None when nobody can say."""

    count: int | None
    source: str


@dataclass(frozen=True)
class Quote:
    provider: ProviderProfile
    model_id: str
    model: ModelProfile | None
    examples: int  # usable examples in a format this provider trains on
    limit: int | None
    truncated: int  # examples longer than `limit`, billed at the limit
    billed_per_epoch: int
    epochs: Epochs
    validation_billed: int  # validation tokens billed over the whole run
    billed_tokens: int | None
    price: Price | None
    cost: float | None
    exact: bool  # the tokens were counted with the model's own tokenizer, every value counted
    encoding: str
    available: str  # "" when the model takes jobs on the day; else why it does not
    closes: str  # when the model stops taking jobs, if it does
    closes_on: datetime.date | None = None

    @property
    def price_text(self) -> str:
        if self.price is not None:
            return f"${self.price.training_per_1m_tokens:,.2f} per 1M tokens"
        if self.model is not None and self.model.price_note:
            return self.model.price_note
        return "unknown: the profile has no sourced training price"


def choose_epochs(
    provider: ProviderProfile, model: ModelProfile | None, examples: int, requested: int | None,
    requested_from: str,
) -> Epochs:
    """The user's epochs, else the provider's documented default or its estimated "auto"."""
    if requested is not None:
        return Epochs(requested, requested_from)
    if examples == 0:
        return Epochs(None, "none: no usable examples")
    return Epochs(*provider_epochs(provider, model, examples))


def epochs_problem(
    provider: ProviderProfile, model: ModelProfile | None, epochs: int
) -> str | None:
    """Why `epochs` is outside what the provider's API takes for this model, if it is."""
    spec = provider.hyperparameter("epochs", model)
    if spec is None:
        return None
    if spec.minimum is not None and epochs < spec.minimum:
        return f"{provider.name} takes {spec.name} >= {spec.minimum:g} ({spec.source})"
    if spec.maximum is not None and epochs > spec.maximum:
        return f"{provider.name} takes {spec.name} <= {spec.maximum:g} ({spec.source})"
    return None


def availability(
    provider: ProviderProfile, model: ModelProfile | None, on: datetime.date
) -> tuple[str, str, datetime.date | None]:
    """("", when it closes, the day) while jobs can be created on `on`; (why not, "", None)
    once they cannot."""
    if provider.status.ended:
        return f"{provider.name} fine-tuning is {provider.status.state}", "", None
    ended = passed(provider, model, on)
    if ended:
        what = "shut down" if ended[0].shutdown else "takes no new jobs"
        return f"{what} since {ended[0].date}", "", None
    found = deadlines(provider, model)  # earliest first
    if not found:
        return "", "", None
    first = found[0]
    what = "shuts down" if first.shutdown else "no new jobs from"
    return "", f"{what} {first.date}, in {first.days_left(on)} days", first.date


def quote(
    provider: ProviderProfile, model_id: str, model: ModelProfile | None,
    tokens: Sequence[int], validation_tokens: Sequence[int], *, limit: int | None,
    epochs: Epochs, n_evals: int, counted_exactly: bool, encoding: str, on: datetime.date,
) -> Quote:
    """Price training `model` on examples of these token totals (usable ones only)."""
    if limit is None:
        billed_per_epoch, truncated = sum(tokens), 0
    else:
        billed_per_epoch = sum(min(t, limit) for t in tokens)
        truncated = sum(1 for t in tokens if t > limit)
    validation = 0
    if provider.validation_billed and n_evals:
        per_pass = sum(t if limit is None or t <= limit else limit for t in validation_tokens)
        validation = per_pass * n_evals
    billed = billed_per_epoch * epochs.count + validation if epochs.count is not None else None
    price = model.price if model is not None else None
    cost = billed / 1_000_000 * price.training_per_1m_tokens if price and billed is not None else None
    # A model the profile does not list was counted by its name's prefix: call that an estimate.
    exact = counted_exactly and model is not None and model.exact_counts
    unavailable, closes, closes_on = availability(provider, model, on)
    return Quote(provider, model_id, model, len(tokens), limit, truncated, billed_per_epoch,
                 epochs, validation, billed, price, cost, exact, encoding, unavailable, closes,
                 closes_on)
