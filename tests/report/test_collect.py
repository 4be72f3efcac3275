"""What the HTML report keeps of the diagnostic stream: exact counts, the first rows, and the
largest duplicate groups, biggest first and earliest first among equals."""

from __future__ import annotations

from ftprep.model.diagnostics import Diagnostic, Location, Severity
from ftprep.reporters.html.collect import CLUSTER_ROWS, TABLE_ROWS, Collected


def _diagnostic(code: str, path: str = "a.jsonl", line: int = 1, severity: Severity = Severity.ERROR,
                related: int = 0) -> Diagnostic:
    others = tuple(Location(path, line + i + 1) for i in range(related))
    return Diagnostic(code, f"name-{code}", severity, f"message {line}", Location(path, line),
                      related=others)


def test_counts_by_rule_and_file_add_up() -> None:
    collected = Collected()
    for diagnostic in [_diagnostic("FT106")] * 3 + [_diagnostic("FT104", "b.jsonl")] * 2 + [
            _diagnostic("FT104", "b.jsonl", severity=Severity.WARNING)]:
        collected.add(diagnostic)
    assert collected.total == 6
    assert dict(collected.rules()) == {"FT106": {Severity.ERROR: 3},
                                       "FT104": {Severity.ERROR: 2, Severity.WARNING: 1}}
    assert collected.files() == [("a.jsonl", {Severity.ERROR: 3}),
                                 ("b.jsonl", {Severity.ERROR: 2, Severity.WARNING: 1})]
    assert collected.names == {"FT106": "name-FT106", "FT104": "name-FT104"}


def test_most_problems_first_then_by_name() -> None:
    collected = Collected()
    for code, times in (("FT002", 1), ("FT001", 1), ("FT003", 2)):
        for _ in range(times):
            collected.add(_diagnostic(code))
    assert [code for code, _counts in collected.rules()] == ["FT003", "FT001", "FT002"]


def test_the_table_keeps_the_first_rows_and_counts_the_rest() -> None:
    collected = Collected()
    for line in range(1, TABLE_ROWS + 11):
        collected.add(_diagnostic("FT106", line=line))
    assert collected.total == TABLE_ROWS + 10
    assert [d.location.line for d in collected.rows] == list(range(1, TABLE_ROWS + 1))


def test_only_duplicate_rules_make_groups() -> None:
    collected = Collected()
    collected.add(_diagnostic("FT308", related=3))  # leakage names related places too
    collected.add(_diagnostic("FT303"))  # a duplicate rule's finding with no copies named
    assert collected.cluster_sizes == {} and collected.clusters("FT308") == []


def test_the_largest_groups_are_kept_biggest_first_earliest_first_among_equals() -> None:
    collected = Collected()
    sizes = [3, 9, 2, 9, 5] + [2] * CLUSTER_ROWS + [7]
    for number, size in enumerate(sizes, start=1):
        collected.add(_diagnostic("FT303", line=number * 100, related=size - 1))
    kept = collected.clusters("FT303")
    assert len(kept) == CLUSTER_ROWS
    assert [(c.size, c.where) for c in kept[:5]] == [
        (9, "a.jsonl:200"), (9, "a.jsonl:400"), (7, f"a.jsonl:{len(sizes) * 100}"),
        (5, "a.jsonl:500"), (3, "a.jsonl:100")]
    # the groups of 2 that fit are the earliest ones
    twos = [c.where for c in kept if c.size == 2]
    assert twos == [f"a.jsonl:{n * 100}" for n in [3, *range(6, 6 + len(twos) - 1)]]
    assert collected.cluster_sizes["FT303"] == {3: 1, 9: 2, 2: CLUSTER_ROWS + 1, 5: 1, 7: 1}


def test_a_group_without_a_line_is_named_by_its_file() -> None:
    collected = Collected()
    diagnostic = Diagnostic("FT304", "near-duplicate", Severity.WARNING, "m", Location("a.jsonl"),
                            related=(Location("a.jsonl", 4),))
    collected.add(diagnostic)
    assert collected.clusters("FT304")[0].where == "a.jsonl"
