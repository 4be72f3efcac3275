"""Discord channel exported by DiscordChatExporter as JSON (one channel or thread per file).

Shape (FORMATS.md §8.3): `{guild, channel, dateRange, messages[], messageCount}`; a message has
`id`, `type`, `timestamp` (ISO 8601 with offset), `content` and `author{name, nickname}`. Only
`Default` and `Reply` messages are conversation; calls, pins, joins, renames and the other
types are events. The speaker is the author's nickname (what the channel showed), else the
account name. Messages that are only attachments, embeds or stickers carry no text and are
dropped; a message id seen twice (overlapping exports joined) is kept once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ftprep.convert.model import Conversation, Origin, Rejected, Turn
from ftprep.errors import FtprepError
from ftprep.readers.chatlogs._helpers import (
    ChatLogOptions,
    as_object,
    count,
    from_iso,
    in_time_order,
    json_kind,
    load_json,
    read_bytes,
    read_prefix,
)

NAME = "discord"
MESSAGE_TYPES = ("Default", "Reply")


def sniff(path: str | Path) -> bool:
    """A .json file that opens with DiscordChatExporter's `guild` and `channel` objects."""
    path = Path(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    head = read_prefix(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"guild"' in head and b'"channel"' in head


def read(path: str | Path, options: ChatLogOptions | None = None) -> Iterator[Conversation | Rejected]:
    """Yield the channel as one conversation (and a `Rejected` per malformed message)."""
    path = Path(path)
    where = str(path)
    document = load_json(read_bytes(path), where)
    if not isinstance(document, dict) or not isinstance(document.get("messages"), list):
        raise FtprepError(f"{where}: not a DiscordChatExporter JSON export (no messages list)")
    channel = as_object(document.get("channel"))
    guild = as_object(document.get("guild"))
    channel_id = channel.get("id")
    conversation_id = str(channel_id) if isinstance(channel_id, (str, int)) else None
    origin = Origin(where, None, conversation_id)
    turns: list[Turn] = []
    seen: set[str] = set()
    events = empty = 0
    for index, raw in enumerate(document["messages"], 1):
        if not isinstance(raw, dict):
            yield Rejected(Origin(where, index, conversation_id, "message"),
                           f"message is {json_kind(raw)}, not an object", raw)
            continue
        if raw.get("type") not in MESSAGE_TYPES:
            events += 1
            continue
        message_id = raw.get("id")
        if isinstance(message_id, str):
            if message_id in seen:
                continue
            seen.add(message_id)
        turn = _turn(raw)
        if isinstance(turn, str):
            yield Rejected(Origin(where, index, conversation_id, "message"), turn, raw)
        elif turn is None:
            empty += 1
        else:
            turns.append(turn)
    if not turns:
        yield Rejected(origin, f"channel has no messages with text ({count(events, 'event')} "
                               f"and {count(empty, 'message')} without text dropped)")
        return
    yield Conversation(origin, in_time_order(turns), _title(guild, channel))


def _turn(raw: dict[str, Any]) -> Turn | str | None:
    author = raw.get("author")
    if not isinstance(author, dict):
        return "message has no author"
    speaker = next(
        (n.strip() for n in (author.get("nickname"), author.get("name"))
         if isinstance(n, str) and n.strip()),
        None,
    )
    if speaker is None:
        return "message author has no name or nickname"
    content = raw.get("content", "")
    if not isinstance(content, str):
        return f"message content is {json_kind(content)}, not a string"
    if not content.strip():
        return None
    return Turn(speaker, content, from_iso(raw.get("timestamp")))


def _title(guild: dict[str, Any], channel: dict[str, Any]) -> str | None:
    name = channel.get("name")
    if not isinstance(name, str):
        return None
    category = guild.get("name")
    return f"{category} #{name}" if isinstance(category, str) and category else f"#{name}"
