"""`ftprep estimate`: count a training file once per tokenizer and price every target model.

The counts come from ftprep's own lint engine with only the file and record rules selected,
so "usable" means here what it means in `ftprep lint` (in a format the provider trains on, no
record error), and tokens are counted the way the provider bills a chat example. Targets that
share a provider and tokenizer share one pass over the data.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from ftprep.config import Settings, with_overrides
from ftprep.estimate.quote import Quote, availability, choose_epochs, epochs_problem, quote
from ftprep.lint.run import lint_job
from ftprep.lint.setup import run_context
from ftprep.lint.summary import Summary
from ftprep.model.errors import ConfigError
from ftprep.model.sources import Source
from ftprep.providers.lifecycle import today
from ftprep.providers.profile import (
    ModelProfile,
    ProviderProfile,
    available_providers,
    load_provider,
)
from ftprep.readers._open import STDIN

# File and record rules: enough to tell usable examples from broken ones, without the cost
# of the dataset rules (duplicates, labels), which do not change what a run is billed.
COUNTING_RULES = ("FT0", "FT1")
# Findings about a whole file (empty, not JSON Lines, corrupt): shown, since they explain why
# little or nothing was counted.
WHOLE_FILE = frozenset({"FT008", "FT013", "FT014"})


@dataclass(frozen=True)
class Target:
    provider: ProviderProfile
    model_id: str
    model: ModelProfile | None


@dataclass
class Estimates:
    """Every quote, what the file holds, and the targets left out with why."""

    quotes: list[Quote]
    formats: Counter[str]
    records: int
    broken: int  # examples with an error from a record rule (in the first pass)
    validation_examples: int
    skipped: list[tuple[Target, str]] = field(default_factory=list)
    on: datetime.date = field(default_factory=today)
    compared: bool = False  # across providers: usable counts differ per row
    problems: list[str] = field(default_factory=list)  # file-level errors: why nothing counts


def targets_for(
    settings: Settings, compare: bool
) -> list[Target]:
    """`--compare`: every model of every profile; else the chosen model, or all of the chosen
    provider's models when none is named."""
    if compare:
        providers = [load_provider(name) for name in available_providers()]
        return [Target(p, m.id, m) for p in providers for m in p.model]
    provider = load_provider(settings.provider)
    if settings.model is not None:
        context = run_context(settings)
        return [Target(provider, context.model_name or settings.model, context.model)]
    if not provider.model:
        raise ConfigError(f"the {provider.name} profile lists no models",
                          "name one with --model")
    return [Target(provider, m.id, m) for m in provider.model]


def _pass_key(target: Target, images_matter: bool) -> tuple[str, ...]:
    """Targets priced from the same counts: providers that judge records alike (same format
    rules and verdicts; which formats they train on is applied afterwards, by `examples_of`),
    the same tokenizer, and (only when the data holds images) the same image formula."""
    provider, model = target.provider, target.model
    # A verdict decides whether a finding is an error (and its example unusable) or not.
    rejected = sorted(name for name, verdict in provider.accepts.items() if not verdict.accepted)
    rules = (provider.format.model_dump_json(exclude={"source"}), ",".join(rejected))
    encoding = model.encoding if model else f"by name: {target.model_id}"
    images = model.images.model_dump_json() if images_matter and model and model.images else ""
    return (*rules, encoding, images)


def _count(
    settings: Settings, sources: list[Source], target: Target, problems: list[str] | None = None
) -> tuple[Summary, str]:
    """One lint pass with the counting rules; the summary holds every example's tokens.
    File-level errors (not JSON Lines, empty, corrupt) go to `problems`: they explain a count
    of nothing."""
    chosen = with_overrides(settings, provider=target.provider.id, model=target.model_id,
                            select=COUNTING_RULES, extend_select=(), ignore=())
    job = lint_job(chosen, sources)
    for diagnostic in job.diagnostics():
        if problems is not None and diagnostic.code in WHOLE_FILE:
            fix = f" ({diagnostic.fix.title})" if diagnostic.fix else ""
            problems.append(f"{diagnostic.location.path}: {diagnostic.code} "
                            f"{diagnostic.message}{fix}")
    return job.engine.summary, job.engine.context.encoding


