"""FT301 too-few-examples."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.dataset._helpers import ExampleCount
from ftprep.diagnostics import Finding, Location, Severity
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT301", name="too-few-examples", scope=Scope.DATASET, severity=Severity.ERROR,
    summary="The dataset has fewer examples than the provider's minimum for a training job.",
    why="The provider refuses to start the job (OpenAI's minimum is 10 examples), after the "
        "upload has already been made.",
    bad="(a file with 7 valid chat examples, for OpenAI)",
    good="(a file with at least 10 valid chat examples; 50-100 to see improvements)",
)


class Check(ExampleCount):
    def finish(self) -> Iterator[Finding]:
        minimum = self.context.provider.min_examples
        if self.first_path is not None and self.examples < minimum:
            yield Finding.at(
                Location(self.first_path),
                f"dataset has {self.examples:,} example{'' if self.examples == 1 else 's'}, below {self.context.provider.name}'s "
                f"minimum of {minimum:,}",
            )
