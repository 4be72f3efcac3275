"""Chat examples are counted the way ftprep.tokens.counting documents, which is OpenAI's cookbook way.

The cookbook (examples/Chat_finetuning_data_prep.ipynb) counts 3 tokens per message, the tokens
of every value, 1 more per `name`, and 3 per example; its own output for the toy file it ships
is the fixed point these tests reproduce. Tools and tool calls, which the cookbook cannot count
(it encodes every value and breaks on lists), follow ftprep's documented serialisation; a test
re-implements that description independently and compares it with the engine on real files.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import orjson
import pytest

from ftprep.checks.base import RunContext
from ftprep.checks.tokens import ft203_length_outlier as ft203
from ftprep.checks.tokens import ft204_dataset_too_large as ft204
from ftprep.config import Settings
from ftprep.lint.setup import run_context
from ftprep.model.diagnostics import Location
from ftprep.model.record import Record, TokenFacts, detect_format
from ftprep.model.sources import FileStats
from ftprep.providers.estimate import Estimate, estimate
from ftprep.tokens.counting import (
    REPLY_PRIMING,
    TOKENS_PER_MESSAGE,
    TOKENS_PER_NAME,
    plan_for,
)
from ftprep.tokens.encoders import get_counter, tiktoken_encoding
from tests.helpers import CORPORA, run_engine

TOY = CORPORA / "cookbook" / "toy_chat_fine_tuning.jsonl"
DRONES = [CORPORA / "cookbook" / "drone_training.jsonl",
          CORPORA / "cookbook" / "drone_training_a7e107d.jsonl"]
needs_corpora = pytest.mark.skipif(not TOY.is_file(), reason="../shared/corpora is not present")


def n(text: str, encoding: str = "o200k_base") -> int:
    return len(tiktoken_encoding(encoding).encode_ordinary(text))


def cookbook_count(messages: list[dict[str, str]], encoding: str) -> int:
    """The notebook's num_tokens_from_messages, re-implemented (string values only, as it assumes)."""
    total = 0
    for message in messages:
        total += 3
        for key, value in message.items():
            total += n(value, encoding)
            if key == "name":
                total += 1
    return total + 3


def documented_count(data: dict[str, Any], encoding: str) -> int:
    """ftprep.tokens.counting's docstring, re-implemented independently for chat records."""
    total = 3
    for message in data["messages"]:
        total += 3
        for key, value in message.items():
            if key == "content" and isinstance(value, list):
                total += sum(n(p["text"], encoding) for p in value if p.get("type") == "text")
            elif key == "tool_calls":
                for call in value:
                    total += n(call["function"]["name"], encoding)
                    total += n(call["function"]["arguments"], encoding)
            elif isinstance(value, str):
                total += n(value, encoding) + (1 if key == "name" else 0)
    for key in ("tools", "functions"):
        if data.get(key):
            total += n(orjson.dumps(data[key]).decode(), encoding)
    return total


def count_plan(data: dict[str, Any], encoding: str = "o200k_base") -> tuple[int, int]:
    """(total, content) for one record, through the same plan the engine uses."""
    plan = plan_for(data, detect_format(data))
    counter = get_counter(encoding)
    content = sum(counter.count(plan.content))
    return content + sum(counter.count(plan.other)) + plan.overhead, content


def facts(path: Path, **settings: Any) -> list[TokenFacts]:
    """Every record's token facts as the engine hands them to dataset rules."""
    seen: list[TokenFacts] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ft203.Check, "observe", lambda _self, record: seen.append(record.tokens))
        _diagnostics, engine = run_engine(path, {"select": ["FT203"], **settings})
    assert [t.total for t in seen] == list(engine.summary.example_tokens)
    return seen


# -- the convention, message by message --------------------------------------------------------


def test_constants_are_the_cookbooks() -> None:
    assert (TOKENS_PER_MESSAGE, TOKENS_PER_NAME, REPLY_PRIMING) == (3, 1, 3)


def test_plain_example() -> None:
    data = {"messages": [{"role": "system", "content": "Be brief."},
                         {"role": "user", "content": "What is the capital of France?"},
                         {"role": "assistant", "content": "Paris."}]}
    contents = n("Be brief.") + n("What is the capital of France?") + n("Paris.")
    roles = n("system") + n("user") + n("assistant")
    assert count_plan(data) == (3 + 3 * 3 + roles + contents, contents)
    assert count_plan(data)[0] == cookbook_count(data["messages"], "o200k_base")


