"""Turn chat-log conversations into chat training examples.

The user says who plays the assistant (`--assistant NAME`, matching a speaker's name or one of
its aliases); everyone else is the user. A conversation is split where the silence between two
turns exceeds `gap` (`DEFAULT_GAP`); consecutive turns of one role are merged. In a group chat
(more than one person besides the assistant) every user line is prefixed with its speaker's
name, so the model can tell who says what; in a one-to-one chat no line is. A segment becomes an
example when it has a user turn followed by an assistant turn; turns that cannot be learned from
(before the first user turn, after the last assistant turn, or in a segment with no assistant)
are rejected with the reason, so the accounting is in messages: read = written + rejected
(+ what the reader skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ftprep.convert.model import Converted
from ftprep.model.sources import Conversation, Origin, Rejected, Turn

# A silence this long ends an example unless --gap says otherwise: long enough that an answer
# given hours later the same day stays with its question, short enough that a night's sleep
# ends the exchange (see README, Converting). ChatGPT conversations are one session each: none.
DEFAULT_GAP = timedelta(hours=6)
NO_GAP = timedelta.max  # `--gap none`: one example per conversation, however long


@dataclass(frozen=True)
class LogOptions:
    assistant: frozenset[str]
    gap: timedelta = NO_GAP
    system: str | None = None
    measure_span: bool = True  # report how long each example lasts (False: one session anyway)


@dataclass(frozen=True)
class _Segment:
    turns: list[tuple[int, Turn]]  # (1-based position in the conversation, turn)


def parse_gap(text: str) -> timedelta:
    """`30m`, `2h`, `1d`, `45s`, a bare number of minutes, or `none` (`NO_GAP`)."""
    units = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
    value = text.strip().lower()
    if value in ("none", "off"):
        return NO_GAP
    unit = value[-1] if value and value[-1] in units else "m"
    number = value[:-1] if value and value[-1] in units else value
    try:
        amount = float(number)
    except ValueError:
        raise ValueError(f"invalid gap {text!r}: use a number with s, m, h or d (e.g. 30m), "
                         "or none") from None
    if amount <= 0:
        raise ValueError(f"invalid gap {text!r}: it must be positive")
    return timedelta(**{units[unit]: amount})


def describe_gap(gap: timedelta) -> str:
    """`6h`, `30m`, `1d`, `none`: a gap as `--gap` takes it."""
    if gap == NO_GAP:
        return "none"
    seconds = int(gap.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _segments(turns: list[tuple[int, Turn]], gap: timedelta) -> Iterator[_Segment]:
    """Runs of turns with no silence over `gap` between neighbours, in file order (a clock that
    runs back between two turns is no silence)."""
    current: list[tuple[int, Turn]] = []
    for position, turn in turns:
        previous = current[-1][1] if current else None
        silent = (
            previous is not None and gap != NO_GAP and turn.time is not None
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


def _merge(turns: list[Turn], role: str, group: bool) -> str:
    """One message from consecutive turns of one role; in a group chat each user line carries
    its speaker's name, whether one or several people speak in that turn."""
    if role == "user" and group:
        return "\n".join(f"{t.speaker}: {t.text}" for t in turns)
    return "\n".join(t.text for t in turns)


def _span(turns: list[Turn]) -> timedelta | None:
    times = [t.time for t in turns if t.time is not None]
    return max(times) - min(times) if len(times) > 1 else None


def _at(origin: Origin, position: int) -> Origin:
    return Origin(origin.path, position, origin.conversation, "message")


def _source(turn: Turn) -> dict[str, Any]:
    """A message as the reader read it, for the rejects file."""
    source: dict[str, Any] = {"speaker": turn.speaker, "text": turn.text}
    if turn.time is not None:
        source["time"] = turn.time.isoformat()
    return source


def _reject(origin: Origin, turns: list[tuple[int, Turn]], reason: str) -> Iterator[Rejected]:
    for position, turn in turns:
        yield Rejected(_at(origin, position), reason, _source(turn))


def conversation_examples(
    conversation: Conversation, options: LogOptions
) -> Iterator[Converted | Rejected]:
    """Examples (and rejected turns) from one conversation, in order."""
    origin = conversation.origin
    numbered = list(enumerate(conversation.turns, 1))
    # A group chat has several people besides the assistant; decided once per conversation, so
    # every example of one chat names its users the same way.
    group = len({t.speaker for t in conversation.turns if _role(t, options) == "user"}) > 1
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
        numbered_kept = turns[first_user : last_assistant + 1]
        kept = [t for _i, t in numbered_kept]
        kept_roles = roles[first_user : last_assistant + 1]
        messages: list[dict[str, Any]] = []
        if options.system:
            messages.append({"role": "system", "content": options.system})
        start = 0
        for i in range(1, len(kept) + 1):
            if i == len(kept) or kept_roles[i] != kept_roles[start]:
                role = kept_roles[start]
                messages.append({"role": role, "content": _merge(kept[start:i], role, group)})
                start = i
        yield Converted(_at(origin, turns[first_user][0]), {"messages": messages}, len(kept),
                        span=_span(kept) if options.measure_span else None,
                        parts=[(_at(origin, i), _source(t)) for i, t in numbered_kept])
        yield from _reject(origin, turns[last_assistant + 1 :], "message after the assistant's last reply")
