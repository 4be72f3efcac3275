"""Entry point: runs the click group without click's own exit handling, so ftprep decides.

0 clean, 1 problems at or above --fail-on, 2 usage/config/unreadable input/internal error,
130 on Ctrl-C (click would print "Aborted!" and exit 1).
"""

from __future__ import annotations

import importlib
import sys

import click

from ftprep import __version__
from ftprep.model.errors import EXIT_INTERRUPTED, EXIT_USAGE, FtprepError

# command name -> (module in ftprep.cli, attribute): imported only when run or listed, so
# `ftprep lint` (a pre-commit hook, run on every commit) never imports convert, fix or split.
COMMANDS = {
    "convert": ("convert", "convert"),
    "diff": ("diff", "diff"),
    "export": ("export", "export"),
    "estimate": ("estimate", "estimate"),
    "fix": ("fix", "fix"),
    "lint": ("lint", "lint"),
    "providers": ("providers", "providers"),
    "report": ("report", "report"),
    "rule": ("rules", "rule"),
    "rules": ("rules", "rules"),
    "split": ("split", "split"),
    "submit": ("submit", "submit"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            found = getattr(importlib.import_module(f"ftprep.cli.{module}"), attribute)
            assert isinstance(found, click.Command)
            self.add_command(found, cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="ftprep")
def cli() -> None:
    """Lint and prepare datasets for LLM fine-tuning."""


def _register() -> None:
    """Import every command now, for callers that read `cli.commands` directly."""
    for name in COMMANDS:
        cli.get_command(click.Context(cli), name)


def run(argv: list[str] | None = None) -> int:
    """Run one command and return its exit code; every expected failure becomes a message."""
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