def test_name_costs_its_tokens_plus_one() -> None:
    plain = {"messages": [{"role": "user", "content": "Hi there, how are you?"},
                          {"role": "assistant", "content": "Fine, thanks."}]}
    named = {"messages": [{"role": "user", "content": "Hi there, how are you?", "name": "alice_smith"},
                          {"role": "assistant", "content": "Fine, thanks.", "name": "bot"}]}
    extra = n("alice_smith") + 1 + n("bot") + 1
    assert count_plan(named)[0] == count_plan(plain)[0] + extra
    assert count_plan(named)[1] == count_plan(plain)[1], "a name is not content"
    assert count_plan(named)[0] == cookbook_count(named["messages"], "o200k_base")


def test_tools_are_counted_once_as_compact_json() -> None:
    tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather now",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    base = {"messages": [{"role": "user", "content": "Weather in Oslo?"},
                         {"role": "assistant", "content": "Let me check."}]}
    with_tools = {**base, "tools": tools}
    compact = orjson.dumps(tools).decode()
    assert " " not in compact.replace("Weather now", "")
    assert count_plan(with_tools)[0] == count_plan(base)[0] + n(compact)
    assert count_plan({**base, "functions": [tools[0]["function"]]})[0] == (
        count_plan(base)[0] + n(orjson.dumps([tools[0]["function"]]).decode())
    )
    assert count_plan({**base, "tools": []}) == count_plan(base), "an empty list costs nothing"


def test_tool_calls_count_name_and_arguments() -> None:
    data = {"messages": [
        {"role": "user", "content": "Weather in Oslo and Bergen?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}},
            {"id": "call_2", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\": \"Bergen\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "4 C"},
        {"role": "tool", "tool_call_id": "call_2", "content": "7 C"},
        {"role": "assistant", "content": "Oslo 4 C, Bergen 7 C."},
    ]}
    calls = 2 * n("get_weather") + n("{\"city\": \"Oslo\"}") + n("{\"city\": \"Bergen\"}")
    contents = n("Weather in Oslo and Bergen?") + n("4 C") + n("7 C") + n("Oslo 4 C, Bergen 7 C.")
    # roles and tool_call_id are strings of their messages; a call's id and type are not counted
    strings = n("user") + 2 * n("assistant") + 2 * n("tool") + n("call_1") + n("call_2")
    total, content = count_plan(data)
    assert content == contents
    assert total == 3 + 5 * 3 + strings + calls + contents
    assert total == documented_count(data, "o200k_base")


def test_legacy_function_call_counts_like_a_tool_call() -> None:
    call = {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}
    legacy = {"messages": [{"role": "user", "content": "Weather?"},
                           {"role": "assistant", "content": None, "function_call": call}]}
    modern = {"messages": [{"role": "user", "content": "Weather?"},
                           {"role": "assistant", "content": None,
                            "tool_calls": [{"id": "c", "type": "function", "function": call}]}]}
    assert count_plan(legacy) == count_plan(modern)


def test_content_parts_count_their_text_only() -> None:
    parts = {"messages": [
        {"role": "user", "content": [
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 4000}},
            {"type": "text", "text": "Answer briefly."}]},
        {"role": "assistant", "content": "A cat."}]}
    content = n("What is in this picture?") + n("Answer briefly.") + n("A cat.")
    assert count_plan(parts)[1] == content
    assert count_plan(parts)[0] == 3 + 2 * 3 + n("user") + n("assistant") + content


def test_preference_record_counts_input_and_both_outputs() -> None:
    data = {"input": {"messages": [{"role": "user", "content": "Say hello politely."}]},
            "preferred_output": [{"role": "assistant", "content": "Hello, nice to meet you."}],
            "non_preferred_output": [{"role": "assistant", "content": "yo"}]}
    content = n("Say hello politely.") + n("Hello, nice to meet you.") + n("yo")
    total = 3 + 3 * 3 + n("user") + 2 * n("assistant") + content
    assert count_plan(data) == (total, content)


def test_prompt_completion_has_no_overhead() -> None:
    data = {"prompt": "Translate: cat ->", "completion": " chat"}
    content = n("Translate: cat ->") + n(" chat")
    assert count_plan(data) == (content, content)


