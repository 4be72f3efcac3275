"""`--format sarif`: SARIF 2.1.0 valid against the official schema, with rules from the registry
and content fingerprints that follow a problem when lines move."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ftprep.registry import find_rule
from tests.helpers import SHARED
from tests.test_cli import run

SCHEMA = SHARED / "corpora" / "schemas" / "sarif-schema-2.1.0.json"
SAMPLE = ("lint", "sample_data/support_chat.jsonl", "--model", "gpt-4.1-mini", "--isolated")


def _sarif(*args: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
    code, out, _err = run(*args, "--format", "sarif", cwd=cwd)
    return code, json.loads(out)


@pytest.mark.skipif(not SCHEMA.is_file(), reason="../shared/corpora is not present")
@pytest.mark.parametrize("args", [
    SAMPLE,
    ("lint", "tests/data/mixed_defects.jsonl", "--isolated"),
    ("lint", "sample_data/leaky_chat.jsonl", "--isolated", "--select", "FT4"),
])
def test_output_validates_against_the_sarif_schema(args: tuple[str, ...]) -> None:
    import jsonschema

    _code, document = _sarif(*args)
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_results_match_the_json_report_and_rules_come_from_the_registry() -> None:
    code, document = _sarif(*SAMPLE)
    json_code, out, _err = run(*SAMPLE, "--format", "json")
    assert code == json_code == 1
    [sarif_run] = document["runs"]
    assert document["version"] == "2.1.0" and sarif_run["columnKind"] == "unicodeCodePoints"
    assert sarif_run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    rules = sarif_run["tool"]["driver"]["rules"]
    expected = [
        (d["code"], {"error": "error", "warning": "warning", "info": "note"}[d["severity"]],
         d["message"], d["location"]["line"] or None)
        for d in json.loads(out)["diagnostics"]
    ]
    got = [
        (r["ruleId"], r["level"], r["message"]["text"].split(" (see ")[0],
         r["locations"][0]["physicalLocation"].get("region", {}).get("startLine"))
        for r in sarif_run["results"]
    ]
    assert got == expected
    for result in sarif_run["results"]:
        descriptor = rules[result["ruleIndex"]]
        spec = find_rule(result["ruleId"]).spec  # type: ignore[union-attr]
        assert descriptor["id"] == spec.code and descriptor["name"] == spec.name
        assert descriptor["shortDescription"]["text"] == spec.summary
        assert descriptor["help"]["markdown"].startswith(f"# {spec.name} ({spec.code})")
    assert [r["id"] for r in rules] == sorted({r["ruleId"] for r in sarif_run["results"]})


def _prints(document: dict[str, Any]) -> dict[str, str]:
    """`code@line` -> fingerprint, for the record-level results."""
    return {f"{r['ruleId']}@{r['locations'][0]['physicalLocation']['region']['startLine']}":
            r["partialFingerprints"]["ftprepContent/v1"]
            for r in document["runs"][0]["results"]
            if "region" in r["locations"][0]["physicalLocation"]}


def test_fingerprints_follow_a_record_when_lines_move(tmp_path: Path) -> None:
    lines = [
        '{"messages": [{"role": "user", "content": "Hi"}]}',
        '{"messages": [{"role": "user", "content": "Hello there"}, {"role": "assistant", "content": "Hi!"}]}',
        '{"messages": [{"role": "user", "content": "Bye"}]}',
    ]
    data = tmp_path / "data.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _code, before = _sarif("lint", "data.jsonl", "--isolated", "--select", "FT106", cwd=tmp_path)
    data.write_text("\n".join([lines[2], lines[1], lines[0]]) + "\n", encoding="utf-8")
    _code, after = _sarif("lint", "data.jsonl", "--isolated", "--select", "FT106", cwd=tmp_path)
    assert _prints(before)["FT106@1"] == _prints(after)["FT106@3"]  # the "Hi" record, moved
    assert _prints(before)["FT106@3"] == _prints(after)["FT106@1"]  # the "Bye" record, moved
    assert _prints(before)["FT106@1"] != _prints(before)["FT106@3"]
    data.write_text("\n".join([lines[2].replace("Bye", "Bye now"), lines[1], lines[0]]) + "\n",
                    encoding="utf-8")
    _code, edited = _sarif("lint", "data.jsonl", "--isolated", "--select", "FT106", cwd=tmp_path)
    assert _prints(edited)["FT106@1"] not in _prints(before).values()  # an edited record is new
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in edited["runs"][0]["results"]}
    assert uris == {"data.jsonl"}
