"""Run content rules over a batch of records in one pass of RE2.

The texts of a whole batch (thousands of records) are encoded and joined with NUL bytes into
one buffer. An RE2 set answers, in one linear pass, which patterns match anywhere in it; on
clean data that is almost none, and the batch costs one scan. Only a pattern that matched is
run again to find where, and only a record with a match is walked again to learn the pointer,
role and field of the text (`texts.record_texts`). So the cost grows with the bytes of text,
barely with the number of patterns (see bench/bench_content.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NamedTuple, Protocol

import re2

from ftprep.model.diagnostics import Finding
from ftprep.model.pointer import column_in_string
from ftprep.packs.compiled import PackRule, Pattern, re2_options
from ftprep.packs.render import describe_where, render_match
from ftprep.packs.schema import Field_
from ftprep.packs.texts import Text, plain_contents, record_strings, record_texts

# Patterns per RE2 set, and the memory its DFA may take. Each set is one pass over the text,
# so fewer, bigger sets are faster while the DFA cache holds: the ~100 shipped patterns in one
# set scan 16-record windows at ~230 MB/s with 32 MiB or more, 4 sets of 32 at ~100 MB/s, and
# one set in 8 MiB thrashes (8 MB/s). Measured with bench/bench_content.py's patterns.
SET_SIZE = 128
SET_MEMORY = 64 << 20
SEPARATOR = b"\x00"
# Records per set pass (see `ContentScanner.hits`): 16 records (~18 kB of chat text) keep the
# calls few and the rescans small (bench/bench_content.py).
WINDOW = 16
# A set whose DFA runs out of memory answers "no match" rather than fail. Every set also holds
# this pattern, which matches the buffer's end (three NULs, which ends every buffer): when it
# is missing from a set's answer, the set failed, and each of its patterns runs on its own
# (a single RE2 regex falls back to slower matching instead of failing).
_SENTINEL = b"\x00\x00\x00\\z"
_TRAILER = b"\x00\x00"


class ScannedRecord(Protocol):
    """What the scanner reads of a record (`ftprep.model.record.Record` is one)."""

    data: dict[str, Any]
    plain_shape: bool


@dataclass(frozen=True, eq=False)
class Slot:
    """A rule as selected for a run: its options applied over the pack's defaults.

    `key` is the caller's handle for the rule (the engine's `ActiveRule`)."""

    rule: PackRule
    key: Any = None
    roles: frozenset[str] | None = None
    fields: frozenset[Field_] = frozenset()
    allow: tuple[str, ...] = ()

    @classmethod
    def of(cls, rule: PackRule, options: Any = None, key: Any = None) -> Slot:
        """`options` is a `PackOptions` from the configuration, or None for the defaults."""
        roles = getattr(options, "roles", None)
        fields = getattr(options, "fields", None)
        allow = tuple(word.lower() for word in getattr(options, "allow", ()) or ())
        chosen_roles = rule.spec.roles if roles is None else roles
        return cls(
            rule, key, frozenset(chosen_roles) or None,
            frozenset(rule.spec.fields if fields is None else fields), allow,
        )


class Hit(NamedTuple):
    """One accepted match: which record of the batch, which rule, which text, where in it."""

    record: int
    slot: Slot
    pattern: Pattern
    position: int  # the text's index among the record's scanned texts
    text: Text
    start: int  # character offsets into text.text
    end: int
    found: str


class ContentScanner:
    """The selected content rules, ready to scan batches of records."""

    def __init__(self, slots: Sequence[Slot]) -> None:
        self.slots = list(slots)
        self._patterns: list[tuple[Slot, Pattern]] = [
            (slot, pattern) for slot in self.slots for pattern in slot.rule.patterns
        ]
        self._sets = []
        options = re2_options()
        options.max_mem = SET_MEMORY
        for first in range(0, len(self._patterns), SET_SIZE):
            group = re2.Set.SearchSet(options)
            members = self._patterns[first : first + SET_SIZE]
            for _slot, pattern in members:
                group.Add(pattern.source)
            group.Add(_SENTINEL)
            group.Compile()
            self._sets.append((first, len(members), group))
        self._fields = frozenset().union(*(slot.fields for slot in self.slots)) if self.slots else frozenset()
        # A plain record's strings are its contents plus roles and names (field "other").
        self._plain_fast = Field_.OTHER not in self._fields
        self._needs_content = Field_.CONTENT in self._fields

    def __bool__(self) -> bool:
        return bool(self.slots)

    # -- one batch ---------------------------------------------------------------------------

    def hits(self, records: Sequence[ScannedRecord]) -> list[Hit]:
        """Every accepted match in these records, in record, text and position order.

        The sets run over windows of `WINDOW` records, not the whole batch: a pattern that
        matched runs again only over the windows where it did (an e-mail pattern matching
        somewhere in every batch would otherwise rescan every batch in full)."""
        if not self.slots or not records:
            return []
        texts: list[str] = []
        firsts: list[int] = []  # index of each record's first text; one more entry at the end
        for record in records:
            firsts.append(len(texts))
            texts += self._texts(record)
        if not texts:
            return []
        firsts.append(len(texts))
        chunks = [text.encode("utf-8", "surrogatepass") for text in texts]
        found: list[Hit] = []
        walked: dict[int, list[Text]] = {}
        for window in range(0, len(records), WINDOW):
            last = min(window + WINDOW, len(records))
            low, high = firsts[window], firsts[last]
            if low == high:
                continue
            part = chunks[low:high]
            buffer = SEPARATOR + SEPARATOR.join(part) + SEPARATOR + _TRAILER
            matched = self._matching_patterns(buffer)
            if not matched:
                continue
            # starts[k]: where text low + k begins in the buffer (after its leading NUL)
            starts = list(accumulate((len(chunk) + 1 for chunk in part[:-1]), initial=1))
            for index in matched:
                slot, pattern = self._patterns[index]
                for match in pattern.regex.finditer(buffer):
                    begin, end = match.span(pattern.group)
                    k = bisect_right(starts, begin) - 1
                    if k < 0 or end > starts[k] + len(part[k]):
                        continue  # spans a separator: not within one text
                    unit = low + k
                    number = bisect_right(firsts, unit, window, last) - 1
                    meta = walked.get(number)
                    if meta is None:
                        meta = walked[number] = self._meta(records[number])
                    position = unit - firsts[number]
                    text = meta[position]
                    if not self._applies(slot, text):
                        continue
                    raw = part[k]
                    offset = begin - starts[k]
                    start = len(raw[:offset].decode("utf-8", "surrogatepass"))
                    stop = start + len(raw[offset : end - starts[k]].decode("utf-8", "surrogatepass"))
                    value = text.text[start:stop]
                    if pattern.accepts(value, text.text, start, stop, slot.allow):
                        found.append(Hit(number, slot, pattern, position, text, start, stop, value))
        found.sort(key=lambda hit: (hit.record, hit.position, hit.start, -hit.end))
        return _without_overlaps(found)

    def _matching_patterns(self, buffer: bytes) -> list[int]:
        matched: list[int] = []
        for first, size, group in self._sets:
            found = group.Match(buffer) or []
            if size not in found:  # the sentinel is missing: this set failed, trust none of it
                matched.extend(range(first, first + size))
                continue
            matched.extend(first + index for index in found if index < size)
        return sorted(matched)

    def _texts(self, record: ScannedRecord) -> list[str]:
        if record.plain_shape and self._plain_fast:
            return plain_contents(record.data) if self._needs_content else []
        return record_strings(record.data, self._fields)

    def _meta(self, record: ScannedRecord) -> list[Text]:
        if record.plain_shape and self._plain_fast:
            if not self._needs_content:
                return []
            return [
                Text(f"/messages/{i}/content", m["role"], Field_.CONTENT, m["content"])
                for i, m in enumerate(record.data["messages"])
            ]
        return [t for t in record_texts(record.data) if t.field in self._fields]

    @staticmethod
    def _applies(slot: Slot, text: Text) -> bool:
        if text.field not in slot.fields:
            return False
        if slot.roles is not None and text.role not in slot.roles:
            return False
        return len(text.text) >= slot.rule.spec.min_length

    # -- findings ----------------------------------------------------------------------------

    def findings(self, records: Sequence[Any]) -> list[tuple[int, Slot, Finding]]:
        """One finding per rule and text: the first match, and how many more the text holds.

        `records` also need `.text` (the record's JSON text) for the finding's exact column."""
        out: list[tuple[int, Slot, Finding]] = []
        groups: dict[tuple[int, int, int], list[Hit]] = {}
        order = {id(slot): n for n, slot in enumerate(self.slots)}
        for hit in self.hits(records):
            groups.setdefault((hit.record, order[id(hit.slot)], hit.position), []).append(hit)
        for (number, _slot, _position), hits in sorted(groups.items()):
            first = hits[0]
            record = records[number]
            message = _message(first, len(hits))
            column = column_in_string(record.text, first.text.pointer, first.start, first.text.text)
            out.append((number, first.slot, Finding(first.text.pointer, message, column=column)))
        return out


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """One rule reports a stretch of text once: a generic pattern overlapping a specific one
    (a bare `sk-` key inside an `sk-proj-` match) adds nothing."""
    kept: list[Hit] = []
    reach: dict[tuple[int, int, int], int] = {}
    for hit in hits:
        key = (hit.record, id(hit.slot), hit.position)
        if hit.start < reach.get(key, -1):
            continue
        reach[key] = hit.end
        kept.append(hit)
    return kept


def _message(hit: Hit, count: int) -> str:
    spec = hit.slot.rule.spec
    label = hit.pattern.spec.label or spec.name.replace("-", " ")
    message = spec.message.format(
        label=label, match=render_match(hit.found, spec.show), where=describe_where(hit.text),
        role=hit.text.role or "", field=hit.text.field.value, count=count,
    )
    return message if count == 1 else f"{message} (and {count - 1} more in this text)"
