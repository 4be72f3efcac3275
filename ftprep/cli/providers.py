"""`ftprep providers` says what is still possible where; `ftprep providers ID` shows one profile.

The rows, dates and texts come from `ftprep.providers.catalog`; this module only lays them out.
"""

from __future__ import annotations

import datetime
from typing import Any

import click
import orjson

from ftprep.providers.catalog import (
    ProviderRow,
    Unprofiled,
    find_provider,
    hyperparameter_text,
    limits,
    model_row,
    profile_row,
    provider_rows,
    row_json,
    sources,
    unprofiled_row,
)
from ftprep.providers.lifecycle import today
from ftprep.providers.profile import Hyperparameter, ProviderProfile

_HEADERS = ("PROVIDER", "STATUS", "AS OF", "SUBMIT", "FORMATS", "MODELS")


@click.command()
@click.argument("provider", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def providers(provider: str | None, output_format: str) -> int:
    """List providers: status and the date that ends it, how submit reaches each, formats, models.

    With PROVIDER, show that profile in detail: limits, models (per-example limit, whether token
    counts are exact, price with its date and source, or unknown), hyperparameters, sources.
    Dates are counted from today (FTPREP_TODAY=YYYY-MM-DD sets the day).
    """
    on = today()
    if provider is None:
        rows = provider_rows(on)
        if output_format == "json":
            _echo_json({"as_of": on.isoformat(), "providers": [row_json(r) for r in rows]})
        else:
            _table(rows)
        return 0
    found = find_provider(provider)
    if isinstance(found, Unprofiled):
        row = unprofiled_row(found)
        if output_format == "json":
            _echo_json({"as_of": on.isoformat(), "provider": row_json(row), "profile": None})
        else:
            click.echo(f"{row.name} ({row.id}): {row.status} (as of {row.as_of.isoformat()})")
            click.echo(f"  {row.note}")
            click.echo(f"  source: {row.source}")
        return 0
    if output_format == "json":
        _echo_json(_detail_json(found, on))
    else:
        _detail(found, on)
    return 0


def _echo_json(value: Any) -> None:
    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _models_cell(row: ProviderRow) -> str:
    if not row.profile:
        return "-"
    if row.models == 0:
        return "any (none listed)"
    notes = [f"{row.models_shut_down} shut down"] if row.models_shut_down else []
    notes += [row.models_end] if row.models_end else []
    return f"{row.models}" + (f" ({'; '.join(notes)})" if notes else "")


def _table(rows: list[ProviderRow]) -> None:
    cells = [(r.id, r.status, r.as_of.isoformat(), r.submit, ", ".join(r.formats) or "-",
              _models_cell(r)) for r in rows]
    widths = [max(len(line[i]) for line in [_HEADERS, *cells]) for i in range(len(_HEADERS))]
    for line in [_HEADERS, *cells]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
    notes = [r for r in rows if not r.profile]
    if notes:
        click.echo("")
        for row in notes:
            click.echo(f"{row.id}: {row.note} ({row.source})")


def _hyperparameter_lines(hypers: tuple[Hyperparameter, ...], indent: str) -> list[str]:
    if not hypers:
        return [f"{indent}none published"]
    return [f"{indent}{h.name} (--{h.option}): {hyperparameter_text(h)}  [{h.source}]"
            for h in hypers]


def _detail(profile: ProviderProfile, on: datetime.date) -> None:
    row = profile_row(profile, on)
    lines = [f"{profile.name} ({profile.id})",
             f"  status     {row.status} (as of {row.as_of.isoformat()})"]
    if profile.status.note:
        lines.append(f"             {profile.status.note}")
    if row.models_end:
        lines.append(f"  models     {row.models_end}")
    lines += [f"  submit     {row.submit}", f"  formats    {', '.join(profile.formats)}"]
    if profile.billing:
        lines.append(f"  billing    {profile.billing}")
    lines += ["", "Limits"] + [f"  {what:<28} {value}" for what, value in limits(profile)]
    lines += ["", "Models" if profile.model else "Models: none listed"]
    if not profile.model and profile.encodings:
        lines.append("  any model name is accepted; counts use "
                     + ", ".join(f"{enc} for {prefix!r}" if prefix else f"{enc} (an estimate)"
                                 for prefix, enc in profile.encodings.items()))
    for model in profile.model:
        m = model_row(model, on)
        aliases = f" (alias {', '.join(m.aliases)})" if m.aliases else ""
        lines.append(f"  {m.id}{aliases}")
        lines.append(f"    methods     {', '.join(m.methods) or 'not stated'}")
        limit = f"{m.limit:,} tokens per example" if m.limit is not None else "not stated"
        lines.append(f"    limit       {limit}")
        lines.append(f"    tokens      {m.counts}")
        lines.append(f"    price       {m.price}")
        if m.shutdown:
            lines.append(f"    shutdown    {m.shutdown}")
        if m.hyperparameters is not None:
            lines.append("    hyperparameters")
            lines += _hyperparameter_lines(m.hyperparameters, "      ")
    if profile.hyperparameters or not any(m.hyperparameters is not None for m in profile.model):
        lines += ["", "Hyperparameters"] + _hyperparameter_lines(profile.hyperparameters, "  ")
    lines += ["", "Sources"] + [f"  {what}: {source}" for what, source in sources(profile)]
    for line in lines:
        click.echo(line)


def _detail_json(profile: ProviderProfile, on: datetime.date) -> dict[str, Any]:
    models = []
    for model in profile.model:
        m = model_row(model, on)
        models.append({"id": m.id, "counts": "exact" if m.exact else "estimate",
                       "counts_text": m.counts, "price_text": m.price, "shutdown_text": m.shutdown})
    return {
        "as_of": on.isoformat(),
        "provider": row_json(profile_row(profile, on)),
        "limits": dict(limits(profile)),
        "models": models,
        "hyperparameters": [{"name": h.name, "option": h.option, "text": hyperparameter_text(h)}
                            for h in profile.hyperparameters],
        "sources": [{"fact": what, "source": source} for what, source in sources(profile)],
        "profile": profile.model_dump(mode="json"),
    }
