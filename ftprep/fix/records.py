"""Pass 2 of `fix`: stream the input again and decide each line from what the lint run said.

A line no rule with a chosen repair reported is written as it was read (minus a byte-order mark
and CR); a reported one is repaired and checked again. A record still with errors, over the
token limit, in the wrong format or repeating one already written goes to the rejects file with
its line and why (in place: it is kept, and counted). Records in = written + rejected.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from ftprep.fix.duplicates import EXACT
from ftprep.fix.facts import MIXED_FORMATS, OVER_LIMIT, LintFacts, Problem
from ftprep.fix.recheck import Rechecker
from ftprep.fix.redact import Redactor
from ftprep.fix.repairs import Change, Repair, repair_record
from ftprep.fix.summary import FixSummary
from ftprep.model.diagnostics import Location
from ftprep.model.errors import FtprepError
from ftprep.model.progress import NO_PROGRESS, Progress
from ftprep.model.record import RecordFormat, detect_format
from ftprep.model.sources import FileStats, Source
from ftprep.model.views import View, view_text
from ftprep.parsing import BOM, parse_line
from ftprep.readers.jsonl import read_lines
from ftprep.similarity import near_normalize


@dataclass(frozen=True)
class FixOptions:
    """What the user chose: which repairs, which duplicates to keep, what to do over the limit."""

    unsafe: bool = False
    keep_duplicates: frozenset[str] = frozenset()  # "exact", "near"
    over_limit: str = "drop"  # or "keep"
    in_place: bool = False
    redact: tuple[str, ...] | None = None  # --redact: None off, () the default rules, or selectors


@dataclass
class Pass:
    """One pass over one input: its facts, the re-checker, and where records go.

    `written_lines` (when set) collects the input line of every line written, and `near` (FT304's
    text, when set) turns on noticing a repair that changed the text near duplicates compare:
    together they let a second round map its rejects back (`origin`) to the input's lines.
    """

    facts: LintFacts
    rechecker: Rechecker
    repairs: list[Repair]
    options: FixOptions
    summary: FixSummary
    out: IO[bytes]
    rejects: IO[bytes] | None
    written_lines: array[int] | None = None
    near: View | None = None
    near_changed: bool = False
    origin: tuple[str, array[int]] | None = None  # the input, and its line per line read here
    redactor: Redactor | None = None  # --redact
    stats: FileStats = field(default_factory=lambda: FileStats(""))
    progress: Progress = NO_PROGRESS


PROGRESS_EVERY = 4096  # lines between progress reports, as the lint engine's batches


def run_pass(run: Pass) -> None:
    facts = run.facts
    run.stats = FileStats(facts.path)
    expected = facts.stats
    # Bytes of the decompressed text, whose size the lint pass measured.
    run.progress.start(f"fixing {facts.path}", expected.bytes if expected is not None else None)
    for raw in read_lines(Source(facts.path), run.stats):
        if raw.line % PROGRESS_EVERY == 0:
            run.progress.update(raw.offset, run.summary.records)
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
    run.progress.update(run.stats.bytes, run.summary.records)
    if expected is not None and (run.stats.lines, run.stats.bytes) != (expected.lines, expected.bytes):
        raise FtprepError(f"{facts.path}: the file changed while fix was reading it; nothing was written")


def _line(run: Pass, line: int, offset: int, data: bytes) -> None:
    facts, summary = run.facts, run.summary
    value, error = parse_line(data)
    problems = facts.problems.get(line, [])
    if error is not None or type(value) is not dict:
        message = error.message if error is not None else "line is not a JSON object"
        found = problems or [Problem("FT005" if error else "FT006", "", message, record=False)]
        _refuse(run, line, "error", found, None, data)
        return
    record, written, changes = value, data, list[Change]()
    if line in facts.flagged:
        record, written, problems, changes = _repair(run, line, offset, data, value, problems)
    keys = facts.written_keys
    key = keys.key(record) if keys is not None else None
    errors = [p for p in problems if p.code != OVER_LIMIT]
    over = [p for p in problems if p.code == OVER_LIMIT]
    reason, found = _verdict(run, line, record, errors, over)
    if reason is None:
        copy = _copy_of(run, line, key)
        reason, found = ("duplicate", [copy]) if copy is not None else (None, [])
    if reason is not None:
        if run.options.in_place:
            summary.keep(reason, [p.code for p in found])
        else:
            line_level = any(not p.record for p in found)  # duplicate keys: show the bytes
            _refuse(run, line, reason, found, None if line_level else value, data)
            return
    run.out.write(written + b"\n")
    if run.written_lines is not None:
        run.written_lines.append(line)
    if changes and run.near is not None and not run.near_changed:
        run.near_changed = _near_text(record, run.near) != _near_text(value, run.near)
    facts.duplicates.written(line)
    if keys is not None:
        keys.written(key, line)
    summary.written += 1
    if changes:
        summary.count(changes)


def _repair(
    run: Pass, line: int, offset: int, data: bytes, value: dict[str, Any], problems: list[Problem]
) -> tuple[dict[str, Any], bytes, list[Problem], list[Change]]:
    """The record repaired (and redacted), its line, its problems now and its changes; or the
    record as it was when no repair applies or a repair would make a new error appear."""
    repaired, made = repair_record(value, run.repairs)
    if run.redactor is not None:  # after the repairs: a decoded argument is redacted too
        repaired, hidden = run.redactor.redact(repaired)
        made = made + hidden
    if not made:
        return value, data, problems, []
    rechecked = run.rechecker.problems(repaired, Location(run.facts.path, line, 1, offset))
    before = {p.code for p in problems if p.record}
    new = sorted({p.code for p in rechecked if p.code != OVER_LIMIT} - before)
    if new:  # a repair never makes a record worse: keep it as it was
        run.summary.reverted.update(new)
        return value, data, problems, []
    kept = [p for p in problems if not p.record]  # the line's own (duplicate keys) stay
    return repaired, dump_like(data, repaired), kept + rechecked, made


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
    run: Pass, line: int, value: dict[str, Any], errors: list[Problem], over: list[Problem]
) -> tuple[str | None, list[Problem]]:
    """Why the record is not written, copies aside (None: it is), and the findings that say so."""
    if errors:
        return "error", errors
    if over and run.options.over_limit == "drop":
        return "over-limit", over
    majority = run.facts.majority
    fmt = detect_format(value).value if majority is not None else None
    if fmt is not None and fmt not in (majority, RecordFormat.UNKNOWN.value):
        message = f"a {fmt} record in a file of {majority} records"
        return "mixed-format", [Problem(MIXED_FORMATS, "", message)]
    return None, []


def _copy_of(run: Pass, line: int, key: int | None) -> Problem | None:
    """Why the record is dropped as a copy of one written before, or None when it is not.

    A dropped copy stands for the record it repeats: its other clusters (and its key) count
    as kept by that record, so a copy of the copy is dropped too. (FT304 leaves exact copies to
    FT303: B near A and C exactly B make two clusters, {A, B} and {B, C}.)
    """
    duplicates, keys = run.facts.duplicates, run.facts.written_keys
    dropped = duplicates.dropped(line)
    if dropped is not None:
        kept, code = dropped.kept, dropped.code
        if run.origin is not None:  # a second round: its lines are the first round's output
            message = f"repeats line {run.origin[1][kept - 1]} once repaired"
        else:
            message = f"repeats line {kept}; {code} reported: {dropped.message}"
    else:
        copy = keys.copy_of(key, line) if keys is not None else None
        if copy is None:
            return None
        kept, code, message = copy, EXACT, f"repeats line {copy} once repaired"
    duplicates.stands_for(line, kept)
    if keys is not None:
        keys.written(key, kept)
    return Problem(code, "", message)


def _refuse(
    run: Pass, line: int, reason: str, problems: list[Problem], value: dict[str, Any] | None,
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
    path = run.facts.path
    if run.origin is not None:  # a second round: say where the record was in the input
        path, line = run.origin[0], run.origin[1][line - 1]
    document: dict[str, Any] = {
        "path": path, "line": line, "reason": reason,
        "problems": [p.as_json() for p in problems],
    }
    if value is not None:
        document["record"] = value
    else:
        document["text"] = data.decode("utf-8", errors="replace")
    run.rejects.write(orjson.dumps(document) + b"\n")


def _near_text(data: dict[str, Any], view: View) -> str:
    return near_normalize(view_text(data, view))
