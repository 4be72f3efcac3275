"""FT105 invalid-content-type."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT105", name="invalid-content-type", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A message's content is a number, boolean or object, or a list of parts where only "
            "a string is allowed.",
    why="Content is a string, or a list of content parts. A number or object is a converter "
        "bug (a value that should have been a string); tool and legacy function results must "
        "be strings, although people try parts lists there (OpenAI community reports).",
    bad='{"messages": [{"role": "user", "content": 42}, {"role": "assistant", "content": "42"}]}',
    good='{"messages": [{"role": "user", "content": "What is six times seven?"}, '
         '{"role": "assistant", "content": "Six times seven is 42."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)

def check(record: Record, _options: None) -> Iterator[Finding]:
    for pointer, message in h.messages(record):
        content = message.get("content")
        if content is None or type(content) is str:
            continue
        if type(content) is list:
            role = message.get("role")
            if (role == "tool" or role == "function") and content:  # role may be any JSON
                yield Finding(
                    f"{pointer}/content", f"{role} message content is a list of parts, not a string"
                )
        else:
            problem = f"content is {h.show(content)}, not a string or a list of parts"
            yield Finding(f"{pointer}/content", problem)
