"""ChatGPT data export: the current branch of each mapping tree, hostile trees rejected."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ftprep.model.errors import FtprepError
from ftprep.model.sources import Conversation, Skipped
from ftprep.readers.chatlogs import _helpers, chatgpt
from tests.convert._chatlogs import DATA, pairs, skips, split, units

FIXTURES = DATA / "chatgpt"
EXPORT = FIXTURES / "conversations.json"
HOSTILE = FIXTURES / "hostile_conversations.json"

EXPECTED_FIRST = [
    ("user", "How do I write a binary search in Python?"),
    # the regenerated answer "Use the bisect module." is a sibling branch: not shown, not kept
    ("assistant", "Keep two indices, lo and hi, and halve the range until it is empty."),
    # the edited prompt replaced "Show me code"; the code sent to the python tool and its output
    # are not conversation
    ("user", "Show me the code and run it on [1, 3, 5, 7] looking for 5."),
    ("assistant", (
        "```python\ndef bs(a, x):\n    lo, hi = 0, len(a)\n    while lo < hi:\n"
        "        mid = (lo + hi) // 2\n        if a[mid] < x:\n            lo = mid + 1\n"
        "        else:\n            hi = mid\n    return lo\n```\nIt returns 2, the index of 5.")),
    ("user", "Is this diagram of it right?"),  # the image part is left out, the text kept
    ("assistant", "Yes: the middle element is compared first."),
    # an image-only prompt has no text: the reply stays, the merge of turns is the caller's
    ("assistant", "That image is blank."),
]


def test_round_trip_follows_the_current_branch() -> None:
    conversations, rejected = split(chatgpt.read(EXPORT))
    assert rejected == []
    assert [c.title for c in conversations] == ["Binary search in Python", "Haiku"]
    first, second = conversations
    assert pairs(first) == EXPECTED_FIRST
    assert pairs(second) == [
        ("user", "Write a haiku about autumn."),
        ("assistant", "Red leaves drift and fall\nthe river carries them home\nquiet afternoon"),
    ]
    assert first.origin.conversation == "6710a1c2-0b7e-8004-9c51-2f0c1d2e3f40"
    assert (first.origin.row, first.origin.unit, first.origin.path) == (1, "item", str(EXPORT))
    assert first.turns[0].time == datetime.fromtimestamp(1729143010.0, UTC)


def test_hostile_trees_are_rejected_with_reasons_or_recovered() -> None:
    results = [r for r in chatgpt.read(HOSTILE) if not isinstance(r, Skipped)]
    assert [r.origin.row for r in results] == list(range(1, 10))  # one outcome per conversation
    outcome = {r.origin.conversation or f"item {r.origin.row}": r for r in results}
    assert "loops back" in outcome["c-cycle"].reason
    assert "'mp-gone'" in outcome["c-missing-parent"].reason
    assert "not in the mapping" in outcome["c-missing-parent"].reason
    # no current_node: the newest leaf is the branch the user saw last
    assert pairs(outcome["c-no-current"]) == [("user", "Pick one"), ("assistant", "newer answer")]
    assert pairs(outcome["c-stale-current"]) == [("user", "Hello?"), ("assistant", "Hi!")]
    # a hidden system root whose parent id is a dummy loses nothing
    assert pairs(outcome["c-dummy-root"]) == [("user", "Still fine?"), ("assistant", "Yes.")]
    assert "mapping is empty" in outcome["c-empty"].reason
    assert "no user or assistant text" in outcome["c-hidden"].reason
    assert outcome["item 7"].reason == "conversation is a string, not an object"
    assert "has no author role" in outcome["c-bad-node"].reason
    assert outcome["c-cycle"].source["id"] == "c-cycle"  # the record goes to the rejects file


def test_every_message_node_is_a_turn_or_skipped_with_its_reason() -> None:
    items = list(chatgpt.read(EXPORT))
    assert skips(items) == {
        "system message (not shown as conversation)": 2,
        "message to the python tool": 1,  # the code the assistant sent to run
        "tool message (not shown as conversation)": 1,  # and what it printed
        "message without text": 1,  # the image-only prompt
        "not on the current branch (a regenerated answer or an edited prompt)": 2,
    }
    document = json.loads(EXPORT.read_text(encoding="utf-8"))
    nodes = sum(1 for c in document for n in c["mapping"].values() if n.get("message") is not None)
    assert units(items) == nodes == 16


def test_zip_and_folder_exports(tmp_path: Path) -> None:
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("chat.html", "<html></html>")
        out.write(EXPORT, "conversations.json")
        out.writestr("user.json", "{}")
    from_zip, _ = split(chatgpt.read(archive))
    from_folder, _ = split(chatgpt.read(FIXTURES.parent / "chatgpt"))
    assert [pairs(c) for c in from_zip] == [pairs(c) for c in from_folder]
    assert pairs(from_zip[0]) == EXPECTED_FIRST
    assert from_zip[0].origin.path == f"{archive}/conversations.json"
    assert chatgpt.sniff(archive) and chatgpt.sniff(EXPORT) and chatgpt.sniff(FIXTURES)


def test_streaming_gives_the_same_result_in_tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = [pairs(c) for c in split(chatgpt.read(EXPORT))[0]]
    monkeypatch.setattr(_helpers._StreamReader, "CHUNK", 5)
    assert [pairs(c) for c in split(chatgpt.read(EXPORT))[0]] == whole


def test_conversations_stream_before_a_later_syntax_error(tmp_path: Path) -> None:
    good = json.loads(EXPORT.read_text(encoding="utf-8"))[1]
    path = tmp_path / "conversations.json"
    path.write_text("[" + json.dumps(good) + ", {oops}]", encoding="utf-8")
    results = chatgpt.read(path)
    first = next(results)
    assert isinstance(first, Conversation)
    assert pairs(first)[0] == ("user", "Write a haiku about autumn.")
    with pytest.raises(FtprepError, match=r"conversations\.json: invalid JSON at character \d+"):
        next(results)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b'{"conversations": []}', "expected a JSON array"),
        (b"[\xff]", "cannot read"),
    ],
)
def test_unreadable_files_raise(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "conversations.json"
    path.write_bytes(content)
    with pytest.raises(FtprepError, match=message):
        list(chatgpt.read(path))


def test_corrupt_zip_and_zip_without_conversations(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FtprepError, match="not a readable zip archive"):
        list(chatgpt.read(broken))
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as out:
        out.writestr("notes.txt", "hi")
    with pytest.raises(FtprepError, match="no conversations.json"):
        list(chatgpt.read(other))
    assert not chatgpt.sniff(other)


def test_sniff_rejects_other_json(tmp_path: Path) -> None:
    other = tmp_path / "list.json"
    other.write_text('[{"messages": []}]', encoding="utf-8")
    assert not chatgpt.sniff(other)
    assert not chatgpt.sniff(DATA / "discord" / "general.json")
