"""`ftprep split`: a deterministic train/validation split; the summary goes to stderr."""

from __future__ import annotations

from pathlib import Path

import click

from ftprep.cli._options import quiet_option
from ftprep.cli._progress import progress_for
from ftprep.model.errors import EXIT_CLEAN
from ftprep.model.views import View
from ftprep.similarity import MinHashParams
from ftprep.split.plan import NO_LABEL
from ftprep.split.run import SplitRequest, SplitResult, default_outputs, split_file
from ftprep.split.scan import Skipped

_DEFAULT = MinHashParams()


def _pointer(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.startswith("/"):
        raise click.BadParameter(f"{value!r} is not a JSON pointer (try /{value})")
    return value


@click.command()
@click.argument("path", metavar="IN")
@click.option("--validation", "fraction", type=click.FloatRange(0, 1, min_open=True, max_open=True),
              default=0.1, show_default=True, help="Share of the examples that goes to validation.")
@click.option("--seed", type=click.IntRange(0, (1 << 64) - 1), default=0, show_default=True,
              help="Another seed gives another split; the same seed always gives the same one.")
@click.option("--output", "-o", "train", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Training output (default: IN's name with .train: "
                                 "data.jsonl -> data.train.jsonl, beside it).")
@click.option("--validation-output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Validation output (default: data.jsonl -> data.val.jsonl, beside it).")
@click.option("--label-field", default=None, callback=_pointer, metavar="POINTER",
              help="Stratify by this field (a JSON pointer such as /label) instead of the final "
                   "assistant answer.")
@click.option("--stratify/--no-stratify", default=None,
              help="Stratify by label, or never (default: when the data is classification-like: "
                   "at most 50 distinct short final answers, or --label-field).")
@click.option("--group-by", type=click.Choice([v.value for v in View]), default=View.EXAMPLE.value,
              show_default=True,
              help="Which text makes two examples duplicates: the whole example, its user turns, "
                   "or its assistant turns.")
@click.option("--near-duplicate-threshold", "threshold",
              type=click.FloatRange(0, 1, min_open=True), default=_DEFAULT.threshold,
              show_default=True, help="Jaccard similarity (word 5-grams, after normalising case, "
                                      "punctuation and spaces) at which examples stay together.")
@click.option("--no-near-duplicates", is_flag=True,
              help="Keep only exact duplicates together (faster; no MinHash).")
@quiet_option
def split(
    path: str, fraction: float, seed: int, train: Path | None, validation_output: Path | None,
    label_field: str | None, stratify: bool | None, group_by: str, threshold: float,
    no_near_duplicates: bool, quiet: bool,
) -> int:
    """Split IN (JSON Lines, compressed too) into training and validation files.

    Deterministic: the same input and --seed give byte-identical outputs on any machine. Grouped:
    exact and near-duplicate examples stay on one side. Stratified: each class gets its share of
    validation, within one example, and a class that cannot be on both sides is refused (exit 2).
    Lines are copied as read, without BOM or CR; blank lines and lines that are not JSON objects
    go to neither file and are counted. IN must be a file (it is read twice), not stdin.
    """
    if stratify is False and label_field is not None:
        raise click.UsageError("--label-field stratifies by that field; --no-stratify says not to")
    default_train, default_validation = default_outputs(path)
    request = SplitRequest(
        path=path, train=train or default_train,
        validation=validation_output or default_validation, fraction=fraction, seed=seed,
        view=View(group_by), label_field=label_field, stratify=stratify,
        near=None if no_near_duplicates else MinHashParams(threshold=threshold),
    )
    with progress_for(quiet) as progress:
        result = split_file(request, progress)
    for line in summary_lines(request, result):
        click.echo(line, err=True)
    return EXIT_CLEAN


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'s' * (n != 1)}"


def _skipped(reason: str, skipped: Skipped) -> str:
    shown = ", ".join(str(n) for n in skipped.lines)
    more = ", ..." if skipped.count > len(skipped.lines) else ""
    return f"{skipped.count:,} {reason} (line{'s' * (skipped.count != 1)} {shown}{more})"


def summary_lines(request: SplitRequest, result: SplitResult) -> list[str]:
    """The summary printed on stderr: counts per side and class, clusters kept whole, notes."""
    found, plan, groups = result.scan, result.plan, result.groups
    n = found.examples
    held = int(plan.validation.sum())
    asked = request.fraction * 100
    skipped_total = sum(s.count for s in found.skipped.values())
    read = f" of {_count(found.lines, 'line')}" if skipped_total else ""
    lines = [
        f"{found.path}: {_count(n, 'example')}{read}, seed {request.seed}",
        f"  train       {n - held:,} -> {request.train}",
        f"  validation  {held:,} -> {request.validation} ({held / n:.1%}, asked {asked:g}%)",
    ]
    skipped = [_skipped(reason, s) for reason, s in found.skipped.items() if s.count]
    if skipped:
        lines.append(f"  skipped     {_count(skipped_total, 'line')}, in neither file: "
                     f"{', '.join(skipped)}")
    if result.label_source is not None:
        source = result.label_source or "the final answer"
        classes = sum(c.name != NO_LABEL for c in plan.classes)
        lines.append(f"  classes     {classes:,}, by {source} "
                     "(validation of total, and the target):")
        width = max(len(c.name) for c in plan.classes)
        for c, spellings in zip(plan.classes, result.variants, strict=True):
            variants = f", {spellings} spellings" if spellings > 1 else ""
            lines.append(f"    {c.name:<{width}}  {c.validation:,} of {c.total:,} "
                         f"({c.target:,.1f}){variants}")
    elif result.label_note:
        lines.append(f"  classes     {result.label_note}")
    near = ("off" if request.near is None else
            f"{_count(groups.near_pairs, 'verified pair')}" if groups.near_pairs else "none")
    if plan.clusters:
        lines.append(
            f"  clusters    {_count(plan.clusters, 'cluster')} of {plan.clustered:,} examples, "
            f"each kept on one side ({_count(groups.exact_duplicates, 'exact repeat')}; near "
            f"duplicates: {near})"
        )
    else:
        lines.append(f"  clusters    none (exact duplicates: none; near duplicates: {near})")
    lines += [f"  note: {note}" for note in plan.notes]
    return lines
