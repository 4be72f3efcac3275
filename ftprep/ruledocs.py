"""One layout for a rule's documentation, rendered from its spec: `ftprep rule`, docs, SARIF."""

from __future__ import annotations

from typing import Any

from ftprep.registry import Rule


def option_rows(rule: Rule) -> list[dict[str, Any]]:
    model = rule.spec.options
    if model is None:
        return []
    rows = []
    for name, field in model.model_fields.items():
        rows.append({
            "name": name.replace("_", "-"),
            "default": field.default,
            "description": field.description or "",
        })
    return rows


def rule_json(rule: Rule) -> dict[str, Any]:
    spec = rule.spec
    return {
        "code": spec.code,
        "name": spec.name,
        "scope": spec.scope.value,
        "severity": spec.severity.label,
        "status": spec.status.value,
        "formats": sorted(f.value for f in spec.formats),
        "summary": spec.summary,
        "why": spec.why,
        "bad": spec.bad,
        "good": spec.good,
        "fix": {"title": spec.fix.title, "safety": spec.fix.safety.value} if spec.fix else None,
        "options": option_rows(rule),
        "source": spec.source,
    }


def rule_markdown(rule: Rule) -> str:
    spec = rule.spec
    fix = f"{spec.fix.title} ({spec.fix.safety.value})" if spec.fix else "No automatic fix."
    lines = [
        f"# {spec.name} ({spec.code})",
        "",
        (f"Severity: {spec.severity.label} · Scope: {spec.scope.value} · Status: {spec.status.value}"
        f" · Fix: {'available' if spec.fix else 'none'}"),
        "",
        "## What it does",
        spec.summary,
        "",
        "## Why is this bad?",
        spec.why,
        "",
        "## Example",
        "```jsonl",
        spec.bad,
        "```",
        "",
        "## Use instead",
        "```jsonl",
        spec.good,
        "```",
        "",
        "## Fix",
        fix,
    ]
    options = option_rows(rule)
    if options:
        lines += ["", "## Options"]
        lines += [f"- `{o['name']}` (default `{o['default']}`): {o['description']}" for o in options]
    lines += ["", f"Source: {spec.source}"]
    return "\n".join(lines) + "\n"
