"""JSON documents and JSON Lines as source records, one object at a time.

A JSON document up to `WHOLE_FILE_BYTES` is parsed by one `orjson.loads` (3x faster than
splitting it); a larger one, or one that fails to parse, is split into its top-level values by
`ftprep.readers._values` (the tokenizer `lint` reads documents with too) and each value is
parsed on its own. Memory is then bounded by one read block plus the largest value, and a
broken value is rejected with its position while the rest are read. Only a structural break
(a bracket never closed) ends the document, and what follows is one rejected unit.

A document is an array (its items are the records, numbered `item` N) or one or more objects
written one after another (each a record, numbered `value` N). A `.json` file
whose first line is a complete object is JSON Lines under another name (common on dataset hubs)
and is read as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

import orjson

from ftprep.model.sources import Origin, Rejected, SourceRecord
from ftprep.readers import _values

WHOLE_FILE_BYTES = 64 << 20
_BOM = b"\xef\xbb\xbf"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _record(path: str, index: int, unit: str, value: Any) -> SourceRecord | Rejected:
    origin = Origin(path, index, unit=unit)
    if isinstance(value, dict):
        return SourceRecord(origin, value)
    return Rejected(origin, f"{unit} is {_kind(value)}, not an object", value)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "backslashreplace")


def read_jsonl(
    path: str, lines: Iterable[bytes], on_blank: Callable[[], None]
) -> Iterator[SourceRecord | Rejected]:
    """One object per line; a line that is not JSON, or not an object, is rejected."""
    loads = orjson.loads
    for number, raw in enumerate(lines, 1):
        data = raw.rstrip(b"\r\n")
        if number == 1 and data.startswith(_BOM):
            data = data[len(_BOM) :]
        if not data.strip():
            on_blank()
            continue
        try:
            value = loads(data)
        except orjson.JSONDecodeError as error:
            yield Rejected(
                Origin(path, number, unit="line"), f"line is not valid JSON: {error}", _text(data)
            )
            continue
        yield _record(path, number, "line", value)


def looks_like_jsonl(prefix: bytes) -> bool:
    """True when the first line is a complete JSON object (a `.json` file holding JSON Lines)."""
    first = prefix.removeprefix(_BOM).split(b"\n", 1)[0].strip()
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(orjson.loads(first), dict)
    except orjson.JSONDecodeError:
        return False


def read_json_document(
    path: str,
    stream: Readable,
    size: int | None,
    on_note: Callable[[str], None],
    whole_file_bytes: int = WHOLE_FILE_BYTES,
) -> Iterator[SourceRecord | Rejected]:
    """The records of a JSON document: an array's items, or each top-level value after another."""
    if size is not None and size <= whole_file_bytes:
        data = stream.read().removeprefix(_BOM)
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            yield from _streamed(path, iter((data,)), on_note)  # locate the bad values
            return
        if isinstance(value, list):
            for index, item in enumerate(value, 1):
                yield _record(path, index, "item", item)
        else:  # one pretty-printed object: a document of one value
            yield _record(path, 1, "value", value)
        return
    yield from _streamed(path, iter(lambda: stream.read(_values.BLOCK_BYTES), b""), on_note)


def _streamed(
    path: str, blocks: Iterator[bytes], on_note: Callable[[str], None]
) -> Iterator[SourceRecord | Rejected]:
    for value in _values.document_values(blocks):
        unit, index = value.unit, value.index
        if value.problem == "unclosed":
            on_note(value.message)
        elif value.problem is not None:
            yield Rejected(Origin(path, index, unit=unit), value.message, _text(value.data))
        else:
            try:
                parsed = orjson.loads(value.data)
            except orjson.JSONDecodeError as error:
                reason = f"{unit} is not valid JSON: {error}"
                yield Rejected(Origin(path, index, unit=unit), reason, _text(value.data))
                continue
            yield _record(path, index, unit, parsed)
