"""'Did you mean …?' suggestions for misspelt keys, roles and rule names (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, choices: Iterable[str], cutoff: float = 70.0) -> str | None:
    """The most similar choice by normalised edit similarity, if it is similar enough."""
    from rapidfuzz import fuzz, process, utils

    options = list(choices)
    if not options:
        return None
    match = process.extractOne(
        word, options, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=cutoff
    )
    return match[0] if match else None
