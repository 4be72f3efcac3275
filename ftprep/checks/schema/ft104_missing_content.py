"""FT104 missing-content."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT104", name="missing-content", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="A message's content is missing, null, empty or only whitespace.",
    why="Every message needs text, except an assistant message that calls tools (or a legacy "
        "function), whose content may be null. An empty turn teaches the model to answer with "
        "nothing, or makes the provider reject the file; it usually means an export lost text.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "  "}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    for pointer, message in h.messages(record):
        content = message.get("content")
        if type(content) is str:
            if content.strip():
                continue
            problem = "content is empty" if not content else "content is only whitespace"
        elif content is None:
            problem = "content is null" if "content" in message else "message has no content"
        elif type(content) is list:
            if not content:
                problem = "content is an empty list"
            elif all(_blank_text_part(part) for part in content):
                problem = "content parts hold no text"
            else:
                continue
        else:
            continue  # FT105 reports a content of the wrong type
        if message.get("role") == "assistant" and h.has_tool_calls(message):
            continue
        yield Finding(f"{pointer}/content" if "content" in message else pointer, problem)


def _blank_text_part(part: object) -> bool:
    if type(part) is not dict or part.get("type") != "text":
        return False
    text = part.get("text")
    return type(text) is str and not text.strip()
