"""`convert` applies the safe repairs `fix` applies before its self-check, instead of rejecting."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from tests.convert.test_convert_cli import assert_balanced, convert, lines, lints_clean
from tests.helpers import CORPORA
from tests.test_cli import run

DRONE = CORPORA / "cookbook" / "drone_training_a7e107d.jsonl"

CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}
TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "parameters": {"type": "object", "properties": {}}}}]


def _example(arguments: str) -> dict:
    call = {**CALL, "function": {**CALL["function"], "arguments": arguments}}
    return {"messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        {"role": "assistant", "content": "It is sunny in Paris."},
    ], "tools": TOOLS}


def test_double_encoded_arguments_are_decoded_not_rejected(tmp_path: Path) -> None:
    good = json.dumps({"city": "Paris"})
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(
        orjson.dumps(record) + b"\n" for record in (_example(good), _example(json.dumps(good)))
    ))
    code, summary, out, rejects = convert(tmp_path, str(source))
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["written"] == {"line": 2}
    assert summary["repairs"] == {"FT114": 1}
    written = lines(out)
    assert written[1] == written[0]  # decoded once: exactly the well-encoded example
    lints_clean(out)


def test_the_text_summary_counts_repairs_by_rule(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps(_example(json.dumps(json.dumps({"city": "Paris"})))) + b"\n")
    code, _out, err = run("convert", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert code == 0
    assert "repaired (safe fixes, as `ftprep fix` applies them):" in err
    assert "1  FT114 double-encoded-arguments (decode the arguments once)" in err


def test_an_unrepairable_example_is_still_rejected(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(orjson.dumps(_example("not json")) + b"\n" + orjson.dumps(
        _example(json.dumps(json.dumps({"city": "Paris"})))) + b"\n")
    code, summary, out, rejects = convert(tmp_path, str(source))
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["written"] == {"line": 1} and summary["rejected"] == {"line": 1}
    assert summary["repairs"] == {"FT114": 1}
    assert "FT113" in lines(rejects)[0]["reason"]


@pytest.mark.skipif(not DRONE.is_file(), reason="the shared corpora are not available")
def test_the_cookbook_drone_file_converts_87_of_87(tmp_path: Path) -> None:
    code, summary, out, rejects = convert(tmp_path, str(DRONE))
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["read"] == {"line": 87}
    assert summary["written"] == {"line": 87}
    assert summary["repairs"] == {"FT114": 6}
    assert not rejects.exists() or not rejects.read_bytes()
    lints_clean(out)
