"""What is still possible where: one row per provider, and one profile in detail.

Rows come from every profile in rules/providers plus a short list of providers ftprep has no
profile for (fine-tuning deprecated or shut down, or not a file-in/job-out service), so a user
asking "can I still train on Mistral?" gets a dated answer with its source instead of "unknown
provider". Days are counted from `lifecycle.today()`, which `FTPREP_TODAY` sets. Rendering is
the CLI's; everything here is plain data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from ftprep.model.errors import ConfigError
from ftprep.providers.profile import (
    Hyperparameter,
    ModelProfile,
    ProviderProfile,
    Status,
    available_providers,
    load_provider,
)
from ftprep.suggest import closest

AS_OF = datetime.date(2026, 11, 29)


@dataclass(frozen=True)
class Unprofiled:
    """A provider with no profile: why ftprep cannot lint for, estimate or submit to it."""

    id: str
    name: str
    status: Status
    why: str


# PROVIDERS.md, "Summary" and "Others checked" (2026-11-29). Predibase, OpenPipe and HF AutoTrain
# are left out: "no evidence of being alive" is not a status with a date and a source.
UNPROFILED: tuple[Unprofiled, ...] = (
    Unprofiled("mistral", "Mistral", Status(
        state="deprecated", as_of=AS_OF,
        note="fine-tuning (API, text, vision, Classifier Factory) is \"no longer actively "
             "supported\", no replacement documented; the jobs API is gone from mistralai >= "
             "2.6.0; deprecation date not found",
        source="docs.mistral.ai/resources/deprecated (stored late 2026); mistralai 3.7.0 SDK "
               "source (no fine-tuning jobs resource; 2.5.1 of 2026-06-29 still had one)"),
        why="no profile: the fine-tuning jobs API is gone, so there is nothing to submit to"),
    Unprofiled("cohere", "Cohere", Status(
        state="shutdown", as_of=AS_OF,
        note="\"Cohere's fine-tuning feature was deprecated on September 15, 2025\"",
        source="docs.cohere.com/docs/chat-fine-tuning"),
        why="no profile: fine-tuning ended on 2025-09-15"),
    Unprofiled("tinker", "Tinker (Thinking Machines Lab)", Status(
        state="active", as_of=AS_OF,
        note="a training API driven by your own loop (forward_backward, optim_step, sample), "
             "not a file-in/job-out service",
        source="tinker-docs.thinkingmachines.ai/tinker/index.md; tinker 0.38.0 SDK source"),
        why="no profile: ftprep has no training loop to drive Tinker with (tinker-cookbook's "
            "SFT recipe turns a JSONL file into training steps)"),
)


@dataclass(frozen=True)
class ProviderRow:
    """One line of `ftprep providers`: what can still be done with this provider today."""

    id: str
    name: str
    state: str
    as_of: datetime.date
    status: str  # "closing: no new jobs from 2027-01-06, in 38 days"
    submit: str  # "live via SDK (ftprep[openai])", "dry-run + export" or "none: ..."
    formats: tuple[str, ...]
    models: int
    models_shut_down: int
    models_end: str | None  # "the last shuts down on 2027-01-14, in 46 days"
    profile: bool
    note: str
    source: str


def when(date: datetime.date, on: datetime.date) -> str:
    """`in 38 days`, `today`, `40 days ago`: how far `date` is from `on`."""
    days = (date - on).days
    if days == 0:
        return "today"
    unit = "day" if abs(days) == 1 else "days"
    return f"in {days} {unit}" if days > 0 else f"{-days} {unit} ago"


def dated(future: str, past: str, date: datetime.date, on: datetime.date) -> str:
    """`no new jobs from 2027-01-06, in 38 days`, with `past` for the words once it has come."""
    return f"{future if date > on else past} {date.isoformat()}, {when(date, on)}"


def takes_jobs(profile: ProviderProfile, on: datetime.date) -> bool:
    """Whether the provider still creates new jobs on `on`, by its status and last day."""
    if profile.status.ended:
        return False
    end = profile.no_new_jobs_from
    return end is None or on < end.date


def status_text(profile: ProviderProfile, on: datetime.date) -> str:
    """The status with the date that ends it: `closing: no new jobs from 2027-01-06, in 38 days`."""
    end = profile.no_new_jobs_from
    if end is None:
        return profile.status.state
    return f"{profile.status.state}: {dated('no new jobs from', 'no new jobs since', end.date, on)}"


def models_end(profile: ProviderProfile, on: datetime.date) -> str | None:
    """When the last listed model stops working, if every listed model has a shutdown date."""
    shutdowns = [m.shutdown.date for m in profile.model if m.shutdown is not None]
    if not profile.model or len(shutdowns) < len(profile.model):
        return None
    return dated("the last shuts down on", "all shut down on", max(shutdowns), on)


def submit_text(profile: ProviderProfile, on: datetime.date) -> str:
    """How `ftprep submit` can reach the provider today."""
    if profile.submit is None:
        return "none: export only"
    if not takes_jobs(profile, on):
        return "none: takes no new jobs"
    if not profile.submit.live:
        return "dry-run + export"
    return f"live via SDK (ftprep[{profile.submit.extra}])"


def profile_row(profile: ProviderProfile, on: datetime.date) -> ProviderRow:
    gone = sum(1 for m in profile.model if m.shutdown is not None and m.shutdown.date <= on)
    return ProviderRow(
        profile.id, profile.name, profile.status.state, profile.status.as_of,
        status_text(profile, on), submit_text(profile, on), profile.formats, len(profile.model),
        gone, models_end(profile, on), True, profile.status.note, profile.status.source,
    )


def unprofiled_row(other: Unprofiled) -> ProviderRow:
    status = other.status
    return ProviderRow(other.id, other.name, status.state, status.as_of, status.state,
                       "none", (), 0, 0, None, False, f"{status.note}; {other.why}", status.source)


def provider_rows(on: datetime.date) -> list[ProviderRow]:
    """Every profile (those that still take jobs first), then the providers with none."""
    profiles = [load_provider(provider_id) for provider_id in available_providers()]
    rows = [profile_row(p, on) for p in sorted(profiles, key=lambda p: not takes_jobs(p, on))]
    return rows + [unprofiled_row(other) for other in UNPROFILED]


def row_json(row: ProviderRow) -> dict[str, Any]:
    return {
        "id": row.id, "name": row.name, "state": row.state, "as_of": row.as_of.isoformat(),
        "status": row.status, "submit": row.submit, "formats": list(row.formats),
        "models": row.models, "models_shut_down": row.models_shut_down,
        "models_end": row.models_end, "profile": row.profile,
        "note": row.note, "source": row.source,
    }


def find_provider(provider_id: str) -> ProviderProfile | Unprofiled:
    """A profile, or a provider ftprep knows has none; anything else is a usage error."""
    if provider_id in available_providers():
        return load_provider(provider_id)
    for other in UNPROFILED:
        if other.id == provider_id:
            return other
    known = available_providers() + [other.id for other in UNPROFILED]
    hint = closest(provider_id, known)
    raise ConfigError(f"unknown provider {provider_id!r}; known providers: {', '.join(known)}",
                      f"did you mean {hint!r}?" if hint else None)


@dataclass(frozen=True)
class ModelRow:
    """One model of a profile as `ftprep providers ID` shows it."""

    id: str
    aliases: tuple[str, ...]
    methods: tuple[str, ...]
    limit: int | None
    limit_source: str | None
    encoding: str
    tokenizer: str | None
    exact: bool
    counts: str  # "exact (o200k_base)" or "estimate: gemini (not public), counted with o200k_base"
    price: str  # "$25.00 per 1M training tokens (as of ..., source)" or "unknown: ..."
    shutdown: str | None  # "shut down on 2026-10-20, 40 days ago (source)"
    hyperparameters: tuple[Hyperparameter, ...] | None  # the model's own list, if it has one


def price_text(model: ModelProfile) -> str:
    if model.price is not None:
        price = model.price
        text = (f"${price.training_per_1m_tokens:,.2f} per 1M training tokens "
                f"(as of {price.as_of.isoformat()}, {price.source})")
        return f"{text}; {model.price_note}" if model.price_note else text
    note = model.price_note or "no price in the profile"
    return note if note.startswith("unknown") else f"unknown ({note})"


def model_row(model: ModelProfile, on: datetime.date) -> ModelRow:
    counts = (f"exact ({model.encoding})" if model.exact_counts else
              f"estimate: {model.tokenizer}, counted with {model.encoding}")
    shutdown = None
    if model.shutdown is not None:
        end = dated("shuts down on", "shut down on", model.shutdown.date, on)
        shutdown = f"{end} ({model.shutdown.source})"
    return ModelRow(model.id, model.aliases, model.methods, model.max_tokens_per_example,
                    model.limit_source, model.encoding, model.tokenizer, model.exact_counts,
                    counts, price_text(model), shutdown, model.hyperparameters)


def hyperparameter_text(hyper: Hyperparameter) -> str:
    """`int, 1 to 50, default auto`: the type, the accepted values and the default."""
    parts: list[str] = [hyper.type]
    low, high = hyper.minimum, hyper.maximum
    if hyper.type == "bool":
        pass
    elif hyper.choices:
        parts.append("one of " + ", ".join(hyper.choices))
    elif low is not None and high is not None and not hyper.exclusive_minimum:
        parts.append(f"{_num(low)} to {_num(high)}")
    elif low is not None or high is not None:
        bounds = [] if low is None else [f"{'>' if hyper.exclusive_minimum else '>='} {_num(low)}"]
        parts.append(" and ".join(bounds + ([] if high is None else [f"<= {_num(high)}"])))
    else:
        parts.append("no published range")
    if hyper.default is not None:
        parts.append(f"default {hyper.default}")
    elif hyper.auto:
        parts.append("default auto")
    else:
        parts.append("default not stated")
    return ", ".join(parts)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) >= 1 else f"{value:g}"


def _human(size: int) -> str:
    """Bytes in the unit the provider stated: 1 GB where the limit is a round decimal number,
    512 MiB or 50.1 GiB where it is binary."""
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if size >= scale and size % scale == 0:
            return f"{size // scale:,} {unit}"
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.3g} {unit}"
    return f"{size} B"


def limits(profile: ProviderProfile) -> list[tuple[str, str]]:
    """The dataset limits the profile states, as (what, value); unstated ones say so."""
    def count(value: int | None) -> str:
        return f"{value:,}" if value is not None else "not stated"

    size = (f"{profile.max_file_bytes:,} bytes ({_human(profile.max_file_bytes)})"
            if profile.max_file_bytes is not None else "not stated")
    return [
        ("file types", ", ".join(profile.file_suffixes)),
        ("file size", size),
        ("minimum examples", count(profile.min_examples)
         if "min_examples" in profile.model_fields_set else "not stated"),
        ("recommended examples", count(profile.recommended_examples)),
        ("maximum examples", count(profile.max_examples)),
        ("maximum validation examples", count(profile.max_validation_examples)),
    ]


def sources(profile: ProviderProfile) -> list[tuple[str, str]]:
    """Where each of the profile's facts comes from, as (fact, source), without repeats."""
    found: list[tuple[str, str]] = [("status", profile.status.source)]
    if profile.no_new_jobs_from is not None:
        found.append(("no new jobs", profile.no_new_jobs_from.source))
    if profile.submit is not None:
        found.append(("submit", profile.submit.source))
    if profile.format.source:
        found.append(("format", profile.format.source))
    if profile.epochs is not None:
        found.append(("epochs heuristic", profile.epochs.source))
    for name, verdict in sorted(profile.accepts.items()):
        found.append((f"accepts {name}", verdict.source))
    if profile.extends is not None:
        inherited = ", ".join(profile.inherit) or "nothing"
        found.append(("inherits", f"{inherited} from the {profile.extends} profile"))
    return list(dict.fromkeys(found))
