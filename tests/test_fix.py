"""`ftprep fix`: the cleaned file, its accounting (in = written + rejected), idempotence, a clean
lint of the output, in-place mode for pre-commit, duplicates by the FT303/FT304 contract, and
bad input (exit 2 with a reason, never a traceback)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ftprep.config import Settings
from ftprep.fix.duplicates import Duplicates, dropped_codes
from ftprep.fix.facts import collect
from ftprep.fix.repairs import choose
from ftprep.fix.run import FixOptions, fix_file, fix_in_place
from ftprep.lint.selection import active_rules
from ftprep.model.diagnostics import Diagnostic, Location, Severity
from ftprep.model.errors import FtprepError
from ftprep.registry import find_rule
from tests.helpers import CORPORA, run_engine
from tests.test_cli import check_golden, run

ROOT = Path(__file__).resolve().parents[1]
DEFECTS = "tests/data/fix/defects.jsonl"
DRONE = CORPORA / "cookbook" / "drone_training_a7e107d.jsonl"
DATASET_SIZE = ("FT301", "FT302")  # about how many examples there are: no fix can change that


def fix(tmp_path: Path, source: str | Path, *args: str) -> tuple[int, str, bytes | None, list[dict]]:
    """Run `ftprep fix SOURCE -o OUT --rejects R ARGS`: exit code, stderr, output, rejects."""
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    code, _stdout, err = run("fix", str(source), "-o", str(out), "--rejects", str(rejects),
                             "--isolated", *args)
    rejected = [orjson.loads(line) for line in rejects.read_bytes().splitlines()] \
        if rejects.exists() else []
    return code, err, out.read_bytes() if out.exists() else None, rejected


def write(path: Path, *records: Any) -> Path:
    path.write_bytes(b"".join(
        (r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in records
    ))
    return path


def records_in(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip(b"\xef\xbb\xbf\r \t"))


def lint_errors(path: Path, settings: dict[str, Any] | None = None) -> list[str]:
    diagnostics, _engine = run_engine(path, settings)
    return [f"{d.location.line} {d.code} {d.message}" for d in diagnostics
            if d.severity is Severity.ERROR and d.code not in DATASET_SIZE]


def chat(user: str, answer: str, **extra: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": user},
                         {"role": "assistant", "content": answer}], **extra}


# -- the fixture, end to end ------------------------------------------------------------------


def test_the_defects_fixture_is_golden(tmp_path: Path) -> None:
    code, err, out, rejected = fix(tmp_path, DEFECTS)
    assert code == 0
    assert out is not None
    shown = [
        f"$ ftprep fix {DEFECTS} -o [TMP]/out.jsonl --rejects [TMP]/rejects.jsonl --isolated",
        f"exit {code}", "--- stderr", err.replace(str(tmp_path), "[TMP]").rstrip("\n"),
        "--- out.jsonl", out.decode().rstrip("\n"),
        "--- rejects.jsonl", *(json.dumps(r, ensure_ascii=False) for r in rejected),
    ]
    check_golden("fix_defects.txt", "\n".join(shown) + "\n")


def test_records_in_equal_written_plus_rejected(tmp_path: Path) -> None:
    _code, _err, out, rejected = fix(tmp_path, DEFECTS)
    assert out is not None
    assert records_in(ROOT / DEFECTS) == len(out.splitlines()) + len(rejected) == 9
    assert sorted(r["line"] for r in rejected) == [6, 7, 8]


def test_the_output_lints_without_errors_and_fixing_it_again_changes_nothing(tmp_path: Path) -> None:
    _code, _err, out, _rejected = fix(tmp_path, DEFECTS)
    first = tmp_path / "first.jsonl"
    first.write_bytes(out or b"")
    assert lint_errors(first) == []
    again = tmp_path / "again"
    again.mkdir()
    code, err, out2, rejected = fix(again, first)
    assert code == 0
    assert out2 == out
    assert rejected == []
    assert "repaired:" not in err and "+ 0 rejected" in err


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = fix(tmp_path / "a", DEFECTS)
    second = fix(tmp_path / "b", DEFECTS)
    assert first[2] == second[2] and first[3] == second[3]


def test_unchanged_records_keep_their_bytes(tmp_path: Path) -> None:
    source = ROOT / DEFECTS
    _code, _err, out, _rejected = fix(tmp_path, DEFECTS)
    assert out is not None
    originals = source.read_bytes().splitlines()
    assert out.splitlines()[-1] == originals[-1]  # spacing and key order as written


def test_unsafe_fixes_convert_legacy_functions(tmp_path: Path) -> None:
    code, err, out, _rejected = fix(tmp_path, DEFECTS, "--unsafe-fixes")
    assert code == 0 and out is not None
    rome = orjson.loads(out.splitlines()[3])
    assert "tools" in rome and "functions" not in rome
    assert [m["role"] for m in rome["messages"]] == ["user", "assistant", "tool", "assistant"]
    assert "3  FT118 legacy-functions" in err
    assert "--unsafe-fixes" not in err  # nothing more is on offer


def test_unsafe_fixes_are_offered_not_applied_by_default(tmp_path: Path) -> None:
    _code, err, out, _rejected = fix(tmp_path, DEFECTS)
    assert out is not None and b'"functions"' in out
    assert "note: 3 more fixes available with --unsafe-fixes (FT118)" in err


def test_an_ignored_rule_is_not_repaired(tmp_path: Path) -> None:
    _code, err, out, _rejected = fix(tmp_path, DEFECTS, "--ignore", "FT125")
    assert out is not None and b'"developer"' in out
    assert "FT125" not in err


def test_exit_non_zero_on_fix(tmp_path: Path) -> None:
    code, _err, _out, _rejected = fix(tmp_path, DEFECTS, "--exit-non-zero-on-fix")
    assert code == 1
    clean = write(tmp_path / "clean.jsonl", chat("What is 2 + 2?", "4."))
    (tmp_path / "c").mkdir()
    code, _err, out, _rejected = fix(tmp_path / "c", clean, "--exit-non-zero-on-fix")
    assert code == 0 and out == clean.read_bytes()


def test_a_repair_that_makes_a_new_error_appear_is_not_applied(tmp_path: Path) -> None:
    """Converting an unanswered legacy call makes FT126 fire; configured as an error, the
    record is kept as it was rather than made worse."""
    legacy = {"messages": [
        {"role": "user", "content": "Weather in Rome?"},
        {"role": "assistant", "content": None,
         "function_call": {"name": "get_weather", "arguments": "{}"}},
        {"role": "assistant", "content": "I could not check the weather."},
    ], "functions": [{"name": "get_weather", "parameters": {"type": "object", "properties": {}}}]}
    source = write(tmp_path / "in.jsonl", legacy, SHORT)
    config = tmp_path / "ftprep.toml"
    config.write_text('[rules.FT126]\nseverity = "error"\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _stdout, err = run("fix", str(source), "-o", str(out), "--unsafe-fixes",
                             "--config", str(config))
    assert code == 0, err
    assert out.read_bytes() == source.read_bytes()
    assert "note: 1 record left unrepaired: repairing made a new error appear (FT126)" in err


def test_the_output_may_replace_the_input(tmp_path: Path) -> None:
    source = tmp_path / "train.jsonl"
    shutil.copy(ROOT / DEFECTS, source)
    code, _stdout, err = run("fix", str(source), "-o", str(source), "--isolated")
    assert code == 0, err
    (tmp_path / "elsewhere").mkdir()
    _code, _err, expected, _rejected = fix(tmp_path / "elsewhere", DEFECTS)
    assert source.read_bytes() == expected


# -- over the limit, mixed formats --------------------------------------------------------------


LONG = chat("Tell me a story. " * 20, "Once upon a time there was a story. " * 20)
SHORT = chat("What is the capital of France?", "Paris is the capital of France.")


@pytest.mark.parametrize("choice", ["drop", "keep"])
def test_over_limit_examples_are_dropped_or_kept(tmp_path: Path, choice: str) -> None:
    source = write(tmp_path / "in.jsonl", SHORT, LONG)
    code, err, out, rejected = fix(tmp_path, source, "--max-tokens", "100", "--over-limit", choice)
    assert code == 0 and out is not None
    if choice == "drop":
        assert len(out.splitlines()) == 1
        assert [(r["line"], r["reason"], r["problems"][0]["code"]) for r in rejected] == [
            (2, "over-limit", "FT201")]
        assert "over the per-example token limit (--over-limit keep writes them): FT201 ×1" in err
    else:
        assert len(out.splitlines()) == 2 and rejected == []


def test_a_record_in_another_format_is_rejected(tmp_path: Path) -> None:
    preference = {"input": {"messages": [{"role": "user", "content": "Sky colour?"}]},
                  "preferred_output": [{"role": "assistant", "content": "Blue."}],
                  "non_preferred_output": [{"role": "assistant", "content": "Green."}]}
    source = write(tmp_path / "in.jsonl", SHORT, chat("Capital of Italy?", "Rome."), preference)
    _code, _err, out, rejected = fix(tmp_path, source)
    assert out is not None and len(out.splitlines()) == 2
    assert [(r["line"], r["reason"]) for r in rejected] == [(3, "mixed-format")]
    assert rejected[0]["problems"][0]["message"] == "a preference record in a file of chat records"
    assert lint_errors(tmp_path / "out.jsonl") == []


# -- duplicates: the FT303/FT304 contract, with diagnostics made here ---------------------------


def _cluster(code: str, first: int, *later: int, path: str = "in.jsonl") -> Diagnostic:
    return Diagnostic(
        code, "duplicate", Severity.WARNING, f"repeated {len(later)} more times",
        Location(path, first, 1, first * 100), related=tuple(
            Location(path, line, 1, line * 100) for line in later),
    )


def test_later_members_of_a_cluster_are_dropped_and_the_first_kept() -> None:
    duplicates = Duplicates("in.jsonl")
    assert duplicates.add(_cluster("FT303", 2, 5, 9))
    assert duplicates.dropped(2) is None
    duplicates.written(2)
    dropped = duplicates.dropped(5)
    assert dropped is not None and (dropped.code, dropped.kept) == ("FT303", 2)
    assert duplicates.dropped(9) is not None
    assert duplicates.dropped(3) is None and 3 not in duplicates


def test_when_the_first_member_is_rejected_the_next_one_is_kept() -> None:
    duplicates = Duplicates("in.jsonl")
    duplicates.add(_cluster("FT304", 2, 5, 9))
    # line 2 is rejected for an error: never written
    assert duplicates.dropped(5) is None
    duplicates.written(5)
    dropped = duplicates.dropped(9)
    assert dropped is not None and dropped.kept == 5


def test_member_order_does_not_matter() -> None:
    """The STYLE.md sketch puts the second copy first; a cluster is taken as a set of lines."""
    duplicates = Duplicates("in.jsonl")
    duplicates.add(_cluster("FT303", 5, 2, 9))
    assert duplicates.dropped(2) is None
    duplicates.written(2)
    assert duplicates.dropped(5) is not None


def test_kept_kinds_and_other_files_are_not_clusters() -> None:
    duplicates = Duplicates("in.jsonl", {"FT303"})
    assert not duplicates.add(_cluster("FT304", 2, 5))
    assert not duplicates.add(_cluster("FT303", 2, 5, path="val.jsonl"))
    assert not duplicates.add(_cluster("FT123", 2, 5))
    assert duplicates.add(_cluster("FT303", 2, 5))
    assert not Duplicates("in.jsonl", set()).add(_cluster("FT303", 2, 5))


@pytest.mark.parametrize(("keep", "unsafe", "dropped"), [
    ((), False, {"FT303"}),  # near copies differ: dropping them is unsafe, as FT304 declares
    ((), True, {"FT303", "FT304"}),
    (("exact",), True, {"FT304"}),
    (("exact", "near"), True, set()),
])
def test_which_duplicates_are_dropped_follows_each_rules_fix_safety(
    keep: tuple[str, ...], unsafe: bool, dropped: set[str]
) -> None:
    assert dropped_codes({"FT303": True, "FT304": False}, keep, unsafe) == dropped


def test_a_record_in_an_exact_and_a_near_cluster_is_dropped_by_either() -> None:
    duplicates = Duplicates("in.jsonl")
    duplicates.add(_cluster("FT303", 2, 7))
    duplicates.add(_cluster("FT304", 4, 7))
    duplicates.written(2)
    duplicates.written(4)
    dropped = duplicates.dropped(7)
    assert dropped is not None and dropped.code == "FT303"


def test_a_copy_of_a_dropped_copy_is_dropped_too() -> None:
    """FT304 leaves exact copies to FT303: 5 near 4 and 7 exactly 5 are two clusters."""
    duplicates = Duplicates("in.jsonl")
    duplicates.add(_cluster("FT304", 4, 5))
    duplicates.add(_cluster("FT303", 5, 7))
    duplicates.written(4)
    dropped = duplicates.dropped(5)
    assert dropped is not None and dropped.kept == 4
    duplicates.stands_for(5, dropped.kept)
    dropped = duplicates.dropped(7)
    assert dropped is not None and (dropped.code, dropped.kept) == ("FT303", 4)


def test_collect_sorts_diagnostics_into_facts() -> None:
    rules = active_rules(Settings())
    error = Diagnostic("FT104", "missing-content", Severity.ERROR, "content is empty",
                       Location("in.jsonl", 3, 40, 300, 2, "/messages/1/content"))
    developer = Diagnostic("FT125", "unverified-developer-role", Severity.WARNING, "role",
                           Location("in.jsonl", 4, 16, 400, 3, "/messages/0/role"))
    bom = Diagnostic("FT002", "byte-order-mark", Severity.ERROR, "bom", Location("in.jsonl", 1))
    facts = collect("in.jsonl", [error, developer, bom, _cluster("FT303", 5, 6)], rules,
                    choose(), choose(unsafe=True), (), Counter())
    assert [p.code for p in facts.problems[3]] == ["FT104"] and facts.problems[3][0].record
    assert 1 not in facts.problems  # a byte-order mark is repaired by writing, not an error
    assert facts.flagged == {4}
    assert facts.duplicates.dropped(5) is None


# -- duplicates: end to end, as `ftprep lint` reports them --------------------------------------


def test_exact_duplicates_reported_by_lint_are_dropped_after_the_first(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", SHORT, chat("Capital of Italy?", "Rome."),
                   chat("what is the capital of  France?", "paris is the capital of france."))
    code, err, out, rejected = fix(tmp_path, source)
    assert code == 0 and out is not None
    assert out.splitlines() == source.read_bytes().splitlines()[:2]
    assert [(r["line"], r["reason"]) for r in rejected] == [(3, "duplicate")]
    assert rejected[0]["problems"][0]["code"] == "FT303"
    assert rejected[0]["problems"][0]["message"].startswith("repeats line 1; FT303 reported: ")
    assert "duplicates of a record written before them" in err
    (tmp_path / "keep").mkdir()
    _code, _err, kept, rejected = fix(tmp_path / "keep", source, "--keep-duplicates", "all")
    assert kept == source.read_bytes() and rejected == []


def test_when_the_first_copy_has_an_error_the_next_is_kept(tmp_path: Path) -> None:
    broken = chat("What is the capital of France?", "Paris is the capital of France.", weight=2)
    broken["messages"][1]["weight"] = 2
    del broken["weight"]
    source = write(tmp_path / "in.jsonl", broken, SHORT, SHORT)
    _code, _err, out, rejected = fix(tmp_path, source)
    assert out is not None and out.splitlines() == [orjson.dumps(SHORT)]
    assert [(r["line"], r["reason"]) for r in rejected] == [(1, "error"), (3, "duplicate")]


def test_a_repair_that_makes_a_copy_drops_it_so_fixing_is_idempotent(tmp_path: Path) -> None:
    """Lint sees `developer` and `system` versions of one example as two; once repaired they
    are one, and the later is dropped now rather than by the next run."""
    system = {"messages": [{"role": "system", "content": "Be brief."}, *SHORT["messages"]]}
    developer = {"messages": [{"role": "developer", "content": "Be brief."}, *SHORT["messages"]]}
    source = write(tmp_path / "in.jsonl", system, chat("Capital of Italy?", "Rome."), developer)
    _code, _err, out, rejected = fix(tmp_path, source)
    assert out is not None and len(out.splitlines()) == 2
    assert [(r["line"], r["problems"][0]["message"]) for r in rejected] == [
        (3, "repeats line 1 once repaired")]
    first = tmp_path / "first.jsonl"
    first.write_bytes(out)
    (tmp_path / "again").mkdir()
    _code, _err, again, rejected = fix(tmp_path / "again", first)
    assert again == out and rejected == []


@pytest.mark.skipif(find_rule("FT304") is None, reason="FT304 is not in this tree")
def test_near_duplicates_are_dropped_only_with_unsafe_fixes(tmp_path: Path) -> None:
    base = "Summarise the meeting notes about the Q3 budget review and list the action items"
    source = write(tmp_path / "in.jsonl", chat(base + ".", "Done: three action items."),
                   chat("Draft a reply declining the invitation to the launch.", "Sure."),
                   chat(base + "!", "Done: three action items."))
    _code, err, out, rejected = fix(tmp_path, source)
    assert out == source.read_bytes() and rejected == []
    assert "1 more fix available with --unsafe-fixes (FT304)" in err
    (tmp_path / "unsafe").mkdir()
    _code, _err, out, rejected = fix(tmp_path / "unsafe", source, "--unsafe-fixes")
    assert out is not None and len(out.splitlines()) == 2
    assert [(r["line"], r["problems"][0]["code"]) for r in rejected] == [(3, "FT304")]


@pytest.mark.skipif(find_rule("FT304") is None, reason="FT304 is not in this tree")
def test_a_repair_that_makes_a_near_copy_is_caught_by_a_second_round(tmp_path: Path) -> None:
    """A legacy call converted to tools (unsafe) becomes a near copy of a tools example: lint
    saw two different examples, so the first round's output is linted again for FT304."""
    source = tmp_path / "in.jsonl"
    legacy = {"messages": [
        {"role": "user", "content": "Paris Paris Paris"},
        {"role": "assistant", "content": None,
         "function_call": {"name": "get_weather", "arguments": ARGS}},
        {"role": "function", "name": "get_weather", "content": "sunny"},
        {"role": "assistant", "content": "It is sunny."},
    ], "functions": [TOOLS[0]["function"]]}
    write(source, SHORT, legacy, _tool_record(ARGS, "Paris Paris"))
    _code, err, out, rejected = fix(tmp_path, source, "--unsafe-fixes")
    assert out is not None and len(out.splitlines()) == 2
    assert [(r["path"], r["line"], r["problems"][0]["code"], r["problems"][0]["message"])
            for r in rejected] == [(str(source), 3, "FT304", "repeats line 2 once repaired")]
    assert "3  FT118 legacy-functions" in err
    first = tmp_path / "first.jsonl"
    first.write_bytes(out)
    (tmp_path / "again").mkdir()
    _code, _err, again, rejected = fix(tmp_path / "again", first, "--unsafe-fixes")
    assert again == out and rejected == []


