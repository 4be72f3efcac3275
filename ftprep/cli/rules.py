"""`ftprep rules` lists every rule; `ftprep rule CODE` explains one."""

from __future__ import annotations

import click
import orjson

from ftprep.model.errors import FtprepError
from ftprep.registry import all_rules, find_rule
from ftprep.ruledocs import rule_json, rule_markdown
from ftprep.suggest import closest


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def rules(output_format: str) -> int:
    """List every rule: code, name, default severity, fix availability, summary."""
    loaded = all_rules()
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
def rule(code: str, output_format: str) -> int:
    """Explain one rule (by code or name): what, why, examples, fix, options."""
    found = find_rule(code)
    if found is None:
        names = [r.code for r in all_rules()] + [r.spec.name for r in all_rules()]
        hint = closest(code, names)
        raise FtprepError(f"unknown rule {code!r}", f"did you mean {hint!r}?" if hint else "see `ftprep rules`")
    if output_format == "json":
        click.echo(orjson.dumps(rule_json(found), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(rule_markdown(found), nl=False)
    return 0