@pytest.mark.parametrize("data", [
    {"messages": "hi"},
    {"messages": None},
    {"messages": [None, 3, "x", ["y"]]},
    {"messages": [{"role": 7, "content": 8, "name": None, "weight": 1}]},
    {"messages": [{"role": "assistant", "tool_calls": "nope", "function_call": [1]}]},
    {"messages": [{"role": "assistant", "tool_calls": [None, 1, {"function": "f"},
                                                       {"function": {"name": 3, "arguments": {}}}]}]},
    {"messages": [{"role": "user", "content": [None, {"type": "text", "text": 5}, {"type": "text"}]}]},
    {"messages": [], "tools": "all of them"},
    {"input": "text", "preferred_output": {"role": "assistant"}, "non_preferred_output": None},
    {"prompt": 1, "completion": None},
    {"unrelated": {"deep": [1, 2, 3]}},
])
def test_hostile_shapes_never_raise_and_count_only_strings(data: dict[str, Any]) -> None:
    total, content = count_plan(data)
    assert 0 <= content <= total


def test_hostile_messages_pay_overhead_only_when_they_are_objects() -> None:
    assert count_plan({"messages": [None, 3, "x"]}) == (3, 0)
    assert count_plan({"messages": [{"role": 7, "content": 8}]}) == (3 + 3, 0)


# -- the engine, end to end --------------------------------------------------------------------


def test_engine_sets_total_content_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    first = {"messages": [{"role": "user", "content": "What is the capital of France?"},
                          {"role": "assistant", "content": "Paris.", "name": "geo"}]}
    second = {"prompt": "2+2=", "completion": "4"}
    path.write_bytes(orjson.dumps(first) + b"\n" + orjson.dumps(second) + b"\n")
    seen = facts(path, model="gpt-4.1-mini")
    assert [(t.total, t.content) for t in seen] == [count_plan(first), count_plan(second)]
    assert all(t.limit == 65_536 for t in seen)
    seen = facts(path, model="gpt-3.5-turbo")
    assert [(t.total, t.content) for t in seen] == [count_plan(first, "cl100k_base"),
                                                     count_plan(second, "cl100k_base")]
    assert all(t.limit == 16_385 for t in seen)
    assert all(t.limit is None for t in facts(path))


@needs_corpora
@pytest.mark.parametrize("path", DRONES, ids=lambda p: p.name)
def test_tool_calling_corpora_count_as_documented(path: Path) -> None:
    records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    seen = facts(path, model="gpt-4o-mini")
    assert [t.total for t in seen] == [documented_count(r, "o200k_base") for r in records]


def _estimate(path: Path, **settings: Any) -> Estimate:
    """What `ftprep lint` prints under "billed tokens" and "epochs", for these settings."""
    _diagnostics, engine = run_engine(path, settings)
    context = engine.context
    return estimate(engine.summary.examples, engine.summary.billed_tokens, context.model,
                    context.model_name, context.provider, None)


@needs_corpora
@pytest.mark.parametrize("backend", ["toktok", "tiktoken"])
def test_toy_file_matches_the_cookbook_notebook(backend: str) -> None:
    """The notebook's printed distribution for its toy file (cl100k_base, gpt-3.5-turbo).

    It printed "min / max: 26, 8032", "mean / median: 1648.4, 45.0", "~4306 tokens that will
    be charged", "20 epochs", "~86120 tokens" (commit 2e65270, MAX_TOKENS_PER_EXAMPLE = 4096).
    """
    records = [orjson.loads(line) for line in TOY.read_bytes().splitlines()]
    seen = facts(TOY, model="gpt-3.5-turbo", tokenizer=backend)
    totals = [t.total for t in seen]
    assert totals == [cookbook_count(r["messages"], "cl100k_base") for r in records]
    assert (min(totals), max(totals)) == (26, 8032)
    assert (statistics.mean(totals), statistics.median(totals)) == (1648.4, 45)

    est = _estimate(TOY, model="gpt-3.5-turbo", tokenizer=backend, max_tokens=4096)
    assert (est.billed_tokens_per_epoch, est.epochs, est.billed_tokens) == (4306, 20, 86_120)


@needs_corpora
def test_toy_file_with_the_current_gpt35_limit() -> None:
    """The notebook since b774cbf uses 16,385 but still shows the 4,096 run's output: nothing in
    the toy file is that long, so a re-run bills all 8,242 tokens per epoch."""
    est = _estimate(TOY, model="gpt-3.5-turbo")
    assert est.model == "gpt-3.5-turbo-0125"
    assert (est.billed_tokens_per_epoch, est.epochs, est.billed_tokens) == (8242, 20, 164_840)
    # $8.00 per 1M training tokens for gpt-3.5-turbo (legacy): OpenAI's pricing pages, 2026-11-29
    assert est.cost == pytest.approx(164_840 / 1e6 * 8.00)


