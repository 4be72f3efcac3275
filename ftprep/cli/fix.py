"""`ftprep fix`: write the cleaned training file, or repair files in place (the pre-commit hook)."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from ftprep.cli._options import config_options, model_options, quiet_option, selection_options
from ftprep.cli._progress import progress_for
from ftprep.config import load_settings, with_overrides
from ftprep.fix.run import FixOptions, fix_file, fix_in_place
from ftprep.fix.summary import FixSummary
from ftprep.model.errors import EXIT_CLEAN, EXIT_PROBLEMS, FtprepError

DUPLICATE_CHOICES = {"exact": {"exact"}, "near": {"near"}, "all": {"exact", "near"}}


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--output", "-o", default=None, metavar="FILE",
              help="Write the cleaned JSONL here (atomically), or - for stdout.")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every record not written, with its line, rule codes and messages.")
@click.option("--in-place", is_flag=True,
              help="Apply safe repairs to each PATH itself; never drops a record (pre-commit).")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply fixes that may change what is learned: legacy functions to tools "
                   "(FT118), dropping near duplicates (FT304).")
@click.option("--keep-duplicates", type=click.Choice(sorted(DUPLICATE_CHOICES)), default=None,
              help="Keep exact (FT303) or near (FT304) duplicates, or all (default: drop exact "
                   "copies, and near ones with --unsafe-fixes).")
@click.option("--over-limit", type=click.Choice(["drop", "keep"]), default="drop",
              show_default=True, help="Examples over the per-example token limit (FT201).")
@click.option("--redact", is_flag=True,
              help="Replace what the selected secret and personal-data rules find (FT40x "
                   "keys, FT42x emails, phone numbers ...) with typed placeholders such as "
                   "<API_KEY> and <EMAIL>, and keep the record. Changes the training text, so "
                   "only when asked for; works with --in-place.")
@click.option("--redact-rules", "redact_rules", metavar="SELECTOR[,SELECTOR...]", multiple=True,
              help="Redact only these rules (codes, prefixes or names, e.g. FT401,FT42); "
                   "implies --redact.")
@click.option("--exit-non-zero-on-fix", is_flag=True,
              help="Exit 1 when any record was repaired, rejected or dropped.")
@click.option("--summary-format", type=click.Choice(["text", "json"]), default="text",
              help="Format of the summary printed on stderr.")
@model_options
@selection_options
@config_options
@quiet_option
def fix(
    paths: tuple[str, ...], output: str | None, rejects: Path | None, in_place: bool,
    unsafe_fixes: bool, keep_duplicates: str | None, over_limit: str, redact: bool,
    redact_rules: tuple[str, ...], exit_non_zero_on_fix: bool,
    summary_format: str, provider: str | None, model: str | None, max_tokens: int | None,
    epochs: int | None, tokenizer: str | None, jobs: int | None, select: tuple[str, ...] | None,
    extend_select: tuple[str, ...] | None, ignore: tuple[str, ...] | None, fail_on: str | None,
    config: Path | None, isolated: bool, quiet: bool,
) -> int:
    """Write a cleaned copy of a JSONL training file: ftprep fix IN -o OUT [--rejects R].

    Lints IN with the same settings as `ftprep lint`, then reads it again and writes each
    record to OUT, repaired where a rule's fix is safe (double-encoded arguments decoded once,
    preference *_completion keys renamed, the developer role renamed to system; a byte-order
    mark, CRLF endings and blank lines removed), or to the rejects file with its line and
    rules: records with errors no repair fixes, examples over the model's token limit
    (--over-limit), records in another format than the file's (FT123), and copies of a record
    already written (the first is kept): exact duplicates (FT303), and near duplicates (FT304)
    with --unsafe-fixes, since they differ. Records in = written +
    rejected; a summary of every change by rule goes to stderr. The same input gives the same
    bytes, and fixing a fixed file changes nothing. IN must be a file (it is read twice);
    gzip, bzip2, xz and zstd files are read, and OUT is plain JSON Lines.

    \b
    --redact: replace each match of a secret or personal-data rule (the selected content
    rules that mask their matches; --redact-rules narrows them) with its typed placeholder,
    e.g. "key sk-proj-..." -> "key <API_KEY>", in message text, text parts, tool-call
    arguments (still valid JSON), prompt/completion and preference outputs. The record is
    then written rather than rejected for those findings. Placeholder, boilerplate and
    mojibake rules are never redacted. Revoke a leaked key as well.

    \b
    --in-place PATH...: the pre-commit hook (ftprep-fix). Only safe repairs (and redaction,
    with --redact); no record is dropped or rejected (records with other problems are kept
    and counted); a file is rewritten only if something changed.

    \b
    Exit codes, as ruff's:
      0  OUT was written (repairs and rejections are the job, not a failure); in place:
         nothing needed changing
      1  --exit-non-zero-on-fix and something was repaired, rejected or dropped; no record
         survived (OUT is not written); in place: a file was rewritten (pre-commit's
         signal to re-stage it)
      2  bad usage, configuration or input (stdin, a JSON document, a missing file)
    """
    if not paths:
        raise FtprepError("no input given", "pass a JSONL file: ftprep fix IN -o OUT")
    settings = with_overrides(
        load_settings(config, isolated), provider=provider, model=model, max_tokens=max_tokens,
        epochs=epochs, tokenizer=tokenizer, select=select, jobs=jobs, extend_select=extend_select,
        ignore=ignore, fail_on=fail_on,
    )
    redacting = _redaction(redact, redact_rules)
    if in_place:
        _refuse_with_in_place(output, rejects, unsafe_fixes, keep_duplicates, over_limit)
        changed = False
        with progress_for(quiet) as progress:
            for path in paths:
                summary = fix_in_place(settings, path, redacting, progress)
                _render(summary, summary_format)
                changed |= summary.changed
        return EXIT_PROBLEMS if changed else EXIT_CLEAN
    if len(paths) > 1:
        raise FtprepError(f"fix takes one input file, not {len(paths)}",
                          "fix them one at a time, or use --in-place to repair each file itself")
    if output is None:
        raise FtprepError("no output given", "pass -o OUT (or --in-place to repair IN itself)")
    path = paths[0]
    _refuse_overwriting_input(path, rejects, output)
    options = FixOptions(
        unsafe=unsafe_fixes, over_limit=over_limit,
        keep_duplicates=frozenset(DUPLICATE_CHOICES.get(keep_duplicates or "", ())),
        redact=redacting,
    )
    with progress_for(quiet) as progress:
        summary = fix_file(settings, path, output, rejects, options, progress)
    _render(summary, summary_format)
    if not summary.written:
        kept = "nothing was written to stdout" if output == "-" else f"{output} was not written"
        click.echo(f"ftprep: error: no record survived ({summary.records:,} read); {kept}",
                   err=True)
        if ("error", "FT122") in summary.rejected_codes:
            click.echo(f"  hint: prompt/completion records become chat examples with "
                       f"`ftprep convert {path} -o train.jsonl`", err=True)
        elif summary.rejects is None:
            click.echo("  hint: pass --rejects FILE to keep each record with its reasons", err=True)
        return EXIT_PROBLEMS
    if exit_non_zero_on_fix and (summary.changed or summary.rejected_records):
        return EXIT_PROBLEMS
    return EXIT_CLEAN


def _redaction(redact: bool, rules: tuple[str, ...]) -> tuple[str, ...] | None:
    """`FixOptions.redact`: None when not asked for, else the selectors (empty: the default)."""
    selectors = tuple(s.strip() for given in rules for s in given.split(",") if s.strip())
    if rules and not selectors:
        raise FtprepError("--redact-rules: no rule selector given", "e.g. --redact-rules FT401,FT42")
    return selectors if redact or selectors else None


def _refuse_with_in_place(
    output: str | None, rejects: Path | None, unsafe: bool, keep: str | None, over_limit: str
) -> None:
    given = [name for name, on in (
        ("-o/--output", output is not None), ("--rejects", rejects is not None),
        ("--unsafe-fixes", unsafe), ("--keep-duplicates", keep is not None),
        ("--over-limit", over_limit != "drop"),
    ) if on]
    if given:
        raise FtprepError(
            f"--in-place does not take {', '.join(given)}",
            "in place, fix applies only safe repairs and keeps every record; "
            "write a cleaned copy with `ftprep fix IN -o OUT` instead",
        )


def _refuse_overwriting_input(path: str, rejects: Path | None, output: str) -> None:
    if rejects is not None and output != "-" and rejects.resolve() == Path(output).resolve():
        raise FtprepError("--rejects and -o name the same file")
    if rejects is not None and Path(path).exists() and rejects.resolve() == Path(path).resolve():
        raise FtprepError("--rejects names the input file", "write the rejects to another file")


def _render(summary: FixSummary, summary_format: str) -> None:
    if summary_format == "json":
        document = {"version": 1, **summary.as_json()}
        click.echo(orjson.dumps(document, option=orjson.OPT_SORT_KEYS).decode(), err=True)
        return
    for line in summary.text_lines():
        click.echo(line, err=True)


# Accepted, as in `lint`, so one set of flags serves both commands, but they decide nothing
# here: the exit code is fix's own and no estimate is printed.
for _param in fix.params:
    if isinstance(_param, click.Option) and _param.name in ("fail_on", "epochs"):
        _param.hidden = True
