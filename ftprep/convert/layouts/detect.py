"""Choose a layout: by name (`--from`), from the options (`--map`/`--template`), or from the keys.

Detection looks at the keys of the first source record. Signatures (any key set may carry more):

| layout            | keys                                                                  |
|-------------------|-----------------------------------------------------------------------|
| preference        | chosen + rejected; chosen_messages + rejected_messages; input + preferred_output + non_preferred_output |
| messages          | messages (and not a preference signature)                             |
| sharegpt          | conversations (and not a preference signature)                        |
| alpaca            | instruction + output                                                  |
| prompt-completion | prompt + completion                                                   |
| mapped            | one known question/answer pair of columns and nothing above (see `QA_PAIRS`) |

Preference wins over the base layouts it extends (a ShareGPT or Alpaca record with chosen and
rejected is a pair). Two other matches are an error listing both, to be settled with `--from`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Iterator, Sequence

from ftprep.convert.layouts._base import ConvertOptions, Layout
from ftprep.convert.layouts.alpaca import Alpaca
from ftprep.convert.layouts.mapped import Mapped
from ftprep.convert.layouts.messages import Messages
from ftprep.convert.layouts.preference import Preference
from ftprep.convert.layouts.prompt_completion import PromptCompletion
from ftprep.convert.layouts.sharegpt import ShareGPT
from ftprep.convert.model import Converted
from ftprep.model.errors import FtprepError
from ftprep.model.sources import Rejected, SourceRecord
from ftprep.suggest import closest

LAYOUTS: dict[str, type[Layout]] = {
    cls.name: cls for cls in (PromptCompletion, Alpaca, ShareGPT, Messages, Preference, Mapped)
}
ALIASES = {
    "openai": "messages",
    "openai-chat": "messages",
    "chat": "messages",
    "hf-messages": "messages",
    "hf": "messages",
    "dpo": "preference",
    "completion": "prompt-completion",
    "prompt-completion": "prompt-completion",
    "legacy": "prompt-completion",
}
# Column pairs whose roles are beyond doubt, matched without regard to case.
QA_PAIRS = (
    ("question", "answer"),
    ("query", "response"),
    ("user", "assistant"),
    ("human", "assistant"),
    ("human", "gpt"),
    ("input", "output"),
    ("q", "a"),
    ("prompt", "response"),
)


def layout_names() -> list[str]:
    """Names `--from` accepts (aliases excluded)."""
    return list(LAYOUTS)


def layout_class(name: str) -> type[Layout]:
    """The layout called `name` (or an alias); an unknown name is an exit-2 error."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key in LAYOUTS:
        return LAYOUTS[key]
    guess = closest(name, [*LAYOUTS, *ALIASES])
    raise FtprepError(
        f"unknown layout {name!r}; layouts: {', '.join(LAYOUTS)}",
        hint=f"did you mean {guess!r}?" if guess else None,
    )


def qa_mapping(fields: Collection[str]) -> tuple[tuple[str, str], ...] | None:
    """`(("user", col), ("assistant", col))` when the columns are one pair of `QA_PAIRS`."""
    by_lower: dict[str, list[str]] = {}
    for name in fields:
        by_lower.setdefault(name.strip().lower(), []).append(name)
    found = [
        (by_lower[user][0], by_lower[assistant][0])
        for user, assistant in QA_PAIRS
        if len(by_lower.get(user, ())) == 1 and len(by_lower.get(assistant, ())) == 1
    ]
    if len(found) != 1:
        return None
    return (("user", found[0][0]), ("assistant", found[0][1]))


def detect_layout(fields: Collection[str]) -> type[Layout]:
    """The layout whose signature these keys carry; FtprepError when none or several do."""
    if Preference.matches(fields):
        return Preference
    candidates = [
        cls for cls in (Messages, ShareGPT, Alpaca, PromptCompletion) if cls.matches(fields)
    ]
    if len(candidates) == 1:
        return candidates[0]
    shown = ", ".join(sorted(fields)) or "(no fields)"
    if candidates:
        names = " and ".join(cls.name for cls in candidates)
        raise FtprepError(
            f"records match more than one layout ({names}); fields: {shown}",
            hint=f"choose one with --from ({' or '.join(c.name for c in candidates)})",
        )
    if qa_mapping(fields):
        return Mapped
    if set(fields) == {"text"}:
        raise FtprepError(
            "records have only 'text': plain text (pre-training data), not a conversation",
            hint='make turns with --template "..." --map assistant=COLUMN',
        )
    raise FtprepError(
        f"cannot tell the layout from the fields: {shown}",
        hint="map the columns (--map user=COLUMN --map assistant=COLUMN) or name the layout with "
        f"--from ({', '.join(LAYOUTS)})",
    )


def make_layout(
    sample: Sequence[SourceRecord], options: ConvertOptions, name: str | None = None
) -> Layout:
    """A prepared layout for these records: named, implied by the options, or detected."""
    if name is not None:
        cls = layout_class(name)
        if cls is not Mapped and (options.mapping or options.template is not None):
            raise FtprepError(
                f"--map and --template apply to the mapped layout, not {cls.name}",
                hint="drop --from, or use --from mapped",
            )
    elif options.mapping or options.template is not None:
        cls = Mapped
    elif not sample:
        cls = Messages  # nothing to convert; any layout will do
    else:
        cls = detect_layout(sample[0].fields)
    note = None
    if cls is Mapped and not options.mapping and options.template is None and sample:
        mapping = qa_mapping(sample[0].fields)
        if mapping is None:
            raise FtprepError("the mapped layout needs --map ROLE=COLUMN (or --template)")
        options = dataclasses.replace(options, mapping=mapping)
        note = f"mapped columns {mapping[0][1]!r} -> user, {mapping[1][1]!r} -> assistant"
    layout = cls(options)
    if note:
        layout.notes.append(note)
    layout.prepare(sample)
    return layout


class RecordConverter:
    """Convert a stream of source records with one layout, chosen from the first records.

    The first `options.sample_size` source records are held back to choose and prepare the
    layout, then everything is converted in the original order, `Rejected` items from the
    reader passing through untouched. `layout` is set once the sample is read.
    """

    def __init__(self, options: ConvertOptions, name: str | None = None) -> None:
        self.options = options
        self.name = name
        self.layout: Layout | None = None

    def __call__(self, items: Iterable[SourceRecord | Rejected]) -> Iterator[Converted | Rejected]:
        iterator = iter(items)
        held: list[SourceRecord | Rejected] = []
        sample: list[SourceRecord] = []
        for item in iterator:
            held.append(item)
            if isinstance(item, SourceRecord):
                sample.append(item)
                if len(sample) >= self.options.sample_size:
                    break
        layout = self.layout = make_layout(sample, self.options, self.name)
        convert = layout.convert
        for item in held:
            yield convert(item) if isinstance(item, SourceRecord) else item
        del held, sample
        for item in iterator:
            yield convert(item) if isinstance(item, SourceRecord) else item
