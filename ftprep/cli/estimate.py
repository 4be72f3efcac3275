"""`ftprep estimate`: billed tokens, epochs and cost for one model or a table across providers."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import IO, Any

import click
import orjson

from ftprep.cli._options import config_options
from ftprep.config import load_settings, with_overrides
from ftprep.estimate.quote import Quote
from ftprep.estimate.run import Estimates, estimate_files, within_budget
from ftprep.model.errors import EXIT_CLEAN, EXIT_PROBLEMS, FtprepError
from ftprep.readers.jsonl import training_and_validation
from ftprep.writers import atomic_text

JSON_VERSION = 1


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--provider", default=None, help="Provider profile (default: openai).")
@click.option("--model", "-m", default=None,
              help="Price this model only (default: every model of the provider).")
@click.option("--compare", is_flag=True,
              help="A table across every provider's models that train on the file's format.")
@click.option("--epochs", type=click.IntRange(1, 100), default=None,
              help="Epochs (default: the provider's default or its estimated 'auto').")
@click.option("--n-evals", type=click.IntRange(0), default=None,
              help="Evaluation passes over the validation file, where the provider bills them "
                   "(Together).")
@click.option("--validation", multiple=True, metavar="PATH",
              help="A validation file (billed where the provider bills validation). Repeatable.")
@click.option("--max-tokens", type=click.IntRange(1), default=None,
              help="Per-example limit instead of the model's: longer examples are billed at it.")
@click.option("--budget", type=click.FloatRange(0, min_open=True), default=None, metavar="USD",
              help="Exit 1 when the run costs more than this many dollars (or cannot be priced).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the estimate here instead of stdout.")
@config_options
def estimate(
    paths: tuple[str, ...], provider: str | None, model: str | None, compare: bool,
    epochs: int | None, n_evals: int | None, validation: tuple[str, ...],
    max_tokens: int | None, budget: float | None, output_format: str, output: Path | None,
    config: Path | None, isolated: bool,
) -> int:
    """Estimate what training on PATHS costs: billed tokens, epochs and price per model.

    Tokens are counted as the provider bills a chat example, with the model's tokenizer where
    ftprep has it (otherwise the count is marked as an estimate). Examples over a model's
    per-example limit are billed at the limit (the provider truncates them) and counted in the
    `truncated` column. Every price shows its date and source; a model without one says
    "unknown". Only usable examples count: in a format the provider trains on, with no error
    from `ftprep lint`'s record rules.
    """
    if not paths:
        raise FtprepError("no input given", "pass the training file (JSONL)")
    if compare and model is not None:
        raise FtprepError("--compare prices every model; --model picks one",
                          "drop one of the two options")
    settings = with_overrides(load_settings(config, isolated), provider=provider, model=model,
                              max_tokens=max_tokens)
    sources = training_and_validation(list(paths), list(validation))
    chosen_epochs = epochs if epochs is not None else settings.epochs
    epochs_from = "--epochs" if epochs is not None else f"epochs in {settings.source}"
    result = estimate_files(settings, sources, compare=compare, epochs=chosen_epochs,
                            epochs_from=epochs_from, n_evals=n_evals)
    verdict = within_budget(result, budget) if budget is not None else None
    if output is None:
        _render(result, verdict, output_format, sys.stdout)
    else:
        with atomic_text(output) as stream:
            _render(result, verdict, output_format, stream)
    if verdict is not None:
        click.echo(f"ftprep: {verdict[1]}", err=True)
        return EXIT_CLEAN if verdict[0] else EXIT_PROBLEMS
    if not result.records:
        click.echo("ftprep: no training example was read; see `ftprep lint` (and `ftprep "
                   "convert` for CSV, JSON and chat exports)", err=True)
        return EXIT_PROBLEMS
    if not result.quotes:
        click.echo("ftprep: no model could be priced for this data (see 'Not priced')", err=True)
        return EXIT_PROBLEMS
    if not any(q.examples for q in result.quotes):
        click.echo("ftprep: no usable example: every record has an error or a format the "
                   "provider does not train on (see `ftprep lint`)", err=True)
        return EXIT_PROBLEMS
    return EXIT_CLEAN


def _render(result: Estimates, verdict: tuple[bool, str] | None, output_format: str,
            stream: IO[str]) -> None:
    if output_format == "json":
        stream.write(orjson.dumps(as_json(result, verdict),
                                  option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode())
        stream.write("\n")
        return
    lines = _header(result)
    if len(result.quotes) == 1:
        lines += _detail(result.quotes[0])
    elif result.quotes:
        lines += _table(result.quotes)
    if result.skipped:
        lines += ["", "Not priced:"] + _skipped(result)
    if not result.quotes and "prompt-completion" in result.formats:
        lines.append("  hint: chat models train on messages: `ftprep convert FILE -o train.jsonl` "
                     "turns prompt/completion pairs into chat examples")
    stream.write("\n".join(lines) + "\n")


def _skipped(result: Estimates) -> list[str]:
    """One line per provider and reason, naming its models."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for target, why in result.skipped:
        grouped.setdefault((target.provider.name, why), []).append(target.model_id)
    return [f"  {name} {', '.join(models)}: {why}" for (name, why), models in grouped.items()]


def _header(result: Estimates) -> list[str]:
    kinds = ", ".join(f"{n:,} {kind if kind != 'unknown' else 'unrecognised'}"
                      for kind, n in sorted(result.formats.items()))
    head = f"Estimate for {_records(result.records)} ({kinds or 'none'})"
    if result.validation_examples:
        head += f" and {_records(result.validation_examples).replace(' ', ' validation ', 1)}"
    lines = [head + f", as of {result.on}"]
    lines += [f"  {problem}" for problem in result.problems]
    if result.broken and not result.compared:
        them = "it is" if result.broken == 1 else "they are"
        lines.append(f"  {result.broken:,} of them with errors: {them} not counted "
                     "(see `ftprep lint`)")
    return lines


