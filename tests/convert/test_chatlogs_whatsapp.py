"""WhatsApp exported chats: every documented layout, per-file date order, events and media."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Rejected
from ftprep.readers.chatlogs import whatsapp
from ftprep.readers.chatlogs._helpers import ChatLogOptions
from tests.convert._chatlogs import DATA, pairs, skips, split, units
from tests.helpers import CORPORA

FIXTURES = DATA / "whatsapp"
CHAT_MINER = CORPORA / "chat-miner" / "whatsapp"


def read_one(path: Path, options: ChatLogOptions | None = None):  # type: ignore[no-untyped-def]
    conversations, rejected = split(whatsapp.read(path, options))
    assert rejected == []
    (conversation,) = conversations
    return conversation


def test_android_day_first_with_events_media_and_multiline() -> None:
    chat = read_one(FIXTURES / "android_ddmmyy.txt")
    assert pairs(chat) == [
        ("Alice", "Welcome! First book: Dune"),
        ("Bob (work) 🦊", "Great pick.\nI have two copies,\nhappy to lend one"),
        # <Media omitted> and the deleted message are gone, the edit marker is stripped
        ("Alice", "Ratio: 1 chapter per week?"),
        ("+44 7700 900123", "Can I join late?"),
        ("Alice", "Of course"),
    ]
    assert chat.turns[-1].time == datetime(2024, 3, 15, 18, 31)
    assert chat.title == "android_ddmmyy"


def test_media_placeholders_can_be_kept() -> None:
    chat = read_one(FIXTURES / "android_ddmmyy.txt", ChatLogOptions(media="keep"))
    assert ("Bob (work) 🦊", "<Media omitted>") in pairs(chat)
    assert all("deleted" not in text for _, text in pairs(chat))  # deletions never come back


def test_ios_brackets_seconds_and_marked_events() -> None:
    chat = read_one(FIXTURES / "ios_bracket.txt")
    assert pairs(chat) == [
        ("Alice", "Welcome! First book: Dune"),  # the encryption notice under the group name
        ("Bob", "Cover art above"),  # "\u200eimage omitted" is media
        ("Alice", "Nice"),  # so is "<attached: ...>"
    ]
    assert chat.turns[0].time == datetime(2024, 3, 14, 9, 2, 40)


def test_us_twelve_hour_clock_with_narrow_spaces() -> None:
    chat = read_one(FIXTURES / "android_us_12h.txt")
    assert [t.time for t in chat.turns] == [
        datetime(2024, 3, 14, 9, 5), datetime(2024, 3, 14, 9, 6),
        datetime(2024, 3, 14, 12, 30), datetime(2024, 3, 15, 0, 1)]


def test_german_dotted_dates_and_captioned_media() -> None:
    chat = read_one(FIXTURES / "german_dotted.txt")
    assert pairs(chat) == [
        ("Anna", "Hast du die Folien?"),
        ("Ben", "Folien_v2.pdf"),  # the line under the placeholder is kept as the sender's text
        ("Anna", "Danke!"),
    ]
    assert chat.turns[0].time == datetime(2024, 3, 14, 21, 5)


def test_ambiguous_dates_follow_chronology_once_per_file() -> None:
    chat = read_one(FIXTURES / "ambiguous_order.txt")
    assert [t.time.date().isoformat() for t in chat.turns] == [  # type: ignore[union-attr]
        "2024-01-03", "2024-01-04", "2024-01-09", "2024-02-01"]
    forced = read_one(FIXTURES / "ambiguous_order.txt", ChatLogOptions(date_order="day-first"))
    assert [t.time.date().isoformat() for t in forced.turns] == [  # type: ignore[union-attr]
        "2024-03-01", "2024-04-01", "2024-09-01", "2024-01-02"]  # file order, even when it runs back


def test_file_order_is_kept_when_the_clock_moves_back() -> None:
    chat = read_one(FIXTURES / "clock_back.txt")
    assert [speaker for speaker, _text in pairs(chat)] == ["Bob", "Ann", "Bob", "Ann"]
    assert chat.turns[1].time < chat.turns[0].time  # type: ignore[operator]  # DST: 02:50, then 02:05


WHATSTK = CORPORA / "realworld" / "whatstk"


@pytest.mark.skipif(not WHATSTK.exists(), reason="needs ../shared/corpora (not in a user's clone)")
def test_whatstk_example_12h_keeps_who_answers_whom() -> None:
    chat = read_one(WHATSTK / "example-12h.txt")
    lines = (WHATSTK / "example-12h.txt").read_text(encoding="utf-8").splitlines()
    in_file = [line.split(" - ", 1)[1].split(": ", 1)[0] for line in lines if ": " in line.split(" - ", 1)[1]]
    assert [speaker for speaker, _text in pairs(chat)] == in_file
    texts = [text for _speaker, text in pairs(chat)]
    question = texts.index("Kids, shall I design a smart poke-ball?")  # written at 11:45 PM...
    assert pairs(chat)[question + 1] == ("Ash Ketchum", "I don't mind Prof. I quitted capturing pokemon.")  # ...answered at 6:45 PM


def test_day_first_decided_by_one_late_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("01/02/24, 10:00 - A: x\n05/02/24, 10:00 - B: y\n13/02/24, 10:00 - A: z\n",
                    encoding="utf-8")
    chat = read_one(path)
    assert [t.time.month for t in chat.turns] == [2, 2, 2]  # type: ignore[union-attr]


def test_contradictory_dates_reject_the_file(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("13/01/24, 10:00 - A: x\n01/13/24, 10:00 - B: y\n", encoding="utf-8")
    conversations, rejected = split(whatsapp.read(path))
    assert conversations == []
    assert "neither all day-first nor all month-first" in rejected[0].reason


def test_forced_order_rejects_impossible_dates_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("13/01/24, 10:00 - A: x\n01/01/24, 10:00 - B: y\n", encoding="utf-8")
    conversations, rejected = split(whatsapp.read(path, ChatLogOptions(date_order="month-first")))
    assert pairs(conversations[0]) == [("B", "y")]
    assert [(r.origin.unit, r.reason, r.source) for r in rejected] == [
        ("message", "timestamp is not a valid date", {"line": 1, "text": "A: x"})]


def test_text_before_the_first_timestamp_is_rejected_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("\ufeff01/01/24, 10:00 - A: hi\r\n01/01/24, 10:01 - B: ho\r\n",
                    encoding="utf-8")
    assert pairs(read_one(path)) == [("A", "hi"), ("B", "ho")]  # BOM and CRLF are fine
    path.write_text("garbage first\n01/01/24, 10:00 - A: hi\n", encoding="utf-8")
    assert whatsapp.sniff(path) is False
    with pytest.raises(FtprepError, match="no line starts with a WhatsApp timestamp"):
        list(whatsapp.read(path))


def test_empty_name_line_then_body_on_next_lines(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("01/01/24, 10:00 - A:\nfirst line\nsecond\n01/01/24, 10:01 - B:.\n",
                    encoding="utf-8")
    # `B:.` has no ": " after the name: like chat-miner, ftprep reads it as an event
    assert pairs(read_one(path)) == [("A", "\nfirst line\nsecond")]


def test_chat_with_only_events_is_skipped_message_by_message(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text('01/01/24, 10:00 - Alice created group "x"\n01/01/24, 10:00 - Alice added you\n'
                    "01/01/24, 10:01 - Bob: <Media omitted>\n", encoding="utf-8")
    items = list(whatsapp.read(path))
    assert split(items) == ([], [])
    assert skips(items) == {whatsapp.SYSTEM_EVENT: 2, whatsapp.MEDIA: 1}


def test_every_message_is_a_turn_or_skipped_with_its_reason() -> None:
    items = list(whatsapp.read(FIXTURES / "android_ddmmyy.txt"))
    assert skips(items) == {whatsapp.ENCRYPTION_NOTICE: 1, whatsapp.SYSTEM_EVENT: 2,
                            whatsapp.MEDIA: 1, whatsapp.DELETED: 1}
    assert units(items) == 10  # timestamped lines in the file


def test_unreadable_dates_reject_every_message_and_keep_earlier_rejects(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("13/01/24, 10:00 - A: x\n01/13/24, 10:00 - B: y\n", encoding="utf-8")
    (rejected,) = list(whatsapp.read(path))
    assert isinstance(rejected, Rejected) and rejected.units == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "file is empty"), (b"\xff\xfe01/01/24", "not UTF-8"), (b"hello\n", "no line starts")],
)
def test_unreadable_files_raise(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(content)
    with pytest.raises(FtprepError, match=message):
        list(whatsapp.read(path))


def test_zip_export(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat with Book club.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(FIXTURES / "android_ddmmyy.txt", "WhatsApp Chat with Book club.txt")
        out.writestr("IMG-20240314-WA0001.jpg", b"\xff\xd8\xff")
        out.writestr("notes.txt", "a shared document, not a chat")
    assert whatsapp.sniff(archive)
    conversations, rejected = split(whatsapp.read(archive))
    assert rejected == []
    assert pairs(conversations[0]) == pairs(read_one(FIXTURES / "android_ddmmyy.txt"))
    assert conversations[0].origin.path == f"{archive}/WhatsApp Chat with Book club.txt"
    ios = tmp_path / "ios.zip"
    with zipfile.ZipFile(ios, "w") as out:
        out.write(FIXTURES / "ios_bracket.txt", "_chat.txt")
    assert split(whatsapp.read(ios))[0][0].title == "ios"
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as out:
        out.writestr("notes.txt", "nothing here")
    with pytest.raises(FtprepError, match="no WhatsApp chat .txt"):
        list(whatsapp.read(empty))


def test_sniff() -> None:
    for path in FIXTURES.glob("*.txt"):
        assert whatsapp.sniff(path), path
    assert not whatsapp.sniff(DATA / "telegram" / "result.json")


@pytest.mark.skipif(not CHAT_MINER.exists(), reason="needs ../shared/corpora (not in a user's clone)")
@pytest.mark.parametrize("name", sorted(p.name for p in CHAT_MINER.glob("*.txt")) or ["none"])
def test_chat_miner_layouts_match_their_target(name: str) -> None:
    target = json.loads((CHAT_MINER / "target.json").read_text(encoding="utf-8"))
    path = CHAT_MINER / name
    assert whatsapp.sniff(path)
    chat = read_one(path)
    got = [{"timestamp": t.time.isoformat(), "author": t.speaker,  # type: ignore[union-attr]
            # chat-miner flattens a multi-line message onto one line; ftprep keeps the newline
            "message": t.text.replace("\n", " ")} for t in chat.turns]
    assert got == target[::-1]  # chat-miner lists newest first


def test_encryption_notice_under_a_group_name_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text(
        "15.04.2016, 15:04 - Pokemon Chat: Messages and calls are end-to-end encrypted. No one "
        "outside of this chat, not even WhatsApp, can read or listen to them.\n"
        "06.08.2016, 13:18 - Messages you send to this group are now secured with end-to-end "
        "encryption. Tap for more info.\n"
        "06.08.2016, 13:20 - Chat Pokémon: Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.\n"
        "06.08.2016, 13:23 - Ash Ketchum: Hey guys!\n"
        "06.08.2016, 13:24 - Brock: messages and calls are end-to-end encrypted, right?\n",
        encoding="utf-8")
    items = list(whatsapp.read(path))
    assert pairs(split(items)[0][0]) == [
        ("Ash Ketchum", "Hey guys!"),
        ("Brock", "messages and calls are end-to-end encrypted, right?"),  # typed text stays
    ]
    assert skips(items) == {whatsapp.ENCRYPTION_NOTICE: 3}


@pytest.mark.skipif(not WHATSTK.exists(), reason="needs ../shared/corpora (not in a user's clone)")
def test_whatstk_pokemon_notice_is_not_a_message() -> None:
    items = list(whatsapp.read(WHATSTK / "pokemon.txt"))
    assert "Pokemon Chat" not in {speaker for speaker, _text in pairs(split(items)[0][0])}
    assert skips(items) == {whatsapp.ENCRYPTION_NOTICE: 2}
