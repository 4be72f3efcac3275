"""Options shared by several commands, as decorators (one definition, one help text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _split_csv(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...] | None:
    if not value:
        return None
    return tuple(part.strip() for item in value for part in item.split(",") if part.strip())


def config_options(func: F) -> F:
    """--config / --isolated: where settings come from."""
    func = click.option("--isolated", is_flag=True, help="Ignore every configuration file.")(func)
    func = click.option(
        "--config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Use this ftprep.toml or pyproject.toml instead of discovering one.",
    )(func)
    return func


def selection_options(func: F) -> F:
    """--select / --extend-select / --ignore / --fail-on."""
    for name, help_text in (
        ("--ignore", "Rules to skip: codes, prefixes (FT2) or names; comma-separated."),
        ("--extend-select", "Rules to add to the selection."),
        ("--select", "Rules to run instead of the configured selection (default: all stable)."),
    ):
        func = click.option(name, multiple=True, callback=_split_csv, metavar="RULES", help=help_text)(func)
    func = click.option(
        "--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
        help="Lowest severity that makes the exit code 1 (default: error).",
    )(func)
    return func


def model_options(func: F) -> F:
    """--provider / --model / --max-tokens / --epochs / --tokenizer."""
    func = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
                        help="Processes for uncompressed files over 32 MB (default 1; see README).")(func)
    func = click.option("--tokenizer", type=click.Choice(["toktok", "tiktoken"]), default=None,
                        help="Token-counting backend (same counts; toktok is faster).")(func)
    func = click.option("--epochs", type=click.IntRange(1, 50), default=None,
                        help="Epochs for the estimate (default: the provider's heuristic).")(func)
    func = click.option("--max-tokens", type=click.IntRange(1), default=None,
                        help="Per-example token limit (default: the model's).")(func)
    func = click.option("--model", "-m", default=None,
                        help="Target model, e.g. gpt-4.1-mini: picks tokenizer, limits, price, "
                             "image formula and deadlines (FT501).")(func)
    func = click.option("--provider", default=None, help="Provider profile (default: openai).")(func)
    return func


def quiet_option(func: F) -> F:
    """--quiet / -q: no progress bar and no notes on stderr; errors and summaries asked for stay."""
    return click.option(
        "--quiet", "-q", is_flag=True,
        help="No progress bar on stderr (shown only on a terminal) and no notes; errors still print.",
    )(func)
