"""FT302 below-recommended-examples."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.dataset._helpers import ExampleCount
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT302", name="below-recommended-examples", scope=Scope.DATASET,
    severity=Severity.WARNING,
    summary="The dataset meets the provider's minimum but has fewer usable examples than it "
            "recommends.",
    why="The job will run, but so few examples rarely change the model's behaviour: OpenAI "
        "sees clear improvements from 50-100 examples and suggests starting with about 50. "
        "Usable examples are counted as in FT301: a format the provider trains on, and no error "
        "from a record rule.",
    bad="(a file with 30 valid chat examples, for OpenAI)",
    good="(a file with 50 or more valid chat examples, for OpenAI)",
)


class Check(ExampleCount):
    def finish(self) -> Iterator[Finding]:
        provider = self.context.provider
        recommended = provider.recommended_examples
        if self.first_path is None or recommended is None:
            return
        if provider.min_examples <= self.usable < recommended:
            yield Finding.at(
                Location(self.first_path),
                f"{self.described()}, below the {recommended:,} {provider.name} recommends",
            )
