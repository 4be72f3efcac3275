"""Discord channel exported by DiscordChatExporter as JSON (one channel or thread per file).

Shape (FORMATS.md §8.3): `{guild, channel, dateRange, messages[], messageCount}`; a message has
`id`, `type`, `timestamp` (ISO 8601 with offset), `content` and `author{name, nickname}`. Only
`Default` and `Reply` messages are conversation; calls, pins, joins, renames and the other
types are events, skipped with their type as the reason. The speaker is the author's nickname
(what the channel showed), else the account name; the account name is kept as an alias, so
`--assistant` may name either. Messages that are only attachments, embeds or
stickers carry no text and are skipped; a message id seen twice (overlapping exports joined) is
kept once and the copy skipped.
"""

from __future__ import annotations

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
    as_object,
    from_iso,
    in_time_order,
    iter_json_members,
    open_text,
    read_prefix,
    skips,
)

NAME = "discord"
MESSAGE_TYPES = ("Default", "Reply")
NO_TEXT = "message without text"
DUPLICATE = "duplicate of an earlier message (same id)"


def sniff(path: str | Path) -> bool:
    """A .json file that opens with DiscordChatExporter's `guild` and `channel` objects."""
    path = Path(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    head = read_prefix(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"guild"' in head and b'"channel"' in head


def read(
    path: str | Path, options: ChatLogOptions | None = None
) -> Iterator[Conversation | Rejected | Skipped]:
    """Yield the channel as one conversation, the skipped messages by reason, and a `Rejected`
    per malformed message.

    The messages array is streamed: memory holds the turns, not the exporter's full objects
    (author, roles, avatars, embeds per message), which are most of a large export.
    """
    path = Path(path)
    where = str(path)
    try:
        raw = path.open("rb")
    except OSError as error:
        raise FtprepError(f"{path}: cannot read ({error.strerror or error})") from None
    header: dict[str, dict[str, Any]] = {"guild": {}, "channel": {}}
    turns: list[Turn] = []
    problems: list[Rejected] = []
    skipped: Counter[str] = Counter()
    seen: set[str] = set()
    index = 0
    has_messages = False
    with open_text(raw) as text:
        for key, value, element in iter_json_members(text, where, "messages"):
            if not element:
                if key in header:
                    header[key] = as_object(value)
                has_messages = has_messages or (key == "messages" and isinstance(value, list))
                continue
            has_messages = True
            index += 1
            if not isinstance(value, dict):
                problems.append(Rejected(_at(where, index, header), f"message is "
                                         f"{kind_of(value)}, not an object", value))
                continue
            kind = value.get("type")
            if kind not in MESSAGE_TYPES:
                skipped[f"{kind} event" if isinstance(kind, str) and kind else "event"] += 1
                continue
            message_id = value.get("id")
            if isinstance(message_id, str):
                if message_id in seen:
                    skipped[DUPLICATE] += 1  # the same message twice: overlapping exports joined
                    continue
                seen.add(message_id)
            turn = _turn(value)
            if isinstance(turn, Turn):
                turns.append(turn)
            elif isinstance(turn, SkipReason):
                skipped[turn] += 1
            else:
                problems.append(Rejected(_at(where, index, header), turn, value))
    if not has_messages:
        raise FtprepError(f"{where}: not a DiscordChatExporter JSON export (no messages list)")
    origin = Origin(where, None, _channel_id(header), "message")
    if turns:
        yield Conversation(origin, in_time_order(turns), _title(header["guild"], header["channel"]))
    yield from skips(origin, skipped)
    yield from problems


def _channel_id(header: dict[str, dict[str, Any]]) -> str | None:
    channel_id = header["channel"].get("id")
    return str(channel_id) if isinstance(channel_id, (str, int)) else None


def _at(where: str, index: int, header: dict[str, dict[str, Any]]) -> Origin:
    return Origin(where, index, _channel_id(header), "message")


def _turn(raw: dict[str, Any]) -> Turn | SkipReason | str:
    """The message as a turn, or why not: a `SkipReason`, or a string naming a defect."""
    author = raw.get("author")
    if not isinstance(author, dict):
        return "message has no author"
    names = [n.strip() for n in (author.get("nickname"), author.get("name"))
             if isinstance(n, str) and n.strip()]
    if not names:
        return "message author has no name or nickname"
    content = raw.get("content", "")
    if not isinstance(content, str):
        return f"message content is {kind_of(content)}, not a string"
    if not content.strip():
        carried = [noun for key, noun in (("stickers", "sticker"), ("attachments", "attachment"),
                                          ("embeds", "embed")) if raw.get(key)]
        return SkipReason(f"{NO_TEXT} ({' and '.join(carried)} only)" if carried else NO_TEXT)
    # The channel showed the nickname; the account name is the same person, for --assistant.
    return Turn(names[0], content, from_iso(raw.get("timestamp")),
                tuple(n for n in names[1:] if n != names[0]))


def _title(guild: dict[str, Any], channel: dict[str, Any]) -> str | None:
    name = channel.get("name")
    if not isinstance(name, str):
        return None
    category = guild.get("name")
    return f"{category} #{name}" if isinstance(category, str) and category else f"#{name}"
