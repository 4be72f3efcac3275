"""Slack workspace export: channels and threads as conversations, events dropped, names resolved."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from ftprep.model.errors import FtprepError
from ftprep.readers.chatlogs import slack
from tests.convert._chatlogs import DATA, pairs, skips, split, units, zip_folder
from tests.helpers import CORPORA

EXPORT = DATA / "slack" / "export"
REAL = CORPORA / "slack-export-viewer" / "testarchive.zip"

GENERAL = [
    ("alice", "Has anyone tried the new build? @Bob Stone"),
    ("Bob Stone", "Yes & it works <mostly>"),
    ("U09GHOST", "I can help, ping @U09GHOST2 or @here"),  # not in users.json: the raw id stays
    ("deploybot", "Build #42 passed"),
    ("Carol D", "Lunch at noon? #random has the menu"),
]
THREAD = [
    ("alice", "Deploy checklist for Friday?"),
    ("Carol D", "1. tag the release\n2. run the smoke tests"),
    ("Bob Stone", "Don't forget the changelog"),  # a reply filed in the next day's file
    ("alice", "Checklist is final, see the thread"),  # thread_broadcast
]


def test_round_trip_channels_threads_and_events() -> None:
    conversations, rejected = split(slack.read(EXPORT))
    assert [c.origin.conversation for c in conversations] == ["general", "general/1709546520.000300"]
    channel, thread = conversations
    assert pairs(channel) == GENERAL
    assert channel.title == "#general"
    assert pairs(thread) == THREAD
    assert thread.title == "#general thread 1709546520.000300"
    times = [t.time for c in conversations for t in c.turns]
    assert all(t is not None and t.utcoffset() is not None for t in times)
    assert [t.time for t in thread.turns] == sorted(t.time for t in thread.turns)
    assert rejected == []
    # every exported message is a turn or skipped with its reason: joins, topic and purpose
    # changes, a file shared without a word (#random holds only events)
    items = list(slack.read(EXPORT))
    assert skips(items) == {"channel_join event": 2, "channel_topic event": 1,
                            "channel_purpose event": 1,
                            "message without text (a file or attachment alone)": 1}
    assert units(items) == 14


@pytest.mark.parametrize("prefix", ["", "My Workspace Slack export/"])
def test_zip_matches_folder(tmp_path: Path, prefix: str) -> None:
    archive = zip_folder(EXPORT, tmp_path / "export.zip", prefix)
    assert slack.sniff(archive)
    conversations, rejected = split(slack.read(archive))
    assert [pairs(c) for c in conversations] == [GENERAL, THREAD]
    assert rejected == []


def test_hostile_day_files_and_messages(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "general" / "2024-03-06.json").write_text("[{oops", encoding="utf-8")
    (export / "general" / "2024-03-07.json").write_text('{"not": "a list"}', encoding="utf-8")
    bad = [
        "just a string",
        {"type": "message", "user": "U01ALICE", "text": "no ts"},
        {"type": "message", "text": "nobody wrote this", "ts": "1709900000.000100"},
        {"type": "message", "user": "U01BOB", "text": ["not", "text"], "ts": "1709900000.000200"},
        {"type": "message", "user": "U01BOB", "text": "still here", "ts": "1709900000.000300"},
    ]
    (export / "general" / "2024-03-08.json").write_text(json.dumps(bad), encoding="utf-8")
    conversations, rejected = split(slack.read(export))
    assert pairs(conversations[0])[-1] == ("Bob Stone", "still here")
    day = f"{export}/general/2024-03-08.json"
    found = {(r.origin.path, r.origin.row): r.reason for r in rejected}
    assert "invalid JSON" in found[(f"{export}/general/2024-03-06.json", None)]
    assert "not a list" in found[(f"{export}/general/2024-03-07.json", None)]
    assert found[(day, 1)] == "message is a string, not an object"
    assert found[(day, 2)] == "message has no usable ts (None)"
    assert found[(day, 3)] == "message has no user, bot or username"
    assert found[(day, 4)] == "message text is a list, not a string"


def test_missing_users_json_keeps_raw_ids(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "users.json").unlink()
    conversations, _ = split(slack.read(export))
    assert pairs(conversations[0])[0] == ("U01ALICE", "Has anyone tried the new build? @U01BOB")


def test_render_mrkdwn() -> None:
    users = {"U1": "Ann"}
    assert slack.render("<@U1> <@U2|bob> <@U3>", users) == "@Ann @bob @U3"
    assert slack.render("see <#C1|dev> and <#C2>", users) == "see #dev and #C2"
    assert slack.render("<!channel> <!here|@here> <!subteam^S1|@ops>", users) == "@channel @here @ops"
    assert slack.render("<https://x.example/a|docs> <https://y.example> <mailto:a@b.c|a@b.c>",
                        users) == "docs https://y.example a@b.c"
    assert slack.render("a &lt;b&gt; &amp;amp; &copy", users) == "a <b> &amp; &copy"


def test_not_an_export(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "notes.json").write_text("[]", encoding="utf-8")
    assert not slack.sniff(folder)
    with pytest.raises(FtprepError, match="not a Slack export"):
        list(slack.read(folder))
    broken = tmp_path / "export.zip"
    broken.write_bytes(b"PK\x03\x04garbage")
    assert not slack.sniff(broken)
    with pytest.raises(FtprepError, match="not a readable zip archive"):
        list(slack.read(broken))
    plain = tmp_path / "x.json"
    plain.write_text("[]", encoding="utf-8")
    with pytest.raises(FtprepError, match="expected a zip archive or a folder"):
        list(slack.read(plain))


def test_bad_users_json_is_an_error(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("users.json", '{"U1": "not a list"}')
        out.writestr("general/2024-01-01.json", "[]")
    with pytest.raises(FtprepError, match=r"users\.json: expected a list of users"):
        list(slack.read(archive))


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/corpora (not in a user's clone)")
def test_real_export_from_slack_export_viewer() -> None:
    assert slack.sniff(REAL)
    items = list(slack.read(REAL))
    conversations, rejected = split(items)
    assert rejected == []
    assert [c.title for c in conversations] == ["#enrique", "#traveling-sailor"]
    # 49 plain messages and 3 file shares have text, and so do the 94 GitHub posts, in their
    # attachments; the 8 joins, 3 bot installs and 1 file comment are skipped as events
    assert [len(c.turns) for c in conversations] == [96, 50]
    assert skips(items) == {"channel_join event": 8, "bot_add event": 3, "file_comment event": 1}
    assert units(items) == 158
    first = ("@abilinski: Created an issue for a setup.py so that it can be installed to a "
             "standard place")
    assert pairs(conversations[0])[0] == ("hamza", first)
    speakers = {t.speaker for c in conversations for t in c.turns}
    assert speakers == {"abilinski", "doubledeez", "github", "hamza", "heroeshannibal"}
    commit = next(t for t in conversations[0].turns if t.speaker == "github")
    assert commit.text == ("[enrique:master] 1 new commit by Anthony Bilinski:\n"
                           "ed1acbe: executor with simulated annealing rough draft - Anthony Bilinski")
    assert commit.aliases == ("B0JL6RASU",)  # the bot's id, which --assistant may name too
    assert not any("has joined the channel" in t.text for c in conversations for t in c.turns)
    for conversation in conversations:
        times = [t.time for t in conversation.turns]
        assert times == sorted(times)  # type: ignore[type-var]


def test_bot_text_in_attachments_is_the_message(tmp_path: Path) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    posts = [
        {"type": "message", "subtype": "bot_message", "bot_id": "B01CI", "text": "",
         "ts": "1709900000.000100", "attachments": [
             {"fallback": "ignored when there is text", "pretext": "CI report",
              "title": "Build 43", "text": "failed on <https://ci.example.com/43|step 2>",
              "fields": [{"title": "Branch", "value": "main"}]}]},
        {"type": "message", "subtype": "bot_message", "bot_id": "B01CI", "text": "",
         "ts": "1709900000.000200", "attachments": [{"fallback": "Build 44 passed"}]},
        {"type": "message", "subtype": "bot_message", "bot_id": "B01CI", "text": "",
         "ts": "1709900000.000300", "attachments": [{"image_url": "https://x.example/a.png"}]},
    ]
    (export / "general" / "2024-03-08.json").write_text(json.dumps(posts), encoding="utf-8")
    items = list(slack.read(export))
    texts = [t.text for t in split(items)[0][0].turns if t.speaker == "B01CI"]
    assert texts == ["CI report\nBuild 43\nfailed on step 2\nBranch: main", "Build 44 passed"]
    assert skips(items)["message without text (a file or attachment alone)"] == 2
