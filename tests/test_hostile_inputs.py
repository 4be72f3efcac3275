"""Hostile input: every bad line gets a located diagnostic, the run goes on, nothing crashes.

Each case runs every rule (so any rule that crashes on an odd shape shows up as FT000) and checks
that every line is accounted for: lines = examples + blank lines + lines that are not an object
(for a pretty-printed JSON document, read value by value: values = examples + not an object).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ftprep.cli._main import run
from ftprep.lint.engine import Engine
from ftprep.model.diagnostics import Diagnostic
from ftprep.model.pointer import duplicate_keys
from ftprep.parsing import may_have_duplicate_keys
from tests.helpers import CORPORA, compact, run_engine

SETTINGS = {"model": "gpt-4.1-mini"}
GOOD = (
    b'{"messages": [{"role": "user", "content": "What is the capital of France?"}, '
    b'{"role": "assistant", "content": "Paris is the capital of France."}]}'
)
PARSE_CODES = {"FT001", "FT005", "FT009", "FT010", "FT012"}


def _lint(
    tmp_path: Path, data: bytes, settings: dict[str, object] | None = None
) -> tuple[list[Diagnostic], Engine]:
    path = tmp_path / "data.jsonl"
    path.write_bytes(data)
    diagnostics, engine = run_engine(path, settings if settings is not None else SETTINGS)
    _assert_sound(diagnostics, engine)
    return diagnostics, engine


def _assert_sound(diagnostics: list[Diagnostic], engine: Engine) -> None:
    crashes = [d.message for d in diagnostics if d.code == "FT000"]
    assert crashes == [], "a rule crashed"
    assert engine.summary.internal_errors == 0
    summary = engine.summary
    units = sum(f.lines + f.values for f in summary.files)
    assert units == summary.examples + sum(f.blank + f.unparsed for f in summary.files)
    for stats in summary.files:
        assert stats.lines + stats.values == stats.records + stats.blank + stats.unparsed
        assert not (stats.lines and stats.document_read), "a document is counted in values"


def _col(prefix: bytes) -> int:
    """1-based column (code points) of the character after `prefix`."""
    return len(prefix.decode("utf-8")) + 1


def _on_line(diagnostics: list[Diagnostic], line: int) -> list[str]:
    return [d.code for d in diagnostics if d.location.line == line]


# -- one hostile line, then a good one: the bad line is reported where it is, the good one read --

_USER = b'{"messages": [{"role": "user", "content": "'
_LATIN1 = _USER + b"caf"
_COMMA = _USER + b'Hi"}'
_DUP = b'{"messages": [{"role": "user", "content": "Hi", '
_NAN = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "ok", "weight": '

HOSTILE_LINES = [
    pytest.param(_LATIN1 + b'\xe9"}, {"role": "assistant", "content": "ok"}]}',
                 f"1:{_col(_LATIN1)} FT001", id="invalid-utf8"),
    pytest.param(b"\xff\xfe{\x00}\x00", "1:1 FT001", id="utf16-bom"),
    pytest.param(b"\xef\xbb\xbf" + GOOD, "1:1 FT002", id="utf8-bom"),
    pytest.param(_COMMA + b",]}", f"1:{_col(_COMMA)} FT005", id="trailing-comma"),
    pytest.param(b"{'messages': []}", "1:2 FT005", id="single-quotes"),
    pytest.param(_USER + b"Hel", f"1:{_col(_USER + b'Hel')} FT005", id="truncated"),
    pytest.param(b"\x00\x00\x00", "1:1 FT005", id="nul-bytes"),
    pytest.param(b"[" + GOOD + b"]", "1:1 FT006", id="array-of-records"),
    pytest.param(json.dumps(GOOD.decode()).encode(), "1:1 FT006", id="double-encoded-record"),
    pytest.param(b"null", "1:1 FT006", id="null"),
    pytest.param(b"42", "1:1 FT006", id="number"),
    pytest.param(_DUP + b'"content": "again"}, {"role": "assistant", "content": "ok"}]}',
                 f"1:{_col(_DUP)} FT007", id="duplicate-key"),
    pytest.param(_NAN + b"NaN}]}", f"1:{_col(_NAN)} FT009", id="nan"),
    pytest.param(_NAN + b"-Infinity}]}", f"1:{_col(_NAN)} FT009", id="minus-infinity"),
    pytest.param(_NAN + b"1e999}]}", f"1:{_col(_NAN)} FT009", id="overflow"),
    pytest.param(b"[" * 10_000 + b"]" * 10_000, "1:255 FT010", id="10000-deep-arrays"),
    pytest.param(b'{"a":' * 10_000 + b"1" + b"}" * 10_000, f"1:{5 * 254 + 1} FT010", id="10000-deep-objects"),
    pytest.param(b'{"a":' * 300 + b"1" + b"}" * 300, f"1:{5 * 254 + 1} FT010", id="300-deep-objects"),
    pytest.param(_USER + b'\\ud83d"}]}', f"1:{_col(_USER)} FT012", id="lone-surrogate"),
]


@pytest.mark.parametrize(("line", "expected"), HOSTILE_LINES)
def test_hostile_line_is_located_and_the_run_goes_on(tmp_path: Path, line: bytes, expected: str) -> None:
    diagnostics, engine = _lint(tmp_path, line + b"\n" + GOOD + b"\n")
    assert expected in compact(diagnostics)
    assert engine.summary.lines == 2
    assert engine.summary.files[0].records >= 1, "the good line after the hostile one was not read"
    assert not [c for c in _on_line(diagnostics, 2) if c < "FT300"], "the good line got blamed"


def test_bom_record_is_still_checked(tmp_path: Path) -> None:
    diagnostics, engine = _lint(tmp_path, b'\xef\xbb\xbf{"messages": [{"role": "user", "content": "Hi"}]}\n')
    assert {"FT002", "FT106"} <= set(_on_line(diagnostics, 1))
    assert engine.summary.examples == 1


def test_crlf_reported_once_at_the_first_crlf_line(tmp_path: Path) -> None:
    diagnostics, engine = _lint(tmp_path, GOOD + b"\n" + GOOD + b"\r\n" + GOOD + b"\r\n")
    found = [d for d in diagnostics if d.code == "FT003"]
    assert [(d.location.line, d.message) for d in found] == [(2, "2 of 3 lines end with CRLF (\\r\\n)")]
    assert engine.summary.examples == 3


def test_blank_lines_are_counted_not_parsed(tmp_path: Path) -> None:
    diagnostics, engine = _lint(tmp_path, b"\n" + GOOD + b"\n   \n\t\n" + GOOD + b"\n")
    assert [d.location.line for d in diagnostics if d.code == "FT004"] == [1, 3, 4]
    assert (engine.summary.examples, engine.summary.blank_lines) == (2, 3)


def test_invalid_json_message_names_what_the_parser_found(tmp_path: Path) -> None:
    data = b'{"a": True}\nnot json at all\n{"a": 1,}\n{"a": 1} {"b": 2}\n{"a": "\x01"}\n{"a": [1\n'
    diagnostics, _ = _lint(tmp_path, data)
    assert [d.message for d in diagnostics if d.code == "FT005"] == [
        "True is Python, not JSON (JSON writes true)",
        "unexpected word 'not', expected a JSON value",
        "trailing comma is not allowed",
        "unexpected '{' after the end of the JSON value",
        "unexpected control character U+0001 in string",
        "line ends before the JSON value is complete",
    ]


def test_non_object_lines_say_which_type(tmp_path: Path) -> None:
    diagnostics, engine = _lint(tmp_path, b'[1, 2]\n"text"\ntrue\n{}\n')
    messages = [d.message for d in diagnostics if d.code == "FT006"]
    assert messages == [
        "line holds a JSON array of 2 items, not an object",
        "line holds a JSON string, not an object",
        "line holds a JSON boolean, not an object",
    ]
    assert (engine.summary.examples, engine.summary.unparsed_lines) == (1, 3)


def test_duplicate_key_message_names_key_and_object(tmp_path: Path) -> None:
    line = b'{"messages": [{"role": "user", "content": "a", "content": "b"}], "messages": []}\n'
    diagnostics, _ = _lint(tmp_path, line)
    assert [d.message for d in diagnostics if d.code == "FT007"] == [
        'key "content" repeats in object /messages/0; the last value wins',
        'key "messages" repeats in the top-level object; the last value wins',
    ]


def test_nan_and_infinity_are_named(tmp_path: Path) -> None:
    diagnostics, _ = _lint(tmp_path, b'{"a": NaN}\n{"a": Infinity}\n{"a": -Infinity}\n{"a": -1e999}\n')
    assert [d.message for d in diagnostics if d.code == "FT009"] == [
        "NaN is not a JSON number (JSON has no NaN or Infinity)",
        "Infinity is not a JSON number (JSON has no NaN or Infinity)",
        "-Infinity is not a JSON number (JSON has no NaN or Infinity)",
        "-1e999 is too large for a 64-bit float (it reads as infinity)",
    ]


# -- size and depth ------------------------------------------------------------------------------

_TEN_MB = 10 * 1024 * 1024


def _huge_example(size: int) -> bytes:
    head = b'{"messages": [{"role": "user", "content": "'
    tail = b'"}, {"role": "assistant", "content": "A long text."}]}'
    body = b"lorem ipsum dolor sit amet, " * (size // 28)
    return head + body + tail


def test_ten_megabyte_lines(tmp_path: Path) -> None:
    huge = _huge_example(_TEN_MB)
    truncated = huge[:-3]
    repeated = huge[:-3] + b', "content": "again"}]}'
    diagnostics, engine = _lint(tmp_path, huge + b"\n" + truncated + b"\n" + repeated + b"\n" + GOOD + b"\n")
    found = compact(diagnostics)
    assert f"2:{len(truncated) + 1} FT005" in found
    assert any(item.startswith("3:") and item.endswith("FT007") for item in found)
    assert "FT201" in _on_line(diagnostics, 1), "a 10 MB example is far over any model's limit"
    assert engine.summary.examples == 3


def _deep(levels: int) -> str:
    return '{"a": ' * (levels - 1) + "[1]" + "}" * (levels - 1)


def test_deep_values_that_are_still_accepted_crash_no_rule(tmp_path: Path) -> None:
    """254 levels parse into records; every rule must survive them without recursing to death."""
    deep = _deep(240)
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": deep}}
    schema = {"type": "object", "properties": {"a": "DEEP"}}
    tools = [{"type": "function", "function": {"name": "f", "parameters": schema}}]
    lines = [
        '{"messages": [{"role": "user", "content": DEEP}, {"role": "assistant", "content": "ok"}]}',
        json.dumps({"messages": [{"role": "user", "content": "hi"},
                                 {"role": "assistant", "content": None, "tool_calls": [call]}],
                    "tools": tools}).replace('"DEEP"', "DEEP"),
        ('{"messages": [{"role": "user", "content": "hi", "extra": DEEP}, '
         '{"role": "assistant", "content": "ok"}], "metadata": DEEP}'),
        ('{"input": {"messages": [{"role": "user", "content": "hi"}]}, '
         '"preferred_output": [DEEP], "non_preferred_output": [DEEP]}'),
        '{"prompt": DEEP, "completion": DEEP}',
        '{"messages": ' + "[" * 253 + "]" * 253 + "}",
    ]
    lines = [line.replace("DEEP", deep) for line in lines]
    diagnostics, engine = _lint(tmp_path, "\n".join(lines).encode() + b"\n")
    assert engine.summary.examples == len(lines)
    assert not [d for d in diagnostics if d.code == "FT010"]


# -- wrong types everywhere: each line must get a located diagnostic -----------------------------

WRONG_TYPES = [
    '{"messages": 42}',
    '{"messages": "hello"}',
    '{"messages": null}',
    '{"messages": {}}',
    '{"messages": [null, 1, "x", [], true]}',
    '{"messages": [{"role": 5, "content": {"a": 1}}, {"role": ["assistant"], "content": 3.5}]}',
    ('{"messages": [{"role": "user", "content": [1, null, {"type": 5}, {"type": "image_url", '
     '"image_url": 7}]}, {"role": "assistant", "content": false}]}'),
    ('{"messages": [{"role": "user", "content": "hi", "name": 7}, '
     '{"role": "assistant", "content": "ok", "weight": "1"}]}'),
    ('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": null, '
     '"tool_calls": "call"}]}'),
    ('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": null, '
     '"tool_calls": [{"id": 1, "type": 2, "function": {"name": null, "arguments": {"a": 1}}}]}], '
     '"tools": {"type": "function"}}'),
    ('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}], '
     '"tools": [1, null, {"type": "function", "function": {"name": 3, "parameters": []}}], '
     '"parallel_tool_calls": "yes"}'),
    ('{"messages": [{"role": "tool", "content": 1, "tool_call_id": 2}, '
     '{"role": "assistant", "content": "ok", "function_call": []}], "functions": "f"}'),
    '{"prompt": 1, "completion": null}',
    '{"input": 5, "preferred_output": "x", "non_preferred_output": null}',
    '{"input": {"messages": "x"}, "preferred_output": [{"role": 1}], "non_preferred_output": [[]]}',
    '{"": null, "messages": [{"": ""}]}',
    ('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok", '
     '"weight": 1e308}]}'),
    ('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok", '
     '"weight": -0.0}, {"role": "assistant", "content": "ok", "weight": true}]}'),
]


def test_wrong_types_everywhere(tmp_path: Path) -> None:
    diagnostics, engine = _lint(tmp_path, "\n".join(WRONG_TYPES).encode() + b"\n")
    silent = [n for n in range(1, len(WRONG_TYPES) + 1) if not _on_line(diagnostics, n)]
    assert silent == [], f"lines without any diagnostic: {silent}"
    assert all(d.location.column >= 1 for d in diagnostics if d.location.line)
    assert engine.summary.examples == len(WRONG_TYPES)


# -- files ---------------------------------------------------------------------------------------

def test_empty_file(tmp_path: Path) -> None:
    diagnostics, engine = _lint(tmp_path, b"")
    assert [(d.code, d.location.line, d.message) for d in diagnostics if d.code == "FT008"] == [
        ("FT008", 0, "file is empty (0 bytes)")
    ]
    assert engine.summary.lines == 0


def test_directory_with_mixed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    (folder / "nested").mkdir(parents=True)
    (folder / "train.jsonl").write_bytes(GOOD + b"\nnot json\n")
    (folder / "nested" / "more.ndjson").write_bytes(GOOD + b"\n")
    (folder / "table.csv").write_text("prompt,completion\nhi,hello\n")
    (folder / "notes.txt").write_text("remember to dedupe\n")
    (folder / ".hidden.jsonl").write_text("ignored\n")
    code = run(["lint", str(folder), "--select", "FT0", "--no-color"])
    out = capsys.readouterr().out
    assert code == 1  # the invalid line in train.jsonl
    assert f"{folder / 'train.jsonl'}:2:1: FT005 [error]" in out
    assert f"{folder / 'table.csv'}: FT011 [info] file skipped: not a JSONL file (.csv)" in out
    assert f"{folder / 'notes.txt'}: FT011 [info] file skipped: not a JSONL file (.txt)" in out
    assert ".hidden" not in out
    assert "files          4 (2 skipped)" in out
    assert "lines          3: 2 examples, 0 blank, 1 not a JSON object" in out


# -- exit codes through the CLI -------------------------------------------------------------------

def test_exit_0_when_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(GOOD + b"\n")
    assert run(["lint", str(path), "--select", "FT0"]) == 0
    assert "No problems found." in capsys.readouterr().out


def test_exit_0_when_only_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "train.jsonl").write_bytes(GOOD + b"\n")
    (tmp_path / "notes.txt").write_text("n\n")
    assert run(["lint", str(tmp_path), "--select", "FT0"]) == 0
    assert "FT011 [info]" in capsys.readouterr().out


def test_exit_1_when_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(GOOD + b"\n{oops\n")
    assert run(["lint", str(path), "--select", "FT0"]) == 1
    assert f"{path}:2:2: FT005 [error]" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda root: str(root / "missing.jsonl"), "missing.jsonl: no such file or directory",
                     id="missing-file"),
        pytest.param(lambda root: str(root / "nothing-*.jsonl"), "no files match", id="empty-glob"),
        pytest.param(lambda root: str(root), "no JSONL files in this directory", id="empty-directory"),
    ],
)
def test_exit_2_when_input_is_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], str], message: str
) -> None:
    assert run(["lint", make(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("ftprep: error: ")
    assert "Traceback" not in captured.out + captured.err


def test_missing_path_in_a_real_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ftprep", "lint", str(tmp_path / "missing.jsonl")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 2
    assert result.stderr == f"ftprep: error: {tmp_path / 'missing.jsonl'}: no such file or directory\n"
    assert result.stdout == ""


# -- JSONTestSuite (nst/JSONTestSuite test_parsing/*.json), one file = one JSONL file --------------

_SUITE = CORPORA / "jsontestsuite"
_SUITE_FILES = sorted(_SUITE.glob("*.json")) if _SUITE.is_dir() else []


@pytest.mark.parametrize("path", _SUITE_FILES or [None], ids=lambda p: p.name if p else "absent")
def test_jsontestsuite(path: Path | None, tmp_path: Path) -> None:
    """y_ files parse, n_ files are reported by a parse rule, i_ files just must not crash.

    A file with a newline inside is a multi-line JSONL file: each line is judged alone, so only
    single-line y_ files must parse. JSONL differs from JSON in one place: a file of only
    whitespace (or only a byte-order mark) is a blank line, reported as an empty file.
    """
    if path is None:
        pytest.skip(f"{_SUITE} is absent")
    data = path.read_bytes()
    diagnostics, _ = _lint(tmp_path, data)
    codes = {d.code for d in diagnostics}
    single_line = b"\n" not in data.rstrip(b"\n")
    if path.name.startswith("y_") and single_line:
        assert not codes & PARSE_CODES, compact(diagnostics)
    if path.name.startswith("n_"):
        if data.removeprefix(b"\xef\xbb\xbf").strip() == b"":
            assert "FT008" in codes
        else:
            assert codes & PARSE_CODES, compact(diagnostics)


# -- the duplicate-key prefilter never hides a repeated key ---------------------------------------

def _render(value: object, draw_space: Callable[[], str], ascii_only: bool) -> str:
    """JSON text of nested pairs-lists (objects that may repeat keys), spaced at random."""
    if isinstance(value, tuple):  # an object as ("obj", [(key, value), ...])
        members = [
            f"{json.dumps(k, ensure_ascii=ascii_only)}{draw_space()}:{draw_space()}"
            f"{_render(v, draw_space, ascii_only)}"
            for k, v in value[1]
        ]
        return "{" + draw_space() + ("," + draw_space()).join(members) + draw_space() + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v, draw_space, ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def _objects() -> st.SearchStrategy[object]:
    keys = st.sampled_from(["a", "b", "role", "content", "a:", '"', "\\", "é", "\u2028", ""])
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                        st.sampled_from(['":', '\\":', "a: b", "{x: 1}"]))
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.tuples(st.just("obj"), st.lists(st.tuples(keys, inner), max_size=4)),
        ),
        max_leaves=12,
    )


@given(value=_objects(), spaces=st.lists(st.sampled_from(["", " ", "\t", "  "]), min_size=1),
       ascii_only=st.booleans())
@hypothesis_settings(max_examples=300, deadline=None)
def test_duplicate_scan_is_exact_and_the_prefilter_never_hides_a_repeat(
    value: object, spaces: list[str], ascii_only: bool
) -> None:
    turn = iter(range(10**9))
    text = _render(("obj", [("x", value)]), lambda: spaces[next(turn) % len(spaces)], ascii_only)
    repeats: list[bool] = []

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        repeats.append(len({k for k, _ in pairs}) != len(pairs))
        return dict(pairs)

    json.loads(text, object_pairs_hook=pairs_hook)
    raw = text.encode("utf-8")
    assert bool(duplicate_keys(text)) == any(repeats)
    if any(repeats):
        assert may_have_duplicate_keys(raw, orjson.loads(raw))
