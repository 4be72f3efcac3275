"""Record-level repairs: one small function per rule code, applied where that rule reports.

Each repair runs its own rule on the record and edits at the JSON pointers the rule yields, so
it touches exactly what `lint` flags and nothing else. A repair edits the dict it is given (the
caller's copy: `repair_record` makes one) and returns what it changed, or None when there is
nothing it can repair, in which case it has changed nothing. A repair that cannot tell what the
record should become (a `tools` list beside the legacy `functions`, a function result that
answers no call) declines: the rule keeps reporting it and the user decides.

A repair's safety is its rule's `SPEC.fix`, never restated here: safe repairs keep what the
example teaches (`fix` and `convert` apply them), unsafe ones may change it and need
`--unsafe-fixes`. File-level repairs (byte-order mark, CRLF, blank lines) need no function:
writing clean LF JSON Lines is the repair (`FILE_REPAIRS`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import orjson

from ftprep.checks.file import ft002_byte_order_mark, ft003_crlf_line_endings, ft004_blank_line
from ftprep.checks.schema import (
    ft114_double_encoded_arguments,
    ft118_legacy_functions,
    ft124_preference_completion_keys,
    ft125_unverified_developer_role,
)
from ftprep.model.diagnostics import Finding, FixSafety, Location
from ftprep.model.record import PREFERENCE_OUTPUT_KEYS, Record, RecordFormat
from ftprep.registry import RuleSpec


@dataclass(frozen=True, slots=True)
class Change:
    """One edit a repair made: the rule, where (a JSON pointer), and what, for the summary."""

    code: str
    pointer: str
    description: str
    redacted: bool = False  # `fix --redact` wrote a placeholder (`description`) here


RepairFunction = Callable[[dict[str, Any]], list[Change] | None]


@dataclass(frozen=True)
class Repair:
    """A rule's repair: its spec (code, title, safety, formats) and the function that edits."""

    spec: RuleSpec
    function: RepairFunction

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def safety(self) -> FixSafety:
        assert self.spec.fix is not None  # only rules that declare a fix get a repair
        return self.spec.fix.safety

    @property
    def title(self) -> str:
        assert self.spec.fix is not None
        return self.spec.fix.title

    def may_apply(self, record: Record) -> bool:
        """Whether the rule could report this record at all (its formats and plain gate)."""
        if record.format not in self.spec.formats:
            return False
        return not (record.plain_shape and self.spec.only_if_not_plain)


_NOWHERE = Location("-")


def _findings(module: ModuleType, data: dict[str, Any]) -> list[Finding]:
    """What the rule reports on `data`, read fresh (a repair before it may have moved things)."""
    return list(module.check(Record(_NOWHERE, b"", data), None))


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def parent(data: dict[str, Any], pointer: str) -> tuple[Any, Any] | None:
    """The container holding what `pointer` names and its key (or index) there."""
    if not pointer.startswith("/"):
        return None
    *path, last = [_unescape(token) for token in pointer[1:].split("/")]
    node: Any = data
    for token in path:
        if type(node) is dict and token in node:
            node = node[token]
        elif type(node) is list and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    if type(node) is dict and last in node:
        return node, last
    if type(node) is list and last.isdigit() and int(last) < len(node):
        return node, int(last)
    return None


def _rename_key(holder: dict[str, Any], old: str, new: str, value: Any) -> None:
    """Replace key `old` with `new` (and `value`) where it stands, so key order is kept."""
    items = [(new, value) if key == old else (key, holder[key]) for key in holder]
    holder.clear()
    holder.update(items)


def _replace_values(
    data: dict[str, Any], module: ModuleType, code: str, replacement: Callable[[Any], Any],
    description: str,
) -> list[Change] | None:
    """Replace the value at each pointer the rule in `module` reports with `replacement(value)`."""
    changes: list[Change] = []
    for finding in _findings(module, data):
        place = parent(data, finding.pointer)
        if place is None:
            continue
        holder, key = place
        holder[key] = replacement(holder[key])
        changes.append(Change(code, finding.pointer, description))
    return changes or None


