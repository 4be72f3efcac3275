"""FT007 duplicate-key."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.lines import Line
from ftprep.model.pointer import duplicate_keys, escape
from ftprep.packs.redact import mask_secrets
from ftprep.registry import RuleSpec, Scope

SPEC = RuleSpec(
    code="FT007", name="duplicate-key", scope=Scope.LINE, severity=Severity.ERROR,
    summary="An object repeats a key; parsers keep only one of the values, silently.",
    why="RFC 8259 leaves repeated names undefined: Python, orjson and most JSON libraries keep "
        "the last value and drop the others without a word, other parsers reject the object. "
        "Either way the example trained on is not the one in the file, e.g. a message with two "
        '`"content"` keys loses its first text. Such keys come from hand edits and from records '
        "built by string concatenation.",
    bad='{"messages": [{"role": "user", "content": "Hi", "content": "What is the capital of France?"}, '
        '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    only_if_not_plain=True,
)


def check(line: Line, _options: None) -> Iterator[Finding]:
    if not line.duplicate_suspect:
        return
    for dup in duplicate_keys(line.text):
        where = f"object {dup.object_pointer}" if dup.object_pointer else "the top-level object"
        key = json.dumps(mask_secrets(dup.key), ensure_ascii=False)  # a key can be a secret
        yield Finding(
            f"{dup.object_pointer}/{escape(mask_secrets(dup.key))}",
            f"key {key} repeats in {where}; the last value wins",
            column=dup.column,
        )
