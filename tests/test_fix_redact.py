"""`ftprep fix --redact`: typed placeholders at the exact place of each match, the accounting
(in = written + rejected, redactions counted by rule), idempotence, byte-identical reruns,
`--in-place`, `--redact-rules`, overlapping matches, and placeholders no shipped rule matches.

Written against FT401 and small user packs made here, so they do not wait for other packs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from ftprep.config import Settings
from ftprep.fix.redact import Redactor, redaction_rules
from ftprep.lint.selection import FileIgnores, active_rules
from ftprep.model.diagnostics import Location
from ftprep.model.record import Record
from ftprep.packs.load import example_record
from ftprep.registry import builtin_pack_rules
from ftprep.packs.redact import GENERIC, mask_secrets, placeholder, redactable
from ftprep.packs.scan import ContentScanner, Slot
from ftprep.packs.schema import Field_
from ftprep.registry import find_rule
from tests.test_cli import run

KEY = "sk-proj-Xq9LmB7vTz2KpR4wNc8YhJ5dFs3GaE6uVb1iOo0PlKjHgTfRdEsWaQzXcVbNmLkJh"
KEY2 = "sk-proj-Ab3Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr1St2Uv3Wx4Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3"

# Two rules that overlap, one that declares no placeholder type, one that must be narrowed away.
PACK = '''
[[rule]]
code = "ACME001"
name = "acme-ticket"
summary = "An internal ticket number."
why = "Internal ids do not belong in training data."
redact-as = "TICKET"
bad = ["see ab123cd"]
good = ["see the ticket"]
[[rule.pattern]]
regex = 'ab[0-9]+'

[[rule]]
code = "ACME002"
name = "acme-build"
summary = "An internal build number."
why = "Internal ids do not belong in training data."
redact-as = "BUILD"
bad = ["see 123cd"]
good = ["see the build"]
[[rule.pattern]]
regex = '[0-9]+cd[0-9]*'

[[rule]]
code = "ACME003"
name = "acme-host"
summary = "An internal host name."
why = "Internal hosts do not belong in training data."
redact-as = "HOST"
bad = ["on db1.corp.acme"]
good = ["on the database"]
[[rule.pattern]]
regex = '[a-z0-9]+\\.corp\\.acme'

[[rule]]
code = "ACME004"
name = "acme-todo"
summary = "A TODO left in a text."
why = "An unfinished example teaches unfinished answers."
show = "full"
bad = ["TODO fill in"]
good = ["done"]
[[rule.pattern]]
regex = 'TODO'
'''


def chat(user: str, answer: str = "Done.") -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}


def tool_chat(arguments: str) -> dict[str, Any]:
    call = {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": arguments}}
    return {"messages": [
        {"role": "user", "content": "Look it up."},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "found"},
        {"role": "assistant", "content": "Found it."},
    ]}


def write(path: Path, *records: dict[str, Any]) -> Path:
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    return path


def project(tmp_path: Path, extra: str = "") -> Path:
    """A folder with ftprep.toml loading the ACME pack; returns the config file."""
    (tmp_path / "packs").mkdir(exist_ok=True)
    (tmp_path / "packs" / "acme.toml").write_text(PACK)
    config = tmp_path / "ftprep.toml"
    config.write_text('extend-rules = ["packs/*.toml"]\n' + extra)
    return config


def fix(tmp_path: Path, source: Path, *args: str, config: Path | None = None,
        out_name: str = "out.jsonl") -> tuple[int, str, bytes | None, list[dict[str, Any]]]:
    out, rejects = tmp_path / out_name, tmp_path / f"rejects-{out_name}"
    where = ("--config", str(config)) if config is not None else ("--isolated",)
    code, _stdout, err = run("fix", str(source), "-o", str(out), "--rejects", str(rejects),
                             *where, *args)
    rejected = [orjson.loads(line) for line in rejects.read_bytes().splitlines()] \
        if rejects.exists() else []
    return code, err, out.read_bytes() if out.exists() else None, rejected


def lines(data: bytes | None) -> list[dict[str, Any]]:
    assert data is not None
    return [orjson.loads(line) for line in data.splitlines()]


def summary_json(err: str) -> dict[str, Any]:
    document: dict[str, Any] = orjson.loads(err.strip().splitlines()[-1])
    return document


# -- FT401 through the CLI ---------------------------------------------------------------------


def test_every_key_in_a_text_becomes_a_placeholder_and_the_records_are_kept(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.jsonl",
        chat(f"my key is {KEY} and the old one {KEY2}, thanks"),
        chat("hello", f"use {KEY2}"),
        chat("plain", "nothing secret"),
    )
    code, err, out, rejected = fix(tmp_path, source, "--redact")
    assert code == 0 and rejected == []
    written = lines(out)
    assert written[0]["messages"][0]["content"] == "my key is <API_KEY> and the old one <API_KEY>, thanks"
    assert written[1]["messages"][1]["content"] == "use <API_KEY>"
    assert written[2] == chat("plain", "nothing secret")
    assert "  FT401 redacted 3 matches in 2 records as <API_KEY>" in err.splitlines()
    assert "read 3 records: 3 written + 0 rejected" in err
    assert out is not None and KEY not in out.decode() and KEY2 not in out.decode()


def test_the_json_summary_counts_redactions_by_rule(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", chat(f"{KEY} {KEY2}"), chat(KEY), chat("hi"))
    code, err, _out, _rejected = fix(tmp_path, source, "--redact", "--summary-format", "json")
    summary = summary_json(err)
    assert code == 0
    assert summary["redacted"] == {"FT401": {"placeholder": "<API_KEY>", "matches": 3, "records": 2}}
    assert summary["repaired_records"] == 2 and summary["changes"] == {}
    assert (summary["records"], summary["written"], summary["balanced"]) == (3, 3, True)


def test_without_redact_a_key_is_rejected_and_the_summary_says_redact_would_keep_it(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", chat(f"key {KEY}"), chat("hi"))
    code, err, out, rejected = fix(tmp_path, source)
    assert code == 0 and lines(out) == [chat("hi")]
    assert [(r["line"], [p["code"] for p in r["problems"]]) for r in rejected] == [(1, ["FT401"])]
    assert "note: --redact would replace each FT401 match with a typed placeholder" in err


def test_tool_call_arguments_stay_valid_json_with_the_placeholder_in_the_value(tmp_path: Path) -> None:
    arguments = json.dumps({"api_key": KEY, "city": "Paris"})
    source = write(tmp_path / "in.jsonl", tool_chat(arguments))
    code, _err, out, _rejected = fix(tmp_path, source, "--redact")
    assert code == 0
    written = lines(out)[0]["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert written == '{"api_key": "<API_KEY>", "city": "Paris"}'
    assert json.loads(written) == {"api_key": "<API_KEY>", "city": "Paris"}


def test_text_parts_are_redacted_in_place(tmp_path: Path) -> None:
    record = {"messages": [
        {"role": "user", "content": [{"type": "text", "text": "first"},
                                     {"type": "text", "text": f"then {KEY}."}]},
        {"role": "assistant", "content": "ok"},
    ]}
    code, _err, out, _rejected = fix(tmp_path, write(tmp_path / "in.jsonl", record), "--redact")
    assert code == 0
    parts = lines(out)[0]["messages"][0]["content"]
    assert parts == [{"type": "text", "text": "first"}, {"type": "text", "text": "then <API_KEY>."}]


def test_redacting_twice_changes_nothing_and_reruns_are_byte_identical(tmp_path: Path) -> None:
    source = write(
        tmp_path / "in.jsonl", chat(f"a {KEY} b {KEY2}"), tool_chat(json.dumps({"k": KEY})),
        chat("hi"),
    )
    _c, _e, first, _r = fix(tmp_path, source, "--redact", out_name="one.jsonl")
    _c, _e, again, _r = fix(tmp_path, source, "--redact", out_name="two.jsonl")
    assert first is not None and first == again
    code, err, second, rejected = fix(tmp_path, tmp_path / "one.jsonl", "--redact",
                                      "--summary-format", "json", out_name="three.jsonl")
    assert code == 0 and rejected == [] and second == first
    summary = summary_json(err)
    assert summary["redacted"] == {} and summary["repaired_records"] == 0


def test_records_that_differ_only_in_the_key_are_copies_once_redacted(tmp_path: Path) -> None:
    source = write(tmp_path / "in.jsonl", chat(f"key {KEY}"), chat(f"key {KEY2}"), chat("hi"))
    code, err, out, rejected = fix(tmp_path, source, "--redact", "--summary-format", "json")
    assert code == 0
    assert lines(out) == [chat("key <API_KEY>"), chat("hi")]
    assert [(r["line"], r["reason"]) for r in rejected] == [(2, "duplicate")]
    summary = summary_json(err)
    assert (summary["records"], summary["written"], summary["rejected"]) == (3, 2, {"duplicate": 1})
    assert summary["redacted"]["FT401"]["records"] == 1  # the copy was not written


def test_in_place_redacts_only_when_asked_and_then_is_a_no_op(tmp_path: Path) -> None:
    path = write(tmp_path / "data.jsonl", chat(f"key {KEY}"), chat("hi"))
    before = path.read_bytes()
    code, _out, err = run("fix", "--in-place", "--isolated", str(path))
    assert code == 0 and path.read_bytes() == before  # kept with its problem, not redacted
    assert "kept with problems" in err and "FT401" in err
    code, _out, err = run("fix", "--in-place", "--redact", "--isolated", str(path))
    assert code == 1
    assert lines(path.read_bytes()) == [chat("key <API_KEY>"), chat("hi")]
    assert "FT401 redacted 1 match in 1 record as <API_KEY>" in err
    redacted = path.read_bytes()
    code, _out, _err = run("fix", "--in-place", "--redact", "--isolated", str(path))
    assert code == 0 and path.read_bytes() == redacted


# -- user packs: overlaps, types, selectors -----------------------------------------------------


def test_overlapping_matches_of_two_rules_become_one_placeholder(tmp_path: Path) -> None:
    config = project(tmp_path)
    source = write(
        tmp_path / "in.jsonl",
        chat("see ab123cd now"),          # ACME001 ab123 and ACME002 123cd, equally long
        chat("see ab1234567 and 99cd"),   # apart: both placeholders
        chat("ping db1.corp.acme then ab12"),
    )
    code, err, out, _rejected = fix(tmp_path, source, "--redact", "--summary-format", "json",
                                    config=config)
    assert code == 0
    contents = [r["messages"][0]["content"] for r in lines(out)]
    # the union of the overlapping matches goes, under the earlier one's placeholder
    assert contents == ["see <TICKET> now", "see <TICKET> and <BUILD>", "ping <HOST> then <TICKET>"]
    redacted = summary_json(err)["redacted"]
    assert {code: (r["matches"], r["records"]) for code, r in redacted.items()} == {
        "ACME001": (3, 3), "ACME002": (1, 1), "ACME003": (1, 1),
    }


def test_the_longer_of_two_overlapping_matches_names_the_placeholder(tmp_path: Path) -> None:
    config = project(tmp_path)
    cases = {
        "see ab12cd999": "see <BUILD>",         # ab12 (4) inside 12cd999 (7)'s reach
        "see ab1234cd": "see <TICKET>",         # ab1234 and 1234cd: equal, the earlier wins
        "see ab1 and 1234567cd, ab12345cd": "see <TICKET> and <BUILD>, <TICKET>",
    }
    source = write(tmp_path / "in.jsonl", *(chat(text) for text in cases))
    _code, _err, out, _rejected = fix(tmp_path, source, "--redact", config=config)
    assert [r["messages"][0]["content"] for r in lines(out)] == list(cases.values())


def test_a_rule_without_a_placeholder_type_is_never_redacted(tmp_path: Path) -> None:
    config = project(tmp_path)
    source = write(tmp_path / "in.jsonl", chat("TODO fill in db1.corp.acme"))
    code, _err, out, _rejected = fix(tmp_path, source, "--redact", config=config)
    assert code == 0
    assert lines(out)[0]["messages"][0]["content"] == "TODO fill in <HOST>"
    code, _out, err = run("fix", str(source), "-o", str(tmp_path / "o.jsonl"), "--config",
                          str(config), "--redact-rules", "ACME004")
    assert code == 2
    assert "--redact-rules: 'ACME004' selects no rule to redact: ACME004 finds no secret or personal data" in err
    code, _out, err = run("fix", str(source), "-o", str(tmp_path / "o.jsonl"), "--config",
                          str(config), "--redact-rules", "ACME9")
    assert code == 2 and "no selected rule matches it" in err


def test_redact_rules_narrows_the_set_by_selector(tmp_path: Path) -> None:
    config = project(tmp_path)
    source = write(tmp_path / "in.jsonl", chat(f"ab12 on db1.corp.acme with {KEY}"))
    code, _err, out, _rejected = fix(tmp_path, source, "--redact-rules", "acme-host,FT401",
                                     config=config)
    assert code == 0
    assert lines(out)[0]["messages"][0]["content"] == "ab12 on <HOST> with <API_KEY>"


def test_rule_options_and_per_file_ignores_decide_what_is_redacted(tmp_path: Path) -> None:
    config = project(tmp_path, "[rules.ACME003]\nroles = ['assistant']\n"
                               "[per-file-ignores]\n'*.jsonl' = ['ACME001']\n")
    source = write(tmp_path / "in.jsonl", chat("db1.corp.acme ab12", "db2.corp.acme ab34"))
    code, _err, out, _rejected = fix(tmp_path, source, "--redact", config=config)
    assert code == 0
    assert lines(out) == [chat("db1.corp.acme ab12", "<HOST> ab34")]


# -- the redactor on every record shape ----------------------------------------------------------


def _redactor() -> Redactor:
    """Every shipped rule with a placeholder type, preview ones too (they need their code)."""
    codes = tuple(r.code for r in builtin_pack_rules())
    rules = active_rules(Settings(select=("ALL", *codes)))
    return Redactor(redaction_rules(rules, (), "x.jsonl", FileIgnores({})))


def test_prompt_completion_and_preference_outputs_are_redacted() -> None:
    redactor = _redactor()
    data, changes = redactor.redact({"prompt": f"k={KEY}", "completion": f"{KEY2}!"})
    assert data == {"prompt": "k=<API_KEY>", "completion": "<API_KEY>!"}
    assert [(c.code, c.pointer, c.description) for c in changes] == [
        ("FT401", "/prompt", "<API_KEY>"), ("FT401", "/completion", "<API_KEY>"),
    ]
    preference: dict[str, Any] = {
        "input": {"messages": [{"role": "user", "content": "key?"}]},
        "preferred_output": [{"role": "assistant", "content": f"it is {KEY}"}],
        "non_preferred_output": [{"role": "assistant", "content": "no"}],
    }
    data, changes = redactor.redact(preference)
    assert data["preferred_output"][0]["content"] == "it is <API_KEY>"
    assert preference["preferred_output"][0]["content"] == f"it is {KEY}"  # the input is untouched
    assert [c.pointer for c in changes] == ["/preferred_output/0/content"]


def test_a_clean_record_is_returned_as_it_is() -> None:
    record = chat("hi")
    data, changes = _redactor().redact(record)
    assert data is record and changes == []


# -- placeholders against every shipped rule ---------------------------------------------------


def _every_shipped_rule() -> ContentScanner:
    every = frozenset(Field_)
    return ContentScanner([Slot(r.pack, fields=every) for r in builtin_pack_rules() if r.pack is not None])


def _texts(record: dict[str, Any]) -> list[Any]:
    return _every_shipped_rule().hits([Record(Location("-"), b"", record)])


def test_no_placeholder_matches_any_shipped_rule_in_any_place() -> None:
    packs = [r.pack for r in builtin_pack_rules() if r.pack is not None]
    shown = sorted({placeholder(p) for p in packs} | {f"<{GENERIC}>"})
    assert "<API_KEY>" in shown
    contexts = ["{}", "key: {}", "api_key={}", "password: {}", "Authorization: Bearer {}",
                "mail {} or call {}", "postgres://user:{}@db:5432/app", "token '{}'", '"{}"']
    for shown_as in shown:
        for context in contexts:
            text = context.format(shown_as, shown_as)
            found = _texts(chat(text, text)) + _texts(tool_chat(json.dumps({"secret": text})))
            assert found == [], f"{text!r}: {[(h.slot.rule.spec.code, h.found) for h in found]}"


def test_every_shipped_example_of_a_redacted_rule_is_clean_once_redacted() -> None:
    """Idempotence on the packs' own `bad` examples: no redacted rule matches the result."""
    redactor = _redactor()
    redacted_codes = redactor.codes
    assert "FT401" in redacted_codes
    for rule in builtin_pack_rules():
        if rule.pack is None or not redactable(rule.pack):
            continue
        for example in rule.pack.spec.bad:
            record = orjson.loads(example_record(example, rule.pack.spec))
            own = [h.found for h in _texts(record) if h.slot.rule is rule.pack]
            if not own:
                continue  # an example its own rule misses is the pack harness's to report
            data, changes = redactor.redact(record)
            assert changes, f"{rule.code}: {example!r} not redacted"
            dumped = orjson.dumps(data).decode()
            assert not [found for found in own if found in dumped], f"{rule.code}: {dumped}"
            left = [h for h in _texts(data) if h.slot.rule.spec.code in redacted_codes]
            assert left == [], f"{rule.code}: {[(h.slot.rule.spec.code, h.found) for h in left]}"
            assert redactor.redact(data) == (data, [])


