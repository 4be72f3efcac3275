"""FT121 identical-preference-outputs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT121", name="identical-preference-outputs", scope=Scope.RECORD,
    severity=Severity.ERROR,
    summary="The preferred and the non-preferred output are the same message.",
    why="Preference training learns from the difference between the two outputs; identical "
        "ones carry no signal and only cost tokens. They usually come from a generation step "
        "that failed and fell back to copying, or from whitespace-only edits.",
    bad='{"input": {"messages": [{"role": "user", "content": "Sky colour?"}]}, '
        '"preferred_output": [{"role": "assistant", "content": "Blue."}], '
        '"non_preferred_output": [{"role": "assistant", "content": "Blue. "}]}',
    good='{"input": {"messages": [{"role": "user", "content": "Sky colour?"}]}, '
         '"preferred_output": [{"role": "assistant", "content": "Blue."}], '
         '"non_preferred_output": [{"role": "assistant", "content": "Green."}]}',
    fix=FixSpec("drop the example, or regenerate one of the outputs", FixSafety.UNSAFE),
    formats=frozenset({RecordFormat.PREFERENCE}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    data = record.data
    good_key, bad_key = (
        key if key in data else key.replace("_output", "_completion")
        for key in ("preferred_output", "non_preferred_output")
    )
    if good_key not in data or bad_key not in data:
        return  # FT120
    good, bad = data[good_key], data[bad_key]
    reply = _reply(good)
    if good == bad or (reply is not None and reply == _reply(bad)):
        yield Finding(f"/{bad_key}", f"{bad_key} is identical to {good_key}")


def _reply(output: Any) -> tuple[str, Any] | None:
    """One output's text (whitespace-trimmed) and tool calls, when it is one text message."""
    if type(output) is not list or len(output) != 1 or type(output[0]) is not dict:
        return None
    content = output[0].get("content")
    if type(content) is not str:
        return None
    return content.strip(), output[0].get("tool_calls")
