"""Telegram Desktop JSON export (`result.json`): one chat, or a full export of many.

Shape (FORMATS.md §8.4): a single chat is `{name, type, id, messages[]}`; a full export nests
chats under `chats.list[]` (and chats the user left under `left_chats.list[]`). Messages of type
`service` (joins, pins, calls, title changes) are events, skipped with their action as the
reason. `text` is a string or a list of strings and `{type, text}` entity objects, concatenated
as Telegram shows them. Messages with no text (a photo, sticker, file or poll alone) are skipped. Times come from
`date_unixtime` (UTC) when present, else from `date` (the exporter's local wall-clock time).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Conversation, Origin, Rejected, Skipped, Turn
from ftprep.parsing import kind_of
from ftprep.readers.chatlogs._helpers import (
    ChatLogOptions,
    SkipReason,
    from_epoch,
    from_iso,
    in_time_order,
    load_json,
    read_bytes,
    read_prefix,
    skips,
)

NAME = "telegram"
# What a message without text carries, as (key, noun): checked in this order.
_MEDIA = (("sticker_emoji", "sticker"), ("media_type", "media"), ("photo", "photo"),
          ("file", "file"), ("poll", "poll"), ("location_information", "location"),
          ("contact_information", "contact"))
_MARKERS = re.compile(
    rb'"(date_unixtime|text_entities|personal_information|from_id)"'
    rb'|"type"\s*:\s*"(personal_chat|private_group|private_supergroup|public_supergroup'
    rb"|bot_chat|saved_messages|private_channel|public_channel)\""
)


def sniff(path: str | Path) -> bool:
    """A .json object whose start has Telegram's keys (`date_unixtime`, `text_entities`, ...)."""
    path = Path(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    head = read_prefix(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"guild"' not in head and _MARKERS.search(head) is not None


def read(
    path: str | Path, options: ChatLogOptions | None = None
) -> Iterator[Conversation | Rejected | Skipped]:
    """Yield one conversation per chat, and a `Rejected` for anything that cannot be read."""
    path = Path(path)
    where = str(path)
    document = load_json(read_bytes(path), where)
    if isinstance(document, dict) and isinstance(document.get("messages"), list):
        yield from _chat(document, Origin(where, None, None, "chat"))
        return
    chats = _chat_lists(document)
    if chats is None:
        raise FtprepError(f"{where}: not a Telegram Desktop export (no messages or chats.list)")
    for index, chat in enumerate(chats, 1):
        yield from _chat(chat, Origin(where, index, None, "chat"))


def _chat_lists(document: Any) -> list[Any] | None:
    if not isinstance(document, dict):
        return None
    found: list[Any] | None = None
    for key in ("chats", "left_chats"):
        section = document.get(key)
        if isinstance(section, dict) and isinstance(section.get("list"), list):
            found = (found or []) + section["list"]
    return found


def _chat(chat: Any, origin: Origin) -> Iterator[Conversation | Rejected | Skipped]:
    """The chat as a conversation, the skipped messages by reason, and a `Rejected` for each
    malformed message left out."""
    if not isinstance(chat, dict):
        yield Rejected(origin, f"chat is {kind_of(chat)}, not an object", chat)
        return
    chat_id = chat.get("id")
    if isinstance(chat_id, (int, str)) and not isinstance(chat_id, bool):
        origin = Origin(origin.path, origin.row, str(chat_id), origin.unit)
    header = {k: v for k, v in chat.items() if k != "messages"}
    messages = chat.get("messages")
    if not isinstance(messages, list):
        yield Rejected(origin, f"chat messages are {kind_of(messages)}, not a list", header)
        return
    turns: list[Turn] = []
    problems: list[Rejected] = []
    skipped: Counter[str] = Counter()
    for index, message in enumerate(messages, 1):
        turn = _turn(message)
        if isinstance(turn, Turn):
            turns.append(turn)
        elif isinstance(turn, SkipReason):
            skipped[turn] += 1
        else:
            where = Origin(origin.path, index, origin.conversation, "message")
            problems.append(Rejected(where, turn, message))
    if turns:
        name = chat.get("name")
        yield Conversation(origin, in_time_order(turns), name if isinstance(name, str) else None)
    yield from skips(origin, skipped)
    yield from problems


def _turn(message: Any) -> Turn | SkipReason | str:
    """A message as a turn; a `SkipReason` for events and media; a string naming a defect."""
    if not isinstance(message, dict):
        return f"message is {kind_of(message)}, not an object"
    kind = message.get("type")
    if kind == "service":
        action = message.get("action")
        return SkipReason(f"service event ({action})" if isinstance(action, str) and action
                          else "service event")
    if kind != "message":
        return f"message type {kind!r} is neither 'message' nor 'service'"
    raw = message.get("text", "")
    text = _text(raw)
    if text is None:
        if isinstance(raw, list):
            return "message text has a piece that is neither a string nor an entity with text"
        return f"message text is {kind_of(raw)}, not a string or a list"
    if not text.strip():
        media = next((noun for key, noun in _MEDIA if message.get(key)), None)
        return SkipReason(f"{media} without text" if media else "message without text")
    speaker = next(
        (s.strip() for s in (message.get("from"), message.get("from_id"))
         if isinstance(s, str) and s.strip()),
        None,
    )
    if speaker is None:
        return "message has no sender (from or from_id)"
    time = from_epoch(message["date_unixtime"]) if "date_unixtime" in message else None
    return Turn(speaker, text, time or from_iso(message.get("date")))


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return None
    pieces: list[str] = []
    for piece in value:
        if isinstance(piece, str):
            pieces.append(piece)
        elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
            pieces.append(piece["text"])
        else:
            return None
    return "".join(pieces)
