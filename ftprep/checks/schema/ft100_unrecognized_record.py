"""FT100 unrecognized-record."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.schema._helpers import quoted
from ftprep.model.diagnostics import Finding, Severity
from ftprep.model.pointer import escape
from ftprep.model.record import (
    PREFERENCE_KEYS,
    PROMPT_COMPLETION_KEYS,
    TEXT_KEY,
    Record,
    RecordFormat,
)
from ftprep.registry import RuleSpec, Scope
from ftprep.suggest import closest

SPEC = RuleSpec(
    code="FT100", name="unrecognized-record", scope=Scope.RECORD, severity=Severity.ERROR,
    summary="The object is neither a chat, a preference, a prompt/completion nor a text record.",
    why="A fine-tuning file holds one kind of record: `messages` for chat, `input` with "
        "`preferred_output`/`non_preferred_output` for preference (DPO), `prompt` with "
        "`completion` (legacy OpenAI models, Together's instruction records), or `text` "
        "(Together's general records; whether the chosen provider trains on the format is "
        "FT502's and FT122's). A record with none of these keys, usually a misspelt key or "
        "another tool's layout (ShareGPT `conversations`, Alpaca `instruction`), is rejected by "
        "the provider.",
    bad='{"mesages": [{"role": "user", "content": "Hi"}, {"role": "assistant", '
        '"content": "Hello"}]}',
    good='{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
         '{"role": "assistant", "content": "Paris is the capital of France."}]}',
    formats=frozenset({RecordFormat.UNKNOWN}),
)

_KNOWN = ("messages", *sorted(PREFERENCE_KEYS), *sorted(PROMPT_COMPLETION_KEYS), TEXT_KEY)
# Keys that mark another tool's layout: name it, since fuzzy matching cannot.
_LAYOUTS = (
    ("conversations", "a ShareGPT record"),
    ("contents", "a Gemini record"),
    ("instruction", "an Alpaca record"),
    ("chosen", "a TRL preference record"),
    ("chosen_messages", "a LLaMA-Factory preference record"),
)


def check(record: Record, _options: None) -> Iterator[Finding]:
    data = record.data
    if not data:
        yield Finding("", "record is an empty object")
        return
    keys = ", ".join(quoted(k) for k in list(data)[:5]) + (", …" if len(data) > 5 else "")
    for marker, layout in _LAYOUTS:
        if marker in data:
            yield Finding(f"/{marker}", f"record looks like {layout}, not a chat record")
            return
    for key in data:
        hint = closest(key, _KNOWN, cutoff=80.0)
        if hint is not None and hint != key:
            yield Finding(
                f"/{escape(key)}", f"unknown key {quoted(key)} (did you mean {quoted(hint)}?)"
            )
            return
    half = PROMPT_COMPLETION_KEYS & data.keys()
    if half:
        present = next(iter(half))
        missing = next(iter(PROMPT_COMPLETION_KEYS - half))
        yield Finding(f"/{present}", f"record has {quoted(present)} but no {quoted(missing)}")
        return
    if "input" in data:
        yield Finding(
            "/input", "record has \"input\" but no \"preferred_output\" or \"non_preferred_output\""
        )
        return
    yield Finding("", f"record has none of \"messages\", \"input\", \"prompt\" (keys {keys})")
