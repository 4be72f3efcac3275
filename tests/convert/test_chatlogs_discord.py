"""DiscordChatExporter JSON: Default and Reply messages of one channel, events dropped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ftprep.model.errors import FtprepError
from ftprep.readers.chatlogs import _helpers, discord
from tests.convert._chatlogs import DATA, pairs, skips, split, units
from tests.helpers import CORPORA

EXPORT = DATA / "discord" / "general.json"


def test_round_trip() -> None:
    conversations, rejected = split(discord.read(EXPORT))
    assert rejected == []
    (channel,) = conversations
    assert pairs(channel) == [
        ("Ada", "Is the meetup still on for Saturday?"),  # nickname over account name
        ("Grace", "Yes, 2pm at the library"),  # a Reply is conversation
        # the pin notice, the attachment-only message and the join are not; the duplicated id
        # (overlapping exports) is kept once
        ("linus", "I'll bring snacks 🍪\nand the projector"),  # no nickname: account name
        ("HelperBot", "Reminder set for Saturday 13:30."),  # bots speak too; the caller decides
    ]
    assert channel.title == "Book Club #general"
    assert channel.origin.conversation == "900000000000000001"
    assert channel.turns[1].time == datetime(2024, 2, 1, 9, 2, 10, 512000, tzinfo=UTC)
    assert discord.sniff(EXPORT)


def document(messages: list[Any]) -> dict[str, Any]:
    base = json.loads(EXPORT.read_text(encoding="utf-8"))
    base["messages"] = messages
    base["messageCount"] = len(messages)
    return base


def test_out_of_order_messages_are_sorted(tmp_path: Path) -> None:
    base = json.loads(EXPORT.read_text(encoding="utf-8"))
    first, second = base["messages"][0], base["messages"][1]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document([second, first])), encoding="utf-8")
    (channel,) = split(discord.read(path))[0]
    assert [t.text for t in channel.turns] == [first["content"], second["content"]]


def test_malformed_messages_are_rejected_one_by_one(tmp_path: Path) -> None:
    good = json.loads(EXPORT.read_text(encoding="utf-8"))["messages"][0]
    messages = [
        7,
        {**good, "id": "1", "author": None},
        {**good, "id": "2", "author": {"id": "9"}},
        {**good, "id": "3", "content": {"text": "x"}},
        good,
    ]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document(messages)), encoding="utf-8")
    conversations, rejected = split(discord.read(path))
    assert len(conversations[0].turns) == 1
    assert [(r.origin.row, r.origin.unit, r.reason) for r in rejected] == [
        (1, "message", "message is a number, not an object"),
        (2, "message", "message has no author"),
        (3, "message", "message author has no name or nickname"),
        (4, "message", "message content is an object, not a string"),
    ]


def test_channel_without_text_is_skipped_message_by_message(tmp_path: Path) -> None:
    base = json.loads(EXPORT.read_text(encoding="utf-8"))
    path = tmp_path / "c.json"
    path.write_text(json.dumps(document([base["messages"][2], base["messages"][3]])), encoding="utf-8")
    items = list(discord.read(path))
    assert split(items) == ([], [])
    assert skips(items) == {"ChannelPinnedMessage event": 1, "message without text (attachment only)": 1}


def test_every_message_is_a_turn_rejected_or_skipped() -> None:
    items = list(discord.read(EXPORT))
    assert skips(items) == {
        "ChannelPinnedMessage event": 1, "GuildMemberJoin event": 1,
        "message without text (attachment only)": 1,
        "duplicate of an earlier message (same id)": 1,
    }
    assert units(items) == len(json.loads(EXPORT.read_text(encoding="utf-8"))["messages"]) == 8


DCE = CORPORA / "realworld" / "dce" / "general_37fee35.json"


@pytest.mark.skipif(not DCE.exists(), reason="needs ../shared/corpora (not in a user's clone)")
def test_real_export_accounts_for_sticker_and_attachment_only_messages() -> None:
    items = list(discord.read(DCE))
    assert len(split(items)[0][0].turns) == 28
    assert skips(items) == {
        "GuildMemberJoin event": 3, "ThreadCreated event": 1,
        "message without text (sticker only)": 1, "message without text (attachment only)": 2,
    }
    assert units(items) == 35 == len(json.loads(DCE.read_text(encoding="utf-8"))["messages"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b'{"guild": {}, "channel": {}', "invalid JSON"),
        (b'{"guild": {}, "channel": {}, "messages": {}}', "not a DiscordChatExporter JSON export"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"guild": {}, "channel": {}}', "not a DiscordChatExporter JSON export"),
    ],
)
def test_unreadable_files_raise(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(content)
    with pytest.raises(FtprepError, match=message):
        list(discord.read(path))


def test_messages_are_streamed_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = pairs(split(discord.read(EXPORT))[0][0])
    monkeypatch.setattr(_helpers._StreamReader, "CHUNK", 7)
    assert pairs(split(discord.read(EXPORT))[0][0]) == whole


def test_sniff_only_its_own_files() -> None:
    assert not discord.sniff(DATA / "telegram" / "result.json")
    assert not discord.sniff(DATA / "chatgpt" / "conversations.json")
    assert not discord.sniff(DATA / "whatsapp" / "android_ddmmyy.txt")


def test_account_name_is_an_alias_of_the_nickname() -> None:
    (channel,) = split(discord.read(EXPORT))[0]
    assert [(t.speaker, t.aliases) for t in channel.turns] == [
        ("Ada", ("ada_l",)), ("Grace", ("grace.h",)), ("linus", ()), ("HelperBot", ())]
