"""The texts dataset rules compare: every format gives its turns, views pick the right ones."""

from __future__ import annotations

from ftprep.checks.dataset._fingerprint import label_of
from ftprep.model.views import View, final_answer, prompt_and_answer, system_prompt, turns, view_text

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
