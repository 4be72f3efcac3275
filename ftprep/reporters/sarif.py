"""`--format sarif`: SARIF 2.1.0, the format GitHub code scanning and other tools import.

One run of the `ftprep` tool: every rule that reported, with its summary, rationale and the
`ftprep rule` page as help (from the registry, so a user's pack rules are described too), and
one result per problem. Columns count code points (`columnKind`). Each result carries the
baseline's content fingerprint (`partialFingerprints`), which stays put when lines move and
changes when the record does, so code scanning follows a problem across commits. Results are
held until the end: SARIF lists the rules before the results.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import orjson

from ftprep import __version__
from ftprep.lint.baseline import Fingerprinter
from ftprep.lint.report import Report
from ftprep.model.diagnostics import Diagnostic, Location, Severity
from ftprep.registry import Rule
from ftprep.reporters.text import related_text
from ftprep.ruledocs import rule_markdown

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "ftprepContent/v1"
INFORMATION_URI = "https://github.com/ftprep/ftprep"


def _physical(location: Location, uri: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if location.line > 0:
        physical["region"] = {"startLine": location.line, "startColumn": max(location.column, 1)}
    return {"physicalLocation": physical}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    spec = rule.spec
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": spec.why},
        "help": {"text": spec.why, "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[spec.severity]},
        "properties": {"tags": ["ftprep", spec.scope.value]},
    }


class SarifReporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._found: list[Diagnostic] = []

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        self._found.append(diagnostic)

    def finish(self, report: Report) -> None:
        known = {rule.code: rule for rule in report.rules}
        codes = sorted({d.code for d in self._found})
        rules = [rule_descriptor(known[code]) for code in codes if code in known]
        index = {rule["id"]: number for number, rule in enumerate(rules)}
        fingerprints = Fingerprinter(Path.cwd())
        try:
            results = [self._result(d, index, fingerprints) for d in self._found]
        finally:
            fingerprints.close()
        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "ftprep", "version": __version__,
                                    "informationUri": INFORMATION_URI, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": not report.summary.internal_errors,
                                 "exitCode": report.exit_code()}],
                "results": results,
            }],
        }
        self.out.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")

    @staticmethod
    def _result(diagnostic: Diagnostic, index: dict[str, int],
                fingerprints: Fingerprinter) -> dict[str, Any]:
        uri, fingerprint = fingerprints.key(diagnostic)
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "level": LEVELS[diagnostic.severity],
            "message": {"text": diagnostic.message + related_text(diagnostic)},
            "locations": [_physical(diagnostic.location, uri)],
            "partialFingerprints": {FINGERPRINT: fingerprint},
        }
        if diagnostic.code in index:
            result["ruleIndex"] = index[diagnostic.code]
        if diagnostic.related:
            result["relatedLocations"] = [
                {"id": number, **_physical(loc, fingerprints.relative(loc.path))}
                for number, loc in enumerate(diagnostic.related, 1)
            ]
        return result
