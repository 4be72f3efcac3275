"""'Did you mean …?' suggestions for misspelt keys, roles, models and rule names (rapidfuzz).

A suggestion must be likely: the word is a few edits away from the choice, relative to their
length. Partial matching is not used, because a word that merely contains a choice is another
word, not a typo of it: `system_prompt` does not mean `prompt`, and `tool` does not mean
`parallel_tool_calls`. When nothing is close, callers show what exists instead.
"""

from __future__ import annotations

from collections.abc import Iterable

# Normalised Indel similarity, 0-100: 100 x (1 - edits / (len(word) + len(choice))), counting a
# substitution as two edits, after lower-casing and folding punctuation. 75 keeps one slip in a
# short word (`rol`/`role` 86, `txt`/`text` 86, `contnet`/`content` 86) and two in a longer one
# (`wieght`/`weight` 83), and drops containment (`system_prompt`/`prompt` 63).
LIKELY = 75.0


def similarity(word: str, choice: str) -> float:
    """How alike two names are, 0-100, as `closest` judges them."""
    from rapidfuzz import fuzz, utils

    return float(fuzz.ratio(word, choice, processor=utils.default_process))


def closest(word: str, choices: Iterable[str], cutoff: float = LIKELY) -> str | None:
    """The most similar choice, if it is at least `cutoff` similar (see `LIKELY`)."""
    from rapidfuzz import fuzz, process, utils

    options = list(choices)
    if not options:
        return None
    match = process.extractOne(
        word, options, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=cutoff
    )
    return match[0] if match else None
