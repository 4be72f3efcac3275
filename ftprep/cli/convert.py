"""`ftprep convert`: tabular, JSON and chat-log sources to chat fine-tuning JSONL.

Output goes to `-o FILE` (atomically) or stdout; rejects to `--rejects FILE`; the summary,
which always balances read = written + rejected + skipped, goes to stderr. A run that writes no
example exits 1 and leaves `-o FILE` as it was: an empty training file is never a success.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO

import click
import orjson

from ftprep.cli._options import quiet_option
from ftprep.cli._progress import progress_for
from ftprep.config import Settings
from ftprep.convert.conversations import parse_gap
from ftprep.convert.layouts import ConvertOptions, layout_names, parse_mapping
from ftprep.convert.output import ExampleLimit, write_outcomes
from ftprep.convert.pipeline import ConvertRequest, InputNote, convert_sources
from ftprep.convert.summary import ConvertSummary, plural
from ftprep.lint.setup import run_context
from ftprep.model.errors import EXIT_CLEAN, EXIT_PROBLEMS, FtprepError
from ftprep.readers.chatlogs import NAMES as LOG_NAMES
from ftprep.readers.chatlogs import ChatLogOptions
from ftprep.readers.tabular import KINDS, TabularOptions
from ftprep.tokens.encoders import get_counter
from ftprep.writers import atomic_bytes

FROM_CHOICES = (*layout_names(), *LOG_NAMES)


def _gap(_ctx: click.Context, _param: click.Parameter, value: str | None) -> object:
    if value is None:
        return None
    try:
        return parse_gap(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("sources", nargs=-1)
@click.option("--output", "-o", default="-", show_default=True, help="Output JSONL file, or - for stdout.")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every rejected source unit here, as read, with its location and reason.")
@click.option("--from", "layout", type=click.Choice(FROM_CHOICES), default=None,
              help="Source layout or chat-log format (default: detected).")
@click.option("--map", "mapping", multiple=True, metavar="ROLE=COLUMN",
              help="Map a column to a role: --map user=question --map assistant=answer.")
@click.option("--system", default=None, help="A system prompt to put first in every example.")
@click.option("--system-column", default=None, help="Take each example's system prompt from this column.")
@click.option("--template", default=None, help='User turn template over columns, e.g. "Review: {text}".')
@click.option("--no-clean", is_flag=True, help="Keep legacy separators and completion end tokens.")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Input file kind (default: detected).")
@click.option("--delimiter", default=None, help="CSV delimiter (default: detected).")
@click.option("--encoding", default=None, help="CSV text encoding (default: detected).")
@click.option("--no-header", is_flag=True, help="The CSV has no header row: columns are col1..colN.")
@click.option("--sheet", default=None, help="XLSX sheet name or 1-based position (default: first).")
@click.option("--assistant", multiple=True, metavar="NAME",
              help="Chat logs: who plays the assistant: the name the chat showed, or another name "
                   "of the same person (a Discord account name, a Slack bot id).")
@click.option("--gap", callback=_gap, default=None, metavar="DURATION",
              help="Chat logs: start a new example after this much silence (e.g. 30m, 2h; "
                   "default 6h, none for ChatGPT exports); 'none' keeps a conversation whole.")
@click.option("--model", "-m", default=None,
              help="Target model, e.g. gpt-4.1-mini: examples over its per-example token limit "
                   "are rejected (as lint --model would report them).")
@click.option("--date-order", type=click.Choice(["auto", "day-first", "month-first"]), default="auto",
              help="WhatsApp: how to read 01/02/21.")
@click.option("--media", type=click.Choice(["drop", "keep"]), default="drop",
              help="WhatsApp: drop media-only messages or keep their placeholder text.")
@click.option("--fail-on-reject", is_flag=True, help="Exit 1 when any source record was rejected.")
@click.option("--summary-format", type=click.Choice(["text", "json"]), default="text",
              help="Format of the summary printed on stderr.")
@quiet_option
def convert(
    sources: tuple[str, ...], output: str, rejects: Path | None, layout: str | None,
    mapping: tuple[str, ...], system: str | None, system_column: str | None, template: str | None,
    no_clean: bool, kind: str | None, delimiter: str | None, encoding: str | None,
    no_header: bool, sheet: str | None, assistant: tuple[str, ...], gap: object,
    model: str | None, date_order: str, media: str, fail_on_reject: bool, summary_format: str,
    quiet: bool,
) -> int:
    """Turn CSV/TSV, XLSX, Parquet, JSON/JSONL and chat-log exports into chat JSONL.

    Layouts are detected (prompt/completion, Alpaca, ShareGPT, chat messages, preference pairs)
    or mapped with --map. Chat logs: ChatGPT export, Slack export, DiscordChatExporter JSON,
    Telegram result.json, WhatsApp .txt. Every source unit is written, rejected or skipped,
    each with its reason; writing no example at all exits 1.
    """
    if not sources:
        raise FtprepError("no input given", "pass files, folders, or - for stdin")
    request = ConvertRequest(
        paths=list(sources), layout=layout,
        record=ConvertOptions(
            mapping=parse_mapping(list(mapping)), system=system, system_column=system_column,
            template=template, clean=not no_clean,
        ),
        tabular=TabularOptions(kind=kind, delimiter=delimiter, encoding=encoding,
                               header=not no_header, sheet=sheet),
        log=ChatLogOptions(date_order=date_order, media=media),  # type: ignore[arg-type]
        assistant=frozenset(assistant), gap=gap, system=system,  # type: ignore[arg-type]
    )
    limit, model_notes = _example_limit(model)
    summary = ConvertSummary()
    notes: list[InputNote] = []
    out_name = output if output != "-" else "<stdout>"
    existed = output != "-" and Path(output).exists()
    with _maybe_atomic(rejects) as rejects_stream, progress_for(quiet) as progress:
        outcomes = convert_sources(request, notes, progress)
        if output == "-":
            write_outcomes(outcomes, sys.stdout.buffer, rejects_stream, summary, out_name, limit)
            sys.stdout.flush()
        else:
            try:
                with atomic_bytes(Path(output)) as stream:
                    write_outcomes(outcomes, stream, rejects_stream, summary, out_name, limit)
                    if not summary.examples:
                        raise _NothingWritten  # abandons the temporary file: no empty output
            except _NothingWritten:
                pass
    for note in model_notes if not quiet else ():
        click.echo(f"ftprep: note: {note}", err=True)
    _render_summary(summary, notes, out_name, rejects, summary_format)
    if not summary.examples:
        _explain_nothing_written(summary, out_name, existed, rejects)
        return EXIT_PROBLEMS
    rejected = sum(summary.rejected_units.values())
    return EXIT_PROBLEMS if fail_on_reject and rejected else EXIT_CLEAN


def _example_limit(model: str | None) -> tuple[ExampleLimit | None, list[str]]:
    """The per-example token limit of `--model`, and what to tell the user about it."""
    if model is None:
        return None, []
    context = run_context(Settings(model=model))
    notes = list(context.notes)
    if context.limit is None:
        if not notes:  # a model the profile knows, without a published limit
            notes.append(f"no per-example token limit is known for {context.model_name}: "
                         "examples are not checked against one")
        return None, notes
    counter = get_counter(context.encoding)
    return ExampleLimit(context.model_name or model, context.limit, counter), notes


class _NothingWritten(Exception):
    """Raised inside the atomic output block to drop the file when no example was written."""


def _explain_nothing_written(summary: ConvertSummary, out_name: str, existed: bool, rejects: Path | None) -> None:
    read = sum(summary.read.values())
    rejected = sum(summary.rejected_units.values())
    if not read:
        what = "the input holds no records"
    else:
        units = ", ".join(f"{n:,} {plural(unit, n)}" for unit, n in sorted(summary.read.items()))
        if rejected == read:
            what = f"the {units} read was rejected" if read == 1 else f"all {units} read were rejected"
        else:
            what = f"of {units} read, none became an example"
    if out_name == "<stdout>":
        kept = "nothing was written to stdout"
    else:
        kept = f"{out_name} was not written" + (" (the existing file is unchanged)" if existed else "")
    click.echo(f"ftprep: error: no examples written: {what}; {kept}", err=True)
    if summary.reasons:
        where = f"{rejects} holds each record with its reason" if rejects else \
            "pass --rejects FILE to keep each record with its reason"
        click.echo(f"  hint: the reasons are counted above; {where}", err=True)


def _maybe_atomic(path: Path | None) -> AbstractContextManager[IO[bytes] | None]:
    return atomic_bytes(path) if path is not None else nullcontext()


def _render_summary(
    summary: ConvertSummary, notes: list[InputNote], out_name: str, rejects: Path | None,
    summary_format: str,
) -> None:
    if summary_format == "json":
        document = {
            "version": 1,
            "inputs": [{"path": n.path, "kind": n.kind, "notes": n.notes} for n in notes],
            **summary.as_json(), "output": out_name, "rejects": str(rejects) if rejects else None,
        }
        click.echo(orjson.dumps(document, option=orjson.OPT_SORT_KEYS).decode(), err=True)
        return
    for note in notes:
        click.echo(f"{note.path}: {note.kind}" + "".join(f"\n  {n}" for n in note.notes), err=True)
    for line in summary.text_lines(out_name, str(rejects) if rejects else None):
        click.echo(line, err=True)
