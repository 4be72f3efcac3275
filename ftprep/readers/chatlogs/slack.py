"""Slack workspace export (the zip Slack sends, or the folder it unpacks to).

Layout (FORMATS.md §8.2): `users.json`, `channels.json` (and `groups.json`, `mpims.json`,
`dms.json` for private conversations), and one folder per conversation holding `YYYY-MM-DD.json`
arrays of messages. Each channel becomes one conversation of its top-level messages; each thread
(replies carrying `thread_ts`) becomes its own conversation that starts with the parent message.

Join/leave/topic/pin/bot-install and other event subtypes are skipped (their subtype is the
reason), as are messages with no text (a file alone). A message whose `text` is empty but whose
attachments carry text (integrations such as GitHub post that way) speaks that text. `<@U123>`
mentions become `@name` from users.json; a user id missing from users.json stays as the raw id,
as speaker and in mentions, rather than losing the message. A bot known only by its id is named
as the channel's `bot_add` event named it (`github`), its id kept as an alias.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Conversation, Origin, Rejected, Skipped, Turn
from ftprep.parsing import kind_of
from ftprep.readers.chatlogs._helpers import (
    ChatLogOptions,
    as_object,
    is_zip,
    load_json,
    open_zip,
    read_bytes,
    read_member,
    skips,
    zip_names,
)

NAME = "slack-export"
DAY_FILE = re.compile(r"^(?P<folder>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
METADATA = ("channels.json", "groups.json", "mpims.json", "dms.json")
# Subtypes whose text a person wrote; every other subtype is an event (channel_join,
# channel_leave, channel_topic, bot_add, pinned_item, tombstone, ...). A subtype not listed is
# dropped rather than guessed at.
MESSAGE_SUBTYPES = frozenset({"bot_message", "me_message", "file_share", "thread_broadcast"})
_ANGLE = re.compile(r"<([^<>\n]*)>")
_BOT_LINK = re.compile(r"<https?://[^|>]*/services/(B\w+)\|([^>]+)>")  # in a bot_add's text
NO_TEXT = "message without text (a file or attachment alone)"


def sniff(path: str | Path) -> bool:
    """A folder or zip with Slack's users.json/channels.json next to per-day message files."""
    path = Path(path)
    if path.is_dir():
        return _layout(_folder_names(path)) is not None
    return is_zip(path) and _layout(zip_names(path)) is not None


def read(
    path: str | Path, options: ChatLogOptions | None = None
) -> Iterator[Conversation | Rejected | Skipped]:
    """Yield each channel's conversation, then one per thread in it (by thread start)."""
    path = Path(path)
    if path.is_dir():
        yield from _read(path, _folder_names(path), None)
        return
    if not is_zip(path):
        raise FtprepError(f"{path}: not a Slack export (expected a zip archive or a folder)")
    with open_zip(path) as archive:
        yield from _read(path, archive.namelist(), archive)


def _read(
    path: Path, every: list[str], archive: zipfile.ZipFile | None
) -> Iterator[Conversation | Rejected | Skipped]:
    layout = _layout(every)
    if layout is None:
        raise FtprepError(f"{path}: not a Slack export (no users.json or channels.json next to "
                          "folders of YYYY-MM-DD.json files)")
    export = _Export(path, *layout, archive)
    users = _users(export)
    titles = _titles(export)
    days: dict[str, list[str]] = defaultdict(list)
    for name in export.names:
        match = DAY_FILE.match(name)
        if match:
            days[match["folder"]].append(name)
    for folder in sorted(days):
        yield from _channel(export, folder, sorted(days[folder]), users, titles.get(folder))


def _folder_names(path: Path) -> list[str]:
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*.json") if p.is_file())


def _layout(every: list[str]) -> tuple[str, list[str]] | None:
    """The metadata prefix and member names below it, if these files are a Slack export."""
    prefix = _prefix(every)
    if prefix is None:
        return None
    names = [n[len(prefix) :] for n in every if n.startswith(prefix)]
    if not any(DAY_FILE.match(n) for n in names):
        return None
    return prefix, names


