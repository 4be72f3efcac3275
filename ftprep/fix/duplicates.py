"""Which duplicate records `fix` drops: the exact- and near-duplicate rules' clusters, by line.

The rules' contract (FT303 exact, FT304 near): one diagnostic per cluster, its location the
first member, `related` the later ones. `fix` keeps the first member that it writes and drops
the others: normally the diagnostic's own location, but when that record is rejected for an
error the next member takes its place, so a cluster never vanishes from the output entirely.
Any member order works, since clusters are taken as sets of lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ftprep.model.diagnostics import Diagnostic

DUPLICATE_RULES = {"FT303": "exact", "FT304": "near"}
KINDS = tuple(DUPLICATE_RULES.values())


@dataclass(frozen=True, slots=True)
class Dropped:
    """Why a record is dropped: the rule, its message, and the line of the record kept."""

    code: str
    message: str
    kept: int


class Duplicates:
    """Duplicate clusters of one file, and which member of each has been written."""

    def __init__(self, path: str, keep: Iterable[str] = ()) -> None:
        self.path = path
        self.keep = frozenset(keep)  # kinds kept: "exact", "near"
        self._clusters: list[tuple[str, str]] = []  # cluster -> (code, message)
        self._of_line: dict[int, list[int]] = {}  # line -> its clusters
        self._kept: dict[int, int] = {}  # cluster -> line written

    def add(self, diagnostic: Diagnostic) -> bool:
        """Take a diagnostic's cluster if it is a duplicate rule's and its kind is not kept."""
        kind = DUPLICATE_RULES.get(diagnostic.code)
        if kind is None or kind in self.keep:
            return False
        lines = sorted({
            location.line for location in (diagnostic.location, *diagnostic.related)
            if location.path == self.path and location.line > 0
        })
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
        for cluster in self._of_line.get(line, ()):
            self._kept.setdefault(cluster, line)
