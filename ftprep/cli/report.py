"""`ftprep report`: lint, then draw the run as one self-contained HTML page."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from ftprep.cli._options import config_options, model_options, quiet_option, selection_options
from ftprep.cli._progress import progress_for
from ftprep.cli.lint import configured_baseline
from ftprep.config import load_settings, with_overrides
from ftprep.estimate.run import Estimates, estimate_files
from ftprep.lint.run import lint_job
from ftprep.model.errors import FtprepError
from ftprep.readers._open import STDIN
from ftprep.readers.jsonl import training_and_validation
from ftprep.reporters._coverage import plural
from ftprep.reporters.html import HtmlReporter
from ftprep.writers import atomic_text

DEFAULT_OUTPUT = Path("ftprep-report.html")


@click.command()
@click.argument("paths", nargs=-1)
@model_options
@selection_options
@config_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default=DEFAULT_OUTPUT, show_default=True,
              help="Where to write the page (atomically), or - for stdout.")
@click.option("--compare", is_flag=True,
              help="Also price every model of every provider (as `ftprep estimate --compare`).")
@click.option("--validation", "validation", multiple=True, metavar="PATH",
              help="A validation file, linted too and checked for leakage (FT308). Repeatable.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE",
              help="Leave out problems recorded in this baseline (default: the configuration's).")
@quiet_option
def report(
    paths: tuple[str, ...], provider: str | None, model: str | None, max_tokens: int | None,
    epochs: int | None, tokenizer: str | None, jobs: int | None, select: tuple[str, ...] | None,
    extend_select: tuple[str, ...] | None, ignore: tuple[str, ...] | None, fail_on: str | None,
    config: Path | None, isolated: bool, output: Path, compare: bool,
    validation: tuple[str, ...], baseline: Path | None, quiet: bool,
) -> int:
    """Lint PATHS and write one HTML page with charts: token lengths against the model's
    limit, problems by rule and by file, labels, duplicate groups, cost and epochs, and with
    --compare the cost on every provider's models.

    The page is a single file with no script and no network access (charts are inline SVG),
    so it opens offline, from a CI artifact or an e-mail. Exit 0 when it is written, whatever
    it reports (`ftprep lint` is the gate); 2 for bad usage or input.
    """
    if not paths:
        raise FtprepError("no input given", "pass one or more JSONL files or directories")
    if compare and any(path == STDIN for path in (*paths, *validation)):
        raise FtprepError("--compare reads the input once per tokenizer, and stdin only once",
                          "save the data to a file and pass its path")
    settings = with_overrides(
        load_settings(config, isolated), provider=provider, model=model, max_tokens=max_tokens,
        epochs=epochs, tokenizer=tokenizer, select=select, jobs=jobs, extend_select=extend_select,
        ignore=ignore, fail_on=fail_on,
    )
    known = configured_baseline(baseline, settings)
    sources = training_and_validation(list(paths), list(validation))
    with progress_for(quiet) as progress:
        comparison: Estimates | None = None
        if compare:
            comparison = estimate_files(settings, sources, compare=True, epochs=epochs)
        job = lint_job(settings, sources, progress=progress)
        for note in job.engine.context.notes if not quiet else ():
            click.echo(f"ftprep: note: {note}", err=True)
        if known is not None:
            job.baseline, job.baseline_name = known
        to_stdout = str(output) == "-"
        with nullcontext(sys.stdout) if to_stdout else atomic_text(output) as stream:
            reporter = HtmlReporter(stream, comparison)
            for diagnostic in job.diagnostics():
                reporter.diagnostic(diagnostic)
            result = job.report()
            reporter.finish(result)
    where = "the page to stdout" if to_stdout else (
        f"{output} ({output.stat().st_size / 1024:,.0f} KiB)")
    problems = sum(result.summary.by_severity.values())
    click.echo(f"ftprep: wrote {where}: {plural(result.summary.examples, 'example')}, "
               f"{plural(problems, 'problem')}", err=True)
    return 0