# -- in place (pre-commit) ----------------------------------------------------------------------


def test_in_place_repairs_safely_and_keeps_every_record(tmp_path: Path) -> None:
    target = tmp_path / "train.jsonl"
    shutil.copy(ROOT / DEFECTS, target)
    code, _out, err = run("fix", "--in-place", str(target), "--isolated")
    assert code == 1, err  # changed: pre-commit stops the commit so the user re-stages
    lines = target.read_bytes().splitlines()
    assert len(lines) == records_in(ROOT / DEFECTS)  # nothing dropped, even unparsable lines
    assert b"not json at all" in lines
    assert b'"developer"' not in target.read_bytes()
    assert b'"functions"' in target.read_bytes()  # unsafe: never in place
    assert "kept with problems no safe repair fixes" in err
    stamp = target.stat().st_mtime_ns
    code, _out, err = run("fix", "--in-place", str(target), "--isolated")
    assert code == 0, err
    assert target.stat().st_mtime_ns == stamp  # not rewritten
    assert "unchanged" in err


def test_in_place_keeps_duplicates_and_long_examples(tmp_path: Path) -> None:
    target = write(tmp_path / "train.jsonl", SHORT, LONG, SHORT)
    before = target.read_bytes()
    code, _out, err = run("fix", "--in-place", str(target), "--isolated", "--max-tokens", "100")
    assert code == 0, err
    assert target.read_bytes() == before


