"""The run manifest: what was submitted, from which bytes, with what result.

Written atomically (a crash leaves the old manifest or the new one, never half of one), with
sorted keys so two manifests diff cleanly. It never holds a key: base URLs lose any user
info and query string before they are written.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ftprep import __version__
from ftprep.submit.adapters.base import JobState
from ftprep.submit.gate import GateResult
from ftprep.submit.plan import FileRef, Plan
from ftprep.writers import atomic_text


def now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def default_path(training: Path) -> Path:
    """`train.jsonl` -> `train.submit.json`, beside it."""
    return training.with_name(f"{training.stem}.submit.json")


def public_url(url: str | None) -> str | None:
    """The URL without user info, query or fragment: the places a secret could hide."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass
class Manifest:
    """Filled in as the submit goes; `write` after each step that changes it."""

    path: Path
    plan: Plan
    gate: GateResult
    started: str = field(default_factory=now)
    file_ids: dict[str, str] = field(default_factory=dict)
    job: JobState | None = None
    job_created: str | None = None
    finished: str | None = None
    outcome: str = "uploading"  # uploading, created, succeeded, failed, waiting-interrupted, error
    error: str | None = None

    def data(self) -> dict[str, Any]:
        plan, report = self.plan, self.gate.report
        est = report.estimate
        price = ({"per_1m_training_tokens_usd": est.price.training_per_1m_tokens,
                  "as_of": est.price.as_of.isoformat(), "source": est.price.source}
                 if est.price else "unknown")
        job = None
        if self.job is not None:
            job = {"id": self.job.id, "status": self.job.status,
                   "fine_tuned_model": self.job.fine_tuned_model, "error": self.job.error,
                   "trained_tokens": self.job.trained_tokens}
        return {
            "ftprep_version": __version__,
            "provider": plan.profile.id,
            "model": plan.model,
            "method": plan.method,
            "base_url": public_url(plan.base_url),
            "submit_id": plan.submit_id,
            "inputs": {f.role: _input(f) for f in plan.files},
            "converted_from": {f.role: _input(f) for f in plan.converted_from} or None,
            "lint": {**self.gate.counts, "examples": report.summary.examples,
                     "validation_examples": report.summary.validation_examples,
                     "formats": self.gate.formats, "forced": self.gate.forced},
            "estimate": {
                "billed_tokens": est.billed_tokens,
                "billed_tokens_per_epoch": est.billed_tokens_per_epoch,
                "epochs": est.epochs,
                "epochs_source": est.epochs_source,
                "cost_usd": round(est.cost, 4) if est.cost is not None else "unknown",
                "price": price,
            },
            "hyperparameters": dict(plan.hyperparameters),
            "suffix": plan.choices.suffix,
            "file_ids": dict(self.file_ids),
            "job": job,
            "outcome": self.outcome,
            "error": self.error,
            "timestamps": {"started": self.started, "job_created": self.job_created,
                           "finished": self.finished},
        }

    def write(self) -> None:
        with atomic_text(self.path) as stream:
            stream.write(json.dumps(self.data(), sort_keys=True, indent=2, ensure_ascii=False))
            stream.write("\n")


def _input(file: FileRef) -> dict[str, Any]:
    return {"path": str(file.path), "bytes": file.size, "sha256": file.sha256}
