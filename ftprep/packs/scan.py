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
from ftprep.packs.texts import Text, plain_contents, record_texts

# Patterns per RE2 set: one DFA over hundreds of patterns can outgrow its memory, and a set
# that runs out of memory answers "no match". Small sets stay well inside `MAX_MEM`.
SET_SIZE = 32
SEPARATOR = b"\x00"


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
        for first in range(0, len(self._patterns), SET_SIZE):
            group = re2.Set.SearchSet(re2_options())
            for _slot, pattern in self._patterns[first : first + SET_SIZE]:
                group.Add(pattern.source)
            group.Compile()
            self._sets.append((first, group))
        self._fields = frozenset().union(*(slot.fields for slot in self.slots)) if self.slots else frozenset()
        # A plain record's strings are its contents plus roles and names (field "other").
        self._plain_fast = Field_.OTHER not in self._fields
        self._needs_content = Field_.CONTENT in self._fields

    def __bool__(self) -> bool:
        return bool(self.slots)

    # -- one batch ---------------------------------------------------------------------------

    def hits(self, records: Sequence[ScannedRecord]) -> list[Hit]:
        """Every accepted match in these records, in record, text and position order."""
        if not self.slots or not records:
            return []
        chunks: list[bytes] = []
        firsts: list[int] = []
        for record in records:
            firsts.append(len(chunks))
            for text in self._texts(record):
                chunks.append(text.encode("utf-8", "surrogatepass"))
        if not chunks:
            return []
        buffer = SEPARATOR + SEPARATOR.join(chunks) + SEPARATOR
        # starts[i]: where text i begins in the buffer (after its leading NUL)
        starts = list(accumulate((len(chunk) + 1 for chunk in chunks[:-1]), initial=1))
        matched = self._matching_patterns(buffer)
        if not matched:
            return []
        found: list[Hit] = []
        walked: dict[int, list[Text]] = {}
        for index in matched:
            slot, pattern = self._patterns[index]
            for match in pattern.regex.finditer(buffer):
                begin, end = match.span(pattern.group)
                unit = bisect_right(starts, begin) - 1
                if unit < 0 or end > starts[unit] + len(chunks[unit]):
                    continue  # spans a separator: not within one text
                number = bisect_right(firsts, unit) - 1
                texts = walked.get(number)
                if texts is None:
                    texts = walked[number] = self._meta(records[number])
                position = unit - firsts[number]
                text = texts[position]
                if not self._applies(slot, text):
                    continue
                raw = chunks[unit]
                offset = begin - starts[unit]
                start = len(raw[:offset].decode("utf-8", "surrogatepass"))
                stop = start + len(raw[offset : end - starts[unit]].decode("utf-8", "surrogatepass"))
                value = text.text[start:stop]
                if pattern.accepts(value, text.text, start, stop, slot.allow):
                    found.append(Hit(number, slot, pattern, position, text, start, stop, value))
        found.sort(key=lambda hit: (hit.record, hit.position, hit.start, -hit.end))
        return _without_overlaps(found)

    def _matching_patterns(self, buffer: bytes) -> list[int]:
        matched: list[int] = []
        for first, group in self._sets:
            matched.extend(first + index for index in group.Match(buffer) or ())
        return sorted(matched)

    def _texts(self, record: ScannedRecord) -> list[str]:
        if record.plain_shape and self._plain_fast:
            return plain_contents(record.data) if self._needs_content else []
        return [t.text for t in record_texts(record.data) if t.field in self._fields]

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
            column = column_in_string(record.text, first.text.pointer, first.start)
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
