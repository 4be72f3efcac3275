"""Small helpers shared by the chat-log reader tests."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from ftprep.model.sources import Conversation, Rejected, Skipped

DATA = Path(__file__).resolve().parents[1] / "data" / "chatlogs"


def split(
    items: Iterable[Conversation | Rejected | Skipped],
) -> tuple[list[Conversation], list[Rejected]]:
    """Conversations and rejections, each in the order the reader yielded them (skips left out)."""
    conversations: list[Conversation] = []
    rejected: list[Rejected] = []
    for item in items:
        if isinstance(item, Conversation):
            conversations.append(item)
        elif isinstance(item, Rejected):
            rejected.append(item)
    return conversations, rejected


def skips(items: Iterable[Conversation | Rejected | Skipped]) -> dict[str, int]:
    """Skipped units per reason."""
    found: dict[str, int] = {}
    for item in items:
        if isinstance(item, Skipped):
            found[item.reason] = found.get(item.reason, 0) + item.units
    return found


def units(items: Iterable[Conversation | Rejected | Skipped]) -> int:
    """Every source unit a reader accounted for: turns, rejected and skipped units."""
    return sum(len(item.turns) if isinstance(item, Conversation) else item.units for item in items)


def pairs(conversation: Conversation) -> list[tuple[str, str]]:
    return [(turn.speaker, turn.text) for turn in conversation.turns]


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    """Zip `folder`'s files (sorted, stable) the way an exporter would ship them."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, prefix + path.relative_to(folder).as_posix())
    return target