def test_in_place_takes_several_files(tmp_path: Path) -> None:
    clean = write(tmp_path / "a.jsonl", SHORT)
    dirty = tmp_path / "b.jsonl"
    dirty.write_bytes(orjson.dumps(SHORT) + b"\r\n")
    code, _out, err = run("fix", "--in-place", str(clean), str(dirty), "--isolated")
    assert code == 1, err
    assert dirty.read_bytes() == orjson.dumps(SHORT) + b"\n"


@pytest.mark.parametrize("extra", [["-o", "x.jsonl"], ["--unsafe-fixes"], ["--rejects", "r.jsonl"],
                                   ["--keep-duplicates", "all"], ["--over-limit", "keep"]])
def test_in_place_refuses_options_that_drop_or_write_elsewhere(tmp_path: Path, extra: list[str]) -> None:
    target = write(tmp_path / "train.jsonl", SHORT)
    code, _out, err = run("fix", "--in-place", str(target), *extra)
    assert code == 2
    assert "--in-place does not take" in err


def test_in_place_refuses_compressed_files(tmp_path: Path) -> None:
    target = tmp_path / "train.jsonl.gz"
    target.write_bytes(gzip.compress(orjson.dumps(SHORT) + b"\r\n"))
    code, _out, err = run("fix", "--in-place", str(target))
    assert code == 2 and "gzip-compressed" in err


