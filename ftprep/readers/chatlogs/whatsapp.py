"""WhatsApp "Export chat" text files (`.txt`, or the `.zip` the phone shares), one chat per file.

Layouts (FORMATS.md §8.5): `01/01/19, 11:25 - Name: text` (Android; day/month order depends on
the phone's locale), `[01/01/19 11:25] Name: text` and `[01/01/19, 11:25:03] Name: text` (iOS),
12-hour times with `AM`/`a. m.`/`p.m.`, year-first `2019/01/01`, any of `/ . -` between date
parts, with or without zero padding. The day/month order is decided once per file: a first
number above 12 means day-first, a second above 12 month-first; when no date settles it, the
order that keeps the chat chronological wins (day-first on a tie).

Messages keep file order, never re-sorted by time: the timestamps come from the phone's clock,
which moves back (daylight saving time, travel, a wrong device clock), while the file holds the
order the chat showed, so it says who answered whom.

A line that does not start with a timestamp continues the message above it. A timestamped line
without `Name: ` (Android), or whose text starts with U+200E (iOS writes events under the group
name that way), is a system event: group created, member added, calls, the encryption notice.
Events, the encryption notice and deleted-message notices are skipped (counted with their
reason); media placeholders too unless `media = "keep"` (a caption under a placeholder is kept
either way). The placeholder strings known here are the English and German ones seen in
real exports; other locales' placeholders stay in as text.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Conversation, Origin, Rejected, Skipped, Turn
from ftprep.readers.chatlogs._helpers import (
    DEFAULT_OPTIONS,
    READ_ERRORS,
    ChatLogOptions,
    decode_text,
    is_zip,
    open_zip,
    read_bytes,
    read_member,
    read_prefix,
    skips,
)

NAME = "whatsapp"
_MARKS = "\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_LINE = re.compile(
    r"(?P<open>\[)?(?P<date>\d{1,4}[./-]\d{1,2}[./-]\d{1,4}),?\s+"
    r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"(?:\s*(?P<meridiem>[aApP])\.?\s?[mM]\.?)?"
    r"(?:\](?P<close>\s)|\s[-\u2013]\s)(?P<rest>.*)"
)
_DATE_SPLIT = re.compile(r"[./-]")
_MEDIA = frozenset({
    "<media omitted>",  # Android, English
    "<medien ausgeschlossen>",  # Android, German
    "image omitted", "video omitted", "audio omitted", "sticker omitted", "gif omitted",
    "document omitted", "contact card omitted",  # iOS, English
    "bild weggelassen", "video weggelassen", "audio weggelassen", "sticker weggelassen",
    "gif weggelassen",  # iOS, German
})
# Exports made "with media" name the file instead: `<attached: 00000012-PHOTO-....jpg>` (iOS),
# `IMG-20250330-WA0001.jpg (file attached)` (Android; German: `(Datei angehängt)`).
_ATTACHED = re.compile(r"^(<attached: [^>]*>|\S.*\((file attached|datei angehängt)\)"
                       r"|.* document omitted)$", re.IGNORECASE)
_DELETED = frozenset({
    "this message was deleted", "you deleted this message",
    "diese nachricht wurde gelöscht", "du hast diese nachricht gelöscht",
})
# The end-to-end encryption notice WhatsApp puts at the top of a chat, in the wordings seen in
# exports (English, German, Spanish, French, Portuguese): its opening, then its key phrase ending
# a sentence (someone typing "messages and calls are end-to-end encrypted, right?" is kept).
_NOTICE = re.compile(
    r"(messages (and calls|to this|you send)|nachrichten und anrufe|los mensajes y las llamadas"
    r"|les messages et les appels|as mensagens e as chamadas)[^\n]{0,80}?"
    r"(end-to-end encrypted|end-to-end encryption|ende-zu-ende-verschlüsselt"
    r"|de extremo a extremo|de bout en bout|de ponta a ponta)\.",
    re.IGNORECASE,
)
SYSTEM_EVENT = "system event (group created, member added or left, call, ...)"
ENCRYPTION_NOTICE = "end-to-end encryption notice"
MEDIA = "media without text (--media drop)"
DELETED = "deleted message"
NO_TEXT = "message without text"
_EDITED = re.compile(r"\s*<(this message was edited|diese nachricht wurde bearbeitet)\.?>\s*$",
                     re.IGNORECASE)


def sniff(path: str | Path) -> bool:
    """A .txt whose first line is a WhatsApp timestamped line, or a .zip holding one."""
    path = Path(path)
    if not path.is_file():
        return False
    if is_zip(path):
        return _chat_member(path) is not None
    if path.suffix.lower() != ".txt":
        return False
    return starts_like_a_chat(read_prefix(path, 4096))


def starts_like_a_chat(head: bytes) -> bool:
    """Whether the first non-blank line of `head` is a WhatsApp timestamped message line."""
    text = head.decode("utf-8", "ignore")
    first = next((line for line in text.splitlines() if line.strip()), "")
    return _LINE.match(first.lstrip(_MARKS)) is not None


def read(
    path: str | Path, options: ChatLogOptions | None = None
) -> Iterator[Conversation | Rejected | Skipped]:
    """Yield the chat as one conversation, what was skipped and why, and each unreadable line."""
    options = options or DEFAULT_OPTIONS
    path = Path(path)
    if not is_zip(path):
        text = decode_text(read_bytes(path), str(path))
        if not text.strip():
            raise FtprepError(f"{path}: file is empty")
        if _first_match(text) is None:
            raise FtprepError(f"{path}: no line starts with a WhatsApp timestamp "
                              "(like `01/01/19, 11:25 - Name: text`)")
        yield from parse(text, str(path), path.stem, options)
        return
    with open_zip(path) as archive:
        found = False
        for name in sorted(archive.namelist()):
            if not name.lower().endswith(".txt") or name.startswith("__MACOSX"):
                continue
            where = f"{path}/{name}"
            text = decode_text(read_member(archive, name, where), where)
            if _first_match(text) is None:
                continue  # a document shared in the chat, not the chat itself
            found = True
            title = path.stem if PurePosixPath(name).stem == "_chat" else PurePosixPath(name).stem
            yield from parse(text, where, title, options)
        if not found:
            raise FtprepError(f"{path}: no WhatsApp chat .txt in this zip archive")


def _chat_member(path: Path) -> str | None:
    """The first .txt member of a zip that opens like a WhatsApp chat (sniffing never raises)."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.lower().endswith(".txt") and not name.startswith("__MACOSX"):
                    with archive.open(name) as member:
                        head = member.read(4096).decode("utf-8-sig", "ignore")
                    if _first_match(head) is not None:
                        return name
    except (*READ_ERRORS, RuntimeError, NotImplementedError, ValueError):
        return None
    return None


