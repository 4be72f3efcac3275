"""Each record repair on both sides: what it repairs (and that its rule is then silent), and
what it leaves alone (declining changes nothing). Safety comes from the rule's spec."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from ftprep.fix.duplicates import DUPLICATE_RULES
from ftprep.fix.repairs import (
    FILE_REPAIRS,
    REPAIRS,
    SAFE_REPAIRS,
    choose,
    describe,
    repair_record,
)
from ftprep.model.diagnostics import FixSafety, Location
from ftprep.model.record import Record
from ftprep.registry import all_rules

TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "parameters": {"type": "object", "properties": {}}}}]
FUNCTIONS = [{"name": "get_weather", "parameters": {"type": "object", "properties": {}}}]


def _findings(code: str, data: dict[str, Any]) -> list[str]:
    rule = next(r for r in all_rules() if r.code == code)
    assert rule.check is not None
    options = rule.spec.options() if rule.spec.options else None
    return [f.pointer for f in rule.check(Record(Location("-"), b"", data), options)]


def _repair(code: str, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Repair with one rule's repair; the input must come back untouched."""
    before = orjson.dumps(data)
    repaired, changes = repair_record(data, [REPAIRS[code]])
    assert orjson.dumps(data) == before, "repair_record edited its input"
    assert all(c.code == code for c in changes)
    return repaired, [c.pointer for c in changes]


def _call(arguments: str, call_id: str = "call_1") -> dict[str, Any]:
    return {"id": call_id, "type": "function",
            "function": {"name": "get_weather", "arguments": arguments}}


def _chat(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"messages": list(messages), **extra}


USER = {"role": "user", "content": "Weather in Paris?"}
ANSWER = {"role": "assistant", "content": "It is sunny."}
OBJECT = json.dumps({"city": "Paris"})


# -- the registry -----------------------------------------------------------------------------


def test_every_repair_takes_its_safety_from_its_rule() -> None:
    for code, repair in REPAIRS.items():
        spec = next(r.spec for r in all_rules() if r.code == code)
        assert spec.fix is not None and repair.safety is spec.fix.safety
    assert {r.code for r in SAFE_REPAIRS} == {"FT114", "FT124", "FT125"}
    assert {r.code for r in choose(unsafe=True)} == {"FT114", "FT118", "FT124", "FT125"}
    assert [r.code for r in choose({"FT114", "FT118"})] == ["FT114"]


def test_every_rule_with_a_safe_fix_is_repaired_by_fix() -> None:
    """A new rule declaring a safe fix must get a repair, or be one `fix` applies otherwise."""
    not_repairable = {"FT013"}  # the fix is `ftprep convert`: a whole other file format
    for rule in all_rules():
        fix = rule.spec.fix
        if fix is not None and fix.safety is FixSafety.SAFE and rule.code not in not_repairable:
            handled = REPAIRS.keys() | FILE_REPAIRS.keys() | DUPLICATE_RULES.keys()
            assert rule.code in handled, rule.code


def test_describe_names_rule_and_fix() -> None:
    assert describe("FT114") == "FT114 double-encoded-arguments (decode the arguments once)"
    assert describe("FT003") == "FT003 crlf-line-endings (convert the line endings to LF)"


def test_a_plain_record_is_returned_as_is_without_a_copy() -> None:
    data = _chat(USER, ANSWER)
    repaired, changes = repair_record(data, choose(unsafe=True))
    assert repaired is data and changes == []


# -- FT114 ------------------------------------------------------------------------------------


def test_ft114_decodes_double_encoded_arguments_once() -> None:
    data = _chat(USER, {"role": "assistant", "tool_calls": [_call(json.dumps(OBJECT))]},
                 tools=TOOLS)
    repaired, pointers = _repair("FT114", data)
    assert pointers == ["/messages/1/tool_calls/0/function/arguments"]
    assert repaired["messages"][1]["tool_calls"][0]["function"]["arguments"] == OBJECT
    assert _findings("FT114", repaired) == []


def test_ft114_decodes_a_legacy_function_call_too() -> None:
    legacy = {"role": "assistant", "function_call": {"name": "f", "arguments": json.dumps(OBJECT)}}
    repaired, pointers = _repair("FT114", _chat(USER, legacy))
    assert pointers == ["/messages/1/function_call/arguments"]
    assert repaired["messages"][1]["function_call"]["arguments"] == OBJECT


@pytest.mark.parametrize("arguments", [
    OBJECT,  # well encoded
    json.dumps("just a string"),  # a JSON string, but not of an object: FT113's
    json.dumps(json.dumps([1, 2])),  # double-encoded, but a list: not what FT114 reports
    "not json",
])
def test_ft114_leaves_other_arguments_alone(arguments: str) -> None:
    data = _chat(USER, {"role": "assistant", "tool_calls": [_call(arguments)]}, tools=TOOLS)
    repaired, pointers = _repair("FT114", data)
    assert pointers == [] and repaired is data


# -- FT124 ------------------------------------------------------------------------------------


def _preference(**outputs: Any) -> dict[str, Any]:
    return {"input": {"messages": [USER]}, **outputs}


def test_ft124_renames_completion_keys_in_place() -> None:
    data = _preference(preferred_completion=[ANSWER], non_preferred_completion=[ANSWER], x=1)
    repaired, pointers = _repair("FT124", data)
    assert pointers == ["/preferred_completion", "/non_preferred_completion"]
    assert list(repaired) == ["input", "preferred_output", "non_preferred_output", "x"]
    assert _findings("FT124", repaired) == []


