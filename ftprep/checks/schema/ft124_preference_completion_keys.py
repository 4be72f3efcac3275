"""FT124 preference-completion-keys."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.record import Record, RecordFormat
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT124", name="preference-completion-keys", scope=Scope.RECORD,
    severity=Severity.WARNING,
    summary="A preference record names its outputs `*_completion` instead of `*_output`.",
    why="OpenAI's OpenAPI schema calls the outputs `preferred_completion` / "
        "`non_preferred_completion`, but its DPO guide, Together, Fireworks and Azure all use "
        "`preferred_output` / `non_preferred_output`; a provider that follows the guide will "
        "not find the outputs.",
    bad='{"input": {"messages": [{"role": "user", "content": "Sky colour?"}]}, '
        '"preferred_completion": [{"role": "assistant", "content": "Blue."}], '
        '"non_preferred_completion": [{"role": "assistant", "content": "Green."}]}',
    good='{"input": {"messages": [{"role": "user", "content": "Sky colour?"}]}, '
         '"preferred_output": [{"role": "assistant", "content": "Blue."}], '
         '"non_preferred_output": [{"role": "assistant", "content": "Green."}]}',
    fix=FixSpec("rename the keys to preferred_output and non_preferred_output", FixSafety.SAFE),
    formats=frozenset({RecordFormat.PREFERENCE}),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    for side in ("preferred", "non_preferred"):
        key = f"{side}_completion"
        if key in record.data:
            yield Finding(f"/{key}", f"{key} is the schema's name; providers expect {side}_output")
