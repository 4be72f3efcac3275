"""The texts dataset rules compare: every format gives its turns, views pick the right ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ftprep.checks.dataset._fingerprint import Needs, fingerprint, label_of
from ftprep.model.diagnostics import Location
from ftprep.model.record import RecordFormat
from ftprep.model.views import (
    View,
    final_answer,
    prompt_and_answer,
    system_prompt,
    turns,
    view_text,
)
from ftprep.similarity import exact_key

CHAT = {"messages": [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello"},
    {"role": "user", "content": [{"type": "text", "text": "Weather?"}, {"type": "image_url"}]},
    {"role": "assistant", "content": None, "tool_calls": [
        {"type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Oslo\"}"}}]},
]}


def test_chat_views() -> None:
    assert view_text(CHAT, View.USER) == "Hi\nWeather?\n[image_url]"
    assert view_text(CHAT, View.ASSISTANT) == 'Hello\nweather({"city": "Oslo"})'
    assert view_text(CHAT, View.EXAMPLE).splitlines()[0] == "system: Be brief."
    assert system_prompt(CHAT) == "Be brief."
    assert final_answer(CHAT) == 'weather({"city": "Oslo"})'
    prompt, answer = prompt_and_answer(CHAT) or ("", "")
    assert prompt.endswith("user: Weather?\n[image_url]") and "Hello" in prompt


def test_preference_and_prompt_completion_turns() -> None:
    preference = {"input": {"messages": [{"role": "user", "content": "Q"}]},
                  "preferred_output": [{"role": "assistant", "content": "A"}],
                  "non_preferred_output": [{"role": "assistant", "content": "B"}]}
    assert turns(preference) == [("user", "Q"), ("assistant", "A")]
    assert turns({"prompt": "P", "completion": "C"}) == [("user", "P"), ("assistant", "C")]
    assert system_prompt(preference) is None


def test_no_final_answer_and_broken_values() -> None:
    assert prompt_and_answer({"messages": [{"role": "user", "content": "Q"}]}) is None
    assert prompt_and_answer({"messages": [{"role": "assistant", "content": "A"}]}) is None
    assert turns({"messages": [3, {"role": 5, "content": {"x": 1}}]}) == [("", ""), ("", "")]


def test_labels_from_short_answers_or_a_field() -> None:
    record = {"messages": [{"role": "user", "content": "Great!"},
                           {"role": "assistant", "content": " Positive"}], "meta": {"y": 1}}
    assert label_of(record, "") == " Positive"  # as written: FT307 groups the spellings
    assert label_of(record, "/meta/y") == "1"
    assert label_of(record, "/meta/missing") is None
    long = {"messages": [{"role": "user", "content": "Q"},
                         {"role": "assistant", "content": "x" * 65}]}
    assert label_of(long, "") is None
    assert label_of({"messages": [{"role": "user", "content": "Q"},
                                  {"role": "assistant", "content": "x" * 64}]}, "") == "x" * 64


_TEXT = st.text(alphabet=st.sampled_from(list("aA b\n\t\u00a0\u0301e\u00e9\u1e9e\u00df:.,  ")), max_size=12)
_TURN = st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant", "tool", "Us er"]),
                               "content": _TEXT})


@given(st.lists(_TURN, max_size=5))
@settings(max_examples=300, deadline=None)
def test_fingerprint_keys_equal_the_keys_of_the_view_texts(messages: list[dict[str, str]]) -> None:
    """The fingerprint builds normalised texts from normalised turns; that must give the very
    keys `exact_key(view_text(...))` gives (what split and fix compute)."""
    record = {"messages": messages}
    needs = Needs(exact=frozenset(View), conversation=True, system=True)
    prints = fingerprint(needs, [Location("x", 1)], [record], 0, [RecordFormat.CHAT])
    assert int(prints.exact[View.EXAMPLE][0]) == (exact_key(view_text(record, View.EXAMPLE)) or 1)
    assert int(prints.exact[View.USER][0]) == (exact_key(view_text(record, View.USER)) or 1)
    found = prompt_and_answer(record)
    expected = (0, 0) if found is None else ((exact_key(found[0]) or 1), (exact_key(found[1]) or 1))
    assert (int(prints.prompt[0]), int(prints.answer[0])) == expected
