"""ChatGPT data export (`conversations.json`, or the export zip or folder holding it).

Each conversation is a tree (`mapping`): regenerated answers and edited prompts are sibling
branches. The branch the user last saw runs from `current_node` up through `parent` links to the
root; reversed, it is the conversation (FORMATS.md §8.1). Only visible user and assistant text is
kept: hidden system and custom-instruction nodes, tool calls and tool output, reasoning and
non-text content (images, code sent to a tool), and the messages of other branches are skipped,
each counted with its reason.

The file is streamed one conversation at a time, so a 500 MB export never sits in memory whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Conversation, Origin, Rejected, Skipped, Turn
from ftprep.parsing import kind_of
from ftprep.readers.chatlogs._helpers import (
    READ_ERRORS,
    ChatLogOptions,
    SkipReason,
    as_object,
    from_epoch,
    is_zip,
    iter_json_array,
    open_text,
    open_zip,
    read_prefix,
    reason_text,
    skips,
    zip_names,
)

NAME = "chatgpt-export"
FILE_NAME = "conversations.json"
SPEAKERS = ("user", "assistant")
TEXT_TYPES = ("text", "multimodal_text")  # others: code, execution_output, thoughts, ...
OFF_BRANCH = "not on the current branch (a regenerated answer or an edited prompt)"


def sniff(path: str | Path) -> bool:
    """A conversations.json (a JSON array whose start mentions `mapping`), or a zip/folder with one."""
    path = Path(path)
    if path.is_dir():
        return (path / FILE_NAME).is_file()
    if is_zip(path):
        return _member(zip_names(path)) is not None
    head = read_prefix(path).lstrip(b"\xef\xbb\xbf \t\r\n")
    return path.suffix.lower() == ".json" and head.startswith(b"[") and b'"mapping"' in head


def read(
    path: str | Path, options: ChatLogOptions | None = None
) -> Iterator[Conversation | Rejected | Skipped]:
    """Yield one `Conversation` per exported conversation, or a `Rejected` saying why not."""
    path = Path(path)
    if path.is_dir():
        path = path / FILE_NAME
        if not path.is_file():
            raise FtprepError(f"{path.parent}: no {FILE_NAME} in this folder")
    if is_zip(path):
        with open_zip(path) as archive:
            member = _member(archive.namelist())
            if member is None:
                raise FtprepError(f"{path}: no {FILE_NAME} in this zip archive")
            where = f"{path}/{member}"
            try:
                stream = archive.open(member)
            except (*READ_ERRORS, RuntimeError, NotImplementedError) as error:
                raise FtprepError(f"{where}: cannot read ({reason_text(error)})") from None
            with open_text(stream) as text:
                yield from _conversations(iter_json_array(text, where), where)
        return
    try:
        raw = path.open("rb")
    except OSError as error:
        raise FtprepError(f"{path}: cannot read ({error.strerror or error})") from None
    with open_text(raw) as text:
        yield from _conversations(iter_json_array(text, str(path)), str(path))


def _member(names: list[str]) -> str | None:
    """The archive's conversations.json, the shallowest one if several."""
    found = [n for n in names if PurePosixPath(n).name == FILE_NAME and not n.startswith("__MACOSX")]
    return min(found, key=lambda n: (n.count("/"), n)) if found else None


def _conversations(items: Iterator[Any], where: str) -> Iterator[Conversation | Rejected | Skipped]:
    for index, item in enumerate(items, 1):
        yield from conversation(item, Origin(where, index, unit="item"))


def conversation(item: Any, origin: Origin) -> Iterator[Conversation | Rejected | Skipped]:
    """One exported conversation object as the turns of its current branch, then its other
    messages (hidden, tool, on another branch) as skipped, by reason; or one `Rejected`."""
    if not isinstance(item, dict):
        yield Rejected(origin, f"conversation is {kind_of(item)}, not an object", item)
        return
    conv_id = item.get("id") or item.get("conversation_id")
    if isinstance(conv_id, str):
        origin = replace(origin, conversation=conv_id)
    title = item.get("title") if isinstance(item.get("title"), str) else None
    mapping = item.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        yield Rejected(origin, "conversation has no messages (mapping is empty or missing)", item)
        return
    leaf = item.get("current_node")
    if not isinstance(leaf, str) or leaf not in mapping:
        # No usable pointer to the shown branch: take the newest leaf, the last answer written.
        leaf = _latest_leaf(mapping)
        if leaf is None:
            yield Rejected(origin, "conversation has no current_node and no leaf message", item)
            return
    branch = _branch(mapping, leaf)
    if isinstance(branch, str):
        yield Rejected(origin, branch, item)
        return
    turns: list[Turn] = []
    skipped: Counter[str] = Counter()
    for node_id, node in branch:
        turn = _turn(node_id, node)
        if isinstance(turn, Turn):
            turns.append(turn)
        elif isinstance(turn, SkipReason):
            skipped[turn] += 1
        elif turn is not None:
            yield Rejected(origin, turn, item)
            return
    if not turns:
        yield Rejected(origin, "no user or assistant text on the conversation's current branch", item)
        return
    on_branch = {node_id for node_id, _node in branch}
    other = sum(1 for node_id, node in mapping.items()
                if node_id not in on_branch and isinstance(node, dict) and node.get("message") is not None)
    if other:
        skipped[OFF_BRANCH] += other
    yield Conversation(origin, turns, title)
    yield from skips(origin, skipped)