# -- what the token rules do with the counts ---------------------------------------------------


def _context(**settings: Any) -> RunContext:
    return run_context(Settings.model_validate(settings))


def _record(line: int, total: int) -> Record:
    record = Record(Location("d.jsonl", line, 1, 0, line - 1), b"{}", {"messages": []})
    record.tokens.total = total
    return record


def test_length_outliers_are_reported_once_with_capped_related_locations() -> None:
    check = ft203.Check(ft203.Options(), _context())
    lengths = [40 + (i * 37) % 41 for i in range(5_000)]  # 40..80 tokens
    outliers = {i: 5_000 + i for i in range(300, 5_000, 20)}  # 235 examples of 5,000+ tokens
    for i, tokens in enumerate(lengths):
        check.observe(_record(i + 1, outliers.get(i, tokens)))
    assert len(check.longest) == ft203.MAX_RELATED
    assert len(check.lengths) <= 41 + len(outliers), "state grows with distinct lengths only"
    (finding,) = list(check.finish())
    assert finding.message.startswith(f"{len(outliers)} examples are far longer than the rest")
    assert finding.location is not None and finding.location.line == 4_981  # the longest
    assert len(finding.related) == ft203.MAX_RELATED - 1
    lines = [loc.line for loc in finding.related]
    assert lines == sorted(lines)
    assert set(lines) <= {i + 1 for i in outliers}


def test_length_outlier_cut_off_on_skewed_lengths() -> None:
    """Log-normal lengths (sigma 1, the spread of real chat data) flag only the far tail."""
    import random

    rng = random.Random(7)
    lengths: dict[int, int] = {}
    for _ in range(20_000):
        tokens = max(1, round(200 * rng.lognormvariate(0, 1)))
        lengths[tokens] = lengths.get(tokens, 0) + 1
    median, threshold = ft203.cutoff(lengths, ft203.Options())
    flagged = sum(c for t, c in lengths.items() if t > threshold)
    assert 180 <= median <= 220
    assert threshold > 20 * median
    assert flagged < 20  # ~0.02% expected beyond 3.5 sigma


def test_file_over_the_providers_size_limit() -> None:
    context = _context()
    assert context.provider.max_file_bytes == 512 * 1024 * 1024
    check = ft204.Check(ft204.Options(), context)
    fine = FileStats("train.jsonl", bytes=512 * 1024 * 1024)
    big = FileStats("big.jsonl", bytes=600 * 1024 * 1024)
    assert list(check.end_file(fine)) == []
    (finding,) = list(check.end_file(big))
    assert finding.location == Location("big.jsonl")
    assert finding.message == (
        "file has 629,145,600 bytes (600.0 MiB), 92,274,688 bytes over OpenAI's limit of "
        "536,870,912 bytes (512.0 MiB)"
    )
    assert list(check.end_file(FileStats("skipped.csv", bytes=10**10, skipped="not JSONL"))) == []


def test_plain_fast_path_counts_exactly_what_the_general_plan_counts() -> None:
    """The engine counts plain records with `plan_plain`; it must agree with `plan_for`."""
    import random

    from ftprep.model.record import PLAIN_ROLES, RecordFormat, is_plain_chat
    from ftprep.tokens.counting import plan_for, plan_plain
    from ftprep.tokens.encoders import get_counter

    counter = get_counter("o200k_base")
    roles = dict(zip(PLAIN_ROLES, counter.count(list(PLAIN_ROLES)), strict=True))
    rng = random.Random(7)
    words = ["hello", "world", "naïve", "日本語", "🙂", "tokens", " ", "a\nb", "Name_1"]
    checked = 0
    for _ in range(500):
        messages = []
        for _turn in range(rng.randint(1, 6)):
            message = {"role": rng.choice(PLAIN_ROLES),
                       "content": "x " + " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))}
            if rng.random() < 0.3:
                message["name"] = rng.choice(["bob", "Agent_7", "María"])
            if message["role"] == "assistant" and rng.random() < 0.3:
                message["weight"] = rng.choice([0, 1])
            messages.append(message)
        data = {"messages": messages}
        assert is_plain_chat(data)
        fast, full = plan_plain(messages, roles), plan_for(data, RecordFormat.CHAT)
        total_fast = sum(counter.count(fast.content)) + sum(counter.count(fast.other)) + fast.overhead
        total_full = sum(counter.count(full.content)) + sum(counter.count(full.other)) + full.overhead
        assert fast.content == full.content
        assert total_fast == total_full
        checked += 1
    assert checked == 500
