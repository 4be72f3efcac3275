"""`ftprep diff`: matching (properties), edits and the similarity threshold, consequences,
new and fixed problems, every output format and the exit codes."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftprep.config import Settings
from ftprep.diff.match import example_text
from ftprep.diff.result import ChangeKind, Diff
from ftprep.diff.run import run_diff
from ftprep.diff.versions import Version
from ftprep.similarity import jaccard
from tests.test_cli import check_golden
from tests.test_cli import run as cli

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "diff"
WORDS = ["river", "stone", "lantern", "copper", "meadow", "violet", "harbor", "thunder", "pencil", "orchard", "falcon", "marble", "candle", "summit", "velvet", "glacier", "ember", "willow", "canyon", "saffron", "beacon", "quartz", "ripple", "tundra"]
SETTINGS = Settings.model_validate({})
PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def example(rng: random.Random, words: int = 40) -> dict[str, Any]:
    """A chat example of distinct text: a different answer every time."""
    return {"messages": [
        {"role": "system", "content": "You answer in one paragraph."},
        {"role": "user", "content": " ".join(rng.choice(WORDS) for _ in range(12))},
        {"role": "assistant", "content": " ".join(rng.choice(WORDS) for _ in range(words))},
    ]}


def write(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def diff_files(old: Path, new: Path, threshold: float = 0.7) -> Diff:
    return run_diff(SETTINGS, [Version(str(old), path=str(old))], [Version(str(new), path=str(new))],
                    threshold=threshold)


def reversed_keys(value: Any) -> Any:
    """The same JSON value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reversed_keys(v) for k, v in reversed(value.items())}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


def canonical(record: Any) -> str:
    return json.dumps(record, sort_keys=True)