def test_ft124_does_not_overwrite_an_existing_output() -> None:
    data = _preference(preferred_output=[ANSWER], preferred_completion=[USER],
                       non_preferred_completion=[ANSWER])
    repaired, pointers = _repair("FT124", data)
    assert pointers == ["/non_preferred_completion"]
    assert repaired["preferred_completion"] == [USER]  # still reported: the user decides
    assert _findings("FT124", repaired) == ["/preferred_completion"]


def test_ft124_leaves_output_keys_alone() -> None:
    data = _preference(preferred_output=[ANSWER], non_preferred_output=[ANSWER])
    assert _repair("FT124", data) == (data, [])


# -- FT125 ------------------------------------------------------------------------------------


def test_ft125_renames_developer_to_system() -> None:
    data = _chat({"role": "developer", "content": "Be brief."}, USER, ANSWER)
    repaired, pointers = _repair("FT125", data)
    assert pointers == ["/messages/0/role"]
    assert repaired["messages"][0] == {"role": "system", "content": "Be brief."}
    assert _findings("FT125", repaired) == []


def test_ft125_renames_developer_in_a_preference_input() -> None:
    data = {"input": {"messages": [{"role": "developer", "content": "Be brief."}, USER]},
            "preferred_output": [ANSWER], "non_preferred_output": [ANSWER]}
    repaired, pointers = _repair("FT125", data)
    assert pointers == ["/input/messages/0/role"]
    assert repaired["input"]["messages"][0]["role"] == "system"


def test_ft125_leaves_other_records_alone() -> None:
    system = _chat({"role": "system", "content": "Be brief."}, USER, ANSWER, id=1)
    assert _repair("FT125", system) == (system, [])
    # a prompt/completion record is not a format the rule reads
    other = {"prompt": "x", "completion": "y", "role": "developer"}
    assert _repair("FT125", other) == (other, [])


# -- FT118 (unsafe) ---------------------------------------------------------------------------


def _legacy() -> dict[str, Any]:
    return _chat(
        USER,
        {"role": "assistant", "content": None,
         "function_call": {"name": "get_weather", "arguments": OBJECT}},
        {"role": "function", "name": "get_weather", "content": "sunny"},
        ANSWER,
        functions=FUNCTIONS,
    )


def test_ft118_converts_functions_calls_and_results_to_tools() -> None:
    repaired, pointers = _repair("FT118", _legacy())
    assert pointers == ["/functions", "/messages/1/function_call", "/messages/2/role"]
    assert repaired == _chat(
        USER,
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": OBJECT}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        ANSWER,
        tools=TOOLS,
    )
    for code in ("FT118", "FT115", "FT116", "FT126", "FT108", "FT109"):
        assert _findings(code, repaired) == [], code


def test_ft118_gives_each_call_an_unused_id() -> None:
    data = _legacy()
    data["messages"] += [
        USER, {"role": "assistant", "tool_calls": [_call(OBJECT, "call_2")]},
        {"role": "tool", "tool_call_id": "call_2", "content": "rain"},
        {"role": "assistant", "function_call": {"name": "get_weather", "arguments": OBJECT}},
    ]
    data["tools"] = data.pop("functions") and TOOLS  # declared as tools already
    repaired, _pointers = _repair("FT118", data)
    ids = [c["id"] for m in repaired["messages"] for c in m.get("tool_calls", [])]
    assert ids == ["call_1", "call_2", "call_3"]


def test_ft118_converts_preference_outputs() -> None:
    call = {"role": "assistant", "function_call": {"name": "get_weather", "arguments": OBJECT}}
    data = {"input": {"messages": [USER], "functions": FUNCTIONS},
            "preferred_output": [call], "non_preferred_output": [ANSWER]}
    repaired, pointers = _repair("FT118", data)
    assert pointers == ["/input/functions", "/preferred_output/0/function_call"]
    assert repaired["input"]["tools"] == TOOLS
    assert _findings("FT118", repaired) == []


@pytest.mark.parametrize("broken", [
    "tools beside functions", "function message without a call", "name mismatch",
    "both call kinds", "malformed functions",
])
def test_ft118_declines_what_it_cannot_decide(broken: str) -> None:
    data = _legacy()
    messages = data["messages"]
    if broken == "tools beside functions":
        data["tools"] = TOOLS
    elif broken == "function message without a call":
        messages.insert(2, ANSWER)
    elif broken == "name mismatch":
        messages[2]["name"] = "other"
    elif broken == "both call kinds":
        messages[1]["tool_calls"] = [_call(OBJECT)]
    else:
        data["functions"] = ["get_weather"]
    assert _repair("FT118", data) == (data, [])


def test_ft118_leaves_a_tools_record_alone() -> None:
    data = _chat(USER, {"role": "assistant", "tool_calls": [_call(OBJECT)]},
                 {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}, ANSWER,
                 tools=TOOLS)
    assert _repair("FT118", data) == (data, [])


def test_repairs_compose_in_code_order() -> None:
    data = _legacy()
    data["messages"][1]["function_call"]["arguments"] = json.dumps(OBJECT)
    data["messages"].insert(0, {"role": "developer", "content": "Be brief."})
    repaired, changes = repair_record(data, choose(unsafe=True))
    assert [c.code for c in changes] == ["FT114", "FT118", "FT118", "FT118", "FT125"]
    for code in REPAIRS:
        assert _findings(code, repaired) == [], code
