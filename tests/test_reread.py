"""Re-reading records by offset gives back exactly the records at those offsets, whatever the
input's shape; inputs that cannot be read twice give nothing rather than something wrong."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson

from ftprep.readers.reread import reread, rereadable

RECORDS = [{"messages": [{"role": "user", "content": f"q{i}"}]} for i in range(5)]


def _jsonl(path: Path, crlf: bool = False) -> list[int]:
    """Write RECORDS as JSON Lines; return each line's byte offset."""
    offsets, data = [], b""
    for record in RECORDS:
        offsets.append(len(data))
        data += orjson.dumps(record) + (b"\r\n" if crlf else b"\n")
    path.write_bytes(data)
    return offsets


def test_seeks_to_each_offset_of_a_plain_file(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    offsets = _jsonl(path, crlf=True)
    got = dict(reread(str(path), {offsets[1], offsets[3]}))
    assert got == {offsets[1]: RECORDS[1], offsets[3]: RECORDS[3]}


def test_streams_a_compressed_file_and_picks_the_offsets(tmp_path: Path) -> None:
    plain = tmp_path / "a.jsonl"
    offsets = _jsonl(plain)
    packed = tmp_path / "a.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert dict(reread(str(packed), {offsets[0], offsets[4]})) == {
        offsets[0]: RECORDS[0], offsets[4]: RECORDS[4]}


def test_reads_values_of_a_json_array_by_their_offsets(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    text = b"[\n" + b",\n".join(orjson.dumps(r) for r in RECORDS) + b"\n]\n"
    path.write_bytes(text)
    second = text.index(orjson.dumps(RECORDS[2]))
    assert dict(reread(str(path), {second})) == {second: RECORDS[2]}


def test_an_offset_that_no_longer_holds_an_object_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    offsets = _jsonl(path)
    assert dict(reread(str(path), {offsets[1] + 3})) == {}


def test_stdin_and_missing_files_cannot_be_reread(tmp_path: Path) -> None:
    assert not rereadable("-")
    assert not rereadable(str(tmp_path / "gone.jsonl"))
    assert list(reread("-", {0})) == []
    assert list(reread(str(tmp_path / "gone.jsonl"), {0})) == []
