"""Entry point: runs the click group without click's own exit handling, so ftprep decides.

0 clean, 1 problems at or above --fail-on, 2 usage/config/unreadable input/internal error,
130 on Ctrl-C (click would print "Aborted!" and exit 1).
"""

from __future__ import annotations

import sys

import click

from ftprep import __version__
from ftprep.model.errors import EXIT_INTERRUPTED, EXIT_USAGE, FtprepError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="ftprep")
def cli() -> None:
    """Lint and prepare datasets for LLM fine-tuning."""


def _register() -> None:
    if cli.commands:
        return
    from ftprep.cli import convert, fix, lint, rules, split

    cli.add_command(convert.convert)
    cli.add_command(fix.fix)
    cli.add_command(lint.lint)
    cli.add_command(rules.rules)
    cli.add_command(rules.rule)
    cli.add_command(split.split)


def run(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code; every expected failure becomes a message."""
    _register()
    try:
        code = cli.main(args=argv, prog_name="ftprep", standalone_mode=False)
    except FtprepError as error:
        click.echo(f"ftprep: error: {error.message}", err=True)
        if error.hint:
            click.echo(f"  hint: {error.hint}", err=True)
        return error.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("ftprep: interrupted", err=True)
        return EXIT_INTERRUPTED
    except click.exceptions.Exit as done:  # --help, --version
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    return code if isinstance(code, int) else 0


def main() -> None:
    sys.exit(run())