# -- safe -------------------------------------------------------------------------------------


def decode_double_encoded_arguments(data: dict[str, Any]) -> list[Change] | None:
    """FT114: `"\\"{\\\\\\"city\\\\\\": ...}\\""` becomes `"{\\"city\\": ...}"`: decoded once."""
    # the rule saw a JSON string holding an object
    return _replace_values(data, ft114_double_encoded_arguments, "FT114", orjson.loads,
                           "decoded the arguments once")


def rename_preference_completion_keys(data: dict[str, Any]) -> list[Change] | None:
    """FT124: `preferred_completion` -> `preferred_output` (and the non-preferred one), unless
    the record already has the `_output` key: two values for one output are the user's call."""
    changes: list[Change] = []
    for finding in _findings(ft124_preference_completion_keys, data):
        old = finding.pointer.lstrip("/")
        new = old.replace("_completion", "_output")
        if new in data or old not in data:
            continue
        _rename_key(data, old, new, data[old])
        changes.append(Change("FT124", finding.pointer, f"renamed {old} to {new}"))
    return changes or None


def rename_developer_role(data: dict[str, Any]) -> list[Change] | None:
    """FT125: a `developer` message becomes a `system` message, the name every schema lists."""
    return _replace_values(data, ft125_unverified_developer_role, "FT125", lambda _old: "system",
                           "renamed role developer to system")


# -- unsafe -----------------------------------------------------------------------------------


def legacy_functions_to_tools(data: dict[str, Any]) -> list[Change] | None:
    """FT118: `functions` -> `tools`, `function_call` -> `tool_calls`, `function` -> `tool`.

    Each legacy call gets a new id (`call_1`, `call_2` ... unused in the record) and the
    function message right after it answers it with that id. Unsafe: the example then teaches
    the tools interface, with ids the source never had. Declines (changing nothing) when the
    record also has `tools`, a message has both kinds of call, a call or a function list is
    malformed, or a function message answers no call just before it.
    """
    record = Record(_NOWHERE, b"", data)
    if not list(ft118_legacy_functions.check(record, None)):
        return None
    copy: dict[str, Any] = orjson.loads(orjson.dumps(data))
    changes = _convert_legacy(copy, record.format)
    if changes is None:
        return None
    data.clear()
    data.update(copy)
    return changes


def _convert_legacy(data: dict[str, Any], fmt: RecordFormat) -> list[Change] | None:
    base = "/input" if fmt is RecordFormat.PREFERENCE else ""
    holder = data.get("input") if fmt is RecordFormat.PREFERENCE else data
    changes: list[Change] = []
    if type(holder) is dict and "functions" in holder:
        functions = holder["functions"]
        if "tools" in holder or type(functions) is not list or not all(
            type(f) is dict and type(f.get("name")) is str for f in functions
        ):
            return None
        tools = [{"type": "function", "function": function} for function in functions]
        _rename_key(holder, "functions", "tools", tools)
        changes.append(Change("FT118", f"{base}/functions", "declared the functions as tools"))
    lists = list(_message_lists(data, fmt))
    used = {
        call.get("id") for _pointer, messages in lists for message in messages
        if type(message) is dict and type(message.get("tool_calls")) is list
        for call in message["tool_calls"] if type(call) is dict
    }
    ids = _fresh_ids(used)
    for pointer, messages in lists:
        converted = _convert_messages(pointer, messages, ids)
        if converted is None:
            return None
        changes += converted
    return changes


def _message_lists(data: dict[str, Any], fmt: RecordFormat) -> Iterator[tuple[str, list[Any]]]:
    if fmt is RecordFormat.CHAT:
        if type(data.get("messages")) is list:
            yield "/messages", data["messages"]
        return
    source = data.get("input")
    if type(source) is dict and type(source.get("messages")) is list:
        yield "/input/messages", source["messages"]
    for key in PREFERENCE_OUTPUT_KEYS:
        if type(data.get(key)) is list:
            yield f"/{key}", data[key]


