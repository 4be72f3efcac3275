"""FT101 invalid-name."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT101", name="invalid-name", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A message's `name` is not a non-empty string, or a legacy function message has none.",
    why="`name` is an optional string naming the participant (and, on legacy `function` "
        "messages, the function that answered). Any other type fails the provider's schema "
        "check; an empty name is a converter's placeholder that still costs a token.",
    bad='{"messages": [{"role": "user", "content": "Hi", "name": 7}, '
        '{"role": "assistant", "content": "Hello"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?", '
         '"name": "alice"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    survey = h.survey(record)
    if "name" not in survey.keys and "function" not in survey.roles:
        return
    for pointer, message in h.messages(record):
        if "name" not in message:
            if message.get("role") == "function":
                yield Finding(pointer, "function message has no name")
            continue
        name = message["name"]
        if type(name) is not str:
            yield Finding(f"{pointer}/name", f"name is {h.show(name)}, not a string")
        elif not name.strip():
            yield Finding(f"{pointer}/name", "name is empty")
