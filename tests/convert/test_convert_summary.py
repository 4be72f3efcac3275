"""The convert summary: full reasons, grouped only by where in the record they sit."""

from __future__ import annotations

from ftprep.convert.summary import ReasonCounts, reason_group


def test_reason_group_stars_pointer_indices_only() -> None:
    assert reason_group("/messages/2/content/0: 'reasoning' content parts cannot be written") == (
        "/messages/*/content/*: 'reasoning' content parts cannot be written")
    assert reason_group("row has 3 fields where the header has 2 (line 3)") == (
        "row has 3 fields where the header has 2 (line 3)")  # not a pointer: left as it is
    assert reason_group("invalid example: FT106 no assistant message among 1 message") == (
        "invalid example: FT106 no assistant message among 1 message")


def test_reasons_are_shown_in_full_with_a_star_only_where_they_differ() -> None:
    reasons = ReasonCounts()
    reasons.add("/messages/2/content/0: 'reasoning' content parts cannot be written")
    reasons.add("invalid example: FT106 no assistant message among 1 message")
    reasons.add("/messages/3/content/0: 'reasoning' content parts cannot be written")
    reasons.add("/messages/2/content/0: 'reasoning' content parts cannot be written")
    assert reasons.most_common() == [
        ("/messages/*/content/0: 'reasoning' content parts cannot be written", 3),
        ("invalid example: FT106 no assistant message among 1 message", 1),
    ]
    alone = ReasonCounts()
    alone.add("/conversations/4/value is empty")
    alone.add("/conversations/4/value is empty")
    assert alone.most_common() == [("/conversations/4/value is empty", 2)]
