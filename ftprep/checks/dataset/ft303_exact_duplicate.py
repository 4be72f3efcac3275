"""FT303 exact-duplicate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from ftprep.checks.base import DatasetCheck, DatasetFact, RunContext
from ftprep.checks.dataset._duplicates import VIEW_NOUNS, empty_keys, exact_clusters
from ftprep.checks.dataset._fingerprint import TRAIN, Fingerprints, Needs
from ftprep.checks.dataset._rows import Rows, listed
from ftprep.model.diagnostics import Finding, FixSafety, FixSpec, Severity
from ftprep.model.views import View
from ftprep.registry import RuleSpec, Scope


class Options(BaseModel, frozen=True, extra="forbid"):
    text: Literal["example", "user", "assistant"] = Field(
        default="example",
        description="which text must be equal: `example` (every turn with its role), `user` "
                    "(the user turns: one question asked twice) or `assistant` (the assistant "
                    "turns: one answer taught twice)",
    )


SPEC = RuleSpec(
    code="FT303", name="exact-duplicate", scope=Scope.DATASET, severity=Severity.WARNING,
    summary="Examples are identical once Unicode (NFC), case and whitespace are normalised.",
    why="A repeated example is trained on once per copy, so the model weights it above the rest "
        "and is more likely to memorise and parrot it; copies usually come from merged exports "
        "or a retry that appended twice. The texts are compared after NFC normalisation, case "
        "folding and collapsing whitespace, so `Hello  world` and `hello world` are one example. "
        "One diagnostic per group of copies, at the first (the one `ftprep fix` keeps), with the "
        "others as related locations. Examples with no text (unrecognised records, empty "
        "messages) are left to the schema rules. Only training files are compared; a copy in a "
        "`--validation` file is FT308.",
    bad='{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
        '{"messages": [{"role": "user", "content": "hi "}, {"role": "assistant", "content": "hello!"}]}',
    good='{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
         '{"messages": [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hey!"}]}',
    fix=FixSpec("keep the first copy and drop the others", FixSafety.SAFE),
    options=Options,
)


class Check(DatasetCheck):
    """Keys (one uint64 per training record) and positions, collected per batch; grouped once at
    the end by sorting, so a million records cost ~40 MB and no per-record Python objects."""

    def __init__(self, options: Options, context: RunContext) -> None:
        super().__init__(options, context)
        self.options: Options = options
        self.view = View(options.text)
        self._keys: list[np.ndarray] = []
        self.rows = Rows()
        self.clusters = 0
        self.extra_copies = 0

    def needs(self) -> Needs:
        return Needs(exact=frozenset({self.view}))

    def observe_batch(self, prints: Fingerprints) -> None:
        keys = prints.exact[self.view]
        train = prints.groups == TRAIN
        if train.all():
            self.rows.add(prints.locations)
        else:
            keys = keys[train]
            self.rows.add([prints.locations[i] for i in np.flatnonzero(train)])
        self._keys.append(keys)

    def finish(self) -> Iterator[Finding]:
        keys = np.concatenate(self._keys) if self._keys else np.zeros(0, dtype=np.uint64)
        self._keys = []
        noun = VIEW_NOUNS[self.view]
        for members in exact_clusters(keys, empty_keys(self.view)):
            self.clusters += 1
            self.extra_copies += len(members) - 1
            first = self.rows.location(int(members[0]))
            others = self.rows.locations(members[1:])
            times = "once more" if len(others) == 1 else f"{len(others):,} more times"
            yield Finding.at(
                first, f"{noun} is repeated {times} ({listed(others, first.path)})",
                related=others,
            )

    def facts(self) -> list[DatasetFact]:
        if not self.rows.count:
            return []
        if self.clusters:
            text = (f"{self.extra_copies:,} extra cop{'y' if self.extra_copies == 1 else 'ies'} "
                    f"in {self.clusters:,} group{'' if self.clusters == 1 else 's'} (FT303)")
        else:
            text = "none"
        if self.view is not View.EXAMPLE:
            text += f", comparing {VIEW_NOUNS[self.view]}"
        return [DatasetFact(
            "duplicates", "duplicates", text,
            {"text": self.view.value, "clusters": self.clusters, "extra_copies": self.extra_copies},
        )]
