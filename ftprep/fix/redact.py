"""`fix --redact`: replace what secret and personal-data rules find with typed placeholders.

A leaked key or a customer's email address cannot stay in a training file, and dropping the
whole example loses the rest of it: redaction keeps the example and writes `<API_KEY>`,
`<EMAIL>` ... (the rule's `redact-as`) where the match was, at the JSON pointer of the text
that held it (message content, text parts, tool-call arguments, preference outputs, prompt and
completion). The matches are the lint run's own: the same selected rules, with their options
(roles, fields, allow lists), minus rules a `per-file-ignores` entry turns off for the file.

Which rules: those whose matches are masked in reports (`show = "masked"`: secrets, personal
data), by default every selected one; rules that show their matches (placeholder text,
boilerplate, truncation, mojibake, control characters) are never redacted, since a placeholder
over a flaw only garbles the example. `--redact-rules` narrows the set by selectors. Redaction changes what is learned, so it
is never applied without `--redact` (not by `--unsafe-fixes` either); asking for it is the
consent, in place too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ftprep.fix.repairs import Change, parent
from ftprep.lint.selection import ActiveRule, FileIgnores
from ftprep.model.diagnostics import Location
from ftprep.model.errors import FtprepError
from ftprep.model.record import Record
from ftprep.packs.redact import merge, placeholder, redactable, replace_spans
from ftprep.packs.scan import ContentScanner, Hit, Slot
from ftprep.registry import matches

_NOWHERE = Location("-")


@dataclass(frozen=True)
class RedactTarget:
    """A rule whose matches are redacted: its code, name and placeholder, for the summary."""

    code: str
    name: str
    placeholder: str


class Redactor:
    """The rules chosen for redaction, ready to redact one record at a time."""

    def __init__(self, rules: Sequence[ActiveRule]) -> None:
        self.targets = {
            a.code: RedactTarget(a.code, a.rule.spec.name, placeholder(a.rule.pack))
            for a in rules if a.rule.pack is not None
        }
        self._scanner = ContentScanner(
            [Slot.of(a.rule.pack, a.options, a) for a in rules if a.rule.pack is not None]
        )

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.targets)

    def redact(self, data: dict[str, Any]) -> tuple[dict[str, Any], list[Change]]:
        """`data` with every match replaced (a copy; `data` is never edited), and one change per
        placeholder written, under the code of the rule whose placeholder it is. `data` itself
        and no change when nothing matches."""
        hits = self._scanner.hits([Record(_NOWHERE, b"", data)])
        if not hits:
            return data, []
        by_text: dict[int, list[Hit]] = {}
        for hit in hits:
            by_text.setdefault(hit.position, []).append(hit)
        copy: dict[str, Any] = orjson.loads(orjson.dumps(data))
        changes: list[Change] = []
        for found in by_text.values():
            text = found[0].text
            place = parent(copy, text.pointer)
            if place is None or place[0][place[1]] != text.text:
                continue  # not where the scanner read it: leave it to the rule to report
            spans = merge(found)
            holder, key = place
            holder[key] = replace_spans(text.text, spans)
            changes += [
                Change(span.hit.slot.key.code, text.pointer, placeholder(span.hit.slot.rule),
                       redacted=True)
                for span in spans
            ]
        return (copy, changes) if changes else (data, [])


def redaction_rules(
    rules: Sequence[ActiveRule], selectors: tuple[str, ...], path: str, ignores: FileIgnores,
) -> list[ActiveRule]:
    """The rules to redact in `path`: the selected rules that mask their matches, narrowed to `selectors` when any are given. A selector that names no such rule is a usage
    error (exit 2), so a typo never quietly leaves secrets in place."""
    candidates = [a for a in rules if a.rule.pack is not None and redactable(a.rule.pack)]
    for selector in selectors:
        if not any(matches(a.rule.spec, selector) for a in candidates):
            named = [a.code for a in rules if matches(a.rule.spec, selector)]
            why = (f"{', '.join(named)} {'finds' if len(named) == 1 else 'find'} no secret or "
                   "personal data" if named else "no selected rule matches it")
            raise FtprepError(
                f"--redact-rules: {selector!r} selects no rule to redact: {why}",
                "the secret and personal-data rules (FT40x, FT42x, and user pack rules that "
                "mask their matches) can be redacted; `ftprep rules` lists them",
            )
    return [
        a for a in candidates
        if (not selectors or any(matches(a.rule.spec, s) for s in selectors))
        and not ignores.ignored(path, a.rule)
    ]
