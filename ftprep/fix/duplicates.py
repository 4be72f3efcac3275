"""Which duplicate records `fix` drops: the exact- and near-duplicate rules' clusters, by line.

The rules' contract (FT303 exact, FT304 near): one diagnostic per cluster, its location the
first member, `related` the later ones. `fix` keeps the first member that it writes and drops
the others: normally the diagnostic's own location, but when that record is rejected for an
error the next member takes its place, so a cluster never vanishes from the output entirely.
Any member order works, since clusters are taken as sets of lines.

Which kinds are dropped follows each rule's `SPEC.fix` safety, as for repairs: exact copies
(FT303, safe) by default, near copies (FT304, unsafe: they differ, so dropping one changes what
is learned) only with `--unsafe-fixes`; `--keep-duplicates` keeps a kind either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ftprep.model.diagnostics import Diagnostic
from ftprep.model.views import View, view_text
from ftprep.similarity import exact_key

EXACT, NEAR = "FT303", "FT304"
DUPLICATE_RULES = {EXACT: "exact", NEAR: "near"}
KINDS = tuple(DUPLICATE_RULES.values())


@dataclass(frozen=True, slots=True)
class Dropped:
    """Why a record is dropped: the rule, its message, and the line of the record kept."""

    code: str
    message: str
    kept: int


def members(diagnostic: Diagnostic, path: str) -> list[int]:
    """The lines of a cluster's members in `path` (a `--validation` file's are not ours)."""
    return sorted({
        location.line for location in (diagnostic.location, *diagnostic.related)
        if location.path == path and location.line > 0
    })


def dropped_codes(safe: dict[str, bool], keep: Iterable[str], unsafe: bool) -> set[str]:
    """The duplicate rules whose copies `fix` drops: `safe` maps each active duplicate rule to
    whether its fix is safe; `keep` names kinds kept whatever their safety."""
    kept = set(keep)
    return {
        code for code, is_safe in safe.items()
        if DUPLICATE_RULES.get(code) not in kept and (is_safe or unsafe)
    }


class Duplicates:
    """Duplicate clusters of one file, and which member of each has been written."""

    def __init__(self, path: str, drop: Iterable[str] = DUPLICATE_RULES) -> None:
        self.path = path
        self.drop = frozenset(drop)  # the codes whose clusters are dropped
        self._clusters: list[tuple[str, str]] = []  # cluster -> (code, message)
        self._of_line: dict[int, list[int]] = {}  # line -> its clusters
        self._kept: dict[int, int] = {}  # cluster -> line written

    def add(self, diagnostic: Diagnostic) -> bool:
        """Take a diagnostic's cluster if it is one of the rules whose copies are dropped."""
        if diagnostic.code not in self.drop:
            return False
        lines = members(diagnostic, self.path)
        if len(lines) < 2:
            return False
        cluster = len(self._clusters)
        self._clusters.append((diagnostic.code, diagnostic.message))
        for line in lines:
            self._of_line.setdefault(line, []).append(cluster)
        return True

    def __contains__(self, line: int) -> bool:
        return line in self._of_line

    def __bool__(self) -> bool:
        return bool(self._clusters)

    def dropped(self, line: int) -> Dropped | None:
        """Why the record at `line` is dropped, or None when it is the one its clusters keep."""
        for cluster in self._of_line.get(line, ()):
            kept = self._kept.get(cluster)
            if kept is not None and kept != line:
                code, message = self._clusters[cluster]
                return Dropped(code, message, kept)
        return None

    def written(self, line: int) -> None:
        """The record at `line` was written: it is the member its clusters keep."""
        self.stands_for(line, line)

    def stands_for(self, line: int, kept: int) -> None:
        """The record at `line` is in the output as the record at `kept` (itself, when written;
        the record it repeats, when dropped as a copy): its clusters are kept by `kept`."""
        for cluster in self._of_line.get(line, ()):
            self._kept.setdefault(cluster, kept)


class WrittenKeys:
    """FT303's key of every record written, to drop a record a repair made a copy of another.

    The lint run saw the records before their repairs: `developer` and `system` versions of one
    example are two examples to it and one after the repair, so without this the next `fix`
    would drop one of them, and fixing would not be idempotent. The key is FT303's own (the
    configured text, normalised: `ftprep.model.views`, `ftprep.similarity.exact_key`); records
    with no text to compare are never copies, as for the rule.
    """

    def __init__(self, view: View) -> None:
        self.view = view
        self._empty = {exact_key(""), exact_key(view_text({}, view))}
        self._first: dict[int, int] = {}  # key -> line of the record written with it

    def key(self, data: dict[str, Any]) -> int | None:
        key = exact_key(view_text(data, self.view))
        return None if key in self._empty else key

    def copy_of(self, key: int | None, line: int) -> int | None:
        """The line of the record written before with this key, if any."""
        first = self._first.get(key) if key is not None else None
        return first if first is not None and first != line else None

    def written(self, key: int | None, line: int) -> None:
        if key is not None:
            self._first.setdefault(key, line)
