"""What the HTML report keeps of the diagnostic stream: counts, the first rows, the biggest
duplicate groups. Bounded by the number of rules, files and the caps here, never by how many
problems a large dataset has, so a report of a million-line file stays small in memory and size.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

from ftprep.model.diagnostics import Diagnostic, Severity

TABLE_ROWS = 200  # problems listed in the table; the rest are counted
CLUSTER_ROWS = 15  # largest duplicate groups listed per rule
DUPLICATE_RULES = {"FT303": "exact copies", "FT304": "near copies"}


@dataclass(frozen=True, order=True)
class Cluster:
    """A group of copies as a duplicate rule reported it: its first example and its size."""

    size: int
    order: int  # negative arrival order, so among equal sizes the earliest reported wins
    where: str = field(compare=False)
    message: str = field(compare=False)


@dataclass
class Collected:
    by_rule: Counter[tuple[str, Severity]] = field(default_factory=Counter)
    names: dict[str, str] = field(default_factory=dict)
    by_file: Counter[tuple[str, Severity]] = field(default_factory=Counter)
    rows: list[Diagnostic] = field(default_factory=list)
    total: int = 0
    cluster_sizes: dict[str, Counter[int]] = field(default_factory=dict)
    largest: dict[str, list[Cluster]] = field(default_factory=dict)  # min-heaps

    def add(self, diagnostic: Diagnostic) -> None:
        code, severity = diagnostic.code, diagnostic.severity
        self.total += 1
        self.by_rule[(code, severity)] += 1
        self.names.setdefault(code, diagnostic.name)
        self.by_file[(diagnostic.location.path, severity)] += 1
        if len(self.rows) < TABLE_ROWS:
            self.rows.append(diagnostic)
        if code in DUPLICATE_RULES and diagnostic.related:
            self._cluster(diagnostic)

    def _cluster(self, diagnostic: Diagnostic) -> None:
        code = diagnostic.code
        size = len(diagnostic.related) + 1
        self.cluster_sizes.setdefault(code, Counter())[size] += 1
        location = diagnostic.location
        where = f"{location.path}:{location.line}" if location.line else location.path
        cluster = Cluster(size, -self.total, where, diagnostic.message)
        heap = self.largest.setdefault(code, [])
        if len(heap) < CLUSTER_ROWS:
            heapq.heappush(heap, cluster)
        elif cluster > heap[0]:
            heapq.heapreplace(heap, cluster)

    def clusters(self, code: str) -> list[Cluster]:
        """The largest groups a rule reported, biggest first, earliest first among equals."""
        return sorted(self.largest.get(code, []), reverse=True)

    def rules(self) -> list[tuple[str, dict[Severity, int]]]:
        """(code, count by severity) for each rule that reported, most problems first."""
        return _grouped(self.by_rule)

    def files(self) -> list[tuple[str, dict[Severity, int]]]:
        return _grouped(self.by_file)


def _grouped(counts: Counter[tuple[str, Severity]]) -> list[tuple[str, dict[Severity, int]]]:
    grouped: dict[str, dict[Severity, int]] = {}
    for (key, severity), n in counts.items():
        grouped.setdefault(key, {})[severity] = n
    return sorted(grouped.items(), key=lambda item: (-sum(item[1].values()), item[0]))
