"""`fix`: lint the input (pass 1), then stream it again and write the cleaned file (pass 2,
`ftprep.fix.records`).

Records in = written + rejected, always. The output is clean JSON Lines (UTF-8, LF, no blank
lines), written atomically; the same input gives byte-identical files, and fixing a fixed file
changes nothing. For that last promise the dataset rules' verdicts must hold for what is
written, not only for what was read: exact copies a repair makes are caught as they are written
(`WrittenKeys`); near copies (dropped only with --unsafe-fixes) need the near-duplicate rule
itself, so when a repair changed the text it compares, a second round lints the first round's
output for those rules alone and drops what they find, as ruff re-lints after fixing.

`--redact` adds one more edit, after the repairs: typed placeholders over the matches of the
secret and personal-data rules (`ftprep.fix.redact`), checked again like any repair.

In place (`--in-place`, the pre-commit hook), only safe repairs (and asked-for redaction) apply and no record is ever
dropped: records with problems no repair fixes are kept as they are and counted, and the file is
rewritten only when something changed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from array import array
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from ftprep.config import Settings, with_overrides
from ftprep.fix.duplicates import DUPLICATE_RULES, NEAR
from ftprep.fix.facts import LintFacts, collect
from ftprep.fix.recheck import Rechecker
from ftprep.fix.records import FixOptions, Pass, run_pass
from ftprep.fix.redact import Redactor, redaction_rules
from ftprep.fix.repairs import Repair, choose
from ftprep.fix.summary import FixSummary
from ftprep.lint.run import lint_job
from ftprep.lint.selection import active_rules
from ftprep.model.errors import FtprepError
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.sources import Source
from ftprep.model.views import View
from ftprep.readers._encoding import binary_kind
from ftprep.readers._open import STDIN, open_input
from ftprep.readers._values import document_kind
from ftprep.readers.jsonl import other_format, text_kind
from ftprep.writers import atomic_bytes

__all__ = ["FixOptions", "check_input", "fix_file", "fix_in_place"]


def check_input(path: str, in_place: bool = False) -> None:
    """Refuse, with exit 2 and a reason, an input `fix` cannot read twice or does not take."""
    if path == STDIN or (os.path.exists(path) and not os.path.isdir(path)
                         and not os.path.isfile(path)):
        raise FtprepError(
            f"{path}: fix reads its input twice (a lint run, then the repairs), so it needs a "
            "file, not stdin or a pipe",
            "save the data to a file first, e.g. `ftprep convert ... -o data.jsonl`",
        )
    if not os.path.exists(path):
        raise FtprepError(f"{path}: no such file")
    if os.path.isdir(path):
        raise FtprepError(f"{path}: is a directory; fix takes one JSONL file")
    with open_input(path) as opened:
        kind = (other_format(Path(path)) or binary_kind(opened.head) or text_kind(opened.head)
                or document_kind(opened.head))
        compression = opened.compression
    if kind is not None:
        raise FtprepError(
            f"{path}: {kind}, not JSON Lines",
            f"turn it into JSON Lines first: `ftprep convert {path} -o data.jsonl`",
        )
    if in_place and compression is not None:
        raise FtprepError(
            f"{path}: {compression}-compressed; --in-place rewrites plain JSON Lines only",
            f"write a plain copy instead: `ftprep fix {path} -o data.jsonl`",
        )


def fix_file(
    settings: Settings, path: str, output: str, rejects: Path | None, options: FixOptions,
    progress: Progress = NO_PROGRESS,
) -> FixSummary:
    """Fix `path` into `output` (a file, written atomically, or - for stdout) and `rejects`.

    Nothing is written when no record survives: the summary says why, and an existing output
    is left as it was. `progress` hears about both passes (and a second round's).
    """
    check_input(path)
    summary = FixSummary(path, output if output != STDIN else "<stdout>",
                         str(rejects) if rejects is not None else None)
    facts, rechecker, repairs, redactor = _lint(settings, path, options, progress)
    summary.unsafe_available, summary.notes = facts.unsafe_available, facts.notes
    summary.redact_available = facts.redact_available
    run = Pass(facts, rechecker, repairs, options, summary, sys.stdout.buffer, None,
               redactor=redactor, progress=progress)
    near = _near_view(settings, facts)
    with _maybe_atomic(rejects) as rejects_stream, _output(output, summary) as out:
        run.out, run.rejects = out, rejects_stream
        if near is None:
            run_pass(run)
            return summary
        folder = Path(output).resolve().parent if output != STDIN else None
        with tempfile.TemporaryDirectory(prefix=".ftprep-fix.", dir=folder) as scratch:
            first = Path(scratch) / "round-1.jsonl"
            with open(first, "wb") as stream:
                run.out, run.written_lines, run.near = stream, array("q"), near
                run_pass(run)
            if run.near_changed and summary.written:
                _second_round(settings, str(first), run, out)
            else:
                with open(first, "rb") as stream:
                    shutil.copyfileobj(stream, out, 1 << 20)
    return summary


def fix_in_place(
    settings: Settings, path: str, redact: tuple[str, ...] | None = None,
    progress: Progress = NO_PROGRESS,
) -> FixSummary:
    """Apply the safe repairs to `path` itself; rewritten (atomically) only if anything changed.

    No record is dropped or rejected: duplicates and records over the limit are not even looked
    for, and a record with an error no safe repair fixes is kept (and counted). `redact` (None:
    off; empty: the default rules) also redacts, as `FixOptions.redact`: only when asked for.
    """
    check_input(path, in_place=True)
    options = FixOptions(in_place=True, keep_duplicates=frozenset({"exact", "near"}),
                         over_limit="keep", redact=redact)
    summary = FixSummary(path, path, in_place=True)
    facts, rechecker, repairs, redactor = _lint(settings, path, options, progress)
    summary.notes = facts.notes
    try:
        with atomic_bytes(Path(path)) as stream:
            run_pass(Pass(facts, rechecker, repairs, options, summary, stream, None,
                          redactor=redactor, progress=progress))
            if not summary.changed:
                raise _Abandon  # the file stays as it was, byte for byte, mtime included
    except _Abandon:
        pass
    return summary


class _Abandon(Exception):
    """Raised inside an atomic write to drop the temporary file and keep the old one."""


def _maybe_atomic(path: Path | None) -> Any:
    return atomic_bytes(path) if path is not None else nullcontext()


@contextmanager
def _output(output: str, summary: FixSummary) -> Iterator[IO[bytes]]:
    """stdout, or `output` written atomically and abandoned when no record was written (an
    empty training file is never a result)."""
    if output == STDIN:
        yield sys.stdout.buffer
        return
    try:
        with atomic_bytes(Path(output)) as stream:
            yield stream
            if not summary.written:
                raise _Abandon
    except _Abandon:
        pass


# -- pass 1 -----------------------------------------------------------------------------------


def _lint(
    settings: Settings, path: str, options: FixOptions, progress: Progress = NO_PROGRESS
) -> tuple[LintFacts, Rechecker, list[Repair], Redactor | None]:
    rules = active_rules(settings)
    enabled = {active.code for active in rules}
    repairs = choose(enabled, unsafe=options.unsafe)
    job = lint_job(settings, [Source(path)], progress=progress)
    redacting = redaction_rules(rules, options.redact or (), path, job.engine.ignores)
    redactor = Redactor(redacting) if options.redact is not None else None
    facts = collect(
        path, job.diagnostics(), rules, repairs, choose(enabled, unsafe=True),
        options.keep_duplicates, job.engine.summary.formats, options.unsafe,
        redactor.codes if redactor is not None else (),
    )
    if redactor is None:  # what --redact would keep, for the summary's hint
        facts.redact_available = frozenset(a.code for a in redacting)
    if facts.internal_errors:
        first = facts.internal_errors[0]
        raise FtprepError(f"{first.location}: {first.message}", "nothing was written")
    facts.stats = stats = job.engine.summary.files[0]
    if not options.in_place and stats.lines == stats.blank:
        raise FtprepError(f"{path}: no records to fix (the file is empty or only blank lines)")
    if stats.read_error:
        raise FtprepError(
            f"{path}: {stats.read_error} at line {stats.read_error_line:,}; nothing "
            "was written, so no record is silently lost",
            "repair or re-create the compressed file, or decompress what can be read and fix that",
        )
    return facts, Rechecker(job.engine, rules), repairs, redactor


# -- the second round ----------------------------------------------------------------------


def _near_view(settings: Settings, facts: LintFacts) -> View | None:
    """FT304's text when near copies are dropped and a repair may apply; None otherwise."""
    if NEAR not in facts.duplicates.drop or not facts.flagged:
        return None
    active = next((a for a in active_rules(settings) if a.code == NEAR), None)
    return View(getattr(active.options, "text", View.EXAMPLE)) if active is not None else None


def _second_round(settings: Settings, first: str, run: Pass, out: IO[bytes]) -> None:
    """Lint the first round's output for the duplicate rules alone and drop what they find.

    Only duplicates are looked for: every other verdict already holds for the written records
    (they were checked after their repairs), and the rules the user ignores for the input stay
    ignored, since only the rules dropped for it are selected.
    """
    codes = tuple(sorted(run.facts.duplicates.drop & DUPLICATE_RULES.keys()))
    narrowed = with_overrides(settings, select=codes, extend_select=(), ignore=(),
                              per_file_ignores={})
    # the first round redacted what there was; its rules are not selected here
    facts, rechecker, repairs, _none = _lint(narrowed, first, replace(run.options, redact=None),
                                             run.progress)
    second = FixSummary(first, run.summary.output)
    assert run.written_lines is not None
    origin = (run.facts.path, run.written_lines)
    run_pass(Pass(facts, rechecker, repairs, run.options, second, out, run.rejects,
                  origin=origin, progress=run.progress))
    summary = run.summary
    summary.written = second.written
    summary.rejected.update(second.rejected)
    summary.rejected_codes.update(second.rejected_codes)