def _fresh_ids(used: set[Any]) -> Iterator[str]:
    number = 0
    while True:
        number += 1
        candidate = f"call_{number}"
        if candidate not in used:
            yield candidate


def _convert_messages(pointer: str, messages: list[Any], ids: Iterator[str]) -> list[Change] | None:
    changes: list[Change] = []
    pending: tuple[str, str] | None = None  # (id, name) of the call the next message may answer
    for index, message in enumerate(messages):
        if type(message) is not dict:
            pending = None
            continue
        call = message.get("function_call")
        if call is not None:
            if "tool_calls" in message or type(call) is not dict or type(call.get("name")) is not str:
                return None
            call_id = next(ids)
            tool_call = {"id": call_id, "type": "function", "function": call}
            _rename_key(message, "function_call", "tool_calls", [tool_call])
            changes.append(Change("FT118", f"{pointer}/{index}/function_call",
                                  f"function_call became tool call {call_id}"))
            pending = (call_id, call["name"])
        elif message.get("role") == "function":
            if pending is None or message.get("name", pending[1]) != pending[1]:
                return None
            rest = {k: v for k, v in message.items() if k not in ("role", "name")}
            message.clear()
            message.update({"role": "tool", "tool_call_id": pending[0], **rest})
            changes.append(Change("FT118", f"{pointer}/{index}/role",
                                  f"function message became the tool result of {pending[0]}"))
            pending = None
        else:
            pending = None
    return changes


# -- the registry -----------------------------------------------------------------------------


def _repair(module: ModuleType, function: RepairFunction) -> Repair:
    spec: RuleSpec = module.SPEC
    assert spec.fix is not None, f"{spec.code} declares no fix"
    return Repair(spec, function)


REPAIRS: dict[str, Repair] = {
    repair.code: repair for repair in (
        _repair(ft114_double_encoded_arguments, decode_double_encoded_arguments),
        _repair(ft118_legacy_functions, legacy_functions_to_tools),
        _repair(ft124_preference_completion_keys, rename_preference_completion_keys),
        _repair(ft125_unverified_developer_role, rename_developer_role),
    )
}

# Repaired by writing clean JSON Lines: UTF-8 without a byte-order mark, LF, no blank lines.
FILE_REPAIRS: dict[str, RuleSpec] = {
    module.SPEC.code: module.SPEC
    for module in (ft002_byte_order_mark, ft003_crlf_line_endings, ft004_blank_line)
}


def describe(code: str) -> str:
    """`FT114 double-encoded-arguments (decode the arguments once)`: a repair, for summaries."""
    spec = REPAIRS[code].spec if code in REPAIRS else FILE_REPAIRS[code]
    assert spec.fix is not None
    return f"{spec.code} {spec.name} ({spec.fix.title})"


def choose(enabled: Collection[str] | None = None, unsafe: bool = False) -> list[Repair]:
    """The repairs to apply: safe ones (and unsafe with `unsafe`), of the `enabled` rules only
    (a rule the user ignores keeps its findings as they are), in code order."""
    return [
        repair for code, repair in sorted(REPAIRS.items())
        if (enabled is None or code in enabled)
        and (unsafe or repair.safety is FixSafety.SAFE)
    ]


SAFE_REPAIRS = choose()


def repair_record(
    data: dict[str, Any], repairs: list[Repair] = SAFE_REPAIRS
) -> tuple[dict[str, Any], list[Change]]:
    """`data` repaired (a copy; `data` itself is never edited) and what changed.

    Returns `data` itself and no change when no repair applies: a plain chat record, which no
    repair's rule reports, costs one look at its messages and no copy.
    """
    record = Record(_NOWHERE, b"", data)
    wanted = [repair for repair in repairs if repair.may_apply(record)]
    if not wanted:
        return data, []
    try:
        copy: dict[str, Any] = orjson.loads(orjson.dumps(data))
    except orjson.JSONEncodeError:  # a value JSON cannot hold: writing it fails, and says so
        return data, []
    changes: list[Change] = []
    for repair in wanted:
        changes += repair.function(copy) or ()
    return (copy, changes) if changes else (data, [])
