"""`fix`: lint the input (pass 1), then stream it again and write the cleaned file (pass 2).

Pass 2 decides each line from what the lint run said about it (`LintFacts`): a line no rule
with a chosen repair reported is written as it was read (minus a byte-order mark and CR), a
reported one is repaired and checked again, and a record still with errors, over the token
limit, in the wrong format or repeating one already written goes to the rejects file with its
line and why. Records in = written + rejected, always. The output is clean JSON Lines (UTF-8, LF,
no blank lines), written atomically; the same input gives byte-identical files, and fixing a
fixed file changes nothing.

In place (`--in-place`, the pre-commit hook), only safe repairs apply and no record is ever
dropped: records with problems no repair fixes are kept as they are and counted, and the file is
rewritten only when something changed.
"""

from __future__ import annotations

import json
import os
import re
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from ftprep.config import Settings
from ftprep.fix.facts import MIXED_FORMATS, OVER_LIMIT, LintFacts, Problem, collect
from ftprep.fix.recheck import Rechecker
from ftprep.fix.repairs import Repair, choose, repair_record
from ftprep.fix.summary import FixSummary
from ftprep.lint.run import lint_job
from ftprep.lint.selection import active_rules
from ftprep.model.diagnostics import Location
from ftprep.model.errors import FtprepError
from ftprep.model.record import RecordFormat, detect_format
from ftprep.model.sources import FileStats, Source
from ftprep.parsing import BOM, parse_line
from ftprep.readers._encoding import binary_kind
from ftprep.readers._open import STDIN, open_input
from ftprep.readers._values import document_kind
from ftprep.readers.jsonl import other_format, read_lines, text_kind
from ftprep.writers import atomic_bytes


@dataclass(frozen=True)
class FixOptions:
    """What the user chose: which repairs, which duplicates to keep, what to do over the limit."""

    unsafe: bool = False
    keep_duplicates: frozenset[str] = frozenset()  # "exact", "near"
    over_limit: str = "drop"  # or "keep"
    in_place: bool = False


@dataclass
class _Run:
    """One input's pass 2: its facts, the re-checker, and where records go."""

    facts: LintFacts
    rechecker: Rechecker
    repairs: list[Repair]
    options: FixOptions
    summary: FixSummary
    out: IO[bytes]
    rejects: IO[bytes] | None
    stats: FileStats = field(default_factory=lambda: FileStats(""))


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
    settings: Settings, path: str, output: str, rejects: Path | None, options: FixOptions
) -> FixSummary:
    """Fix `path` into `output` (a file, written atomically, or - for stdout) and `rejects`.

    Nothing is written when no record survives: the summary says why, and an existing output
    is left as it was.
    """
    check_input(path)
    summary = FixSummary(path, output if output != STDIN else "<stdout>",
                         str(rejects) if rejects is not None else None)
    facts, rechecker, repairs = _lint(settings, path, options)
    summary.unsafe_available, summary.notes = facts.unsafe_available, facts.notes
    with _maybe_atomic(rejects) as rejects_stream:
        if output == STDIN:
            _pass2(_Run(facts, rechecker, repairs, options, summary, _stdout(), rejects_stream))
            return summary
        try:
            with atomic_bytes(Path(output)) as stream:
                _pass2(_Run(facts, rechecker, repairs, options, summary, stream, rejects_stream))
                if not summary.written:
                    raise _Abandon  # an empty training file is never a result
        except _Abandon:
            pass
    return summary


def fix_in_place(settings: Settings, path: str) -> FixSummary:
    """Apply the safe repairs to `path` itself; rewritten (atomically) only if anything changed.

    No record is dropped or rejected: duplicates and records over the limit are not even looked
    for, and a record with an error no safe repair fixes is kept (and counted).
    """
    check_input(path, in_place=True)
    options = FixOptions(in_place=True, keep_duplicates=frozenset({"exact", "near"}),
                         over_limit="keep")
    summary = FixSummary(path, path, in_place=True)
    facts, rechecker, repairs = _lint(settings, path, options)
    summary.notes = facts.notes
    try:
        with atomic_bytes(Path(path)) as stream:
            _pass2(_Run(facts, rechecker, repairs, options, summary, stream, None))
            if not summary.changed:
                raise _Abandon  # the file stays as it was, byte for byte, mtime included
    except _Abandon:
        pass
    return summary


class _Abandon(Exception):
    """Raised inside an atomic write to drop the temporary file and keep the old one."""


def _maybe_atomic(path: Path | None) -> Any:
    return atomic_bytes(path) if path is not None else nullcontext()


def _stdout() -> IO[bytes]:
    return sys.stdout.buffer


# -- pass 1 -----------------------------------------------------------------------------------


def _lint(
    settings: Settings, path: str, options: FixOptions
) -> tuple[LintFacts, Rechecker, list[Repair]]:
    rules = active_rules(settings)
    enabled = {active.code for active in rules}
    repairs = choose(enabled, unsafe=options.unsafe)
    job = lint_job(settings, [Source(path)])
    facts = collect(
        path, job.diagnostics(), rules, repairs, choose(enabled, unsafe=True),
        options.keep_duplicates, job.engine.summary.formats, options.unsafe,
    )
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
    return facts, Rechecker(job.engine, rules), repairs


