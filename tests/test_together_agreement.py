"""`ftprep lint --provider together` against Together's own verdicts on the same files.

The cases are together-python's tests of its file checker (1.5.x
`tests/unit/test_files_checks.py`, every JSONL case; the four CSV cases check `purpose="eval"`
files, which are not training data, and are left out), then cases of ours where Together's
source states a rule those tests do not exercise. Each case names the verdict of that checker
(`together`: pass, or the rule and line ftprep must report) and the verdict of the installed
SDK's `check_file`, which since 3.x checks only UTF-8, JSON objects and the sample count
locally ("Semantic checks run on the server after upload"): `local` is what it says.

Two tests: ftprep's verdict (any error-severity diagnostic) against `together`, with the rule
and line of the failure; and the installed `check_file` against `local`, and ftprep failing
wherever it fails. If ftprep or the SDK drifts, one of them fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ftprep.model.diagnostics import Severity
from tests.helpers import lint_text

PASS = None
IMAGE = {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,..."}}
PNG = {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}


def _user(text: str, **extra: Any) -> dict[str, Any]:
    return {"role": "user", "content": text, **extra}


def _assistant(text: str, **extra: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": text, **extra}


def _chat(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"messages": list(messages), **extra}


HI = _chat(_user("Hi"), _assistant("Hello"))


@dataclass(frozen=True)
class Case:
    """One file: its records (or raw bytes), Together's verdict and the local SDK's.

    `together` is None for a file Together trains on, else (rule code, line) ftprep must
    report at error severity; `local` is whether the installed `check_file` passes the file.
    """

    name: str
    records: tuple[Any, ...] | bytes
    together: tuple[str, int] | None
    local: bool = True

    def content(self) -> bytes:
        if isinstance(self.records, bytes):
            return self.records
        return "\n".join(json.dumps(r) for r in self.records).encode("utf-8")


# together-python 1.5.x tests/unit/test_files_checks.py, in its order.
UPSTREAM = [
    Case("valid general", ({"text": "Hello, world!"}, {"text": "How are you?"}), PASS),
    Case("valid instruction", (
        {"prompt": "Translate the following sentence.", "completion": "Hello, world!"},
        {"prompt": "Summarize the text.",
         "completion": "Weyland-Yutani Corporation creates advanced AI."},
    ), PASS),
    Case("valid instruction multimodal", ({
        "prompt": [{"type": "text", "text": "What's the difference between these two images?"},
                   IMAGE, IMAGE],
        "completion": "The first image is a cat, the second image is a dog.",
    },), PASS),
    Case("valid conversational single turn", (
        _chat(_user("Hello"), _assistant("Hi there!")),
        _chat(_user("How are you?"), _assistant("I am fine.")),
        _chat({"role": "system", "content": "You are a kind AI"}, _user("How are you?"),
              _assistant("I am fine.")),
    ), PASS),
    Case("valid conversational multiple turns", (
        _chat(_user("Is it going to rain today?"),
              _assistant("Yes, expect showers in the afternoon."),
              _user("What is the weather like in Tokyo?"),
              _assistant("It is sunny with a chance of rain.")),
        _chat({"role": "system", "content": "You are a kind AI"},
              _user("Who won the game last night?"), _assistant("The home team won by two points."),
              _user("What is the weather like in Amsterdam?"),
              _assistant("It is cloudy with a chance of snow.")),
    ), PASS),
    Case("valid conversational multimodal", (_chat(
        {"role": "user", "content": [
            {"type": "text", "text": "What's the difference between these two images?"},
            IMAGE, IMAGE,
        ]},
        {"role": "assistant", "content": [{"type": "text", "text": "Hi there!"}]},
    ),), PASS),
    Case("empty file", b"", ("FT008", 0), local=False),
    Case("non-UTF-8", b"\xff\xfe\xfd", ("FT001", 1), local=False),
    Case("invalid JSON line", ({"text": "Hello, world!"}, "Invalid JSON Line"), ("FT006", 2),
         local=False),
    Case("missing required field", (
        {"prompt": "Translate the following sentence.", "completion": "Hello, world!"},
        {"prompt": "Summarize the text."},
    ), ("FT100", 2)),
    Case("inconsistent dataset format", (HI, {"text": "How are you?"}), ("FT123", 2)),
    Case("invalid role", (_chat({"role": "invalid_role", "content": "Hi"}),), ("FT103", 1)),
    Case("non-alternating roles", (_chat(_user("Hi"), _user("Hello again")),), ("FT108", 1)),
    Case("no assistant message", (_chat(_user("Hi")),), ("FT106", 1)),
    Case("text is not a string", ({"text": 123},), ("FT128", 1)),
    Case("message without content", (_chat(_user("Hi"), {"role": "assistant"}),), ("FT104", 1)),
    Case("messages holds a string", (_chat("Hi!", _user("Hi"), {"role": "assistant"}),),
         ("FT102", 1)),
    Case("extra column", ({"text": "Hello, world!", "extra_column": "extra"},), ("FT109", 1)),
    Case("empty messages", ({"messages": []},), ("FT102", 1)),
    Case("weights on every message", (
        _chat(_user("Hello", weight=1), _assistant("Hi there!", weight=0),
              _user("How are you?", weight=1), _assistant("I'm doing well!", weight=1)),
        _chat({"role": "system", "content": "You are helpful", "weight": 0},
              _user("What's the weather?", weight=1), _assistant("It's sunny today!", weight=1)),
    ), PASS),
    Case("weights on some messages", (
        _chat(_user("Hello", weight=1), _assistant("Hi there!", weight=0), _user("How are you?"),
              _assistant("I'm doing well!")),
        _chat(_user("What's the weather?"), _assistant("It's sunny today!")),
    ), PASS),
    Case("float weight", (_chat(_user("Hello", weight=1.0), _assistant("Hi there!", weight=0)),),
         ("FT110", 1)),
    Case("weight 2", (_chat(_user("Hello", weight=2), _assistant("Hi there!", weight=0)),),
         ("FT110", 1)),
]

TOOLS = [{"type": "function",
          "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
CALL = {"id": "call_1", "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}
PREFERENCE = {
    "input": {"messages": [_user("Sky colour?")]},
    "preferred_output": [_assistant("Blue.")],
    "non_preferred_output": [_assistant("Green.")],
}

# Rules Together's source states that its tests do not exercise.
OURS = [
    # 3.1.1 lib/constants.py: POSSIBLE_ROLES_CONVERSATION has "tool", `tools` is the one extra
    # column a conversation may carry (JSONL_EXTRA_COLUMNS_MAP).
    Case("tool call and result", (_chat(
        _user("Weather in Paris?"), {"role": "assistant", "tool_calls": [CALL]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C"}, _assistant("18C in Paris."),
        tools=TOOLS,
    ),), PASS),
    Case("developer role", (_chat({"role": "developer", "content": "Be brief."}, _user("Hi"),
                                  _assistant("Hello")),), ("FT103", 1)),
    Case("top-level weight", ({**HI, "weight": 1},), ("FT109", 1)),
    Case("top-level id", (HI, {**HI, "id": "ex-2"}), ("FT109", 2)),
    Case("top-level metadata", ({**HI, "metadata": {"source": "crm"}},), ("FT109", 1)),
    Case("parallel_tool_calls is not a Together column", ({**HI, "parallel_tool_calls": False},),
         ("FT109", 1)),
    Case("text plus another key", ({"text": "Hello", "source": "web"},), ("FT109", 1)),
    Case("text plus prompt", ({"text": "Hello", "prompt": "Hi"},), ("FT109", 1)),
    Case("instruction plus text", ({"prompt": "2+2=", "completion": "4", "text": "x"},),
         ("FT109", 1)),
    Case("completion is not a string", ({"prompt": "2+2=", "completion": 4},), ("FT128", 1)),
    Case("prompt part without type", ({"prompt": [{"text": "Hi"}], "completion": "Hello"},),
         ("FT128", 1)),
    # 3.1.1 lib/constants.py MAX_IMAGES_PER_EXAMPLE = 10; its checker takes data URLs only and
    # no weight 1 on a message with an image (FORMATS.md §1.2).
    Case("ten images", (_chat({"role": "user", "content": [IMAGE] * 10}, _assistant("Ten.")),),
         PASS),
    Case("eleven images", (_chat({"role": "user", "content": [IMAGE] * 11},
                                 _assistant("Eleven.")),), ("FT503", 1)),
    Case("an image link", (_chat({"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]},
        _assistant("A cat.")),), ("FT503", 1)),
    Case("weight 1 on a message with an image", (_chat(
        {"role": "user", "content": [IMAGE], "weight": 1}, _assistant("A cat.")),), ("FT503", 1)),
    Case("preference record", (PREFERENCE,), PASS),
    Case("preference with an extra key", ({**PREFERENCE, "id": 3},), ("FT109", 1)),
    Case("preference input ends with the assistant", ({
        **PREFERENCE, "input": {"messages": [_user("Sky colour?"), _assistant("Blue.")]},
    },), ("FT120", 1)),
    Case("two system messages", (_chat({"role": "system", "content": "Be brief."},
                                       {"role": "system", "content": "Be kind."}, _user("Hi"),
                                       _assistant("Hello")),), ("FT127", 1)),
    Case("two assistant messages in a row", (_chat(_user("Hi"), _assistant("Hello"),
                                                   _assistant("How can I help?")),), ("FT108", 1)),
    Case("conversation opens with the assistant", (_chat(_assistant("Hello"), _user("Hi"),
                                                         _assistant("How can I help?")),), PASS),
    Case("text then chat: the first line's format wins", ({"text": "Hello"}, HI), ("FT123", 2)),
    Case("a png image part", (_chat({"role": "user", "content": [PNG]}, _assistant("A pixel.")),),
         PASS),
    Case("blank lines are skipped", b'{"text": "a"}\n\n{"text": "b"}\n', PASS),
]

CASES = UPSTREAM + OURS


def _errors(tmp_path: Path, case: Case) -> list[tuple[str, int]]:
    diagnostics = lint_text(tmp_path, case.content(), {"provider": "together"})
    return [(d.code, d.location.line) for d in diagnostics if d.severity is Severity.ERROR]


@pytest.mark.parametrize("case", CASES, ids=[c.name.replace(" ", "-") for c in CASES])
def test_ftprep_agrees_with_together(case: Case, tmp_path: Path) -> None:
    errors = _errors(tmp_path, case)
    if case.together is None:
        assert errors == []
    else:
        assert case.together in errors, errors


@pytest.mark.parametrize("case", CASES, ids=[c.name.replace(" ", "-") for c in CASES])
def test_installed_checker_still_agrees(case: Case, tmp_path: Path) -> None:
    """The installed SDK's `check_file` gives the recorded local verdict, and ftprep fails every
    file it fails (ftprep is at least as strict as the check before upload)."""
    files = pytest.importorskip("together.lib.utils.files")
    path = tmp_path / "together" / "data.jsonl"
    path.parent.mkdir()
    path.write_bytes(case.content())
    report = files.check_file(path)
    assert report["is_check_passed"] is case.local, report["message"]
    if not case.local:
        assert _errors(tmp_path, case), "check_file fails this file; ftprep must too"


def test_openai_still_rejects_what_only_together_takes(tmp_path: Path) -> None:
    """The same records under the default provider: text and instruction records are errors,
    and Together's looser rules (weights anywhere, turns in any order) do not leak into it."""
    text = (
        b'{"text": "Hello"}\n{"prompt": "2+2=", "completion": "4"}\n'
        b'{"messages": [{"role": "user", "content": "Hi", "weight": 1}, '
        b'{"role": "assistant", "content": "Hello"}], "id": 3}\n'
    )
    found = [(d.code, d.location.line, d.severity.label)
             for d in lint_text(tmp_path, text, {"select": ["FT1", "FT5"]})]
    assert found == [
        ("FT502", 1, "error"), ("FT122", 2, "error"), ("FT110", 3, "error"),
        ("FT109", 3, "warning"), ("FT123", 2, "error"),
    ]
