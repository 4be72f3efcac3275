"""Where the records a dataset rule saw are, kept as columns instead of `Location` objects.

A duplicate rule must be able to point at any record at the end of the run, so it keeps every
record's position: as four integer columns (and a path index) that is ~30 bytes a record, a
million records in ~30 MB, where a million `Location` tuples would take several times that.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from ftprep.model.diagnostics import Location

# A diagnostic message lists at most this many member lines; `related` keeps them all.
MAX_LISTED = 10


class Rows:
    """Positions of records in the order they were added; row i is the i-th record added."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self._chunks: list[tuple[np.ndarray, np.ndarray]] = []  # (path ids, (4, n) int64)
        self._ids = np.zeros(0, dtype=np.int32)
        self._cols = np.zeros((4, 0), dtype=np.int64)  # line, column, offset, record
        self.count = 0

    def add(self, locations: Sequence[Location]) -> None:
        """Append the records at `locations` (one batch: usually one file)."""
        n = len(locations)
        if not n:
            return
        paths, lines, columns, offsets, records, _pointers, _origins = zip(*locations, strict=True)
        first = self._path_id(paths[0])
        if paths[0] == paths[-1] and all(p == paths[0] for p in paths):
            ids = np.full(n, first, dtype=np.int32)
        else:
            ids = np.fromiter((self._path_id(p) for p in paths), dtype=np.int32, count=n)
        cols = np.array(
            [lines, columns, offsets, [-1 if r is None else r for r in records]], dtype=np.int64
        )
        self._chunks.append((ids, cols))
        self.count += n

    def _path_id(self, path: str) -> int:
        found = self._path_ids.get(path)
        if found is None:
            found = self._path_ids[path] = len(self.paths)
            self.paths.append(path)
        return found

    def _merged(self) -> None:
        if self._chunks:
            self._ids = np.concatenate([self._ids, *(ids for ids, _cols in self._chunks)])
            self._cols = np.concatenate([self._cols, *(cols for _ids, cols in self._chunks)], axis=1)
            self._chunks = []

    def location(self, row: int) -> Location:
        self._merged()
        line, column, offset, record = (int(v) for v in self._cols[:, row])
        return Location(self.paths[int(self._ids[row])], line, column, offset,
                        None if record < 0 else record)

    def locations(self, rows: Sequence[int] | np.ndarray) -> tuple[Location, ...]:
        return tuple(self.location(int(row)) for row in rows)

    def path_of(self, row: int) -> str:
        self._merged()
        return self.paths[int(self._ids[row])]


def listed(locations: Sequence[Location], home: str) -> str:
    """`lines 7, 12; other.jsonl line 40` for members' positions, capped at `MAX_LISTED`,
    naming a file only where it is not `home` (the file of the diagnostic), and a column only
    for a value that does not start its line (a compact JSON array)."""
    groups: list[tuple[str, list[str]]] = []
    for loc in locations[:MAX_LISTED]:
        where = f"{loc.line}:{loc.column}" if loc.column > 1 else str(loc.line)
        if groups and groups[-1][0] == loc.path:
            groups[-1][1].append(where)
        else:
            groups.append((loc.path, [where]))
    parts = []
    for path, wheres in groups:
        lines = f"{'line' if len(wheres) == 1 else 'lines'} {', '.join(wheres)}"
        parts.append(lines if path == home else f"{_beside(path, home)} {lines}")
    more = len(locations) - MAX_LISTED
    return "; ".join(parts) + (f" and {more:,} more" if more > 0 else "")


def _beside(path: str, home: str) -> str:
    """A file's name when it is in `home`'s folder (the usual case: a directory was linted),
    else its path as given."""
    folder, name = os.path.split(path)
    return name if folder == os.path.dirname(home) else path
