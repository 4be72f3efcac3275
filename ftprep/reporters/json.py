"""A stable, versioned JSON document: `{"version": 1, "diagnostics": [...], "summary": {...}}`.

Diagnostics are written as they arrive, so memory does not grow with their number. Bump
`SCHEMA_VERSION` on any incompatible change to the shape (added keys are compatible).

A location's `line`, `column` and `offset` in a compressed file (a file's `compression` is set)
are positions in its decompressed data; the file's `bytes` are decompressed bytes too, and
`compressed_bytes` what it holds on disk. A JSON document read as records (`document` set,
`values` not null) is counted in values, not lines. A summary's `baseline` object, present only
when a baseline was applied, says how many problems it suppressed; `counts` leave them out.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, Any

import orjson

from ftprep import __version__
from ftprep.lint.report import Report
from ftprep.model.diagnostics import Diagnostic, Location
from ftprep.reporters._coverage import coverage_json, verdicts

SCHEMA_VERSION = 1


def location_json(location: Location) -> dict[str, Any]:
    return {
        "path": location.path, "line": location.line, "column": location.column,
        "offset": location.offset, "record": location.record, "pointer": location.pointer,
        "origin": location.origin,
    }


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    fix = diagnostic.fix
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.label,
        "message": diagnostic.message,
        "filename": diagnostic.location.path,
        "location": location_json(diagnostic.location),
        "fix": {"title": fix.title, "safety": fix.safety.value} if fix else None,
        "related": [location_json(loc) for loc in diagnostic.related],
    }


def report_json(report: Report) -> dict[str, Any]:
    summary = report.summary
    stats = summary.tokens()
    context = report.context
    estimate = report.estimate
    price = estimate.price
    return {
        "counts": {
            "problems": sum(summary.by_severity.values()),
            "by_severity": {s.label: summary.by_severity[s] for s in sorted(summary.by_severity)},
            "by_code": dict(sorted(summary.by_code.items())),
            "internal_errors": summary.internal_errors,
        },
        "files": [
            {"path": f.path, "lines": f.lines, "bytes": f.bytes, "records": f.records,
             "blank": f.blank, "not_object": f.unparsed, "crlf": f.crlf, "skipped": f.skipped,
             "compression": f.compression,
             "compressed_bytes": f.compressed_bytes if f.compression else None,
             "document": f.document,
             "values": f.values if f.document_read else None, "read_error": f.read_error}
            for f in summary.files
        ],
        "notes": [note for note in (summary.compression_note(),) if note],
        "lines": summary.lines,
        "values": summary.values,
        "examples": summary.examples,
        "usable_examples": summary.usable(context.provider.formats),
        "messages": summary.messages,
        "formats": dict(sorted(summary.formats.items())),
        "dataset": {
            "validation_examples": summary.validation_examples,
            **{fact.key: fact.data for fact in summary.dataset},
        },
        "tokens": {
            "encoding": context.encoding, "backend": report.tokenizer,
            "per_example": asdict(stats) if stats else None,
            "limit": context.limit, "over_limit": summary.over_limit,
            **coverage_json(report),
        },
        "estimate": {
            "provider": context.provider.id,
            "provider_verdicts": verdicts(report),
            "model": context.model.id if context.model else context.model_name,
            "epochs": estimate.epochs, "epochs_source": estimate.epochs_source,
            "billed_tokens_per_epoch": estimate.billed_tokens_per_epoch,
            "billed_tokens": estimate.billed_tokens,
            "cost_usd": round(estimate.cost, 4) if estimate.cost is not None else None,
            "cost_is_lower_bound": estimate.cost is not None and not summary.exact,
            "price": {"training_per_1m_tokens": price.training_per_1m_tokens,
                      "as_of": price.as_of, "source": price.source} if price else None,
        },
        "fail_on": report.fail_on.label,
        "exit_code": report.exit_code(),
        **_baseline_json(report),
    }


def _baseline_json(report: Report) -> dict[str, Any]:
    """`"baseline": {"path", "suppressed"}` when one was applied (`counts` exclude what it
    suppressed); absent otherwise, so runs without a baseline keep their exact shape."""
    if report.baseline is None:
        return {}
    return {"baseline": {"path": report.baseline.path, "suppressed": report.baseline.count}}


class JsonReporter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first = True
        header = {"version": SCHEMA_VERSION, "tool": {"name": "ftprep", "version": __version__}}
        self.out.write(orjson.dumps(header).decode()[:-1] + ',"diagnostics":[')

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        prefix = "" if self.first else ","
        self.first = False
        self.out.write(prefix + "\n" + orjson.dumps(diagnostic_json(diagnostic)).decode())

    def finish(self, report: Report) -> None:
        body = orjson.dumps(report_json(report)).decode()
        self.out.write(("\n" if not self.first else "") + '],"summary":' + body + "}\n")
