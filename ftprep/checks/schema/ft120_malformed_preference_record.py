"""FT120 malformed-preference-record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT120", name="malformed-preference-record", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A preference (DPO) record lacks an `input` object, ends its input with the "
            "assistant, or has an output that is not a list of exactly one assistant message.",
    why="Preference training compares two replies to the same conversation: `input.messages` "
        "is that conversation (ending before the reply), and `preferred_output` and "
        "`non_preferred_output` each hold one assistant message (OpenAI's DPO guide; Together "
        "validates the same). Any other shape is rejected; message contents are checked by "
        "FT104 and FT105.",
    bad='{"input": {"messages": [{"role": "user", "content": "Sky colour?"}]}, '
        '"preferred_output": {"role": "assistant", "content": "Blue."}, '
        '"non_preferred_output": [{"role": "assistant", "content": "Green."}]}',
    good='{"input": {"messages": [{"role": "user", "content": "Sky colour?"}]}, '
         '"preferred_output": [{"role": "assistant", "content": "Blue."}], '
         '"non_preferred_output": [{"role": "assistant", "content": "Green."}]}',
    formats=frozenset({RecordFormat.PREFERENCE}),
)

_SIDES = ("preferred", "non_preferred")


def check(record: Record, _options: None) -> Iterator[Finding]:
    data = record.data
    yield from _check_input(data)
    for side in _SIDES:
        keys = [key for key in (f"{side}_output", f"{side}_completion") if key in data]
        if not keys:
            yield Finding("", f"preference record has no {side}_output")
        elif len(keys) == 2:
            yield Finding(f"/{keys[1]}", f"both {keys[0]} and {keys[1]} are present")
        for key in keys:
            yield from _check_output(key, data[key])


def _check_input(data: dict[str, Any]) -> Iterator[Finding]:
    if "input" not in data:
        yield Finding("", "preference record has no input")
        return
    source = data["input"]
    if type(source) is not dict:
        yield Finding("/input", f"input is {h.show(source)}, not an object")
        return
    messages = source.get("messages")
    if type(messages) is list and messages:  # FT102 reports any other messages
        last = messages[-1]
        if type(last) is dict and last.get("role") == "assistant":
            yield Finding(
                f"/input/messages/{len(messages) - 1}/role",
                "input ends with an assistant message; the outputs are the reply to it",
            )


def _check_output(key: str, output: Any) -> Iterator[Finding]:
    if type(output) is not list:
        yield Finding(f"/{key}", f"{key} is {h.show(output)}, not a list of one message")
        return
    if len(output) != 1:
        yield Finding(f"/{key}", f"{key} has {len(output)} messages, not exactly 1")
    for index, message in enumerate(output):
        at = f"/{key}/{index}"
        if type(message) is not dict:
            yield Finding(at, f"output message is {h.show(message)}, not an object")
            continue
        role = message.get("role")
        # Azure's docs also allow `tool` outputs (unverified); unknown roles are FT103's.
        if type(role) is str and role in h.ROLE_KEYS and role not in ("assistant", "tool"):
            yield Finding(f"{at}/role", f"output message is from the {role}, not the assistant")
