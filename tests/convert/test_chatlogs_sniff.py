"""Each chat-log fixture is recognised by its own reader and by no other."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftprep.readers.chatlogs import chatgpt, discord, slack, telegram, whatsapp
from tests.convert._chatlogs import DATA, zip_folder

READERS = [chatgpt, slack, discord, telegram, whatsapp]
OWN = {
    "chatgpt/conversations.json": chatgpt,
    "chatgpt/hostile_conversations.json": chatgpt,
    "chatgpt": chatgpt,
    "slack/export": slack,
    "discord/general.json": discord,
    "telegram/result.json": telegram,
    "telegram/result_full.json": telegram,
    **{f"whatsapp/{p.name}": whatsapp for p in (DATA / "whatsapp").glob("*.txt")},
}


@pytest.mark.parametrize("relative", sorted(OWN))
def test_only_the_owner_sniffs(relative: str) -> None:
    path = DATA / relative
    assert [r.NAME for r in READERS if r.sniff(path)] == [OWN[relative].NAME]


def test_zips_are_told_apart(tmp_path: Path) -> None:
    slack_zip = zip_folder(DATA / "slack" / "export", tmp_path / "slack.zip")
    chatgpt_zip = zip_folder(DATA / "chatgpt", tmp_path / "chatgpt.zip")
    assert [r.NAME for r in READERS if r.sniff(slack_zip)] == ["slack-export"]
    assert [r.NAME for r in READERS if r.sniff(chatgpt_zip)] == ["chatgpt-export"]


def test_names_are_the_documented_from_values() -> None:
    assert [r.NAME for r in READERS] == [
        "chatgpt-export", "slack-export", "discord", "telegram", "whatsapp"]


def test_nothing_sniffs_missing_or_unrelated_paths(tmp_path: Path) -> None:
    unrelated = tmp_path / "data.jsonl"
    unrelated.write_text('{"messages": []}\n', encoding="utf-8")
    for path in (tmp_path / "missing.json", unrelated, tmp_path):
        assert [r.NAME for r in READERS if r.sniff(path)] == []
