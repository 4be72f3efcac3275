"""Turn chat-log conversations into chat training examples.

The user says who plays the assistant (`--assistant NAME`); everyone else is the user. A
conversation is split where the silence between two turns exceeds `gap`; consecutive turns of
one role are merged (several people speaking in a row become one user message, each line
prefixed with its speaker). A segment becomes an example when it has a user turn followed by an
assistant turn; turns that cannot be learned from (before the first user turn, after the last
assistant turn, or in a segment with no assistant) are rejected with the reason, so the
accounting is in messages: read = written + rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ftprep.convert.model import Conversation, Converted, Origin, Rejected, Turn


@dataclass(frozen=True)
class LogOptions:
    assistant: frozenset[str]
    gap: timedelta | None = None
    system: str | None = None


@dataclass(frozen=True)
class _Segment:
    turns: list[Turn]
    index: int


def parse_gap(text: str) -> timedelta:
    """`30m`, `2h`, `1d`, `45s` or a bare number of minutes."""
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    value = text.strip().lower()
    unit = value[-1] if value and value[-1] in units else "m"
    number = value[:-1] if value and value[-1] in units else value
    try:
        amount = float(number)
    except ValueError:
        raise ValueError(f"invalid gap {text!r}: use a number with s, m, h or d, e.g. 30m") from None
    if amount <= 0:
        raise ValueError(f"invalid gap {text!r}: it must be positive")
    return timedelta(**{units[unit]: amount})


def _segments(turns: list[Turn], gap: timedelta | None) -> Iterator[_Segment]:
    current: list[Turn] = []
    index = 0
    for turn in turns:
        if current and gap is not None and turn.time and current[-1].time:
            if turn.time - current[-1].time > gap:
                yield _Segment(current, index)
                index += 1
                current = []
        current.append(turn)
    if current:
        yield _Segment(current, index)


def _role(turn: Turn, options: LogOptions) -> str:
    return "assistant" if turn.speaker in options.assistant else "user"


def _merge(turns: list[Turn], role: str) -> str:
    speakers = {t.speaker for t in turns}
    if role == "user" and len(speakers) > 1:
        return "\n".join(f"{t.speaker}: {t.text}" for t in turns)
    return "\n".join(t.text for t in turns)


def _reject(origin: Origin, turns: list[Turn], reason: str) -> Iterator[Rejected]:
    for turn in turns:
        source: dict[str, Any] = {"speaker": turn.speaker, "text": turn.text}
        if turn.time is not None:
            source["time"] = turn.time.isoformat()
        yield Rejected(origin, reason, source)


def conversation_examples(
    conversation: Conversation, options: LogOptions
) -> Iterator[Converted | Rejected]:
    """Examples (and rejected turns) from one conversation, in order."""
    origin = conversation.origin
    turns = [t for t in conversation.turns if t.text.strip()]
    empty = [t for t in conversation.turns if not t.text.strip()]
    yield from _reject(origin, empty, "empty message")
    for segment in _segments(turns, options.gap):
        seg_origin = Origin(origin.path, segment.index + 1, origin.conversation, "segment")
        roles = [_role(t, options) for t in segment.turns]
        if "assistant" not in roles:
            yield from _reject(seg_origin, segment.turns, "segment has no message from the assistant")
            continue
        first_user = roles.index("user") if "user" in roles else None
        last_assistant = len(roles) - 1 - roles[::-1].index("assistant")
        if first_user is None or first_user > last_assistant:
            yield from _reject(seg_origin, segment.turns, "segment has no user message before the assistant's")
            continue
        yield from _reject(seg_origin, segment.turns[:first_user], "assistant message before any user message")
        kept = segment.turns[first_user : last_assistant + 1]
        kept_roles = roles[first_user : last_assistant + 1]
        messages: list[dict[str, Any]] = []
        if options.system:
            messages.append({"role": "system", "content": options.system})
        start = 0
        for i in range(1, len(kept) + 1):
            if i == len(kept) or kept_roles[i] != kept_roles[start]:
                role = kept_roles[start]
                messages.append({"role": role, "content": _merge(kept[start:i], role)})
                start = i
        yield Converted(seg_origin, {"messages": messages}, len(kept))
        yield from _reject(seg_origin, segment.turns[last_assistant + 1 :], "message after the assistant's last reply")