@dataclass
class _Export:
    """A Slack export as member names relative to its metadata (after an optional top folder)."""

    root: Path
    prefix: str
    names: list[str]
    archive: zipfile.ZipFile | None = None

    def where(self, name: str) -> str:
        return f"{self.root}/{self.prefix}{name}"

    def has(self, name: str) -> bool:
        return name in self.names

    def json(self, name: str) -> Any:
        where = self.where(name)
        if self.archive is not None:
            data = read_member(self.archive, self.prefix + name, where)
        else:
            data = read_bytes(self.root / (self.prefix + name))
        return load_json(data, where)


def _prefix(names: list[str]) -> str | None:
    """"" when the metadata files sit at the top, "dir/" when a single folder wraps them."""
    metadata = ("users.json", "channels.json")
    if any(meta in names for meta in metadata):
        return ""
    tops = {n.split("/", 1)[0] for n in names if not n.startswith("__MACOSX")}
    if len(tops) == 1:
        top = tops.pop() + "/"
        if any(top + meta in names for meta in metadata):
            return top
    return None


def _users(export: _Export) -> dict[str, str]:
    """User id -> the name Slack shows: display name, else real name, else handle."""
    if not export.has("users.json"):
        return {}
    users = export.json("users.json")
    if not isinstance(users, list):
        raise FtprepError(f"{export.where('users.json')}: expected a list of users, "
                          f"found {kind_of(users)}")
    names: dict[str, str] = {}
    for user in users:
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            continue
        profile = as_object(user.get("profile"))
        for candidate in (profile.get("display_name"), profile.get("real_name"),
                          user.get("real_name"), user.get("name")):
            if isinstance(candidate, str) and candidate.strip():
                names[user["id"]] = candidate.strip()
                break
    return names


def _titles(export: _Export) -> dict[str, str]:
    """Folder name -> a title: `#channel` for channels, the DM id for direct messages."""
    titles: dict[str, str] = {}
    for meta in METADATA:
        if not export.has(meta):
            continue
        entries = export.json(meta)
        if not isinstance(entries, list):
            raise FtprepError(f"{export.where(meta)}: expected a list, found {kind_of(entries)}")
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            folder = entry.get("name") if meta != "dms.json" else entry.get("id")
            if isinstance(folder, str):
                titles[folder] = f"#{folder}" if meta in ("channels.json", "groups.json") else folder
    return titles


@dataclass
class _Message:
    ts: float
    ts_text: str
    turn: Turn
    thread: str | None  # thread_ts of the thread this message starts or belongs to
    is_reply: bool


@dataclass
class _Channel:
    messages: list[_Message] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    bots: dict[str, str] = field(default_factory=dict)  # bot id -> the name its bot_add gave


def _channel(
    export: _Export, folder: str, day_files: list[str], users: dict[str, str], title: str | None
) -> Iterator[Conversation | Rejected | Skipped]:
    channel = _Channel()
    for name in day_files:
        where = export.where(name)
        try:
            day = export.json(name)
        except FtprepError as error:
            yield Rejected(Origin(where, None, folder, "file"), error.message)
            continue
        if not isinstance(day, list):
            yield Rejected(Origin(where, None, folder, "file"),
                           f"day file is {kind_of(day)}, not a list of messages")
            continue
        for index, raw in enumerate(day, 1):
            problem = _collect(raw, users, channel)
            if problem is not None:
                yield Rejected(Origin(where, index, folder, "message"), problem, raw)
    base = Origin(str(export.root), None, folder, "message")
    if channel.messages:
        yield from _conversations(channel.messages, base, title or folder, channel.bots)
    yield from skips(base, channel.skipped)