# -- pass 2 -----------------------------------------------------------------------------------


def _pass2(run: _Run) -> None:
    facts = run.facts
    run.stats = FileStats(facts.path)
    for raw in read_lines(Source(facts.path), run.stats):
        data = raw.data
        if raw.crlf:
            run.summary.changes["FT003"] += 1
        if data.startswith(BOM):
            data = data[len(BOM):]
            run.summary.changes["FT002"] += 1
        if not data or data.isspace():
            run.summary.changes["FT004"] += 1
            continue
        run.summary.records += 1
        _line(run, raw.line, raw.offset, data)
    expected = facts.stats
    if expected is not None and (run.stats.lines, run.stats.bytes) != (expected.lines, expected.bytes):
        raise FtprepError(f"{facts.path}: the file changed while fix was reading it; nothing was written")


def _line(run: _Run, line: int, offset: int, data: bytes) -> None:
    facts, summary = run.facts, run.summary
    value, error = parse_line(data)
    problems = facts.problems.get(line, [])
    if error is not None or type(value) is not dict:
        message = error.message if error is not None else "line is not a JSON object"
        found = problems or [Problem("FT005" if error else "FT006", "", message, record=False)]
        _refuse(run, line, "error", found, None, data)
        return
    changes: list[str] = []
    written = data
    if line in facts.flagged:
        repaired, made = repair_record(value, run.repairs)
        if made:
            location = Location(facts.path, line, 1, offset)
            rechecked = run.rechecker.problems(repaired, location)
            before = {p.code for p in problems if p.record}
            new = sorted({p.code for p in rechecked if p.code != OVER_LIMIT} - before)
            if new:  # a repair never makes a record worse: keep it as it was
                summary.reverted.update(new)
            else:
                problems = [p for p in problems if not p.record] + rechecked
                changes = [change.code for change in made]
                written = dump_like(data, repaired)
    errors = [p for p in problems if p.code != OVER_LIMIT]
    over = [p for p in problems if p.code == OVER_LIMIT]
    reason, found = _verdict(run, line, value, errors, over)
    if reason is not None:
        if run.options.in_place:
            summary.keep(reason, [p.code for p in found])
        else:
            line_level = any(not p.record for p in found)  # duplicate keys: show the bytes
            _refuse(run, line, reason, found, None if line_level else value, data)
            return
    run.out.write(written + b"\n")
    facts.duplicates.written(line)
    summary.written += 1
    if changes:
        summary.repaired += 1
        summary.changes.update(changes)


# The separators after a line's first key: `{"messages": [` (Python's json module, and most
# files) or `{"messages":[` (orjson, JavaScript).
_FIRST_KEY = re.compile(rb'\{\s*"(?:[^"\\]|\\.)*"\s*:( ?)')


def dump_like(line: bytes, value: dict[str, Any]) -> bytes:
    """A repaired record in the style of the line it came from, so a diff shows the repair.

    Lines written by Python's json module (spaced separators, and ASCII escapes when the line
    has no raw non-ASCII byte but has escapes) are written that way; others compactly, as
    `convert` writes. Either way the JSON value is the same.
    """
    match = _FIRST_KEY.match(line)
    if match is None or not match.group(1):
        return orjson.dumps(value)
    escaped = line.isascii() and b"\\u" in line
    return json.dumps(value, ensure_ascii=escaped).encode()


def _verdict(
    run: _Run, line: int, value: dict[str, Any], errors: list[Problem], over: list[Problem]
) -> tuple[str | None, list[Problem]]:
    """Why the record is not written (None: it is), and the findings that say so."""
    if errors:
        return "error", errors
    if over and run.options.over_limit == "drop":
        return "over-limit", over
    majority = run.facts.majority
    fmt = detect_format(value).value if majority is not None else None
    if fmt is not None and fmt not in (majority, RecordFormat.UNKNOWN.value):
        message = f"a {fmt} record in a file of {majority} records"
        return "mixed-format", [Problem(MIXED_FORMATS, "", message)]
    dropped = run.facts.duplicates.dropped(line)
    if dropped is not None:
        message = f"repeats line {dropped.kept} ({dropped.message})"
        return "duplicate", [Problem(dropped.code, "", message)]
    return None, []


def _refuse(
    run: _Run, line: int, reason: str, problems: list[Problem], value: dict[str, Any] | None,
    data: bytes,
) -> None:
    """Reject a record (or, in place, keep it as it is and count it)."""
    if run.options.in_place:
        run.out.write(data + b"\n")
        run.summary.written += 1
        run.summary.keep(reason, [p.code for p in problems])
        return
    run.summary.reject(reason, [p.code for p in problems])
    if run.rejects is None:
        return
    document: dict[str, Any] = {
        "path": run.facts.path, "line": line, "reason": reason,
        "problems": [p.as_json() for p in problems],
    }
    if value is not None:
        document["record"] = value
    else:
        document["text"] = data.decode("utf-8", errors="replace")
    run.rejects.write(orjson.dumps(document) + b"\n")
