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

from ftprep.model.diagnostics import Diagnostic

DUPLICATE_RULES = {"FT303": "exact", "FT304": "near"}
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
        for cluster in self._of_line.get(line, ()):
            self._kept.setdefault(cluster, line)
