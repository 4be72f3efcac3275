"""Telegram Desktop JSON export: single chats and full exports, service messages dropped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ftprep.model.errors import FtprepError
from ftprep.readers.chatlogs import telegram
from tests.convert._chatlogs import DATA, pairs, skips, split, units
from tests.helpers import CORPORA

SINGLE = DATA / "telegram" / "result.json"
FULL = DATA / "telegram" / "result_full.json"
CHAT_MINER = CORPORA / "chat-miner" / "telegram"

DM = [
    ("Alice Smith", "Did the parcel arrive?"),
    # entity lists are joined as displayed; the photo and the sticker have no text
    ("Bob Builder", "Yes! Tracking said delivered at https://example.com/track/123"),
    ("Alice Smith", "Great, thanks 🙏\nSee you Friday"),
]


def test_single_chat_round_trip() -> None:
    conversations, rejected = split(telegram.read(SINGLE))
    assert rejected == []
    (chat,) = conversations
    assert pairs(chat) == DM
    assert chat.title == "Bob Builder"
    assert chat.origin.conversation == "5123456789"
    # date_unixtime is UTC; `date` (12:00 local, +02:00) is not used when it is there
    assert chat.turns[0].time == datetime(2023, 5, 1, 10, 0, tzinfo=UTC)
    assert telegram.sniff(SINGLE)


def test_full_export_round_trip() -> None:
    results = list(telegram.read(FULL))
    conversations, rejected = split(results)
    assert [(c.origin.row, c.title) for c in conversations] == [
        (1, "Bob Builder"), (2, "Hiking Trip"), (3, None)]
    assert pairs(conversations[0]) == DM
    assert pairs(conversations[1]) == [
        ("Carol White", "Which trail?"),
        ("Dan Brown", "The ridge one, 12 km"),
        ("user4555555555", "(deleted account still speaks)"),  # `from` is null: the id speaks
    ]
    assert pairs(conversations[2]) == [("Alice Smith", "buy milk")]
    assert rejected == []
    # service events, the photo and the sticker are skipped with their reasons; the left
    # supergroup holds only a join, accounted for the same way
    assert skips(results) == {
        "service event (phone_call)": 1, "photo without text": 1, "sticker without text": 1,
        "service event (create_group)": 1, "service event (invite_members)": 1,
        "service event (join_group_by_link)": 1,
    }
    document = json.loads(FULL.read_text(encoding="utf-8"))
    chats = document["chats"]["list"] + document["left_chats"]["list"]
    assert units(results) == sum(len(chat["messages"]) for chat in chats)
    assert telegram.sniff(FULL)


def test_local_dates_without_unixtime(tmp_path: Path) -> None:
    chat = json.loads(SINGLE.read_text(encoding="utf-8"))
    for message in chat["messages"]:
        del message["date_unixtime"]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat), encoding="utf-8")
    (conversation,) = split(telegram.read(path))[0]
    assert conversation.turns[0].time == datetime(2023, 5, 1, 12, 0)  # naive local wall clock


def test_malformed_messages_are_rejected(tmp_path: Path) -> None:
    chat = json.loads(SINGLE.read_text(encoding="utf-8"))
    chat["messages"] += [
        None,
        {"id": 900, "type": "message", "date": "2023-05-02T10:00:00", "text": "who?"},
        {"id": 901, "type": "message", "from": "X", "text": 5},
        {"id": 902, "type": "message", "from": "X", "text": ["a", 1]},
        {"id": 903, "type": "reaction", "from": "X", "text": "?"},
    ]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat), encoding="utf-8")
    conversations, rejected = split(telegram.read(path))
    assert pairs(conversations[0]) == DM
    assert [(r.origin.row, r.reason) for r in rejected] == [
        (7, "message is null, not an object"),
        (8, "message has no sender (from or from_id)"),
        (9, "message text is a number, not a string or a list"),
        (10, "message text has a piece that is neither a string nor an entity with text"),
        (11, "message type 'reaction' is neither 'message' nor 'service'"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"{", "invalid JSON"),
        (b'{"chats": {"about": "x"}}', "not a Telegram Desktop export"),
        (b'{"name": "x", "type": "personal_chat"}', "not a Telegram Desktop export"),
    ],
)
def test_unreadable_files_raise(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(FtprepError, match=message):
        list(telegram.read(path))


@pytest.mark.skipif(not CHAT_MINER.exists(), reason="needs ../shared/corpora (not in a user's clone)")
@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
def test_chat_miner_fixtures_match_their_target(name: str) -> None:
    target = json.loads((CHAT_MINER / "target.json").read_text(encoding="utf-8"))
    path = CHAT_MINER / name
    assert telegram.sniff(path)
    (chat,) = split(telegram.read(path))[0]
    got = [{"timestamp": t.time.astimezone(UTC).replace(tzinfo=None).isoformat(),  # type: ignore[union-attr]
            "author": t.speaker, "message": t.text} for t in chat.turns]
    # chat-miner joins text pieces with a space; Telegram's pieces already carry their own
    # spacing (`[{"type": "link", ...}, " 👀"]` in real exports), so ftprep joins with "".
    for row in target:
        row["message"] = row["message"].replace("Link: https", "Link:https")
    assert got == target
