"""A user's pack (`extend-rules`) has the same power as a shipped one, and a broken one is a
clear exit-2 error naming the file, the rule and the key."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftprep.cli._main import run

PACK = '''
[pack]
name = "acme"

[[rule]]
code = "ACME001"
name = "internal-hostname"
severity = "warning"
summary = "A text names a host on Acme's internal network."
why = "Internal host names tell the world how Acme's network is laid out."
redact-as = "HOSTNAME"
show = "full"
bad = ["ssh to build-7.corp.acme.internal"]
good = ["ssh to the build host"]

[[rule.pattern]]
regex = '\\b[a-z0-9-]+\\.corp\\.acme\\.internal\\b'
label = "internal host"
allow = ["example"]
'''

RECORDS = [
    {"messages": [{"role": "user", "content": "Deploy to build-7.corp.acme.internal please."},
                  {"role": "assistant", "content": "Deploying to api-2.corp.acme.internal now."}]},
    {"messages": [{"role": "user", "content": "What about example.corp.acme.internal?"},
                  {"role": "assistant", "content": "That one is a placeholder."}]},
]


def _project(tmp_path: Path, config: str = "", pack: str = PACK) -> Path:
    (tmp_path / "qa").mkdir()
    (tmp_path / "qa" / "acme.toml").write_text(pack, encoding="utf-8")
    (tmp_path / "ftprep.toml").write_text(
        'extend-rules = ["qa/*.toml"]\n' + textwrap.dedent(config), encoding="utf-8")
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return data


def _ftprep(*args: str) -> tuple[int, str, str]:
    """The real entry point, exit-code mapping included, in the current folder."""
    with CliRunner().isolation() as (out, err, _both):
        code = run(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def _lint(_tmp_path: Path, *args: str) -> tuple[int, str, str]:
    return _ftprep("lint", "data.jsonl", "--select", "ACME", *args)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_user_rule_reports_like_a_shipped_one(in_tmp: Path) -> None:
    _project(in_tmp)
    code, out, _err = _lint(in_tmp, "--format", "json")
    assert code == 0  # warnings only
    found = [(d["code"], d["name"], d["severity"], d["location"]["line"], d["location"]["column"],
              d["location"]["pointer"], d["message"]) for d in json.loads(out)["diagnostics"]]
    line = json.dumps(RECORDS[0])
    assert found == [
        ("ACME001", "internal-hostname", "warning", 1, line.index("build-7") + 1,
         "/messages/0/content", "internal host 'build-7.corp.acme.internal' in user message"),
        ("ACME001", "internal-hostname", "warning", 1, line.index("api-2") + 1,
         "/messages/1/content", "internal host 'api-2.corp.acme.internal' in assistant message"),
    ]


def test_rules_and_rule_list_and_explain_user_rules(in_tmp: Path) -> None:
    _project(in_tmp)
    listed = _ftprep("rules")[1]
    assert "ACME001  internal-hostname" in listed
    page = _ftprep("rule", "internal-hostname")[1]
    assert page.startswith("# internal-hostname (ACME001)")
    assert "`\\b[a-z0-9-]+\\.corp\\.acme\\.internal\\b`" in page
    assert "Source: " in page and page.rstrip().endswith("acme.toml")
    as_json = json.loads(_ftprep("rules", "--format", "json")[1])
    assert [r["name"] for r in as_json if r["code"] == "ACME001"] == ["internal-hostname"]


def test_severity_override_options_and_selection_apply(in_tmp: Path) -> None:
    _project(in_tmp, """
        [rules.ACME001]
        severity = "error"
        roles = ["assistant"]
    """)
    code, out, _err = _lint(in_tmp)
    assert code == 1
    assert "[error] internal host 'api-2.corp.acme.internal' in assistant message" in out
    assert "build-7" not in out  # the user message is no longer read
    code, out, _err = _lint(in_tmp, "--ignore", "internal-hostname")
    assert code == 0 and "ACME001" not in out


def test_allow_option_extends_the_packs_allow_list(in_tmp: Path) -> None:
    _project(in_tmp, """
        [rules.ACME001]
        allow = ["api-2"]
    """)
    _code, out, _err = _lint(in_tmp)
    assert "build-7.corp" in out and "api-2.corp" not in out and "example.corp" not in out


def test_per_file_ignores_cover_user_rules(in_tmp: Path) -> None:
    _project(in_tmp, """
        [per-file-ignores]
        "data*.jsonl" = ["ACME"]
    """)
    _code, out, _err = _lint(in_tmp)
    assert "ACME001" not in out


def _error(tmp_path: Path, pack: str) -> str:
    _project(tmp_path, pack=pack)
    code, out, err = _ftprep("lint", "data.jsonl")
    assert code == 2, out + err
    assert "Traceback" not in out + err
    return err


@pytest.mark.parametrize(("broken", "expected"), [
    (PACK.replace('regex = ', 'regx = '),
     "qa/acme.toml: rule[0] (ACME001 internal-hostname).pattern[0].regx: unknown key; did you mean 'regex'?"),
    (PACK.replace("\\b[a-z0-9-]+", "(a)\\1"),
     "qa/acme.toml: rule[0] (ACME001 internal-hostname).pattern[0].regex: RE2 cannot compile it"),
    (PACK.replace("\\b[a-z0-9-]+", "(?=x)"),
     "pattern[0].regex: RE2 cannot compile it"),
    (PACK.replace('label = "internal host"', 'validate = ["lunh"]'),
     "pattern[0].regex: unknown validator 'lunh'"),
    (PACK.replace('code = "ACME001"', 'code = "acme1"'), "rule[0] (acme1 internal-hostname).code"),
    (PACK.replace('severity = "warning"', 'severity = "fatal"'), "rule[0] (ACME001 internal-hostname).severity"),
    (PACK.replace('code = "ACME001"', 'code = "FT401"'), "FT401 is already used by rules/content/secrets.toml"),
    (PACK.replace("[[rule.pattern]]", "[[rule.pattern]\n"), "qa/acme.toml: invalid TOML"),
    (PACK.replace('summary = "A text', 'message = "{hostname} in {where}"\nsummary = "A text'),
     "rule[0] (ACME001 internal-hostname).message: bad template"),
])
def test_a_broken_pack_names_file_rule_and_key(in_tmp: Path, broken: str, expected: str) -> None:
    assert expected in _error(in_tmp, broken)


def test_a_glob_matching_nothing_is_an_error(in_tmp: Path) -> None:
    _project(in_tmp)
    (in_tmp / "ftprep.toml").write_text('extend-rules = ["qa/missing/*.toml"]\n', encoding="utf-8")
    code, _out, err = _ftprep("lint", "data.jsonl")
    assert code == 2 and "matches no file" in err


CATASTROPHIC = PACK.replace("\\b[a-z0-9-]+\\.corp\\.acme\\.internal\\b", "(x+x+)+y").replace(
    "ssh to build-7.corp.acme.internal", "xxxy")


def test_a_catastrophic_pattern_cannot_hang_a_run(tmp_path: Path) -> None:
    """`(x+x+)+y` backtracks exponentially in Python's `re` on a line of x's; RE2 is linear.

    A hang guard, not a timing assertion: the run must finish, however slow the machine."""
    _project(tmp_path, pack=CATASTROPHIC)
    line = json.dumps({"messages": [{"role": "user", "content": "x" * 200_000},
                                    {"role": "assistant", "content": "ok " + "x" * 50 + "y"}]})
    (tmp_path / "data.jsonl").write_text(line + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "ftprep", "lint", "data.jsonl", "--select", "ACME", "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    found = json.loads(done.stdout)["diagnostics"]
    assert [(d["code"], d["location"]["pointer"]) for d in found] == [("ACME001", "/messages/1/content")]


@pytest.mark.parametrize(("broken", "expected"), [
    (PACK.replace('bad = ["ssh to build-7.corp.acme.internal"]', 'bad = ["ssh to build-7"]'),
     "rule ACME001 (internal-hostname).bad[0] is not found by the rule"),
    (PACK.replace('good = ["ssh to the build host"]', 'good = ["see db.corp.acme.internal"]'),
     ("rule ACME001 (internal-hostname).good[0] is found: internal host 'db.corp.acme.internal' "
     "in user message")),
    (PACK.replace('bad = ["ssh to build-7.corp.acme.internal"]', 'bad = ["{not json"]'),
     "rule ACME001 (internal-hostname).bad[0]: not a JSON object"),
])
def test_a_user_packs_examples_are_checked_when_it_loads(
    in_tmp: Path, broken: str, expected: str
) -> None:
    assert expected in _error(in_tmp, broken)