def test_only_the_shipped_secret_and_personal_data_rules_are_redacted() -> None:
    """Placeholder text, boilerplate, truncation, mojibake, control characters: never redacted,
    even where their pack names a `redact-as` type; every redacted rule has a typed placeholder."""
    packs = {r.code: r.pack for r in builtin_pack_rules() if r.pack is not None}
    redacted = {code for code, pack in packs.items() if redactable(pack)}
    assert "FT401" in redacted
    assert all(code[:4] in ("FT40", "FT41", "FT42") for code in redacted), sorted(redacted)
    assert all(packs[code].spec.redact_as != GENERIC for code in redacted)
    for flaw in ("FT430", "FT440", "FT441", "FT450", "FT451", "FT452", "FT453"):
        assert flaw not in redacted


def test_an_email_address_becomes_email_when_ft420_ships(tmp_path: Path) -> None:
    rule = find_rule("FT420")
    if rule is None or rule.pack is None or rule.pack.spec.redact_as != "EMAIL":
        pytest.skip("FT420 (email address) is not shipped yet")
    settings = Settings(extend_select=("FT420",))
    redactor = Redactor(redaction_rules(active_rules(settings), (), "x.jsonl", FileIgnores({})))
    data, changes = redactor.redact(chat("write to jane.doe@acme-corp.com, or call", "ok"))
    assert data["messages"][0]["content"] == "write to <EMAIL>, or call"
    assert [c.code for c in changes] == ["FT420"]
    source = write(tmp_path / "in.jsonl", chat(f"mail jane.doe@acme-corp.com, key {KEY}."))
    code, err, out, _rejected = fix(tmp_path, source, "--redact")
    assert code == 0
    assert lines(out)[0]["messages"][0]["content"] == "mail <EMAIL>, key <API_KEY>."
    assert "  FT420 redacted 1 match in 1 record as <EMAIL>" in err.splitlines()


def test_mask_secrets_masks_only_the_secret_in_an_excerpt() -> None:
    assert mask_secrets(f'{{"note": "{KEY}", "x": 1') == '{"note": "sk-p… (73 chars)", "x": 1'
    assert mask_secrets("nothing to hide") == "nothing to hide"
