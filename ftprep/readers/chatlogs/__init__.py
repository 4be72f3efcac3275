"""Chat-log export readers: each turns one exporter's files into `Conversation`s of `Turn`s.

A reader module exposes `NAME` (the `--from` value), `sniff(path) -> bool` (cheap detection
from a path and at most a small prefix of its content), and
`read(path, options) -> Iterator[Conversation | Rejected]`. `READERS` lists them in the order
detection tries them (the most specific first).
"""

from __future__ import annotations

from types import ModuleType

from ftprep.readers.chatlogs import chatgpt, discord, slack, telegram, whatsapp
from ftprep.readers.chatlogs._helpers import ChatLogOptions

READERS: tuple[ModuleType, ...] = (slack, chatgpt, discord, telegram, whatsapp)
NAMES: tuple[str, ...] = tuple(reader.NAME for reader in READERS)


def reader_named(name: str) -> ModuleType | None:
    return next((reader for reader in READERS if reader.NAME == name), None)


def sniff_reader(path: str) -> ModuleType | None:
    """The chat-log reader that recognises `path`, if any."""
    return next((reader for reader in READERS if reader.sniff(path)), None)


__all__ = ["NAMES", "READERS", "ChatLogOptions", "reader_named", "sniff_reader"]
