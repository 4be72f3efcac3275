"""A pack rule made ready to run: its patterns compiled once with RE2, its checks bound.

RE2 matches in time linear in the text, whatever the pattern: `(a+)+$` on a 1 MB line of
`a`s takes milliseconds rather than forever, so no pattern in a user's pack can hang a run.
The price is RE2's syntax: no backreferences and no lookaround; a pattern using them is
rejected when the pack loads, naming the file, rule and pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

import re2

from ftprep.packs.schema import Anchor, Field_, PackRuleSpec, PatternSpec
from ftprep.packs.validators import VALIDATORS, Validator, shannon_entropy

# RE2's memory for one compiled program and its DFA cache; above it a pattern is refused (a
# DFA that cannot fit would fall back to slower matching or fail in a set). 8 MiB holds every
# shipped pattern with room; counted repeats like `[a-z]{5000}` exceed it.
MAX_MEM = 8 << 20


class PatternError(ValueError):
    """A pattern RE2 cannot compile, or that names an unknown validator or group."""


def re2_options() -> re2.Options:
    options = re2.Options()
    options.max_mem = MAX_MEM
    options.log_errors = False
    return options


@dataclass(frozen=True, eq=False)
class Pattern:
    """One compiled pattern: `source` is what the scanner's RE2 set holds for it."""

    spec: PatternSpec
    source: bytes
    regex: re2._Regexp
    group: int
    validators: tuple[Validator, ...]
    allow: tuple[str, ...]

    def accepts(self, found: str, text: str, start: int, end: int, allow: tuple[str, ...]) -> bool:
        """Whether a match is a finding: not allowed, random enough, and valid."""
        lowered = found.lower()
        if any(word in lowered for word in self.allow) or any(w in lowered for w in allow):
            return False
        minimum = self.spec.min_entropy
        if minimum is not None and shannon_entropy(found) < minimum:
            return False
        return all(check(found, text, start, end) for check in self.validators)


@dataclass(frozen=True, eq=False)
class PackRule:
    """A loaded pack rule: its spec, compiled patterns and the file it came from."""

    spec: PackRuleSpec
    patterns: tuple[Pattern, ...]
    path: str

    @property
    def fields(self) -> frozenset[Field_]:
        return frozenset(self.spec.fields)


def compile_pattern(rule: PackRuleSpec, spec: PatternSpec) -> Pattern:
    """Compile one pattern for matching inside the scanner's NUL-separated buffer of texts.

    Texts are joined with NUL bytes, so `anchor = "end"` becomes `(P)\\x00` and `"start"`
    `\\x00(P)`: one pass over the buffer still answers "at the end of a text".
    """
    body = spec.regex
    wanted: int | str = spec.group
    if rule.anchor is not Anchor.ANYWHERE:
        body = f"({body})\\x00" if rule.anchor is Anchor.END else f"\\x00({body})"
        wanted = wanted + 1 if isinstance(wanted, int) else wanted
    if spec.ignore_case:
        body = "(?i)" + body
    source = body.encode("utf-8")
    try:
        regex = re2.compile(source, re2_options())
    except re2.error as error:
        reason = error.args[0] if error.args else error
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        hint = " (RE2 has no backreferences or lookaround)" if "\\" in reason or "(?" in reason else ""
        raise PatternError(f"RE2 cannot compile it: {reason}{hint}") from None
    if isinstance(wanted, str):  # RE2 spans take numbers: resolve a name once, here
        number = regex.groupindex.get(wanted.encode("utf-8"))
        if number is None:
            raise PatternError(f"group {wanted!r} does not exist")
        group = int(number)
    else:
        group = wanted
    wrappers = 0 if rule.anchor is Anchor.ANYWHERE else 1  # the anchor's group is not the user's
    if not 0 <= group <= regex.groups:
        raise PatternError(
            f"group {spec.group} does not exist (the pattern has {regex.groups - wrappers})")
    unknown = [name for name in spec.validate_ if name not in VALIDATORS]
    if unknown:
        raise PatternError(f"unknown validator {unknown[0]!r}; known: {', '.join(sorted(VALIDATORS))}")
    validators = tuple(VALIDATORS[name] for name in spec.validate_)
    allow = tuple(word.lower() for word in spec.allow)
    return Pattern(spec, source, regex, group, validators, allow)


def compile_rule(spec: PackRuleSpec, path: str) -> PackRule:
    patterns = []
    for number, pattern in enumerate(spec.pattern):
        try:
            patterns.append(compile_pattern(spec, pattern))
        except PatternError as error:
            raise PatternError(f"pattern[{number}].regex: {error}") from None
    return PackRule(spec, tuple(patterns), path)