def test_the_pre_commit_hook_runs_fix_in_place() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "ftprep-fix")
    lint = next(h for h in hooks if h["id"] == "ftprep-lint")
    assert hook["entry"] == "ftprep fix --in-place"
    assert hook["files"] == lint["files"] and hook["require_serial"] is True


# -- bad input ----------------------------------------------------------------------------------


def test_a_compressed_input_is_read_and_the_output_is_plain(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl.gz"
    source.write_bytes(gzip.compress((ROOT / DEFECTS).read_bytes()))
    (tmp_path / "plain").mkdir()
    code, _err, out, rejected = fix(tmp_path, source)
    _code, _err, plain_out, plain_rejected = fix(tmp_path / "plain", DEFECTS)
    assert code == 0 and out == plain_out
    assert [r["line"] for r in rejected] == [r["line"] for r in plain_rejected]


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p / "missing.jsonl", "no such file"),
    (lambda p: p, "is a directory"),
    (lambda p: write(p / "doc.json", b'[\n  {"messages": []},\n  {"messages": []}\n]'),
     "a JSON array, not JSON Lines"),
    (lambda p: write(p / "data.csv", b"prompt,completion\nhi,hello"), "a CSV file, not JSON Lines"),
    (lambda p: write(p / "empty.jsonl", b""), "no records"),
    (lambda p: write(p / "blank.jsonl", b"", b"  "), "no records"),
])
def test_bad_input_exits_2_with_a_reason(tmp_path: Path, make: Any, message: str) -> None:
    source = make(tmp_path)
    code, _stdout, err = run("fix", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.jsonl").exists()


def test_stdin_is_refused_because_fix_reads_twice(tmp_path: Path) -> None:
    code, _stdout, err = run("fix", "-", "-o", str(tmp_path / "out.jsonl"), stdin="{}\n")
    assert code == 2 and "needs a file, not stdin" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("fix")[0] == 2
    assert run("fix", DEFECTS)[0] == 2  # no -o
    assert run("fix", DEFECTS, DEFECTS, "-o", str(tmp_path / "o.jsonl"))[0] == 2
    code, _out, err = run("fix", DEFECTS, "-o", str(tmp_path / "o"), "--rejects", DEFECTS)
    assert code == 2 and "input file" in err


def test_all_rejected_writes_no_output_and_exits_1(tmp_path: Path) -> None:
    existing = tmp_path / "out.jsonl"
    existing.write_bytes(b"old\n")
    source = write(tmp_path / "in.jsonl", b"not json", {"messages": []})
    code, err, out, rejected = fix(tmp_path, source)
    assert code == 1
    assert out == b"old\n"  # left as it was
    assert len(rejected) == 2
    assert "no record survived (2 read); " in err and "was not written" in err


def test_prompt_completion_records_point_to_convert(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", {"prompt": "Review: great\nSentiment:",
                                           "completion": " Positive"})
    code, err, out, _rejected = fix(tmp_path, source)
    assert code == 1 and out is None
    assert f"hint: prompt/completion records become chat examples with `ftprep convert {source}" in err


