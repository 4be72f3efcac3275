"""Errors that end a run with a message instead of a traceback."""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class FtprepError(Exception):
    """A problem with the user's arguments, configuration or input files: exit 2 with `message`."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(FtprepError):
    """The configuration file or a command-line option is invalid.

    `key` is the configuration key at fault (`rules.FT202.min-token`, `select`) when the error
    is found after loading (rule options and selectors need the registry): the message is
    `key: problem`, and `Settings.named` can name the file or flag that set the key."""

    def __init__(self, message: str, hint: str | None = None, key: str | None = None) -> None:
        super().__init__(f"{key}: {message}" if key else message, hint)
        self.key = key
        self.problem = message
