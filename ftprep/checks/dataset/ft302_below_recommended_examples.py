"""FT302 below-recommended-examples."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.dataset._helpers import ExampleCount
from ftprep.diagnostics import Finding, Location, Severity
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT302", name="below-recommended-examples", scope=Scope.DATASET,
    severity=Severity.WARNING,
    summary="The dataset meets the provider's minimum but has fewer examples than it recommends.",
    why="The job will run, but so few examples rarely change the model's behaviour: OpenAI "
        "sees clear improvements from 50-100 examples and suggests starting with about 50.",
    bad="(a file with 30 valid chat examples, for OpenAI)",
    good="(a file with 50 or more valid chat examples, for OpenAI)",
)


class Check(ExampleCount):
    def finish(self) -> Iterator[Finding]:
        provider = self.context.provider
        recommended = provider.recommended_examples
        if self.first_path is None or recommended is None:
            return
        if provider.min_examples <= self.examples < recommended:
            yield Finding.at(
                Location(self.first_path),
                f"dataset has {self.examples:,} example{'' if self.examples == 1 else 's'}, below the {recommended:,} "
                f"{provider.name} recommends",
            )
