"""FT307 label-variants."""

from __future__ import annotations

from collections.abc import Iterator

from ftprep.checks.base import RunContext
from ftprep.checks.dataset._conversations import joined
from ftprep.checks.dataset._labels import KEEP, LabelCheck, LabelOptions, shown
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.registry import RuleSpec, Scope

# Other spellings a message names; related locations cover them all (up to 100).
SHOWN_SPELLINGS = 5


class Options(LabelOptions, frozen=True, extra="forbid"):
    pass


SPEC = RuleSpec(
    code="FT307", name="label-variants", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="One class label is written in several ways (case, surrounding spaces, trailing "
            "punctuation).",
    why="The model learns each spelling as a different answer: `positive`, ` Positive` and "
        "`Positive.` split one class three ways, and at inference it may produce any of them, "
        "so code that compares the output to `Positive` misses some. Spellings are one label "
        "when they are equal after collapsing whitespace, folding case and dropping trailing "
        "punctuation (`. , ; : ! ?`). One diagnostic per label, at the first example spelt "
        "differently from the most common spelling, with the other such examples related. Labels "
        "come from `label-field` or the final answers, as for FT306 (give both rules the same "
        "`label-field`), and are judged only in classification-like data. The fix is unsafe: "
        "which spelling is right is for you to say (a leading space is the usual convention of "
        "legacy completions, where the label follows a separator).",
    bad='{"messages": [{"role": "user", "content": "Review: great"}, {"role": "assistant", "content": "Positive"}]}\n'
        '{"messages": [{"role": "user", "content": "Review: fine"}, {"role": "assistant", "content": "positive."}]}\n'
        "(and 20 more labelled examples)",
    good='{"messages": [{"role": "user", "content": "Review: great"}, {"role": "assistant", "content": "Positive"}]}\n'
         '{"messages": [{"role": "user", "content": "Review: fine"}, {"role": "assistant", "content": "Positive"}]}\n'
         "(and 20 more labelled examples)",
    fix=FixSpec("rewrite to the most common spelling", FixSafety.UNSAFE),
    options=Options,
)


class Check(LabelCheck):
    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options

    def finish(self) -> Iterator[Finding]:
        if not self.tally.classification():
            return
        for group in self.tally.groups():
            if len(group.spellings) < 2:
                continue
            main, main_spelling = group.spellings[0]
            others = group.spellings[1:]
            named = [f"{shown(text)} ({spelling.count:,})" for text, spelling in others[:SHOWN_SPELLINGS]]
            rest = others[SHOWN_SPELLINGS:]
            if rest:
                named.append(f"{len(rest):,} more spelling{'s' if len(rest) > 1 else ''} "
                             f"({sum(s.count for _t, s in rest):,})")
            count = main_spelling.count
            rows = sorted(loc for _text, spelling in others for loc in spelling.rows)
            yield Finding.at(
                rows[0],
                f"label {shown(main)} ({count:,} example{'' if count == 1 else 's'}) is also "
                f"written {joined(named)}",
                related=tuple(rows[1:KEEP]),
            )
