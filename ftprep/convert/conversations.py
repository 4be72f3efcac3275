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
    turns: list[tuple[int, Turn]]  # (1-based position in the conversation, turn)


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


def _segments(turns: list[tuple[int, Turn]], gap: timedelta | None) -> Iterator[_Segment]:
    current: list[tuple[int, Turn]] = []
    for position, turn in turns:
        previous = current[-1][1] if current else None
        silent = (
            previous is not None and gap is not None and turn.time is not None
            and previous.time is not None and turn.time - previous.time > gap
        )
        if silent:
            yield _Segment(current)
            current = []
        current.append((position, turn))
    if current:
        yield _Segment(current)


def _role(turn: Turn, options: LogOptions) -> str:
    if turn.speaker in options.assistant or not options.assistant.isdisjoint(turn.aliases):
        return "assistant"
    return "user"


def _merge(turns: list[Turn], role: str) -> str:
    speakers = {t.speaker for t in turns}
    if role == "user" and len(speakers) > 1:
        return "\n".join(f"{t.speaker}: {t.text}" for t in turns)
    return "\n".join(t.text for t in turns)


def _at(origin: Origin, position: int) -> Origin:
    return Origin(origin.path, position, origin.conversation, "message")


def _reject(origin: Origin, turns: list[tuple[int, Turn]], reason: str) -> Iterator[Rejected]:
    for position, turn in turns:
        source: dict[str, Any] = {"speaker": turn.speaker, "text": turn.text}
        if turn.time is not None:
            source["time"] = turn.time.isoformat()
        yield Rejected(_at(origin, position), reason, source)


def conversation_examples(
    conversation: Conversation, options: LogOptions
) -> Iterator[Converted | Rejected]:
    """Examples (and rejected turns) from one conversation, in order."""
    origin = conversation.origin
    numbered = list(enumerate(conversation.turns, 1))
    yield from _reject(origin, [(i, t) for i, t in numbered if not t.text.strip()], "empty message")
    for segment in _segments([(i, t) for i, t in numbered if t.text.strip()], options.gap):
        turns = segment.turns
        roles = [_role(t, options) for _i, t in turns]
        if "assistant" not in roles:
            yield from _reject(origin, turns, "segment has no message from the assistant")
            continue
        first_user = roles.index("user") if "user" in roles else None
        last_assistant = len(roles) - 1 - roles[::-1].index("assistant")
        if first_user is None or first_user > last_assistant:
            yield from _reject(origin, turns, "segment has no user message before the assistant's")
            continue
        yield from _reject(origin, turns[:first_user], "assistant message before any user message")
        kept = [t for _i, t in turns[first_user : last_assistant + 1]]
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
        yield Converted(_at(origin, turns[first_user][0]), {"messages": messages}, len(kept))
        yield from _reject(origin, turns[last_assistant + 1 :], "message after the assistant's last reply")