def _records(count: int) -> str:
    return f"{count:,} record{'s' * (count != 1)}"


def _tokens(q: Quote, value: int | None) -> str:
    if value is None:
        return "unknown"
    return f"{value:,}" if q.exact else f"~{value:,}"


def _cost(q: Quote) -> str:
    return f"${q.cost:,.2f}" if q.cost is not None else "unknown"


def _detail(q: Quote) -> list[str]:
    name = q.provider.name
    rows = [("model", f"{q.model_id} ({name})")]
    if q.available:
        rows.append(("status", f"cannot train: {q.available}"))
    elif q.closes:
        rows.append(("status", f"takes jobs; {q.closes}"))
    limit = f"over the {q.limit:,}-token limit, billed at it" if q.limit else "(no known limit)"
    rows.append(("examples", f"{q.examples:,} usable; {q.truncated:,} {limit}"))
    counted = "exact" if q.exact else _estimate_reason(q)
    rows.append(("tokens", f"{_tokens(q, q.billed_per_epoch)} per epoch ({q.encoding}, {counted})"))
    epochs = q.epochs
    rows.append(("epochs", f"{epochs.count} ({epochs.source})" if epochs.count else epochs.source))
    if epochs.count:
        total = f"{_tokens(q, q.billed_per_epoch)} × {epochs.count}"
        if q.validation_billed:
            total += f" + {q.validation_billed:,} validation"
        rows.append(("billed tokens", f"{total} = {_tokens(q, q.billed_tokens)}"))
    if q.price is not None and q.cost is not None:
        rows.append(("cost", (f"{_cost(q)} at {q.price_text} (as of {q.price.as_of}; "
                             f"{q.price.source})")))
    else:
        rows.append(("cost", f"unknown: {q.price_text}" if q.price is None else "unknown"))
    width = max(len(label) for label, _ in rows)
    return [f"  {label.ljust(width)}  {value}" for label, value in rows]


def _estimate_reason(q: Quote) -> str:
    if q.model is not None and q.model.tokenizer:
        return f"an estimate: {q.model_id} uses {q.model.tokenizer}"
    if q.model is None:
        return "an estimate: the model is not in the profile"
    return "a lower bound: some images or values could not be counted"


def _table(quotes: list[Quote]) -> list[str]:
    sources: list[str] = []
    rows = [("provider", "model", "jobs until", "examples", "truncated", "epochs",
             "billed tokens", "cost", "price (as of) [source]")]
    for q in quotes:
        if q.price is not None:
            note = f"{q.price.source}"
            price = f"{q.price_text} (as of {q.price.as_of})"
        else:
            note = q.price_text
            price = "unknown"
        if note not in sources:
            sources.append(note)
        epochs = str(q.epochs.count) if q.epochs.count else "?"
        until = str(q.closes_on - datetime.timedelta(days=1)) if q.closes_on else "open"
        rows.append((q.provider.id, q.model_id, until, f"{q.examples:,}", f"{q.truncated:,}", epochs,
                     _tokens(q, q.billed_tokens), _cost(q), f"{price} [{sources.index(note) + 1}]"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {3, 4, 5, 6, 7}
    lines = [""]
    for row in rows:
        cells = [cell.rjust(w) if i in right else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  " + "  ".join(cells).rstrip())
    lines.append("")
    lines += [f"  [{i}] {text}" for i, text in enumerate(sources, 1)]
    if any(not q.exact for q in quotes):
        lines.append("  ~ an estimate: counted with an OpenAI tokenizer, not the model's own "
                     "(or some images could not be counted)")
    epochs_notes = {q.epochs.source: q.provider.id for q in quotes}
    lines += [f"  epochs ({who}): {text}" for text, who in sorted(epochs_notes.items(),
                                                                   key=lambda item: item[1])]
    return lines


def _quote_json(q: Quote) -> dict[str, Any]:
    price = q.price
    return {
        "provider": q.provider.id, "model": q.model_id, "examples": q.examples,
        "limit": q.limit, "truncated": q.truncated, "encoding": q.encoding, "exact": q.exact,
        "tokenizer": q.model.tokenizer if q.model else None,
        "billed_tokens_per_epoch": q.billed_per_epoch, "epochs": q.epochs.count,
        "epochs_source": q.epochs.source, "validation_tokens_billed": q.validation_billed,
        "billed_tokens": q.billed_tokens, "cost_usd": q.cost,
        "price": None if price is None else {
            "usd_per_1m_training_tokens": price.training_per_1m_tokens,
            "as_of": price.as_of.isoformat(), "source": price.source,
        },
        "price_note": None if price is not None else q.price_text,
        "unavailable": q.available or None, "closes": q.closes or None,
        "closes_on": q.closes_on.isoformat() if q.closes_on else None,
    }


def as_json(result: Estimates, verdict: tuple[bool, str] | None) -> dict[str, Any]:
    return {
        "version": JSON_VERSION, "as_of": result.on.isoformat(), "records": result.records,
        "formats": dict(sorted(result.formats.items())), "records_with_errors": result.broken,
        "validation_records": result.validation_examples,
        "quotes": [_quote_json(q) for q in result.quotes],
        "not_priced": [{"provider": t.provider.id, "model": t.model_id, "reason": why}
                       for t, why in result.skipped],
        "problems": result.problems,
        "budget": None if verdict is None else {"within": verdict[0], "message": verdict[1]},
    }
