"""Record layouts for `ftprep convert`: one source record in, one training record (or a reason) out.

API (everything here is importable from `ftprep.convert.layouts`):

- `ConvertOptions(mapping=(("user", "question"), ("assistant", "answer")), system=None,
  system_column=None, template=None, clean=True, sample_size=1000)`: frozen; build `mapping`
  from `--map` values with `parse_mapping(["user=question", ...])` (exit-2 error on a bad one).
- `RecordConverter(options, name=None)`: call it on the reader's stream
  (`Iterable[SourceRecord | Rejected]`) to get `Iterator[Converted | Rejected]` in source order;
  `name` is `--from` (a layout name or alias). It holds back the first `sample_size` records to
  pick and prepare the layout; afterwards `.layout` is the `Layout` used, `.layout.kind` is
  `"chat"` or `"preference"` and `.layout.notes` lists what it decided (separators removed,
  columns auto-mapped) for the summary. Reader rejects pass through untouched.
- Lower level: `detect_layout(fields) -> type[Layout]`, `make_layout(sample, options, name)
  -> Layout` (detect or look up, then `prepare(sample)`), `Layout.convert(record) ->
  Converted | Rejected`, `layout_class(name)`, `layout_names()`, `LAYOUTS`.

Errors about the user's options or data shape (unknown layout, ambiguous layout, a mapped column
the source lacks, a bad template) raise `FtprepError` (exit 2) from `make_layout`, so from the
first `next()` of `RecordConverter`; anything wrong with one record is a `Rejected` with the reason
and the record's fields as `source`. Output records: chat `{"messages": [...], "tools"?: [...]}`,
preference `{"input": {"messages": [...], "tools"?}, "preferred_output": [...],
"non_preferred_output": [...]}`. Which layouts exist and how each is detected: `detect.py`.
"""

from __future__ import annotations

from ftprep.convert.layouts._base import (
    ConvertOptions,
    Layout,
    OutputKind,
    RecordError,
    parse_mapping,
)
from ftprep.convert.layouts.detect import (
    ALIASES,
    LAYOUTS,
    RecordConverter,
    detect_layout,
    layout_class,
    layout_names,
    make_layout,
)

__all__ = [
    "ALIASES",
    "LAYOUTS",
    "ConvertOptions",
    "Layout",
    "OutputKind",
    "RecordConverter",
    "RecordError",
    "detect_layout",
    "layout_class",
    "layout_names",
    "make_layout",
    "parse_mapping",
]
