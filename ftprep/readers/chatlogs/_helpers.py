"""What the chat-log readers share: options, safe file/zip access, a streaming JSON array, times.

Readers raise `FtprepError` (file and reason) when a whole file is unusable and yield `Rejected`
for a single bad conversation or message, so nothing disappears without a trace.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal, TextIO

import orjson
from pydantic import BaseModel, Field

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Origin, Skipped, Turn

SNIFF_BYTES = 8192
# What a damaged archive or stream can raise while we read it; each is named, none is broad.
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, UnicodeDecodeError)


class ChatLogOptions(BaseModel, frozen=True, extra="forbid"):
    """Reader choices a user may need to override; every reader accepts the same model."""

    date_order: Literal["auto", "day-first", "month-first"] = Field(
        default="auto",
        description="WhatsApp: how to read `01/02/21`; `auto` decides once per file from the "
        "dates in it (a day above 12, else the order that keeps the chat chronological)",
    )
    media: Literal["drop", "keep"] = Field(
        default="drop",
        description="messages that are only a media placeholder (`<Media omitted>`, a photo "
        "without caption): `drop` them, or `keep` the placeholder text as the turn",
    )


DEFAULT_OPTIONS = ChatLogOptions()


def reason_text(error: BaseException | str) -> str:
    """An exception as a lower-case reason without a final period, for `path: reason` errors."""
    text = str(error).strip().rstrip(".") or type(error).__name__
    return text[:1].lower() + text[1:]


def read_prefix(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first `size` bytes of a file, or b"" if it cannot be read (sniffing never raises)."""
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError:
        return b""


def is_zip(path: Path) -> bool:
    """True for a readable file that starts like a zip archive."""
    return path.is_file() and read_prefix(path, 4) == b"PK\x03\x04"


def zip_names(path: Path) -> list[str]:
    """Member names of a zip archive, or [] if it cannot be opened (for sniffing)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (*READ_ERRORS, ValueError):
        return []


@contextmanager
def open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """Open a zip archive, turning a corrupt or unreadable one into an `FtprepError`."""
    try:
        archive = zipfile.ZipFile(path)
    except (*READ_ERRORS, ValueError) as error:
        raise FtprepError(f"{path}: not a readable zip archive ({reason_text(error)})") from None
    with archive:
        yield archive


def read_member(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    """One archive member's bytes; a damaged member is an `FtprepError` naming it."""
    try:
        return archive.read(name)
    except READ_ERRORS as error:
        raise FtprepError(f"{where}: cannot read ({reason_text(error)})") from None