def _collect(raw: Any, users: dict[str, str], channel: _Channel) -> str | None:
    """Add one exported message to `channel`; return why it is unusable, if it is."""
    if not isinstance(raw, dict):
        return f"message is {kind_of(raw)}, not an object"
    subtype = raw.get("subtype")
    if subtype is not None and subtype not in MESSAGE_SUBTYPES:
        if subtype == "bot_add" and isinstance(raw.get("text"), str):
            channel.bots.update(_BOT_LINK.findall(raw["text"]))
        channel.skipped[f"{subtype} event" if isinstance(subtype, str) else "event"] += 1
        return None
    ts_text = raw.get("ts")
    try:
        ts = float(ts_text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return f"message has no usable ts ({ts_text!r})"
    speaker = _speaker(raw, users)
    if speaker is None:
        return "message has no user, bot or username"
    text = raw.get("text", "")
    if not isinstance(text, str):
        return f"message text is {kind_of(text)}, not a string"
    if not text.strip():
        text = attachment_text(raw.get("attachments"))  # bots post their text there
    text = render(text, users)
    if not text.strip():
        channel.skipped[NO_TEXT] += 1  # a file, image or unfurl alone: nothing to learn from
        return None
    thread = raw.get("thread_ts")
    thread = thread if isinstance(thread, str) and thread else None
    turn = Turn(speaker, text, datetime.fromtimestamp(ts, UTC))
    channel.messages.append(_Message(ts, str(ts_text), turn, thread, thread not in (None, ts_text)))
    return None


def attachment_text(attachments: Any) -> str:
    """The text of a message's attachments as Slack shows it: pretext, title, text and fields of
    each, or its `fallback` when it has none of those (integrations such as GitHub post so)."""
    if not isinstance(attachments, list):
        return ""
    blocks: list[str] = []
    for attachment in attachments:
        if not isinstance(attachment, dict):
            continue
        parts = [attachment.get(key) for key in ("pretext", "title", "text")]
        for item in attachment.get("fields") or []:
            if isinstance(item, dict) and isinstance(item.get("value"), str):
                title = item.get("title")
                parts.append(f"{title}: {item['value']}" if isinstance(title, str) and title else item["value"])
        lines = [part.strip() for part in parts if isinstance(part, str) and part.strip()]
        fallback = attachment.get("fallback")
        if not lines and isinstance(fallback, str) and fallback.strip():
            lines = [fallback.strip()]
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _speaker(raw: dict[str, Any], users: dict[str, str]) -> str | None:
    user = raw.get("user")
    if raw.get("subtype") == "bot_message" or (user is None and "bot_id" in raw):
        profile = as_object(raw.get("bot_profile"))
        for candidate in (raw.get("username"), profile.get("name")):
            if isinstance(candidate, str) and candidate.strip():
                return candidate.strip()
    if isinstance(user, str) and user:
        return users.get(user, user)
    bot = raw.get("bot_id")
    return bot if isinstance(bot, str) and bot else None


def render(text: str, users: dict[str, str]) -> str:
    """Slack mrkdwn as a reader sees it: `<@U1>` -> `@name`, `<url|label>` -> label, entities."""

    def token(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return "@" + (users.get(target[1:]) or label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            command = target[1:]
            if label:
                return label
            return "@" + command if command in ("here", "channel", "everyone") else match.group(0)
        return label or target

    # Slack escapes only &, < and > in message text; html.unescape would also turn a literal
    # "&copy" someone typed into a symbol.
    rendered = _ANGLE.sub(token, text)
    if "&" in rendered:
        rendered = rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return rendered


def _conversations(
    messages: list[_Message], base: Origin, title: str, bots: dict[str, str]
) -> Iterator[Conversation]:
    messages.sort(key=lambda m: (m.ts, m.ts_text))
    for message in messages:  # a bot known only by its id: name it as its bot_add did
        name = bots.get(message.turn.speaker)
        if name:
            message.turn = replace(message.turn, speaker=name, aliases=(message.turn.speaker,))
    replies: dict[str, list[_Message]] = defaultdict(list)
    for message in messages:
        if message.is_reply:
            replies[message.thread].append(message)  # type: ignore[index]
    starters = {m.ts_text: m for m in messages if not m.is_reply and m.thread in replies}
    top = [m.turn for m in messages if not m.is_reply and m.ts_text not in starters]
    if top:
        yield Conversation(base, top, title)
    for thread in sorted(replies, key=lambda t: (_float(t), t)):
        turns = [r.turn for r in replies[thread]]
        if thread in starters:
            turns.insert(0, starters[thread].turn)
        origin = Origin(base.path, None, f"{base.conversation}/{thread}", "message")
        yield Conversation(origin, turns, f"{title} thread {thread}")


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("inf")

