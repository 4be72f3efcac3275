"""FT012 lone-surrogate-escape."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.parsing import ParseErrorKind
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT012", name="lone-surrogate-escape", scope=Scope.LINE, severity=Severity.ERROR,
    summary="A string holds a `\\ud800`-`\\udfff` escape without its partner: half of a "
            "UTF-16 surrogate pair, not a character.",
    why="RFC 8259 (section 8.2) lets such escapes through its grammar but says software that "
        "receives them behaves unpredictably: orjson and other strict parsers reject the line, "
        "Python's `json` accepts it and then cannot encode the text as UTF-8, so tokenizing or "
        "uploading fails later. They come from text cut in the middle of an emoji by a tool that "
        "counts UTF-16 units (JavaScript `slice`, Java `substring`). Separate from FT005 because "
        "the line is otherwise valid JSON and `json.loads` accepts it.",
    bad='{"messages": [{"role": "user", "content": "Which emoji is this: \\ud83d?"}, '
        '{"role": "assistant", "content": "Half of one: the text was cut."}]}',
    good='{"messages": [{"role": "user", "content": "Which emoji is this: \\ud83d\\ude00?"}, '
         '{"role": "assistant", "content": "A grinning face, U+1F600."}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    error = line.error
    if error is not None and error.kind is ParseErrorKind.LONE_SURROGATE:
        yield Finding("", error.message, column=error.column)