def test_the_json_summary_balances(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _stdout, err = run("fix", DEFECTS, "-o", str(out), "--isolated",
                             "--summary-format", "json")
    assert code == 0
    document = json.loads(err)
    assert document["version"] == 1 and document["balanced"]
    assert document["records"] == document["written"] + sum(document["rejected"].values()) == 9
    assert document["changes"] == {"FT002": 1, "FT003": 1, "FT004": 1, "FT114": 1, "FT125": 1}
    assert document["unsafe_fixes_available"] == {"FT118": 3}


def test_library_refuses_stdin() -> None:
    with pytest.raises(FtprepError, match="needs a file"):
        fix_file(Settings(), "-", "out.jsonl", None, FixOptions())


@pytest.mark.skipif(not DRONE.is_file(), reason="the shared corpora are not available")
def test_the_cookbook_drone_file_fixes_87_of_87(tmp_path: Path) -> None:
    """87 in: every double-encoded example repaired; lines 17 and 19 are byte-identical, so the
    second is dropped as FT303's copy (kept with --keep-duplicates exact: 87 of 87)."""
    code, err, out, rejected = fix(tmp_path, DRONE)
    assert code == 0 and out is not None
    assert len(out.splitlines()) == 86
    assert [(r["line"], r["reason"], r["problems"][0]["code"]) for r in rejected] == [
        (19, "duplicate", "FT303")]
    assert "6  FT114 double-encoded-arguments (decode the arguments once)" in err
    assert lint_errors(tmp_path / "out.jsonl") == []
    (tmp_path / "keep").mkdir()
    _code, _err, kept, rejected = fix(tmp_path / "keep", DRONE, "--keep-duplicates", "exact")
    assert kept is not None and len(kept.splitlines()) == 87 and rejected == []


# -- properties -------------------------------------------------------------------------------

ARGS = json.dumps({"city": "Paris"})
TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "parameters": {"type": "object", "properties": {}}}}]


