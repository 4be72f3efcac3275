"""FT305 conflicting-outputs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ftprep.checks.base import DatasetCheck, DatasetFact, RunContext
from ftprep.checks.dataset._conversations import ANSWERED, excerpt, joined
from ftprep.checks.dataset._fingerprint import NO_KEY, Fingerprints, Needs, format_mask
from ftprep.checks.dataset._rows import Rows, listed
from ftprep.model.diagnostics import Finding, Location, Severity
from ftprep.model.views import final_answer
from ftprep.registry import RuleSpec, Scope

MAX_RELATED = 100
QUOTED = 3  # answers a message quotes (re-read from the file); the rest by line
MAX_QUOTED_PROMPTS = 1000  # prompts whose answers are re-read to quote them

SPEC = RuleSpec(
    code="FT305", name="conflicting-outputs", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="Examples with the same prompt end with different answers.",
    why="The model is taught two answers to one question, so it learns neither reliably: at "
        "best it picks one at random, at worst it blends them. Usually one answer is a mistake "
        "(a mislabelled class, an outdated reply) or the prompt lacks the context that tells the "
        "cases apart. The prompt is every turn before the final assistant answer, the system "
        "prompt included, compared after Unicode (NFC), case and whitespace normalisation; "
        "answers are compared the same way, so exact copies (FT303) are not conflicts. One "
        "diagnostic per prompt, at its first example, with the examples that answer differently "
        "as related. Preference records are skipped: several preferred outputs for one input "
        "are how preference data is built. Only training files are compared.",
    bad='{"messages": [{"role": "user", "content": "Is the tent waterproof?"}, {"role": "assistant", "content": "Yes."}]}\n'
        '{"messages": [{"role": "user", "content": "Is the tent waterproof?"}, {"role": "assistant", "content": "No, only water-resistant."}]}',
    good='{"messages": [{"role": "user", "content": "Is the tent waterproof?"}, {"role": "assistant", "content": "It is water-resistant, not waterproof."}]}\n'
         '{"messages": [{"role": "user", "content": "Is the tarp waterproof?"}, {"role": "assistant", "content": "Yes."}]}',
)


@dataclass(frozen=True)
class _Conflict:
    members: np.ndarray  # rows of the prompt's examples, in file order
    keys: np.ndarray  # their answers' keys
    answers: np.ndarray  # the first row of each answer, in file order


class Check(DatasetCheck):
    """Prompt and answer keys and positions of the training conversations, as columns; grouped
    by sorting at the end, so a million examples cost ~50 MB and no per-record objects."""

    def __init__(self, options: None, context: RunContext) -> None:
        super().__init__(options, context)
        self.formats = frozenset(ANSWERED)
        self._prompts: list[np.ndarray] = []
        self._answers: list[np.ndarray] = []
        self.rows = Rows()
        self._empty: np.ndarray | None = None
        self._conflicts: list[_Conflict] | None = None
        self._quoted: dict[int, str] = {}  # row -> its answer's first words

    def needs(self) -> Needs:
        return Needs(conversation=True)


    def observe_batch(self, prints: Fingerprints) -> None:
        empty = self._empty_keys()
        keep = format_mask(prints, self.formats) & ~np.isin(prints.prompt, empty)
        keep &= ~np.isin(prints.answer, empty)
        if keep.all():
            self.rows.add(prints.locations)
            self._prompts.append(prints.prompt)
            self._answers.append(prints.answer)
        else:
            chosen = np.flatnonzero(keep)
            self.rows.add([prints.locations[i] for i in chosen])
            self._prompts.append(prints.prompt[chosen])
            self._answers.append(prints.answer[chosen])

    def _empty_keys(self) -> np.ndarray:
        """Keys of no text, an empty one, and the empty prompt a record with no turns reads as
        (`{}`): such records are the schema rules' business."""
        if self._empty is None:
            from ftprep.similarity import exact_key

            keys = {NO_KEY, *((exact_key(text) or 1) for text in ("", "user: "))}
            self._empty = np.array(sorted(keys), dtype=np.uint64)
        return self._empty

    def conflicts(self) -> list[_Conflict]:
        """Prompts with more than one answer, in file order of their first example."""
        if self._conflicts is not None:
            return self._conflicts
        self._conflicts = []
        if not self._prompts:
            return self._conflicts
        prompts = np.concatenate(self._prompts)
        answers = np.concatenate(self._answers)
        self._prompts, self._answers = [], []
        order = np.lexsort((np.arange(len(prompts)), answers, prompts))  # prompt, answer, row
        by_prompt, by_answer = prompts[order], answers[order]
        new_prompt = np.r_[True, by_prompt[1:] != by_prompt[:-1]]
        new_answer = new_prompt | np.r_[True, by_answer[1:] != by_answer[:-1]]
        starts = np.flatnonzero(new_prompt)
        ends = np.r_[starts[1:], len(order)]
        distinct = np.add.reduceat(new_answer.astype(np.int64), starts)
        for g in np.flatnonzero(distinct > 1):
            members = np.sort(order[starts[g]:ends[g]])
            keys = answers[members]
            _unique, first_of_each = np.unique(keys, return_index=True)
            # The first example of each answer, in file order (the first example's answer first).
            self._conflicts.append(_Conflict(members, keys, members[np.sort(first_of_each)]))
        self._conflicts.sort(key=lambda c: int(c.members[0]))
        return self._conflicts

    def revisit(self) -> Iterable[Location]:
        return [self.rows.location(int(row)) for conflict in self.conflicts()[:MAX_QUOTED_PROMPTS]
                for row in conflict.answers[:QUOTED]]

    def revisited(self, records: Mapping[tuple[str, int], dict[str, Any]]) -> None:
        for conflict in self.conflicts()[:MAX_QUOTED_PROMPTS]:
            for row in conflict.answers[:QUOTED]:
                where = self.rows.location(int(row))
                data = records.get((where.path, where.offset))
                answer = final_answer(data) if data is not None else None
                if answer is not None:
                    self._quoted[int(row)] = excerpt(answer, words=8, chars=40)

    def finish(self) -> Iterator[Finding]:
        for conflict in self.conflicts():
            yield self._finding(conflict)

    def _finding(self, conflict: _Conflict) -> Finding:
        members, answers = conflict.members, conflict.answers
        first = self.rows.location(int(members[0]))
        places = self.rows.locations(answers)
        differing = members[conflict.keys != conflict.keys[0]]
        related = self.rows.locations(differing[:MAX_RELATED])
        count = "" if len(members) == len(answers) else f" in {len(members):,} examples"
        head = f"the same prompt has {len(answers):,} different answers{count}"
        quoted = [self._quoted.get(int(row)) for row in answers[:QUOTED]]
        if any(q is None for q in quoted):  # not re-readable (standard input): lines only
            return Finding.at(first, f"{head} ({listed(places, first.path)})", related=related)
        shown = [f"{q!r} ({listed([where], first.path)})" for q, where in zip(quoted, places)]
        rest = places[QUOTED:]
        if rest:
            shown.append(f"{len(rest):,} more ({listed(rest, first.path)})")
        return Finding.at(first, f"{head}: {joined(shown)}", related=related)

    def facts(self) -> list[DatasetFact]:
        if not self.rows.count:
            return []
        conflicts = self.conflicts()
        prompts, examples = len(conflicts), sum(len(c.members) for c in conflicts)
        text = (f"{prompts:,} prompt{'' if prompts == 1 else 's'} with different answers "
                f"({examples:,} examples, FT305)" if prompts else "none")
        return [DatasetFact(
            "conflicting_outputs", "conflicts", text, {"prompts": prompts, "examples": examples},
        )]
