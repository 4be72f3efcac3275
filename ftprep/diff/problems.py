"""Which problems a change introduces and which it fixes, without linting the old version whole.

NEW is linted in full; OLD only where it differs (its removed and edited examples, and broken
lines that went away), so each problem is judged by the example it is on:

- on an example both versions hold (same identity): it existed before, the rules being
  deterministic on a record's content;
- on an added example: new; on an edited one: new unless the old example had a problem of the
  same rule at the same JSON pointer (compared as a multiset), which is then not fixed either;
- on a unit that is not a record (a broken or blank line): new unless OLD had the same bytes;
- a dataset-level problem (duplicates, leakage, outliers) that names an added or edited example
  among its locations is new; one naming only unchanged examples existed before; one tied to
  no example (the label balance, the dataset's size) is listed as not compared;
- every problem OLD's re-lint finds on a removed example or a vanished line is fixed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ftprep.diff.identity import unit_identity
from ftprep.diff.match import Example
from ftprep.diff.old import OldIndex, identity_of
from ftprep.diff.result import Problems
from ftprep.lint.baseline_lines import RecordLines
from ftprep.lint.engine import INTERNAL_ERROR
from ftprep.model.diagnostics import Diagnostic, Location
from ftprep.model.lines import Line
from ftprep.model.sources import RawLine
from ftprep.registry import Scope

Key = tuple[str, int]  # (path, byte offset of the unit)


def _key(location: Location) -> Key:
    return location.path, location.offset


class Triage:
    """Sorts NEW's diagnostics as they stream, then OLD's, then settles edited examples."""

    def __init__(self, scopes: dict[str, Scope], old: OldIndex) -> None:
        self.scopes = scopes
        self.old = old
        self.changed: set[Key] = set()  # NEW's added and edited examples
        self.on_changed: dict[Key, list[Diagnostic]] = {}
        self.on_removed: dict[Key, list[Diagnostic]] = {}  # OLD's re-lint, by OLD unit
        self.new: list[Diagnostic] = []
        self.uncompared: list[Diagnostic] = []
        self.internal: list[Diagnostic] = []
        self._units: dict[Key, bool] = {}  # a non-record unit of NEW: whether it is new
        self._lines = RecordLines()

    def observe_new(self, diagnostic: Diagnostic) -> None:
        if diagnostic.code == INTERNAL_ERROR:
            self.internal.append(diagnostic)
            return
        location = diagnostic.location
        if self.scopes.get(diagnostic.code) is Scope.DATASET or location.line <= 0:
            places = [location, *diagnostic.related]
            if any(_key(place) in self.changed for place in places if place.line > 0):
                self.new.append(diagnostic)
            elif not any(place.line > 0 for place in places):
                self.uncompared.append(diagnostic)
            return
        key = _key(location)
        if key in self.changed:
            self.on_changed.setdefault(key, []).append(diagnostic)
        elif location.record is None and self._new_unit(location):
            self.new.append(diagnostic)

    def _new_unit(self, location: Location) -> bool:
        """A line-rule problem off any changed example: new only on a non-record unit OLD did
        not have (read back by offset, as baselines do)."""
        key = _key(location)
        verdict = self._units.get(key)
        if verdict is None:
            data = self._lines.line_of(location)
            if data is None:  # cannot be read back (a pipe): judged new, to be safe
                verdict = True
            else:
                raw = RawLine(location.path, location.line, location.offset, data, False)
                _identity, is_record = identity_of(Line(raw))
                verdict = not is_record and not self.old.take(unit_identity(data))
            self._units[key] = verdict
        return verdict

    def observe_old(self, diagnostic: Diagnostic) -> None:
        if diagnostic.code == INTERNAL_ERROR:
            self.internal.append(diagnostic)
        else:
            self.on_removed.setdefault(_key(diagnostic.location), []).append(diagnostic)

    def settle(self, pairs: Iterable[tuple[Example, Example]]) -> Problems:
        """Judge the problems on edited examples by the old example each replaced."""
        fixed: list[Diagnostic] = []
        for old, new in pairs:
            before = self.on_removed.pop(old.key, [])
            after = self.on_changed.pop(new.key, [])
            left = Counter((d.code, d.location.pointer) for d in before)
            for diagnostic in after:
                mark = (diagnostic.code, diagnostic.location.pointer)
                if left[mark] > 0:
                    left[mark] -= 1
                else:
                    self.new.append(diagnostic)
            for diagnostic in before:
                mark = (diagnostic.code, diagnostic.location.pointer)
                if left[mark] > 0:
                    left[mark] -= 1
                    fixed.append(diagnostic)
        for found in self.on_changed.values():  # on added examples
            self.new.extend(found)
        for found in self.on_removed.values():  # on removed examples and vanished lines
            fixed.extend(found)
        self._lines.close()
        return Problems(
            tuple(sorted(self.new, key=Diagnostic.sort_key)), tuple(sorted(fixed, key=Diagnostic.sort_key)),
            tuple(sorted(self.uncompared, key=Diagnostic.sort_key)), tuple(self.internal),
        )
