"""One layout for a rule's documentation, rendered from its spec: `ftprep rule`, docs, SARIF."""

from __future__ import annotations

from typing import Any

from ftprep.packs.schema import Show
from ftprep.registry import Rule, all_rules


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
        **({"patterns": pattern_rows(rule)} if rule.pack is not None else {}),
    }


def pattern_rows(rule: Rule) -> list[dict[str, Any]]:
    """A pack rule's matcher, as its pack states it: what it reads and what a match must pass."""
    if rule.pack is None:
        return []
    spec = rule.pack.spec
    return [
        {
            "regex": p.regex, "ignore-case": p.ignore_case, "label": p.label,
            "validate": list(p.validate_), "min-entropy": p.min_entropy, "allow": list(p.allow),
            "fields": [f.value for f in spec.fields], "roles": list(spec.roles),
            "anchor": spec.anchor.value, "redact-as": spec.redact_as,
            "redacted": spec.show is Show.MASKED,
        }
        for p in spec.pattern
    ]


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
    patterns = pattern_rows(rule)
    if patterns:
        first = patterns[0]
        roles = ", ".join(first["roles"]) or "every role"
        redact = (f"; `fix --redact` writes <{first['redact-as']}>" if first["redacted"]
                  else "; matches are shown, not redacted")
        reads = f"Reads: {', '.join(first['fields'])} texts of {roles}; anchored: {first['anchor']}"
        lines += ["", "## Patterns", f"{reads}{redact}.", ""]
        for row in patterns:
            checks = [f"validate {', '.join(row['validate'])}"] if row["validate"] else []
            if row["min-entropy"] is not None:
                checks.append(f"entropy >= {row['min-entropy']} bits/char")
            if row["allow"]:
                checks.append(f"allow {', '.join(row['allow'])}")
            flag = " (ignore case)" if row["ignore-case"] else ""
            tail = f" — {'; '.join(checks)}" if checks else ""
            lines.append(f"- `{row['regex']}`{flag}{tail}")
    lines += ["", f"Source: {spec.source}"]
    return "\n".join(lines) + "\n"


FAMILIES = {
    "FT0": "File and encoding",
    "FT1": "Chat schema",
    "FT2": "Tokens",
    "FT3": "Dataset",
    "FT4": "Content (packs in rules/content/)",
    "FT5": "Provider compatibility",
}


def rules_document() -> str:
    """docs/rules.md: every shipped rule, a table per family, then each rule's page.

    Generated from the registry (`python -m ftprep.dev rules-doc`), so the docs say what
    `ftprep rule` says; a test fails when the file is stale."""
    rules = all_rules()
    lines = [
        "# Rules",
        "",
        "Generated from the registry by `python -m ftprep.dev rules-doc`; do not edit by hand.",
        "`ftprep rules` lists them, `ftprep rule CODE` explains one, and the configuration",
        "selects, ignores and configures them by code, prefix or name.",
        "",
    ]
    for prefix, title in FAMILIES.items():
        family = [rule for rule in rules if rule.code.startswith(prefix)]
        if not family:
            continue
        lines += [f"## {prefix}xx: {title}", "", "| code | name | severity | fix | summary |",
                  "|---|---|---|---|---|"]
        for rule in family:
            spec = rule.spec
            summary = spec.summary.replace("|", "\\|")
            lines.append(f"| [{spec.code}](#{spec.name}-{spec.code.lower()}) | {spec.name} | "
                         f"{spec.severity.label} | {'yes' if spec.fix else ''} | {summary} |")
        lines.append("")
    lines += ["## Every rule", ""]
    for rule in rules:
        page = rule_markdown(rule).replace("\n## ", "\n#### ").replace("# ", "### ", 1)
        lines += [page.rstrip("\n"), ""]
    return "\n".join(lines)
