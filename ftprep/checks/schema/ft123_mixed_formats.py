"""FT123 mixed-formats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck, RunContext
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.model.sources import FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT123", name="mixed-formats", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="One file holds records of more than one format (chat, preference, "
            "prompt/completion, text).",
    why="A training file has one format: the provider decides it from the file (Together "
        "checks every line against the first; its server rejects a file with two possible "
        "formats). A few records of another format are usually rows from another export "
        "pasted in; they fail the job or are silently dropped.",
    bad="(a file of 95 chat records and 5 prompt/completion records)",
    good="(a file of chat records only)",
)

_NAMES = {
    RecordFormat.CHAT: "chat",
    RecordFormat.PREFERENCE: "preference",
    RecordFormat.PROMPT_COMPLETION: "prompt/completion",
    RecordFormat.TEXT: "text",
}


class Check(DatasetCheck):
    def __init__(self, options: None, context: RunContext) -> None:
        super().__init__(options, context)
        self.counts: Counter[RecordFormat] = Counter()
        self.first: dict[RecordFormat, Location] = {}

    def observe(self, record: Record) -> None:
        fmt = record.format
        if fmt is RecordFormat.UNKNOWN:
            return  # FT100 reports each of these
        self.counts[fmt] += 1
        if fmt not in self.first:
            self.first[fmt] = record.location

    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        counts, first = self.counts, self.first
        self.counts, self.first = Counter(), {}
        if len(counts) < 2:
            return
        ranked = counts.most_common()  # ties keep first-seen order: the file's own majority
        minority = [first[fmt] for fmt, _count in ranked[1:]]
        parts = ", ".join(
            f"{count:,} {_NAMES[fmt]}" + ("" if i == 0 else f" (first at line {first[fmt].line})")
            for i, (fmt, count) in enumerate(ranked)
        )
        at = min(minority)  # the earliest: locations in one file order by line, then column
        others = tuple(location for location in minority if location is not at)
        yield Finding.at(at, f"file mixes record formats: {parts}", related=others)
