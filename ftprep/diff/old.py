"""The old version in two cheap passes: identities first, then only the units that went away.

Pass 1 parses every unit and keeps its 16-byte identity, in order, and a multiset of them: no
texts, no token counts, 16 bytes per unit plus a dict entry per distinct one. While the new
version is linted, each of its examples takes its identity out of the multiset; what is left
afterwards was removed (or edited). Pass 2 reads the old version again without parsing and
hands only those units on, to be linted alone and paired with the additions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from ftprep.diff.identity import DIGEST_BYTES, record_identity, unit_identity
from ftprep.diff.versions import Version
from ftprep.model.lines import Line
from ftprep.model.sources import RawLine


def identity_of(line: Line) -> tuple[bytes, bool]:
    """(identity, whether the unit is a record) as the engine would decide it."""
    if type(line.value) is dict and line.error is None:
        return record_identity(line.value), True
    return unit_identity(line.raw.data), False


class OldIndex:
    """Identities of the old version's units, in file order, and those not yet matched."""

    def __init__(self) -> None:
        self.order: list[bytearray] = []  # per file: DIGEST_BYTES per unit
        self.remaining: Counter[bytes] = Counter()
        self.examples = 0

    @classmethod
    def scan(cls, versions: Sequence[Version]) -> OldIndex:
        index = cls()
        for version in versions:
            order = bytearray()
            with version.units() as units:
                for raw in units:
                    identity, is_record = identity_of(Line(raw))
                    order += identity
                    index.remaining[identity] += 1
                    index.examples += is_record
            index.order.append(order)
        return index

    def take(self, identity: bytes) -> bool:
        """Match one unit of the new version against an old one; False when none is left."""
        left = self.remaining.get(identity, 0)
        if not left:
            return False
        if left == 1:
            del self.remaining[identity]
        else:
            self.remaining[identity] = left - 1
        return True

    def unmatched(self, versions: Sequence[Version]) -> Iterator[tuple[Version, Iterator[RawLine]]]:
        """Pass 2: per old file, its units that nothing in the new version matched."""
        left = Counter(self.remaining)
        for version, order in zip(versions, self.order, strict=True):
            with version.units() as units:
                yield version, _unmatched(units, order, left)


def _unmatched(units: Iterator[RawLine], order: bytearray, left: Counter[bytes]) -> Iterator[RawLine]:
    for number, raw in enumerate(units):
        identity = bytes(order[number * DIGEST_BYTES:(number + 1) * DIGEST_BYTES])
        if left.get(identity, 0) > 0:
            left[identity] -= 1
            yield raw
