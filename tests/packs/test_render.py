"""How a finding shows its match: masked, as code points, or in full (cut at 40 characters)."""

from __future__ import annotations

import pytest

from ftprep.packs.render import codepoints, describe_where, mask, render_match
from ftprep.packs.schema import Field_, Show
from ftprep.packs.texts import Text


@pytest.mark.parametrize(("secret", "shown"), [
    ("abc", "… (3 chars)"),  # under 4 characters: nothing kept (3 // 4 == 0)
    ("abcd", "a… (4 chars)"),  # a quarter of 4
    ("abcdefg", "a… (7 chars)"),  # 7 // 4 == 1
    ("abcdefgh", "ab… (8 chars)"),  # 8 // 4 == 2
    ("abcdefghijklmnop", "abcd… (16 chars)"),  # a quarter is 4: the cap
    ("sk-proj-" + "x" * 48, "sk-p… (56 chars)"),  # never more than 4
])
def test_mask_keeps_at_most_a_quarter_and_four(secret: str, shown: str) -> None:
    assert mask(secret) == shown
    assert render_match(secret, Show.MASKED) == shown


@pytest.mark.parametrize(("found", "shown"), [
    ("\u200b", "U+200B"),  # one character, four hex digits
    ("a" * 7, " ".join(["U+0061"] * 7)),  # 7: all shown, no ellipsis
    ("\u200b" * 8, " ".join(["U+200B"] * 8)),  # exactly 8: all shown, no ellipsis
    ("\u200b" * 8 + "\u200c", " ".join(["U+200B"] * 8) + " …"),  # 9: the 9th is cut
    ("\u200b" * 8 + "\u200c\u200d", " ".join(["U+200B"] * 8) + " …"),  # 10
    ("\U0001f600", "U+1F600"),  # five hex digits when needed
])
def test_codepoints_show_eight_then_an_ellipsis(found: str, shown: str) -> None:
    assert codepoints(found) == shown
    assert render_match(found, Show.CODEPOINTS) == shown


@pytest.mark.parametrize(("found", "shown"), [
    ("{name}", "'{name}'"),  # short: in full, quoted
    ("x" * 39, repr("x" * 39)),  # 39
    ("y" * 40, repr("y" * 40)),  # exactly 40: still in full
    ("z" * 41, repr("z" * 39 + "…")),  # 41: 39 characters and an ellipsis, 40 in all
    ("w" * 100, repr("w" * 39 + "…")),  # any longer: the same 40
])
def test_render_match_in_full_cuts_at_40(found: str, shown: str) -> None:
    assert render_match(found, Show.FULL) == shown


@pytest.mark.parametrize(("text", "where"), [
    (Text("/messages/1/content", "assistant", Field_.CONTENT, "x"), "assistant message"),
    (Text("/text", None, Field_.CONTENT, "x"), "text"),  # content without a role
    (Text("/messages/1/tool_calls/0/function/arguments", "assistant", Field_.ARGUMENTS, "x"),
     "tool-call arguments"),
    (Text("/tools/0/function/description", None, Field_.TOOLS, "x"), "tool definitions"),
    (Text("/metadata/note", None, Field_.OTHER, "x"), "value at /metadata/note"),
    (Text("/messages/0/name", "user", Field_.OTHER, "x"), "value at /messages/0/name"),  # role or not
])
def test_describe_where(text: Text, where: str) -> None:
    assert describe_where(text) == where
