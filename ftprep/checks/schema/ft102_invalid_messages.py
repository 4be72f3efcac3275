"""FT102 invalid-messages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT102", name="invalid-messages", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="`messages` is not a non-empty list of objects.",
    why="Every chat example (and the `input` of every preference example) is a list of message "
        "objects; OpenAI's schema requires at least one. A string, an object or a null there, "
        "or a message that is not an object, makes the provider reject the file.",
    bad='{"messages": {"role": "user", "content": "Hi"}}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    if record.format is RecordFormat.CHAT:
        yield from _check_list(record.data["messages"], "/messages")
        return
    source = record.data.get("input")
    if type(source) is not dict:
        return  # FT120 reports the input itself
    if "messages" not in source:
        yield Finding("/input", "input has no messages")
    else:
        yield from _check_list(source["messages"], "/input/messages")


def _check_list(messages: Any, pointer: str) -> Iterator[Finding]:
    if type(messages) is not list:
        yield Finding(pointer, f"messages is {h.show(messages)}, not a list")
    elif not messages:
        yield Finding(pointer, "messages is an empty list")
    else:
        for index, message in enumerate(messages):
            if type(message) is not dict:
                yield Finding(f"{pointer}/{index}", f"message is {h.show(message)}, not an object")
