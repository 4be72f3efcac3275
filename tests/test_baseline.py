"""Baselines: `--write-baseline` records every problem, `--baseline` reports only new ones.

Matching is by content (rule, path, pointer, the record's bytes), as a multiset: reordering keeps
problems matched, editing a record makes its problems new, a second copy of a recorded problem
is new.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

from click.testing import CliRunner

from ftprep.cli._main import run as main_run
from ftprep.lint.baseline import fingerprint
from ftprep.model.diagnostics import Diagnostic, Location, Severity

BASE = ".ftprep-baseline.json"
# Dataset-level counts (FT301/FT302) carry the number of examples in their message, so adding a
# record changes them; these tests look at record-level problems.
ISOLATE = ("--isolated", "--ignore", "FT301,FT302")

TOPICS = [("how tall is the eiffel tower", "about 330 metres including its antennas"),
          ("name a prime number above ninety", "ninety-seven is the first one after ninety"),
          ("what do bees make from nectar", "honey, stored in wax combs inside the hive"),
          ("translate bonjour into english", "it means hello, or good morning"),
          ("who wrote the odyssey", "tradition credits the greek poet homer"),
          ("how many legs does a spider have", "eight, unlike insects which have six")]
# Unlike each other, so no near-duplicate cluster (FT304), whose anchor is the first member
# read, moves when the file is reordered.
GOOD = [{"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}
        for q, a in TOPICS]
NO_ASSISTANT = {"messages": [{"role": "user", "content": "where is my assistant reply, please?"}]}
BAD_ROLE = {"messages": [{"role": "usr", "content": "a role that is not one"},
                         {"role": "assistant", "content": "still answered, somehow, anyway"}]}


def dumps(record: object) -> str:
    return json.dumps(record, separators=(",", ":"))


def write(path: Path, lines: list[str], compress: bool = False) -> Path:
    data = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def lines_of(*records: object) -> list[str]:
    return [r if isinstance(r, str) else dumps(r) for r in records]


def run(cwd: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """The real entry point, run in `cwd`, with captured streams."""
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with runner.isolation(input=stdin) as streams:
            code = main_run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            out, err = streams[0].getvalue().decode(), streams[1].getvalue().decode()
    finally:
        os.chdir(old)
    return code, out, err


def reported(out: str) -> list[tuple[int, str]]:
    """(line, code) of each text diagnostic."""
    return [(int(m[1] or 0), m[2])
            for m in re.finditer(r"^\S+?(?::(\d+):\d+)?: (FT\d+) \[", out, re.MULTILINE)]


def suppressed(out: str) -> int:
    found = re.search(r"^([\d,]+) problems? suppressed by baseline (\S+)$", out, re.MULTILINE)
    assert found, out
    return int(found[1].replace(",", ""))


def record_baseline(cwd: Path, *args: str) -> int:
    code, out, err = run(cwd, *args, "--write-baseline", BASE)
    assert code == 0, err
    assert out == ""
    found = re.search(r"recorded ([\d,]+) problems? in (\S+)", err)
    assert found and found[2] == BASE, err
    return int(found[1].replace(",", ""))


def mixed(tmp_path: Path) -> list[str]:
    """Good records with problems among them: a missing reply, a bad role, a duplicate, bad JSON."""
    return lines_of(GOOD[0], NO_ASSISTANT, GOOD[1], BAD_ROLE, GOOD[2], GOOD[0], "not json",
                    GOOD[3])


def test_write_then_lint_with_it_reports_nothing_and_says_how_many(tmp_path: Path) -> None:
    write(tmp_path / "train.jsonl", mixed(tmp_path))
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE)
    before = reported(out)
    assert code == 1 and {c for _, c in before} >= {"FT005", "FT106", "FT303"}

    assert record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE) == len(before)
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--baseline", BASE)
    assert code == 0
    assert reported(out) == []
    assert "No problems found." in out
    assert f"{len(before)} problems suppressed by baseline {BASE}" in out


def test_reordered_lines_stay_suppressed(tmp_path: Path) -> None:
    lines = mixed(tmp_path)
    write(tmp_path / "train.jsonl", lines)
    recorded = record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    write(tmp_path / "train.jsonl", list(reversed(lines)))  # FT303's message names other lines now
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--baseline", BASE)
    assert (code, reported(out)) == (0, [])
    assert suppressed(out) == recorded


def test_an_edited_record_reports_exactly_its_problems(tmp_path: Path) -> None:
    lines = mixed(tmp_path)
    write(tmp_path / "train.jsonl", lines)
    recorded = record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    edited = dict(NO_ASSISTANT, messages=[{"role": "user", "content": "edited, still no reply!"}])
    lines[1] = dumps(edited)
    write(tmp_path / "train.jsonl", lines)
    _, fresh, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE)
    expected = [(line, code) for line, code in reported(fresh) if line == 2]
    assert expected and ("FT106" in {c for _, c in expected})

    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--baseline", BASE)
    assert code == 1
    assert reported(out) == expected
    assert suppressed(out) == recorded - len(expected)


def test_a_new_bad_record_is_the_only_one_reported(tmp_path: Path) -> None:
    lines = mixed(tmp_path)
    write(tmp_path / "train.jsonl", lines)
    recorded = record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    new = {"messages": [{"role": "user", "content": "a brand new question with no answer"}]}
    write(tmp_path / "train.jsonl", [lines[0], dumps(new), *lines[1:]])
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--baseline", BASE)
    assert code == 1
    assert {line for line, _ in reported(out)} == {2}
    assert "FT106" in {c for _, c in reported(out)}
    assert suppressed(out) == recorded


def test_matching_is_a_multiset_one_recorded_copy_hides_one(tmp_path: Path) -> None:
    only = ("--isolated", "--select", "FT106")
    write(tmp_path / "train.jsonl", lines_of(GOOD[0], NO_ASSISTANT, GOOD[1]))
    assert record_baseline(tmp_path, "lint", "train.jsonl", *only) == 1
    write(tmp_path / "train.jsonl", lines_of(GOOD[0], NO_ASSISTANT, GOOD[1], NO_ASSISTANT))
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *only, "--baseline", BASE)
    assert code == 1
    assert len(reported(out)) == 1 and reported(out)[0][1] == "FT106"
    assert "Found 1 problem: 1 error." in out
    assert suppressed(out) == 1

    # Two recorded copies hide two of three.
    assert record_baseline(tmp_path, "lint", "train.jsonl", *only) == 2
    assert json.loads((tmp_path / BASE).read_text())["entries"][0]["count"] == 2
    write(tmp_path / "train.jsonl", lines_of(NO_ASSISTANT, GOOD[0], NO_ASSISTANT, NO_ASSISTANT))
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *only, "--baseline", BASE)
    assert (code, len(reported(out)), suppressed(out)) == (1, 1, 2)


def test_the_baseline_is_byte_identical_run_to_run_and_after_reordering(tmp_path: Path) -> None:
    lines = mixed(tmp_path)
    write(tmp_path / "train.jsonl", lines)
    record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    first = (tmp_path / BASE).read_bytes()
    record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    assert (tmp_path / BASE).read_bytes() == first
    write(tmp_path / "train.jsonl", list(reversed(lines)))
    record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    assert (tmp_path / BASE).read_bytes() == first

    document = json.loads(first)
    assert document["version"] == 1 and set(document) == {"version", "problems", "entries"}
    keys = [(e["path"], e["code"], e["fingerprint"]) for e in document["entries"]]
    assert keys == sorted(keys)
    assert {e["path"] for e in document["entries"]} == {"train.jsonl"}
    assert document["problems"] == sum(e["count"] for e in document["entries"])
    assert b"line" not in first  # no line numbers or messages, which move


def test_a_missing_or_damaged_baseline_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    write(tmp_path / "train.jsonl", mixed(tmp_path))
    code, out, err = run(tmp_path, "lint", "train.jsonl", "--isolated", "--baseline", "nope.json")
    assert code == 2 and out == ""
    assert "nope.json: baseline file not found" in err and "--write-baseline" in err
    for name, content in (("broken.json", "{not json"),
                          ("shape.json", '{"version": 1, "entries": "x"}'),
                          ("future.json", '{"version": 9, "problems": 0, "entries": []}')):
        (tmp_path / name).write_text(content)
        code, out, err = run(tmp_path, "lint", "train.jsonl", "--isolated", "--baseline", name)
        assert code == 2, err
        assert f"{name}: " in err and "Traceback" not in err
        assert "hint:" in err


def test_configured_baseline_resolves_against_the_config_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "ci").mkdir()
    write(project / "data" / "train.jsonl", mixed(tmp_path))
    (project / "ftprep.toml").write_text('baseline = "ci/known.json"\nignore = ["FT301", "FT302"]\n')
    code, _, err = run(project, "lint", "data/train.jsonl", "--write-baseline", "ci/known.json")
    assert code == 0, err
    entries = json.loads((project / "ci" / "known.json").read_text())["entries"]
    assert {e["path"] for e in entries} == {"../data/train.jsonl"}  # relative to the baseline

    code, out, _ = run(project / "data", "lint", "train.jsonl")  # from elsewhere: same paths
    assert (code, reported(out)) == (0, [])
    assert suppressed(out) == len(entries) or suppressed(out) == sum(e["count"] for e in entries)
    assert re.search(r"suppressed by baseline \S*ci/known\.json$", out, re.MULTILINE)

    # The flag beats the configuration: an empty baseline suppresses nothing.
    (project / "data" / "empty.json").write_text('{"version":1,"problems":0,"entries":[]}')
    code, out, _ = run(project / "data", "lint", "train.jsonl", "--baseline", "empty.json")
    assert code == 1 and reported(out)
    assert "0 problems suppressed by baseline empty.json" in out


def test_gzip_input_matches_by_record_content(tmp_path: Path) -> None:
    lines = mixed(tmp_path)
    write(tmp_path / "train.jsonl.gz", lines, compress=True)
    recorded = record_baseline(tmp_path, "lint", "train.jsonl.gz", *ISOLATE)
    write(tmp_path / "train.jsonl.gz", list(reversed(lines)), compress=True)
    code, out, _ = run(tmp_path, "lint", "train.jsonl.gz", *ISOLATE, "--baseline", BASE)
    assert (code, reported(out), suppressed(out)) == (0, [], recorded)

    lines[3] = dumps(dict(BAD_ROLE, messages=[{"role": "sys", "content": "edited"}, *BAD_ROLE["messages"][1:]]))
    write(tmp_path / "train.jsonl.gz", lines, compress=True)
    code, out, _ = run(tmp_path, "lint", "train.jsonl.gz", *ISOLATE, "--baseline", BASE)
    assert code == 1
    assert {line for line, _ in reported(out)} == {4}


def test_json_array_documents_match_by_value(tmp_path: Path) -> None:
    records = [GOOD[0], NO_ASSISTANT, GOOD[1], BAD_ROLE]
    (tmp_path / "train.json").write_text(json.dumps(records, indent=2))
    recorded = record_baseline(tmp_path, "lint", "train.json", *ISOLATE)
    assert recorded >= 3  # FT013 (not JSON Lines), FT106, the bad role
    (tmp_path / "train.json").write_text(json.dumps(list(reversed(records)), indent=2))
    code, out, _ = run(tmp_path, "lint", "train.json", *ISOLATE, "--baseline", BASE)
    assert (code, reported(out), suppressed(out)) == (0, [], recorded)


def test_stdin_falls_back_to_the_message(tmp_path: Path) -> None:
    text = "".join(line + "\n" for line in mixed(tmp_path))
    code, _, err = run(tmp_path, "lint", "-", *ISOLATE, "--write-baseline", BASE, stdin=text)
    assert code == 0, err
    assert {e["path"] for e in json.loads((tmp_path / BASE).read_text())["entries"]} == {"-"}
    code, out, _ = run(tmp_path, "lint", "-", *ISOLATE, "--baseline", BASE, stdin=text)
    assert (code, reported(out)) == (0, [])


def test_exit_code_and_counts_follow_only_what_is_reported(tmp_path: Path) -> None:
    lines = mixed(tmp_path)
    write(tmp_path / "train.jsonl", lines)
    record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    short = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
    write(tmp_path / "train.jsonl", [*lines, dumps(short)])  # a new warning (FT202), no new error
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--baseline", BASE)
    assert code == 0
    assert reported(out) == [(9, "FT202")]
    assert "Found 1 problem: 1 warning." in out
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--baseline", BASE,
                       "--fail-on", "warning")
    assert code == 1


def test_json_reporter_names_the_baseline_and_counts_only_reported(tmp_path: Path) -> None:
    lines = mixed(tmp_path)
    write(tmp_path / "train.jsonl", lines)
    recorded = record_baseline(tmp_path, "lint", "train.jsonl", *ISOLATE)
    lonely = {"messages": [{"role": "user", "content": "a question nobody has answered yet"}]}
    write(tmp_path / "train.jsonl", [*lines, dumps(lonely)])
    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--baseline", BASE,
                       "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["summary"]["baseline"] == {"path": BASE, "suppressed": recorded}
    shown = document["diagnostics"]
    assert shown and {d["location"]["line"] for d in shown} == {9}
    counts = document["summary"]["counts"]
    assert counts["problems"] == len(shown)
    assert sum(counts["by_severity"].values()) == len(shown)
    assert sum(counts["by_code"].values()) == len(shown)
    assert document["summary"]["exit_code"] == 1

    code, out, _ = run(tmp_path, "lint", "train.jsonl", *ISOLATE, "--format", "json")
    assert "baseline" not in json.loads(out)["summary"]  # unchanged without one


def test_fingerprint_ignores_line_number_and_message_but_not_content() -> None:
    def diag(line: int, message: str, code: str = "FT303") -> Diagnostic:
        return Diagnostic(code, "x", Severity.WARNING, message, Location("a.jsonl", line, 1, 99))

    one = fingerprint(diag(3, "repeats line 1"), "a.jsonl", b'{"a":1}')
    assert one == fingerprint(diag(7, "repeats line 5"), "a.jsonl", b'{"a":1}')
    assert one != fingerprint(diag(3, "repeats line 1"), "a.jsonl", b'{"a":2}')
    assert one != fingerprint(diag(3, "repeats line 1", "FT106"), "a.jsonl", b'{"a":1}')
    assert one != fingerprint(diag(3, "repeats line 1"), "b.jsonl", b'{"a":1}')
    # Without the line's bytes (stdin, file-level), the message decides.
    assert fingerprint(diag(0, "m"), "-", None) != fingerprint(diag(0, "n"), "-", None)