def estimate_files(
    settings: Settings, sources: list[Source], *, compare: bool = False,
    epochs: int | None = None, epochs_from: str = "--epochs", n_evals: int | None = None,
) -> Estimates:
    """Quote every target; a target whose provider takes none of the file's formats is
    skipped with the reason, not priced at zero."""
    targets = targets_for(settings, compare)
    on = today()
    closed: list[tuple[Target, str]] = []
    if len(targets) > 1:  # a table is about where the data can go: closed models as notes
        judged = [(t, availability(t.provider, t.model, on)[0]) for t in targets]
        closed = [(t, why) for t, why in judged if why]
        targets = [t for t, why in judged if not why]
    # With every model closed, one pass still reads the file for the header.
    first = targets[0] if targets else closed[0][0]
    if len({_pass_key(t, True) for t in targets}) > 1 and any(
            source.path == STDIN for source in sources):
        raise ConfigError("estimate reads its input once per tokenizer and provider, and stdin "
                          "only once", "save the data to a file and pass its path")
    problems: list[str] = []
    summary, encoding = _count(settings, sources, first, problems)
    images_matter = summary.images > 0 or bool(summary.uncounted_images)
    counts = {_pass_key(first, images_matter): (summary, encoding)}
    broken = sum(n for (_fmt, bad), n in summary.checked.items() if bad)
    result = Estimates([], summary.formats, summary.examples, broken,
                       summary.validation_examples, skipped=closed, on=on, compared=compare,
                       problems=problems)
    if compare:
        result.skipped += [
            (Target(p, "(no model listed)", None),
             f"name a model: ftprep estimate FILE --provider {p.id} --model NAME")
            for p in map(load_provider, available_providers()) if not p.model
        ]
    for target in targets:
        key = _pass_key(target, images_matter)
        if key not in counts:
            counts[key] = _count(settings, sources, target)
        summary, encoding = counts[key]
        _add_quote(result, target, summary, encoding, settings, epochs, epochs_from, n_evals)
    result.quotes.sort(key=_order)
    return result


def _add_quote(
    result: Estimates, target: Target, summary: Summary, encoding: str, settings: Settings,
    epochs: int | None, epochs_from: str, n_evals: int | None,
) -> None:
    provider, model = target.provider, target.model
    tokens = summary.examples_of(provider.formats)
    if summary.formats and not any(fmt in provider.formats for fmt in summary.formats):
        shapes = ", ".join(sorted(f if f != "unknown" else "unrecognised records"
                                  for f in summary.formats))
        result.skipped.append((target, (f"{provider.name} trains on "
                               f"{' and '.join(provider.formats)}, not {shapes}")))
        return
    method = "dpo" if "preference" in summary.formats else "sft"
    if model is not None and model.methods and method not in model.methods:
        trains = ", ".join(model.methods)
        result.skipped.append((target, (f"trains with {trains}, not {method} "
                               f"({'preference' if method == 'dpo' else 'supervised'} data)")))
        return
    if epochs is not None and (problem := epochs_problem(provider, model, epochs)):
        result.skipped.append((target, f"--epochs {epochs}: {problem}"))
        return
    chosen = choose_epochs(provider, model, len(tokens), epochs, epochs_from)
    evals = n_evals if n_evals is not None else _default_evals(provider)
    limit = settings.max_tokens or (model.max_tokens_per_example if model else None)
    result.quotes.append(quote(
        provider, target.model_id, model, tokens, summary.validation_tokens, limit=limit,
        epochs=chosen, n_evals=evals, counted_exactly=summary.exact, encoding=encoding,
        on=result.on,
    ))


def _default_evals(provider: ProviderProfile) -> int:
    """How many evaluation passes the provider runs by default (Together: 0)."""
    spec = provider.hyperparameter("n-evals")
    return spec.default if spec is not None and type(spec.default) is int else 0


def _order(q: Quote) -> tuple[bool, bool, float, str, str]:
    """Available before unavailable, priced before unknown, cheapest first."""
    return (bool(q.available), q.cost is None, q.cost or 0.0, q.provider.id, q.model_id)


def within_budget(estimates: Estimates, budget: float) -> tuple[bool, str]:
    """Whether a run fits `budget` dollars, and the sentence that says so.

    One quote: it must be priced and at most the budget (an unknown price cannot pass a budget
    check). Several: at least one model that still takes jobs must fit.
    """
    quotes = estimates.quotes
    if len(quotes) == 1:
        only = quotes[0]
        if only.cost is None:
            return False, (f"cannot check the ${budget:,.2f} budget: the cost of training "
                           f"{only.model_id} is unknown ({only.price_text})")
        if only.cost > budget:
            return False, (f"over budget: ${only.cost:,.2f} to train {only.model_id} exceeds "
                           f"--budget ${budget:,.2f}")
        return True, f"within budget: ${only.cost:,.2f} of ${budget:,.2f}"
    fitting = [q for q in quotes if not q.available and q.cost is not None and q.cost <= budget]
    if not fitting:
        priced = [q for q in quotes if q.cost is not None and not q.available]
        cheapest = min(priced, key=lambda q: q.cost or 0.0, default=None)
        tail = (f"; the cheapest priced model, {cheapest.model_id}, costs ${cheapest.cost:,.2f}"
                if cheapest is not None else "; no model that takes jobs has a known price")
        return False, f"over budget: no model fits --budget ${budget:,.2f}{tail}"
    names = ", ".join(q.model_id for q in fitting)
    return True, f"within the ${budget:,.2f} budget: {names}"
