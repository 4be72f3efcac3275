"""FT005 invalid-json."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.packs.redact import secret_spans
from ftprep.packs.render import mask
from ftprep.parsing import ParseErrorKind
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT005", name="invalid-json", scope=Scope.LINE, severity=Severity.ERROR,
    summary="The line is not valid JSON; the column is where the parser stopped.",
    why="A line that does not parse cannot be trained on: providers reject the whole file, "
        "usually without saying which line. Typical causes are a record split over several "
        "lines (pretty-printed JSON), single quotes or trailing commas from hand editing, and "
        "lines cut short by a crashed export.",
    bad="{'messages': [{'role': 'user', 'content': 'Hi'}]}",
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    error = line.error
    if error is not None and error.kind is ParseErrorKind.SYNTAX:
        yield Finding("", _masked(error.message, line.text, error.column - 1), column=error.column)


# The token a parse error quotes: `unexpected word 'sk-proj-Xq9LmB7vTz2Kp…'`.
_QUOTED = re.compile(r"'([^']+?)…?'")


def _masked(message: str, text: str, position: int) -> str:
    """The message with the token it quotes masked when a secret is where the parser stopped:
    it quotes up to 23 characters of the token, far more than a mask's 4."""
    secret = next((text[a:b] for a, b in secret_spans(text) if a <= position < b), None)
    if secret is None:
        return message
    quoted = _QUOTED.search(message)
    if quoted is None or quoted.group(1) not in secret:
        return message
    return message[: quoted.start()] + mask(secret) + message[quoted.end():]