def read_bytes(path: Path) -> bytes:
    """A whole file's bytes, with an `FtprepError` naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise FtprepError(f"{path}: cannot read ({error.strerror or error})") from None


def load_json(data: bytes, where: str) -> Any:
    """Parse a whole JSON document (exports are one document, not JSONL)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise FtprepError(f"{where}: file is empty")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise FtprepError(f"{where}: invalid JSON ({reason_text(error)})") from None


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 text (a BOM is dropped); invalid bytes are an `FtprepError` with their offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FtprepError(
            f"{where}: not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def iter_json_array(stream: TextIO, where: str) -> Iterator[Any]:
    """Yield the elements of a top-level JSON array one at a time.

    ChatGPT's conversations.json is one array that can reach hundreds of MB; parsing it whole
    holds every conversation's objects at once. This reads chunks and decodes one element at a
    time with the stdlib scanner, so memory is one element plus the read buffer.
    """
    reader = _StreamReader(stream, where)
    reader.start("[", "array")
    yield from reader.items()
    reader.finish()


def iter_json_members(stream: TextIO, where: str, streamed: str) -> Iterator[tuple[str, Any, bool]]:
    """Yield `(key, value, False)` for a top-level object's members, except that the array under
    `streamed` comes out one element at a time as `(streamed, element, True)`.

    A DiscordChatExporter file is `{guild, channel, ..., messages: [...]}` with the header first,
    so a channel of a million messages never has to be parsed whole.
    """
    reader = _StreamReader(stream, where)
    reader.start("{", "object")
    if reader.peek() == "}":
        reader.pos += 1
    else:
        while True:
            if reader.peek() != '"':
                raise reader.fail("expected a member name")
            key = reader.value()
            if reader.peek() != ":":
                raise reader.fail("expected ':' after a member name")
            reader.pos += 1
            if key == streamed and reader.peek() == "[":
                reader.pos += 1
                yield from ((key, element, True) for element in reader.items())
            else:
                if reader.peek() == "":
                    raise reader.fail("the object is not closed")
                yield key, reader.value(), False
            if reader.separator("}", "object"):
                break
    reader.finish()


class _StreamReader:
    """Incremental JSON reader: a text buffer, a position, and geometric refills."""

    CHUNK = 1 << 16

    def __init__(self, stream: TextIO, where: str) -> None:
        self.stream = stream
        self.where = where
        self.buf = ""
        self.pos = 0
        self.consumed = 0  # characters dropped from the front of `buf`
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self, at_least: int) -> None:
        if self.pos > (1 << 20) and self.pos * 2 > len(self.buf):
            self.consumed += self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0
        try:
            data = self.stream.read(max(at_least, self.CHUNK))
        except READ_ERRORS as error:
            raise FtprepError(f"{self.where}: cannot read ({reason_text(error)})") from None
        if data:
            self.buf += data
        else:
            self.eof = True

    def peek(self) -> str:
        """The next non-whitespace character ("" at end of input), without consuming it."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos : self.pos + 1]
            self._fill(self.CHUNK)

    def fail(self, what: str) -> FtprepError:
        return FtprepError(f"{self.where}: invalid JSON at character {self.consumed + self.pos + 1} "
                           f"({what})")

    def _number_may_go_on(self, end: int) -> bool:
        rest = self.buf[end:]
        return rest.lstrip("0123456789.eE+-") == ""

    def value(self) -> Any:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as error:
                if self.eof:
                    self.pos = error.pos
                    raise self.fail(reason_text(error.msg)) from None
                self._fill(len(self.buf) - self.pos)  # double what is pending: linear overall
                continue
            if not self.eof and isinstance(value, (int, float)) and self._number_may_go_on(end):
                self._fill(self.CHUNK)  # `-1.` or `12` at the end of a chunk: read on
                continue
            self.pos = end
            return value

    def start(self, opener: str, kind: str) -> None:
        first = self.peek()
        if first == "":
            raise FtprepError(f"{self.where}: file is empty")
        if first != opener:
            raise self.fail(f"expected a JSON {kind}, found {first!r}")
        self.pos += 1

    def separator(self, closer: str, kind: str) -> bool:
        """Consume `,` (False: more follows) or `closer` (True: done)."""
        following = self.peek()
        if following == "":
            raise self.fail(f"the {kind} is not closed")
        if following not in "," + closer:
            after = "a member" if kind == "object" else "an element"
            raise self.fail(f"expected ',' or '{closer}' after {after}")
        self.pos += 1
        return following == closer

    def items(self) -> Iterator[Any]:
        """Elements of an array whose `[` was just consumed, through its `]`."""
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            if self.peek() == "":
                raise self.fail("the array is not closed")
            yield self.value()
            if self.separator("]", "array"):
                return

    def finish(self) -> None:
        if self.peek() != "":
            raise self.fail("extra data after the JSON value")


def open_text(data: IO[bytes]) -> TextIO:
    """Wrap a binary stream as UTF-8 text (BOM dropped); decoding errors surface on read."""
    return io.TextIOWrapper(data, encoding="utf-8-sig", newline="")


def from_epoch(value: Any) -> datetime | None:
    """A Unix timestamp (number or numeric string) as an aware UTC datetime, else None."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
        return datetime.fromtimestamp(seconds, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def from_iso(value: Any) -> datetime | None:
    """An ISO 8601 string as a datetime (aware when it carries an offset), else None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def in_time_order(turns: list[Turn]) -> list[Turn]:
    """Turns sorted by time (stable), with one kind of datetime across the conversation.

    For exporters whose times come from a server clock (Discord, Telegram): they write messages
    in time order almost always, and sorting fixes the rare out-of-order one. WhatsApp times come
    from the phone's clock, which moves back, so its reader keeps file order instead. Mixed aware/naive times (a Telegram chat with and without `date_unixtime`) cannot be
    compared, so aware ones become naive UTC. Turns without a time keep file order.
    """
    kinds = {t.time.tzinfo is not None for t in turns if t.time is not None}
    if len(kinds) == 2:
        turns = [
            replace(t, time=t.time.astimezone(UTC).replace(tzinfo=None))
            if t.time is not None and t.time.tzinfo is not None
            else t
            for t in turns
        ]
    if all(t.time is not None for t in turns):
        turns = sorted(turns, key=lambda t: t.time)  # type: ignore[arg-type, return-value]
    return turns


class SkipReason(str):
    """Why a message is not training text (an event, a sticker alone): skipped, not rejected.

    A `str`, so a reader's per-message helper can return a turn, a skip reason, or a plain
    string naming a defect, and the caller tells the last two apart with `isinstance`.
    """

    __slots__ = ()


def skips(origin: Origin, reasons: Counter[str]) -> Iterator[Skipped]:
    """What a reader skipped in the conversation at `origin`: one `Skipped` per reason, in the
    order first seen, counted in messages (so read = written + rejected + skipped)."""
    at = Origin(origin.path, None, origin.conversation, "message")
    for reason, units in reasons.items():
        yield Skipped(at, reason, units)


def as_object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (for optional nested objects)."""
    return value if isinstance(value, dict) else {}