def lines_of(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- properties ---------------------------------------------------------------------------------


@PROPERTY
@given(seed=st.integers(0, 10_000), n=st.integers(1, 30))
def test_a_file_against_itself_has_no_changes(tmp_path: Path, seed: int, n: int) -> None:
    rng = random.Random(seed)
    a = write(tmp_path / f"a{seed}.jsonl", [example(rng) for _ in range(n)])
    result = diff_files(a, a)
    assert result.changes == ()
    assert result.problems.new == () and result.problems.fixed == ()
    assert result.unchanged == n
    assert result.before == result.after
    assert result.exit_code() == 0


@PROPERTY
@given(seed=st.integers(0, 10_000), n=st.integers(2, 25))
def test_shuffled_and_reformatted_lines_are_not_changes(tmp_path: Path, seed: int, n: int) -> None:
    rng = random.Random(seed)
    records = [example(rng) for _ in range(n)]
    a = write(tmp_path / f"a{seed}.jsonl", records)
    shuffled = records[:]
    rng.shuffle(shuffled)
    b = tmp_path / f"b{seed}.jsonl"  # keys reversed, other spacing: the same examples
    b.write_text("".join(json.dumps(reversed_keys(r), indent=None, separators=(", ", " : "))
                         + "\n" for r in shuffled), encoding="utf-8")
    result = diff_files(a, b)
    assert result.changes == ()
    assert result.unchanged == n


@PROPERTY
@given(seed=st.integers(0, 10_000), n=st.integers(1, 20), removed=st.integers(0, 5),
       added=st.integers(0, 5), edited=st.integers(0, 5))
def test_applying_the_reported_changes_to_old_gives_new(
    tmp_path: Path, seed: int, n: int, removed: int, added: int, edited: int
) -> None:
    rng = random.Random(seed)
    old_records = [example(rng, 60) for _ in range(n)]
    if n > 2:
        old_records.append(old_records[1])  # a duplicate: matched as a multiset
    new_records = [r for i, r in enumerate(old_records) if i >= removed]
    for i in range(min(edited, len(new_records))):
        edit = json.loads(json.dumps(new_records[i]))
        edit["messages"][2]["content"] += " zanzibar"
        new_records[i] = edit
    new_records += [example(rng, 60) for _ in range(added)]
    rng.shuffle(new_records)
    a = write(tmp_path / f"a{seed}.jsonl", old_records)
    b = write(tmp_path / f"b{seed}.jsonl", new_records)
    result = diff_files(a, b)

    old_lines, new_lines = lines_of(a), lines_of(b)
    rebuilt = Counter(canonical(r) for r in old_lines)
    for change in result.changes:
        if change.old is not None:
            rebuilt[canonical(old_lines[change.old.line - 1])] -= 1
        if change.new is not None:
            rebuilt[canonical(new_lines[change.new.line - 1])] += 1
    assert +rebuilt == Counter(canonical(r) for r in new_lines)
    assert result.unchanged + result.count(ChangeKind.ADDED) + result.count(ChangeKind.MODIFIED) == len(new_lines)
    assert result.before.examples == len(old_lines) and result.after.examples == len(new_lines)
    # The old side's totals are derived from the new side's: check them against the truth.
    truth = diff_files(a, a).after
    assert result.before.tokens == truth.tokens
    assert result.before.estimate.billed_tokens_per_epoch == truth.estimate.billed_tokens_per_epoch


# -- edits and the threshold ------------------------------------------------------------------


def test_one_word_changed_in_a_long_message_is_a_modification_at_its_new_line(tmp_path: Path) -> None:
    rng = random.Random(3)
    records = [example(rng, 120) for _ in range(20)]
    edited = json.loads(json.dumps(records[7]))
    words = edited["messages"][2]["content"].split()
    words[60] = "zanzibar"
    edited["messages"][2]["content"] = " ".join(words)
    new_records = records[:7] + records[8:] + [edited]  # moved to the end, line 20
    result = diff_files(write(tmp_path / "a.jsonl", records), write(tmp_path / "b.jsonl", new_records))
    (change,) = result.changes
    assert change.kind is ChangeKind.MODIFIED
    assert change.old is not None and change.old.line == 8
    assert change.new is not None and change.new.line == 20
    assert change.similarity is not None and 0.85 < change.similarity < 1.0


@pytest.mark.parametrize("side", ["below", "at", "above"])
def test_the_similarity_threshold_decides_modified_or_removed_and_added(tmp_path: Path, side: str) -> None:
    rng = random.Random(11)
    record = example(rng, 50)
    edited = json.loads(json.dumps(record))
    words = edited["messages"][2]["content"].split()
    for i in range(0, 50, 9):
        words[i] = "zanzibar"
    edited["messages"][2]["content"] = " ".join(words)
    score = jaccard(example_text(record), example_text(edited), 5)
    assert 0.3 < score < 0.9
    threshold = {"below": score - 0.01, "at": score, "above": score + 0.01}[side]
    result = diff_files(write(tmp_path / "a.jsonl", [record]), write(tmp_path / "b.jsonl", [edited]),
                        threshold=threshold)
    kinds = sorted(c.kind.value for c in result.changes)
    assert kinds == (["added", "removed"] if side == "above" else ["modified"])
    if side != "above":
        assert result.changes[0].similarity == pytest.approx(score, abs=1e-4)


# -- problems ---------------------------------------------------------------------------------


def test_new_and_fixed_problems_are_told_apart(tmp_path: Path) -> None:
    rng = random.Random(5)
    good = [example(rng) for _ in range(6)]
    unanswered = {"messages": [{"role": "system", "content": "You answer in one paragraph."},
                               {"role": "user", "content": "what is the capital of France today"}]}
    old = write(tmp_path / "old.jsonl", [*good, unanswered])
    answered = {"messages": [*unanswered["messages"],
                             {"role": "assistant", "content": "Paris is the capital of France."}]}
    new = tmp_path / "new.jsonl"
    new.write_text("".join(json.dumps(r) + "\n" for r in [*good, answered]) + '{"messages": [\n',
                   encoding="utf-8")
    result = diff_files(old, new)
    assert [(d.code, d.location.line) for d in result.problems.new] == [("FT005", 8)]
    assert ("FT106", 7) in [(d.code, d.location.line) for d in result.problems.fixed]
    assert result.exit_code() == 1


def test_a_problem_on_an_unchanged_example_is_not_new(tmp_path: Path) -> None:
    rng = random.Random(8)
    broken = {"messages": [{"role": "user", "content": "no answer here at all"}]}
    records = [example(rng) for _ in range(5)]
    old = tmp_path / "old.jsonl"
    old.write_text("".join(json.dumps(r) + "\n" for r in [broken, *records]) + "{oops\n", encoding="utf-8")
    new = tmp_path / "new.jsonl"  # the same problems, moved; one clean example added
    new.write_text("{oops\n" + "".join(json.dumps(r) + "\n" for r in [*records, broken, example(rng)]),
                   encoding="utf-8")
    result = diff_files(old, new)
    assert result.problems.new == () and result.problems.fixed == ()
    assert result.exit_code() == 0


def test_an_added_copy_of_an_existing_example_is_a_new_duplicate(tmp_path: Path) -> None:
    rng = random.Random(9)
    records = [example(rng) for _ in range(5)]
    result = diff_files(write(tmp_path / "a.jsonl", records),
                        write(tmp_path / "b.jsonl", [*records, records[2]]))
    assert [c.kind for c in result.changes] == [ChangeKind.ADDED]
    assert [d.code for d in result.problems.new] == ["FT303"]


def test_validation_leakage_of_an_added_example_is_new(tmp_path: Path) -> None:
    rng = random.Random(10)
    records = [example(rng) for _ in range(5)]
    held_out = example(rng)
    validation = write(tmp_path / "valid.jsonl", [held_out])
    a = write(tmp_path / "a.jsonl", records)
    b = write(tmp_path / "b.jsonl", [*records, held_out])
    result = run_diff(SETTINGS, [Version(str(a), path=str(a))], [Version(str(b), path=str(b))],
                      validation=[str(validation)])
    assert "FT308" in [d.code for d in result.problems.new]


def test_labels_before_and_after(tmp_path: Path) -> None:
    def labelled(text: str, label: str) -> dict[str, Any]:
        return {"messages": [{"role": "user", "content": f"Classify: {text}"},
                             {"role": "assistant", "content": label}]}
    old = [labelled(f"review number {i} " + " ".join(WORDS[i % 7:i % 7 + 5]), "positive" if i % 2 else "negative")
           for i in range(40)]
    new = old[:-4] + [labelled(f"another review {i} text here", "positive") for i in range(6)]
    result = diff_files(write(tmp_path / "a.jsonl", old), write(tmp_path / "b.jsonl", new))
    assert result.before.labels == {"positive": 20, "negative": 20}
    assert result.after.labels == {"positive": 18 + 6, "negative": 18}


# -- the command line -------------------------------------------------------------------------


def test_markdown_output_is_golden() -> None:
    code, out, err = cli("diff", "--isolated", "--model", "gpt-4o-mini-2024-07-18", "--format", "markdown",
                         "old.jsonl", "new.jsonl", cwd=DATA)
    assert code == 1, err
    check_golden("diff_small.md", out)


def test_github_annotations_only_for_new_problems() -> None:
    code, out, _err = cli("diff", "--isolated", "--format", "github", "old.jsonl", "new.jsonl", cwd=DATA)
    assert code == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    lint_code, lint_out, _ = cli("lint", "--isolated", "--format", "github", "new.jsonl", cwd=DATA)
    assert lint_code == 1
    everything = [line for line in lint_out.splitlines() if line.startswith("::")]
    assert len(everything) > len(annotations) > 0  # NEW has old problems too: not annotated
    assert set(annotations) <= set(everything)
    assert all("file=new.jsonl" in line for line in annotations)
    assert out.splitlines()[-1].startswith("ftprep diff: ")


def test_json_output_content() -> None:
    code, out, _err = cli("diff", "--isolated", "--format", "json", "old.jsonl", "new.jsonl", cwd=DATA)
    document = json.loads(out)
    assert document["version"] == 1 and document["exit_code"] == code == 1
    assert document["counts"] == {"added": 2, "removed": 1, "modified": 1, "unchanged": 5,
                                  "new_problems": 3, "fixed_problems": 1}
    kinds = {(c["kind"], (c["new"] or {}).get("line"), (c["old"] or {}).get("line")) for c in document["changes"]}
    assert kinds == {("added", 3, None), ("added", 9, None), ("modified", 6, 4), ("removed", None, 7)}
    assert document["before"]["examples"] == 7 and document["after"]["examples"] == 8
    assert [p["code"] for p in document["problems"]["new"]] == ["FT303", "FT106", "FT005"]
    assert [p["code"] for p in document["problems"]["fixed"]] == ["FT202"]
    assert document["problems"]["fixed"][0]["location"]["line"] == 7


@pytest.mark.parametrize(("args", "expected"), [
    (["old.jsonl", "old.jsonl"], 0),
    (["old.jsonl", "new.jsonl"], 1),
    (["--select", "FT2", "old.jsonl", "new.jsonl"], 0),  # only a fixed FT202 is left
    (["--select", "FT303", "--fail-on", "warning", "old.jsonl", "new.jsonl"], 1),
    (["--select", "FT303", "old.jsonl", "new.jsonl"], 0),  # a new warning; fails only on errors
])
def test_exit_codes(args: list[str], expected: int) -> None:
    code, _out, err = cli("diff", "--isolated", *args, cwd=DATA)
    assert code == expected, err


@pytest.mark.parametrize("args", [["old.jsonl"], ["old.jsonl", "missing.jsonl"], ["old.jsonl", "-"],
                                  ["old.jsonl", "new.jsonl", "--similarity", "2"]])
def test_usage_errors_exit_2_without_a_traceback(args: list[str]) -> None:
    code, _out, err = cli("diff", "--isolated", *args, cwd=DATA)
    assert code == 2
    assert "Traceback" not in err and err.strip()


def test_jobs_is_named_as_ignored_rather_than_silently_dropped(tmp_path: Path) -> None:
    rng = random.Random(3)
    old = write(tmp_path / "a.jsonl", [example(rng) for _ in range(3)])
    code, _out, err = cli("diff", "--isolated", "-j", "2", str(old), str(old), cwd=tmp_path)
    assert code == 0
    assert "diff runs in one process: --jobs is ignored" in err
    _code, _out, err = cli("diff", "--isolated", str(old), str(old), cwd=tmp_path)
    assert "--jobs" not in err
