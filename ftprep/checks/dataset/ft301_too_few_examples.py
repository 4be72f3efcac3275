"""FT301 too-few-examples."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.dataset._helpers import ExampleCount
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT301", name="too-few-examples", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="The dataset has fewer usable examples than the provider's minimum for a job.",
    why="The provider refuses to start the job (OpenAI's minimum is 10 examples), after the "
        "upload has already been made. Only usable examples count: an example is usable when "
        "it is in a format the provider trains on (OpenAI: chat and preference) and no record "
        "rule reports an error for it, which is what remains once the broken lines are dropped.",
    bad="(a file with 7 valid chat examples, or 10 of which 3 have errors, for OpenAI)",
    good="(a file with at least 10 valid chat examples; 50-100 to see improvements)",
)


class Check(ExampleCount):
    def finish(self) -> Iterator[Finding]:
        provider = self.context.provider
        if self.first_path is not None and self.usable < provider.min_examples:
            yield Finding.at(
                Location(self.first_path),
                f"{self.described()}, below {provider.name}'s minimum of {provider.min_examples:,}",
            )
