"""FT118 legacy-functions."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema import _helpers as h
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT118", name="legacy-functions", scope=Scope.RECORD, severity=Severity.WARNING,
    summary="The example uses the deprecated `functions`, `function_call` or `function` role.",
    why="OpenAI's schema marks `functions` deprecated in favour of `tools`, and Azure's "
        "fine-tuning guide says the same; new models are trained and served with "
        "`tools`/`tool_calls`, so examples in the old form teach an interface the model will "
        "not be called with.",
    bad='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
        '"function_call": {"name": "get_weather", "arguments": "{}"}}], '
        '"functions": [{"name": "get_weather", "parameters": {"type": "object", '
        '"properties": {}}}]}',
    good='{"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", '
         '"tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", '
         '"arguments": "{}"}}]}], "tools": [{"type": "function", '
         '"function": {"name": "get_weather", '
         '"parameters": {"type": "object", "properties": {}}}}]}',
    fix=FixSpec("declare tools and use tool_calls and tool messages", FixSafety.UNSAFE),
    formats=frozenset({RecordFormat.CHAT, RecordFormat.PREFERENCE}),
    only_if_not_plain=True,
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    holder = h.tools_holder(record)
    if holder is not None and "functions" in holder:
        base = "/input" if record.format is RecordFormat.PREFERENCE else ""
        yield Finding(f"{base}/functions", "functions is deprecated; tools replaces it")
    survey = h.survey(record)
    if "function_call" not in survey.keys and "function" not in survey.roles:
        return
    for pointer, message in survey.items:
        if message.get("function_call") is not None:
            yield Finding(
                f"{pointer}/function_call", "function_call is deprecated; tool_calls replaces it"
            )
        if message.get("role") == "function":
            yield Finding(
                f"{pointer}/role", "role \"function\" is deprecated; role \"tool\" replaces it"
            )