def _tool_record(arguments: str, question: str) -> dict[str, Any]:
    call = {"id": "call_1", "type": "function",
            "function": {"name": "get_weather", "arguments": arguments}}
    return {"messages": [
        {"role": "user", "content": question},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        {"role": "assistant", "content": "It is sunny."},
    ], "tools": TOOLS}


def _legacy_record(question: str) -> dict[str, Any]:
    return {"messages": [
        {"role": "user", "content": question},
        {"role": "assistant", "content": None,
         "function_call": {"name": "get_weather", "arguments": ARGS}},
        {"role": "function", "name": "get_weather", "content": "sunny"},
        {"role": "assistant", "content": "It is sunny."},
    ], "functions": [TOOLS[0]["function"]]}


WORDS = st.sampled_from(["Paris", "weather", "blue", "sky", "prime", "Monday", "story", "tea"])
TEXT = st.lists(WORDS, min_size=2, max_size=5).map(" ".join)
KINDS = {
    # repairable
    "clean": lambda q, a: orjson.dumps(chat(q, a)),
    "developer": lambda q, a: orjson.dumps({"messages": [
        {"role": "developer", "content": "Be brief."}, *chat(q, a)["messages"]]}),
    "system": lambda q, a: orjson.dumps({"messages": [
        {"role": "system", "content": "Be brief."}, *chat(q, a)["messages"]]}),
    "double-encoded": lambda q, a: orjson.dumps(_tool_record(json.dumps(ARGS), q)),
    "well-encoded": lambda q, a: orjson.dumps(_tool_record(ARGS, q)),
    "legacy": lambda q, a: orjson.dumps(_legacy_record(q)),
    "spaced": lambda q, a: json.dumps(chat(q, a)).encode(),
    "blank": lambda q, a: b"",
    # not repairable
    "no-assistant": lambda q, a: orjson.dumps({"messages": [{"role": "user", "content": q}]}),
    "empty-content": lambda q, a: orjson.dumps(chat(q, "")),
    "unknown-role": lambda q, a: orjson.dumps({"messages": [
        {"role": "human", "content": q}, {"role": "assistant", "content": a}]}),
    "bad-weight": lambda q, a: orjson.dumps({"messages": [
        {"role": "user", "content": q}, {"role": "assistant", "content": a, "weight": 2}]}),
    "not-json": lambda q, a: b'{"messages": [',
    "not-object": lambda q, a: b"[1, 2]",
    "duplicate-key": lambda q, a: b'{"messages": [], "messages": '
                                  + orjson.dumps(chat(q, a)["messages"]) + b"}",
}
LINE = st.tuples(st.sampled_from(sorted(KINDS)), TEXT, TEXT,
                 st.sampled_from([b"\n", b"\r\n"]))