def _first_match(text: str) -> re.Match[str] | None:
    for line in text[:4096].splitlines():
        if line.strip():
            return _LINE.match(line.lstrip(_MARKS))
    return None


@dataclass
class _Raw:
    """A timestamped line and its continuation lines, before the date order is known."""

    line: int
    numbers: tuple[int, int, int]
    year_first: bool
    clock: tuple[int, int, int]
    rest: list[str] = field(default_factory=list)


def parse(text: str, where: str, title: str, options: ChatLogOptions = DEFAULT_OPTIONS
          ) -> Iterator[Conversation | Rejected | Skipped]:
    """Parse a whole export's text: the conversation, the skipped messages by reason, then any
    `Rejected` lines."""
    raws: list[_Raw] = []
    problems: list[Rejected] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.fullmatch(line.lstrip(_MARKS))
        if match is None or bool(match["open"]) != bool(match["close"]):
            if raws:
                raws[-1].rest.append(line)
            elif line.strip():
                problems.append(Rejected(Origin(where, number, title, "line"),
                                         "text before the first timestamped line", line))
            continue
        parts = _DATE_SPLIT.split(match["date"])
        year_first = len(parts[0]) == 4
        hour = int(match["h"])
        if match["meridiem"]:
            hour = hour % 12 + (12 if match["meridiem"] in "pP" else 0)
        clock = (hour, int(match["m"]), int(match["s"] or 0))
        raws.append(_Raw(number, (int(parts[0]), int(parts[1]), int(parts[2])), year_first, clock,
                         [match["rest"]]))
    origin = Origin(where, None, title, "message")
    order = _date_order(raws, options)
    if isinstance(order, str):
        yield Rejected(origin, order, None, len(raws))  # every message: none has a date
        yield from problems
        return
    turns: list[Turn] = []
    skipped: Counter[str] = Counter()
    for raw in raws:
        when = _datetime(raw, order)
        if when is None:
            problems.append(Rejected(origin, "timestamp is not a valid date",
                                     {"line": raw.line, "text": "\n".join(raw.rest)}))
            continue
        speaker, body = _split(raw.rest)
        kind, text = _classify(speaker, body, raw.rest[0], options)
        if kind == "skip":
            skipped[text] += 1
        else:
            turns.append(Turn(speaker, text, when))  # type: ignore[arg-type]
    if turns:
        yield Conversation(origin, turns, title)
    yield from skips(origin, skipped)
    yield from problems


