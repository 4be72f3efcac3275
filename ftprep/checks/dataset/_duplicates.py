"""What the duplicate and leakage rules (FT303, FT304, FT308) share: which keys mean "no
text", and grouping rows by key with sorting instead of a dict per record."""

from __future__ import annotations

from functools import cache

import numpy as np

from ftprep.checks.dataset._fingerprint import NO_KEY
from ftprep.model.views import View, view_text

# How a message names the text compared (`Options.text`).
VIEW_NOUNS = {View.EXAMPLE: "example", View.USER: "user text", View.ASSISTANT: "assistant text"}


@cache
def empty_keys(view: View) -> np.ndarray:
    """Keys of a view with no text to compare: no such text at all, an empty one, or a record
    with no recognisable turns (`{}` reads as an empty prompt and completion). Such records are
    the schema rules' business; as duplicates of each other they would only be noise."""
    from ftprep.similarity import exact_key

    texts = ("", view_text({}, view))
    return np.array(sorted({NO_KEY, *((exact_key(t) or 1) for t in texts)}), dtype=np.uint64)


def exact_clusters(keys: np.ndarray, skip: np.ndarray) -> list[np.ndarray]:
    """Rows sharing a key (ignoring keys in `skip`), two or more to a group, each group's rows
    ascending, the groups ordered by their first row."""
    valid = np.flatnonzero(~np.isin(keys, skip))
    order = valid[np.argsort(keys[valid], kind="stable")]  # stable: rows stay ascending in a key
    if len(order) < 2:
        return []
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(order)]
    several = ends - starts >= 2
    starts, ends = starts[several], ends[several]
    by_first = np.argsort(order[starts], kind="stable")
    return [order[starts[i]:ends[i]] for i in by_first]


def first_with_key(keys: np.ndarray, skip: np.ndarray) -> np.ndarray:
    """For each row, the first row with its key (itself if it is the first); -1 for rows whose
    key is in `skip`. Rows that map to themselves are each key's representative."""
    first = np.full(len(keys), -1, dtype=np.int64)
    valid = np.flatnonzero(~np.isin(keys, skip))
    if not len(valid):
        return first
    order = valid[np.argsort(keys[valid], kind="stable")]
    ordered = keys[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(new) - 1
    first[order] = order[new][group]
    return first
