"""`ftprep rules` lists every rule; `ftprep rule CODE` explains one.

Both read the configuration, so the rules of a user's packs (`extend-rules`) are listed and
explained exactly like the shipped ones.
"""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from ftprep.cli._options import config_options
from ftprep.config import load_settings
from ftprep.model.errors import FtprepError
from ftprep.registry import find_rule, rules_with
from ftprep.ruledocs import rule_json, rule_markdown
from ftprep.suggest import closest


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@config_options
def rules(output_format: str, config: Path | None, isolated: bool) -> int:
    """List every rule: code, name, default severity, fix availability, summary."""
    loaded = rules_with(load_settings(config, isolated).extend_rules)
    if output_format == "json":
        click.echo(orjson.dumps([rule_json(r) for r in loaded], option=orjson.OPT_INDENT_2).decode())
        return 0
    for rule in loaded:
        spec = rule.spec
        fix = "fix" if spec.fix else "   "
        click.echo(f"{spec.code}  {spec.name:<32} {spec.severity.label:<8} {fix}  {spec.summary}")
    return 0


@click.command()
@click.argument("code")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@config_options
def rule(code: str, output_format: str, config: Path | None, isolated: bool) -> int:
    """Explain one rule (by code or name): what, why, examples, fix, options."""
    extend_rules = load_settings(config, isolated).extend_rules
    found = find_rule(code, extend_rules)
    if found is None:
        known = rules_with(extend_rules)
        names = [r.code for r in known] + [r.spec.name for r in known]
        hint = closest(code, names)
        raise FtprepError(f"unknown rule {code!r}", f"did you mean {hint!r}?" if hint else "see `ftprep rules`")
    if output_format == "json":
        click.echo(orjson.dumps(rule_json(found), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(rule_markdown(found), nl=False)
    return 0
