"""`ftprep diff OLD NEW` / `ftprep diff --git REV PATHS`: what a change to a dataset does."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from ftprep.cli._options import config_options, model_options, quiet_option, selection_options
from ftprep.cli._progress import progress_for
from ftprep.config import load_settings, with_overrides
from ftprep.diff.git import blob_of, repository_root, resolve, split_range
from ftprep.diff.match import DEFAULT_THRESHOLD
from ftprep.diff.result import Diff
from ftprep.diff.run import run_diff
from ftprep.diff.versions import Version
from ftprep.model.errors import FtprepError
from ftprep.reporters.diff import FORMATS, render
from ftprep.writers import atomic_text


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--git", "git_rev", metavar="REV",
              help="Compare each of PATHS in the working tree with REV's version, or A..B: "
                   "B's with A's. Old versions are streamed from git.")
@model_options
@selection_options
@config_options
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format; markdown suits a PR comment or job summary.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here instead of stdout.")
@click.option("--validation", "validation", multiple=True, metavar="PATH",
              help="A validation file: new leakage of added examples into it is reported (FT308).")
@click.option("--similarity", "threshold", type=click.FloatRange(0.3, 1.0), default=DEFAULT_THRESHOLD,
              show_default=True,
              help="Word-shingle Jaccard at or above which a removed and an added example are one "
                   "edited example.")
@quiet_option
def diff(
    paths: tuple[str, ...], git_rev: str | None, provider: str | None, model: str | None,
    max_tokens: int | None, epochs: int | None, tokenizer: str | None, jobs: int | None,
    select: tuple[str, ...] | None, extend_select: tuple[str, ...] | None,
    ignore: tuple[str, ...] | None, fail_on: str | None, config: Path | None, isolated: bool,
    output_format: str, output: Path | None, validation: tuple[str, ...], threshold: float,
    quiet: bool,
) -> int:
    """Compare two versions of a dataset: examples added, removed and modified, and what that
    does to tokens, cost, labels and problems.

    Examples are compared by content (key order, spacing and line moves are not changes); a
    removed and an added example at least --similarity alike are one modified example. New
    problems are those on added or edited examples (and new broken lines); fixed ones were on
    examples that went away. Exit 1 when the change introduces problems at or above --fail-on.

    \b
      ftprep diff old.jsonl new.jsonl
      ftprep diff --git HEAD~1 data/train.jsonl          # working tree vs HEAD~1
      ftprep diff --git main..HEAD data/train.jsonl --format markdown >> $GITHUB_STEP_SUMMARY
    """
    old, new = _versions(paths, git_rev)
    if jobs is not None and jobs > 1 and not quiet:  # the option is shared with lint; say it does nothing here
        click.echo("ftprep: note: diff runs in one process: --jobs is ignored", err=True)
    settings = with_overrides(
        load_settings(config, isolated), provider=provider, model=model, max_tokens=max_tokens,
        epochs=epochs, tokenizer=tokenizer, select=select, jobs=jobs, extend_select=extend_select,
        ignore=ignore, fail_on=fail_on,
    )
    with progress_for(quiet) as progress:
        result = run_diff(settings, old, new, validation=validation, threshold=threshold,
                          progress=progress)
    if output is None:
        return _render(result, output_format, sys.stdout)
    with atomic_text(output) as stream:
        return _render(result, output_format, stream)


def _render(result: Diff, output_format: str, stream: IO[str]) -> int:
    render(result, output_format, stream)
    return result.exit_code()


def _versions(paths: tuple[str, ...], git_rev: str | None) -> tuple[list[Version], list[Version]]:
    """The old and new sides the arguments name."""
    if git_rev is None:
        if len(paths) != 2:
            raise FtprepError(f"diff takes two files, OLD and NEW ({len(paths)} given)",
                              "ftprep diff old.jsonl new.jsonl, or ftprep diff --git REV PATHS")
        for path in paths:
            if path == "-" or not Path(path).is_file():
                raise FtprepError(f"{path}: not a file", "diff compares two files on disk")
        return [Version(paths[0], path=paths[0])], [Version(paths[1], path=paths[1])]
    if not paths:
        raise FtprepError("--git needs the dataset files to compare",
                          "ftprep diff --git HEAD~1 data/train.jsonl")
    root = repository_root(Path.cwd())
    old_rev, new_rev = split_range(git_rev)
    old_commit = resolve(old_rev, root)
    new_commit = resolve(new_rev, root) if new_rev is not None else None
    old, new = [], []
    for path in paths:
        old_blob = blob_of(root, old_commit, old_rev, path)
        old.append(Version(old_blob.shown, blob=old_blob))
        if new_commit is None or new_rev is None:
            if not Path(path).is_file():
                raise FtprepError(f"{path}: not a file in the working tree")
            new.append(Version(path, path=path))
        else:
            new_blob = blob_of(root, new_commit, new_rev, path)
            if not old_blob.exists() and not new_blob.exists():
                raise FtprepError(f"{path}: in neither {old_rev} nor {new_rev}",
                                  "paths are relative to the folder ftprep runs in")
            new.append(Version(new_blob.shown, blob=new_blob))
    return old, new