def _latest_leaf(mapping: dict[str, Any]) -> str | None:
    best: tuple[float, int] | None = None
    chosen = None
    for position, (node_id, node) in enumerate(mapping.items()):
        if not isinstance(node, dict) or not isinstance(node.get("message"), dict):
            continue
        children = node.get("children")
        if isinstance(children, list) and any(c in mapping for c in children if isinstance(c, str)):
            continue
        created = node["message"].get("create_time")
        key = (float(created) if isinstance(created, (int, float)) else float("-inf"), position)
        if best is None or key > best:
            best, chosen = key, node_id
    return chosen


def _branch(mapping: dict[str, Any], leaf: str) -> list[tuple[str, dict[str, Any]]] | str:
    """Nodes from the root to `leaf`, or the reason the parent chain cannot be followed."""
    chain: list[tuple[str, dict[str, Any]]] = []
    seen: set[str] = set()
    node_id: Any = leaf
    while node_id is not None:
        if not isinstance(node_id, str):
            return f"node {chain[-1][0]!r} has a parent that is {kind_of(node_id)}, not an id"
        if node_id in seen:
            return f"the parent chain from {leaf!r} loops back to node {node_id!r}"
        seen.add(node_id)
        node = mapping.get(node_id)
        if node is None:
            child_id, child = chain[-1]
            if _is_root_like(child):
                break  # a placeholder root whose parent is a dummy id: nothing is lost
            return (
                f"node {child_id!r} names parent {node_id!r}, which is not in the mapping "
                "(the start of the conversation is missing)"
            )
        if not isinstance(node, dict):
            return f"node {node_id!r} is {kind_of(node)}, not an object"
        chain.append((node_id, node))
        node_id = node.get("parent")
    chain.reverse()
    return chain


def _is_root_like(node: dict[str, Any]) -> bool:
    message = node.get("message")
    if not isinstance(message, dict):
        return True
    author = message.get("author")
    return not (isinstance(author, dict) and author.get("role") in SPEAKERS) or not _text(message)


def _turn(node_id: str, node: dict[str, Any]) -> Turn | SkipReason | str | None:
    """A node's visible text as a turn; a `SkipReason` for a message a reader of the chat never
    saw as conversation; None for a node without a message (not a source unit); else a defect."""
    message = node.get("message")
    if message is None:
        return None
    if not isinstance(message, dict):
        return f"node {node_id!r} has a message that is {kind_of(message)}, not an object"
    author = message.get("author")
    if not isinstance(author, dict) or not isinstance(author.get("role"), str):
        return f"the message in node {node_id!r} has no author role"
    role = author["role"]
    metadata = as_object(message.get("metadata"))
    recipient = message.get("recipient", "all")
    if role not in SPEAKERS:
        return SkipReason(f"{role} message (not shown as conversation)")
    if (metadata.get("is_visually_hidden_from_conversation") is True
            or metadata.get("is_user_system_message") is True):
        return SkipReason("hidden message (custom instructions or context)")
    if recipient != "all":
        return SkipReason(f"message to the {recipient} tool")
    text = _text(message)
    if not text.strip():
        content = as_object(message.get("content")).get("content_type", "text")
        return SkipReason(f"{content} content, not text" if content not in TEXT_TYPES
                          else "message without text")
    return Turn(role, text, from_epoch(message.get("create_time")))


def _text(message: dict[str, Any]) -> str:
    """The string parts of text content, joined; image pointers and other objects are left out."""
    content = message.get("content")
    if not isinstance(content, dict) or content.get("content_type", "text") not in TEXT_TYPES:
        return ""
    parts = content.get("parts")
    if not isinstance(parts, list):
        return ""
    return "".join(p for p in parts if isinstance(p, str))