def _date_order(raws: list[_Raw], options: ChatLogOptions) -> bool | str:
    """True for day-first, False for month-first, or why the file's dates cannot be read."""
    if options.date_order != "auto":
        return options.date_order == "day-first"
    undecided = [r for r in raws if not r.year_first]
    first_big = next((r for r in undecided if r.numbers[0] > 12), None)
    second_big = next((r for r in undecided if r.numbers[1] > 12), None)
    if first_big and second_big:
        return (f"dates are neither all day-first nor all month-first (line {first_big.line} "
                f"starts with {first_big.numbers[0]}, line {second_big.line} has "
                f"{second_big.numbers[1]} second)")
    if first_big or second_big:
        return first_big is not None
    # Nothing above 12: choose the reading under which the chat runs forwards in time.
    return _backsteps(undecided, day_first=True) <= _backsteps(undecided, day_first=False)


def _backsteps(raws: list[_Raw], day_first: bool) -> int:
    steps = 0
    previous: datetime | None = None
    for raw in raws:
        when = _datetime(raw, day_first)
        if when is None:
            steps += 1
            continue
        if previous is not None and when < previous:
            steps += 1
        previous = when
    return steps


def _datetime(raw: _Raw, day_first: bool) -> datetime | None:
    a, b, c = raw.numbers
    if raw.year_first:
        year, month, day = a, b, c
    else:
        day, month = (a, b) if day_first else (b, a)
        year = c + 2000 if c < 100 else c
    try:
        return datetime(year, month, day, *raw.clock)
    except ValueError:
        return None


def _split(lines: list[str]) -> tuple[str | None, str]:
    """Speaker and body of a message; no speaker for a system event."""
    first = lines[0]
    name, separator, body = first.partition(": ")
    if not separator:
        if not first.endswith(":") or len(lines) == 1:
            return None, ""
        name, body = first[:-1], ""  # `Name:` alone: the text starts on the next line
    speaker = name.strip(_MARKS + " \t")
    if not speaker:
        return None, ""
    return speaker, "\n".join([body, *lines[1:]]) if len(lines) > 1 else body


def _classify(speaker: str | None, body: str, first: str, options: ChatLogOptions) -> tuple[str, str]:
    """("text", the message text) or ("skip", why it is not training text).

    iOS writes system events under the group's or sender's name with the body starting with
    U+200E (`Group: \u200eAlice added Bob`, `Rex: \u200eMissed voice call`); typed text never
    starts with that mark, media placeholders do (`\u200eimage omitted`). The encryption notice
    comes with no name (Android), under the group's name (`Pokemon Chat: Messages and calls
    are end-to-end encrypted...`) or marked (iOS).
    """
    if _NOTICE.match((body if speaker is not None else first).lstrip(_MARKS)):
        return "skip", ENCRYPTION_NOTICE
    if speaker is None:
        return "skip", SYSTEM_EVENT
    marked = body.startswith("\u200e")
    body = _EDITED.sub("", body.lstrip(_MARKS))
    head, _, tail = body.partition("\n")
    marker = head.strip(_MARKS + " \t").lower()
    if marker in _DELETED:
        return "skip", DELETED
    if marker in _MEDIA or _ATTACHED.match(marker):
        if options.media == "drop":
            body = tail  # a caption under the placeholder is the sender's own text: keep it
            if not body.strip():
                return "skip", MEDIA
    elif marked:
        return "skip", SYSTEM_EVENT
    return ("text", body) if body.strip() else ("skip", NO_TEXT)
