"""FT013 not-json-lines."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import DatasetCheck
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Location, Severity
from ftprep.model.sources import FileStats
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT013", name="not-json-lines", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="A file named for linting is not JSON Lines: a pretty-printed JSON document (an "
            "array of examples, or objects one after another), or a CSV, Excel or Parquet file.",
    why="Fine-tuning uploads take JSON Lines: one complete example per line. A JSON array (the "
        "shape many tools and Hugging Face exports write), pretty-printed objects or a "
        "spreadsheet are rejected whole. ftprep still reads a JSON document's values as records, "
        "each at the line and column where it starts, so its other problems and the summary are "
        "there to see; the file itself cannot be uploaded until it is converted, which is why "
        "this is an error. Spreadsheets and Parquet files are not read.",
    bad='(train.json holding "[\\n  {\\"messages\\": [...]},\\n  ...\\n]")',
    good="(train.jsonl holding one example object per line)",
    fix=FixSpec("write JSON Lines: `ftprep convert FILE -o train.jsonl`", FixSafety.SAFE),
)


def _described(stats: FileStats) -> str:
    if not stats.document_read:
        return f"file is {stats.document}, not JSON Lines; it was not read"
    count = stats.values
    if stats.document == "a JSON array":
        if count == 0:
            return "file is an empty JSON array, not JSON Lines"
        items = "1 item" if count == 1 else f"{count:,} items"
        return f"file is a JSON array of {items}, not JSON Lines; each item was read as a record"
    if count == 1:
        return "file is one pretty-printed JSON object, not JSON Lines; it was read as a record"
    return (f"file is {count:,} pretty-printed JSON objects one after another, not JSON Lines; "
            "each was read as a record")


class Check(DatasetCheck):
    def end_file(self, stats: FileStats) -> Iterator[Finding]:
        if stats.document:
            yield Finding.at(Location(stats.path, 1, 1), _described(stats))