@st.composite
def dataset(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(LINE, min_size=1, max_size=12))
    out = [KINDS[kind](q, a) + ending for kind, q, a, ending in lines]
    if draw(st.booleans()) and out:  # an exact copy of an earlier line
        out.append(out[draw(st.integers(0, len(out) - 1))])
    if draw(st.booleans()):
        out[0] = b"\xef\xbb\xbf" + out[0]
    return b"".join(out)


@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=dataset(), unsafe=st.booleans())
def test_fix_properties(data: bytes, unsafe: bool) -> None:
    """in = written + rejected; the output lints without errors; fixing it changes nothing."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        source = tmp / "in.jsonl"
        source.write_bytes(data)
        out, rejects = tmp / "out.jsonl", tmp / "rejects.jsonl"
        options = FixOptions(unsafe=unsafe)
        if records_in(source) == 0:
            with pytest.raises(FtprepError, match="no records"):
                fix_file(Settings(), str(source), str(out), rejects, options)
            return
        try:
            summary = fix_file(Settings(), str(source), str(out), rejects, options)
        except FtprepError as error:  # lines that open like a pretty-printed JSON document
            assert "not JSON Lines" in error.message and not out.exists()
            return
        written = out.read_bytes().splitlines() if out.exists() else []
        rejected = rejects.read_bytes().splitlines()
        assert summary.balanced
        assert records_in(source) == summary.records == len(written) + len(rejected)
        assert len(written) == summary.written
        if not written:
            return
        assert lint_errors(out) == []
        again, again_rejects = tmp / "again.jsonl", tmp / "again-rejects.jsonl"
        second = fix_file(Settings(), str(out), str(again), again_rejects, options)
        assert again.read_bytes() == out.read_bytes()
        assert not second.changes and not second.rejected
        os.remove(again)


@hypothesis_settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=dataset())
def test_in_place_properties(data: bytes) -> None:
    """In place: every record stays (one line each), and a second run changes nothing."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "train.jsonl"
        target.write_bytes(data)
        records = records_in(target)
        try:
            first = fix_in_place(Settings(), str(target))
        except FtprepError as error:  # lines that open like a pretty-printed JSON document
            assert "not JSON Lines" in error.message and target.read_bytes() == data
            return
        assert first.records == first.written == records
        assert not first.rejected
        if first.changed:
            assert len(target.read_bytes().splitlines()) == records
        else:
            assert target.read_bytes() == data
        second = fix_in_place(Settings(), str(target))
        assert not second.changed and second.written == records
