"""`ftprep lint`: check files, print every problem and the dataset summary, exit 0/1/2."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

import click

from ftprep.cli._options import config_options, model_options, quiet_option, selection_options
from ftprep.cli._progress import progress_for
from ftprep.config import Settings, load_settings, with_overrides
from ftprep.lint.baseline import Baseline, Recorder
from ftprep.lint.run import LintJob, lint_job
from ftprep.model.errors import FtprepError
from ftprep.readers.jsonl import training_and_validation
from ftprep.reporters import FORMATS, make_reporter
from ftprep.writers import atomic_text


def use_color(choice: bool | None) -> bool:
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


@click.command()
@click.argument("paths", nargs=-1)
@model_options
@selection_options
@config_options
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here instead of stdout.")
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a TTY).")
@click.option("--validation", "validation", multiple=True, metavar="PATH",
              help="A validation file: linted too, and compared with the training files for "
                   "examples in both (FT308). Repeatable.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE",
              help="Report only problems not recorded in this baseline (default: the "
                   "configuration's `baseline`).")
@click.option("--write-baseline", "write_baseline", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Record every problem found in FILE, for --baseline, and exit 0 "
                   "(no report is printed; a configured baseline is not applied).")
@quiet_option
def lint(
    paths: tuple[str, ...], provider: str | None, model: str | None, max_tokens: int | None,
    epochs: int | None, tokenizer: str | None, jobs: int | None, select: tuple[str, ...] | None,
    extend_select: tuple[str, ...] | None, ignore: tuple[str, ...] | None, fail_on: str | None,
    config: Path | None, isolated: bool, output_format: str, output: Path | None,
    color: bool | None, validation: tuple[str, ...], baseline: Path | None,
    write_baseline: Path | None, quiet: bool,
) -> int:
    """Check JSONL training files (files, directories, globs, or - for stdin).

    Prints `path:line:col: CODE [severity] message` for every problem, then a summary of
    examples (and how many are usable), token lengths, billed tokens, epochs and estimated
    cost. Images count by OpenAI's formula for the model when a data URL gives their size;
    otherwise the summary says what was left out and that tokens and cost are a lower bound.
    With --model, FT501 judges the model's shutdown and the provider's last day for new jobs
    against today; FTPREP_TODAY=YYYY-MM-DD sets today.

    \b
    Each input is read once, as a stream:
      - gzip, bzip2, xz and zstd files are decompressed as they are read (found by
        their first bytes); lines and offsets are those of the decompressed text
      - a pipe works: ftprep lint <(zcat data.jsonl.gz)
      - a directory gives its *.jsonl, *.ndjson and *.jsonlines files, compressed
        or not
      - a pretty-printed JSON array or object is read value by value, each at the
        line it starts on, and reported once (FT013: providers take JSON Lines)

    \b
    To adopt ftprep on a dataset with known problems:
      ftprep lint data/ --write-baseline .ftprep-baseline.json
      ftprep lint data/ --baseline .ftprep-baseline.json   # new problems only
    """
    if not paths:
        raise FtprepError("no input given", "pass one or more JSONL files, directories, or - for stdin")
    settings = with_overrides(
        load_settings(config, isolated), provider=provider, model=model, max_tokens=max_tokens,
        epochs=epochs, tokenizer=tokenizer, select=select, jobs=jobs, extend_select=extend_select,
        ignore=ignore, fail_on=fail_on,
    )
    known = None if write_baseline is not None else configured_baseline(baseline, settings)
    sources = training_and_validation(list(paths), list(validation))
    with progress_for(quiet) as progress:
        job = lint_job(settings, sources, progress)
        for note in job.engine.context.notes if not quiet else ():
            click.echo(f"ftprep: note: {note}", err=True)
        if write_baseline is not None:
            return _write_baseline(job, write_baseline)
        if known is not None:
            job.baseline, job.baseline_name = known
        if output is None:  # sys.stdout read here: rich routes it above a bar on a terminal
            return _render(job, output_format, sys.stdout, use_color(color))
        with atomic_text(output) as stream:
            return _render(job, output_format, stream, False)


def configured_baseline(flag: Path | None, settings: Settings) -> tuple[Baseline, str] | None:
    """The baseline to apply and its name for the summary: the flag's path as typed, or the
    configured one (absolute after loading) relative to the working folder when inside it."""
    if flag is not None:
        return Baseline.load(flag), str(flag)
    if settings.baseline is None:
        return None
    path = Path(settings.baseline)
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return Baseline.load(path), shown


def _write_baseline(job: LintJob, path: Path) -> int:
    recorder = Recorder(path)
    crashes = recorder.record(job.diagnostics())
    if crashes:
        raise FtprepError(
            f"{crashes:,} internal error{'s' * (crashes != 1)} in rules: {path} was not written",
            "run `ftprep lint` without --write-baseline to see them, and please report them",
        )
    recorder.write()
    problems = recorder.problems
    click.echo(f"ftprep: recorded {problems:,} problem{'s' * (problems != 1)} in {path}", err=True)
    return 0


def _render(job: LintJob, output_format: str, stream: IO[str], color: bool) -> int:
    reporter = make_reporter(output_format, stream, color)
    for diagnostic in job.diagnostics():
        reporter.diagnostic(diagnostic)
    report = job.report()
    reporter.finish(report)
    return report.exit_code()
