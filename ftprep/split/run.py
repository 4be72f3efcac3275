"""`split` as one library call: check the request, scan, group, plan, write.

The CLI parses options into a `SplitRequest` and renders the `SplitResult`; everything between
lives here, and every expected failure is an `FtprepError` raised before an output is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ftprep.model.errors import FtprepError
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.views import View
from ftprep.readers._open import require_rereadable, strip_compression_suffix
from ftprep.readers.jsonl import other_format
from ftprep.similarity import MinHashParams
from ftprep.split.groups import Groups, group
from ftprep.split.labels import COVERAGE, MAX_CLASSES, classification_like
from ftprep.split.plan import Plan, plan_split
from ftprep.split.scan import Scan, ScanOptions, Skipped, scan
from ftprep.split.write import write_sides

FINAL_ANSWER = ""  # the label source meaning "the final assistant answer"


@dataclass(frozen=True)
class SplitRequest:
    """What to split and how. `stratify`: None decides from the data, True/False force it."""

    path: str
    train: Path
    validation: Path
    fraction: float
    seed: int
    view: View = View.EXAMPLE
    label_field: str | None = None  # a JSON pointer; None: the final answer
    stratify: bool | None = None
    near: MinHashParams | None = field(default_factory=MinHashParams)


@dataclass(frozen=True)
class SplitResult:
    scan: Scan
    groups: Groups
    plan: Plan
    label_source: str | None  # FINAL_ANSWER or a pointer when stratified, None when not
    label_note: str | None  # why the data was not stratified
    variants: list[int]  # spellings per class, when stratified


def default_outputs(path: str) -> tuple[Path, Path]:
    """`data.jsonl` -> `data.train.jsonl`, `data.val.jsonl`, beside it (`data.jsonl.gz` too)."""
    source = Path(path)
    name = strip_compression_suffix(source.name)[0]
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, "jsonl"
    return source.with_name(f"{stem}.train.{suffix}"), source.with_name(f"{stem}.val.{suffix}")


def check_paths(request: SplitRequest) -> None:
    """The input must be a file that can be read twice; outputs must not overwrite it."""
    path = request.path
    require_rereadable(path, "split")
    kind = other_format(Path(path))
    if kind is not None:
        raise FtprepError(f"{path}: is {kind}, not JSON Lines",
                          "turn it into JSON Lines with `ftprep convert` first")
    source = Path(path).resolve()
    train, validation = request.train.resolve(), request.validation.resolve()
    for name, out in (("training", train), ("validation", validation)):
        if out == source:
            raise FtprepError(f"the {name} output {out} is the input file",
                              "write the split to other files")
    if train == validation:
        raise FtprepError(f"the training and validation outputs are the same file ({train})")
    for out in (request.train, request.validation):  # before a long first pass, not after it
        if not out.resolve().parent.is_dir():
            raise FtprepError(f"{out}: cannot write (no such directory: {out.parent})")


def _explicit(request: SplitRequest) -> bool:
    return request.label_field is not None or request.stratify is True


def _lines(skipped: Skipped) -> str:
    shown = ", ".join(str(n) for n in skipped.lines)
    return f"line{'s' * (len(skipped.lines) != 1)} {shown}{', ...' * (skipped.count > len(skipped.lines))}"


def _labels(request: SplitRequest, found: Scan) -> tuple[str | None, str | None]:
    """Which label source stratifies the split (None: not stratified), and why not."""
    if request.stratify is False:
        return None, "not stratified (--no-stratify)"
    n = found.examples
    if _explicit(request):
        source = request.label_field or FINAL_ANSWER
        if found.unlabelled.count:
            what = (f"label field {source} is missing (or not a string, number or boolean) in"
                    if source else "no short final answer (at most 64 characters) to use as a "
                    "label in")
            raise FtprepError(
                f"{what} {found.unlabelled.count:,} of {n:,} examples ({_lines(found.unlabelled)})",
                "give every example a label, or split with --no-stratify",
            )
        return source, None
    if found.labels is None:
        return None, f"not stratified: more than {MAX_CLASSES} distinct final answers"
    classes, missing = len(found.table), found.unlabelled.count
    if not classification_like(classes, n - missing, n):
        if missing > (1 - COVERAGE) * n:
            return None, (f"not stratified: {missing:,} of {n:,} final answers are missing or "
                          "longer than 64 characters, so not class labels")
        return None, (f"not stratified: {classes:,} distinct final answer"
                      f"{'s' * (classes != 1)} in {n:,} examples: not a label set")
    return FINAL_ANSWER, None


def split_file(request: SplitRequest, progress: Progress = NO_PROGRESS) -> SplitResult:
    """Split `request.path` into its two outputs; see the package docstring. `progress` hears
    how far the read is, then what is being done (grouping, writing)."""
    check_paths(request)
    source = request.label_field if request.label_field is not None else FINAL_ANSWER
    options = ScanOptions(
        view=request.view,
        label=None if request.stratify is False else source,
        label_required=_explicit(request),
        near=request.near,
    )
    found = scan(request.path, options, progress)
    progress.status("grouping duplicates and planning the split")
    if not found.examples:
        if not found.lines:
            raise FtprepError(f"{request.path}: the file is empty; nothing to split")
        raise FtprepError(
            f"{request.path}: none of its {found.lines:,} lines holds a JSON object; nothing to split")
    label_source, label_note = _labels(request, found)
    groups = group(found, request.view, request.near)
    labels = found.labels if label_source is not None else None
    names = found.table.names() if label_source is not None else None
    plan = plan_split(groups.cluster_of, groups.keys, request.fraction, request.seed, labels, names)
    progress.status(f"writing {request.train} and {request.validation}")
    write_sides(found, plan.validation, request.train, request.validation)
    progress.finish()
    variants = found.table.variants() if label_source is not None else []
    variants += [1] * (len(plan.classes) - len(variants))  # the no-label stratum
    return SplitResult(found, groups, plan, label_source, label_note, variants)
