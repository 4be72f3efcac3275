"""Record layouts: each source shape becomes the expected chat or preference record, or a reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from ftprep.convert.layouts import (
    LAYOUTS,
    ConvertOptions,
    RecordConverter,
    detect_layout,
    layout_class,
    make_layout,
    parse_mapping,
)
from ftprep.convert.model import Converted
from ftprep.model.diagnostics import Severity
from ftprep.model.errors import FtprepError
from ftprep.model.sources import Origin, Rejected, SourceRecord
from ftprep.readers.tabular import read_records
from tests.helpers import CORPORA, run_engine

DATA = Path(__file__).resolve().parents[1] / "data" / "tabular"
LLAMAFACTORY = CORPORA / "llamafactory"


def convert(
    path: Path | list[dict[str, Any]], name: str | None = None, **options: Any
) -> tuple[list[Converted | Rejected], RecordConverter]:
    if isinstance(path, list):
        items: list[SourceRecord | Rejected] = [
            SourceRecord(Origin("mem", i, unit="item"), fields) for i, fields in enumerate(path, 1)
        ]
    else:
        items = list(read_records(str(path)))
    converter = RecordConverter(ConvertOptions(**options), name)
    return list(converter(items)), converter


def records(out: list[Converted | Rejected]) -> list[Any]:
    """The written record, or `("rejected", reason)`, per source record."""
    return [o.record if isinstance(o, Converted) else ("rejected", o.reason) for o in out]


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


def system(text: str) -> dict[str, Any]:
    return {"role": "system", "content": text}


def chat(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"messages": list(messages)}


# --- prompt/completion -------------------------------------------------------------------------


def test_seed_sentiment_example_becomes_chat_with_system_prompt() -> None:
    out, converter = convert(DATA / "sentiment.jsonl", system="Classify the review's sentiment.")
    assert converter.layout is not None and converter.layout.name == "prompt-completion"
    assert records(out)[:2] == [
        chat(
            system("Classify the review's sentiment."),
            user("Review: I love this product!\nSentiment:"),
            assistant("Positive"),
        ),
        chat(
            system("Classify the review's sentiment."),
            user("Review: Broke after two days.\nSentiment:"),
            assistant("Negative"),
        ),
    ]
    assert converter.layout.notes == []  # "Sentiment:" is a word, not a separator


def test_prepare_data_separator_and_ending_are_removed() -> None:
    out, converter = convert(DATA / "legacy_separators.jsonl")
    assert records(out)[0] == chat(user("Review: great phone"), assistant("positive"))
    assert converter.layout is not None
    assert converter.layout.notes == [
        "removing the separator '###' that all 3 sampled prompts end with",
        "removing the ending 'END' that all 3 sampled completions end with",
    ]


def test_clean_off_keeps_prompt_and_completion_verbatim() -> None:
    out, _ = convert(DATA / "legacy_separators.jsonl", clean=False)
    assert records(out)[0] == chat(
        user("Review: great phone\n\n###\n\n"), assistant(" positive END")
    )


@pytest.mark.parametrize(
    ("prompts", "completions", "expected"),
    [
        # An arrow separator; completions that end with a full stop keep it.
        (["a ->", "b ->"], [" One.", " Two."], [("a", "One."), ("b", "Two.")]),
        # Not every prompt ends with the separator: nothing is removed from any.
        (["a ->", "b"], [" x", " y"], [("a ->", "x"), ("b", "y")]),
        # Only whitespace conventions: trailing newline, leading space.
        (["a\n", "b\n"], [" x\n", " y\n"], [("a", "x"), ("b", "y")]),
    ],
)
def test_separator_rules(
    prompts: list[str], completions: list[str], expected: list[tuple[str, str]]
) -> None:
    out, _ = convert(
        [{"prompt": p, "completion": c} for p, c in zip(prompts, completions, strict=True)]
    )
    assert records(out) == [chat(user(u), assistant(a)) for u, a in expected]


def test_conventions_are_learnt_from_the_sample_and_applied_to_later_records() -> None:
    rows = [{"prompt": f"q{i} ->", "completion": f" a{i} END"} for i in range(5)]
    rows.append({"prompt": "late without separator", "completion": " plain"})
    out, _ = convert(rows, sample_size=2)
    assert records(out)[4] == chat(user("q4"), assistant("a4"))
    assert records(out)[5] == chat(user("late without separator"), assistant("plain"))


def test_prompt_that_is_only_a_separator_is_rejected() -> None:
    out, _ = convert(
        [{"prompt": "hello ->", "completion": " x"}, {"prompt": " ->", "completion": " y"}]
    )
    assert records(out)[1] == ("rejected", "prompt without its separator is empty")


def test_trl_conversational_prompt_completion_and_unpaired_labels() -> None:
    out, _ = convert(DATA / "trl_prompt_completion.jsonl")
    assert records(out) == [
        chat(user("Sky colour?"), assistant("Blue.")),
        chat(system("Terse."), user("Grass colour?"), assistant("Green.")),
        chat(user("The sky is"), assistant("blue.")),
        ("rejected", "record is labelled undesirable (label is false)"),
    ]


# --- alpaca ------------------------------------------------------------------------------------


def test_alpaca_with_system_history_and_input() -> None:
    out, converter = convert(DATA / "alpaca.json", system="Default system.")
    assert converter.layout is not None and converter.layout.name == "alpaca"
    assert records(out) == [
        chat(
            system("You are a translator."),
            user("Translate to French: thank you"),
            assistant("Merci"),
            user("And goodbye?"),
            assistant("Au revoir"),
            user("Translate to French.\nGood morning"),
            assistant("Bonjour"),
        ),
        chat(system("Default system."), user("Name a prime number."), assistant("7")),
        chat(
            system("Default system."),
            user("Summarise: cats sleep a lot."),
            assistant("Cats sleep much."),
        ),
        ("rejected", "output is empty"),
    ]


# --- sharegpt ----------------------------------------------------------------------------------


def test_sharegpt_tool_calls_results_system_and_unknown_speakers() -> None:
    out, converter = convert(DATA / "sharegpt.json")
    assert converter.layout is not None and converter.layout.name == "sharegpt"
    first, second, third, fourth = records(out)
    assert first == {
        "messages": [
            system("You are a weather bot."),
            user("What is the weather in Paris?"),
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 18}'},
            assistant("It is 18 °C in Paris."),
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                },
            }
        ],
    }
    assert second == chat(system("Be brief."), user("Hi"), assistant("Hello!"))
    assert third[0] == "rejected" and "unknown role 'USER'" not in third[1]  # USER is a known alias
    assert "unknown role 'CHARACTER'" in third[1] and third[1].startswith("/conversations/1")
    assert fourth == (
        "rejected",
        "/conversations/1 is a tool result with no earlier tool call to answer",
    )


# --- messages ----------------------------------------------------------------------------------


def test_openai_chat_passthrough_and_normalisation() -> None:
    out, converter = convert(DATA / "openai_chat.jsonl")
    assert converter.layout is not None and converter.layout.name == "messages"
    source = [json.loads(line) for line in (DATA / "openai_chat.jsonl").read_text().splitlines()]
    got = records(out)
    assert got[0] == source[0]  # FORMATS.md section 1 example: unchanged
    assert got[1] == source[1]  # section 1.1 tool calling example: unchanged
    assert got[2] == source[2]  # section 1.2 vision example: unchanged
    assert got[3] == {  # legacy function calling, arguments as an object, unknown top-level key
        "messages": [
            user("Weather in Rome?"),
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city":"Rome"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 25}'},
            assistant("25 °C."),
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                },
            }
        ],
    }
    assert got[4] == chat(
        system("Answer in one word."),
        user("Sky colour?"),
        {"role": "assistant", "content": "Blue.", "weight": 1},
    )
    assert got[5] == ("rejected", "/messages/1/weight is 2; a weight must be 0 or 1")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"messages": "hello"}, "/messages is a string, not a list of messages"),
        ({"messages": []}, "/messages is an empty list"),
        ({"messages": [None]}, "/messages/0 is null, not a message object"),
        ({"messages": [{"content": "x"}]}, "/messages/0 has no role (role or from)"),
        ({"messages": [{"role": "user", "content": "  "}]}, "/messages/0/content is empty"),
        (
            {"messages": [{"role": "user", "content": 3}]},
            "/messages/0/content is a number, not text",
        ),
        ({"messages": [user("x"), {"role": "assistant"}]}, "/messages/1 has no content"),
        (
            {"messages": [{"role": "user", "content": [{"type": "audio"}]}]},
            "/messages/0/content/0: 'audio' content parts cannot be written to chat fine-tuning data",
        ),
        (
            {"messages": [user("x"), assistant("y")], "images": ["a.jpg"]},
            "/images lists local image files, which chat JSONL cannot carry",
        ),
        (
            {"messages": [user("x"), assistant("y")], "tools": "not json"},
            "/tools is a string, not a list of tools",
        ),
        (
            {"messages": [user("x"), {"role": "assistant", "tool_calls": [{"function": {}}]}]},
            "/messages/1/tool_calls/0 has no function name",
        ),
    ],
)
def test_messages_rejections(fields: dict[str, Any], reason: str) -> None:
    out, _ = convert([fields])
    assert records(out) == [("rejected", reason)]


def test_messages_from_a_csv_cell_holding_json() -> None:
    cell = json.dumps([user("hi"), assistant("hello")])
    out, _ = convert([{"messages": cell, "id": "7"}])
    assert records(out) == [chat(user("hi"), assistant("hello"))]


# --- preference --------------------------------------------------------------------------------


def pair(prompt: list[dict[str, Any]], chosen: str, rejected: str) -> dict[str, Any]:
    return {
        "input": {"messages": prompt},
        "preferred_output": [assistant(chosen)],
        "non_preferred_output": [assistant(rejected)],
    }


def test_preference_shapes() -> None:
    out, converter = convert(DATA / "preference.jsonl")
    assert converter.layout is not None and converter.layout.kind == "preference"
    assert records(out) == [
        pair(
            [user("Summarise: the cat sat on the mat.")], "A cat sat on a mat.", "Cats are mammals."
        ),
        pair([user("Sky colour?")], "Blue.", "Green."),
        pair([user("The sky is")], " blue.", " green."),
        pair([user("Sky colour?")], "Blue.", "Green."),
        pair([user("What is 2+2?")], "4.", "5."),
        ("rejected", "chosen and rejected answers are identical"),
        (
            "rejected",
            "chosen answer is assistant, user, assistant; a preference answer must be one assistant message",
        ),
    ]


@pytest.mark.skipif(not LLAMAFACTORY.is_dir(), reason="../shared corpora not present")
def test_llamafactory_sharegpt_dpo_pairs() -> None:
    out, _ = convert(LLAMAFACTORY / "dpo_en_demo.json")
    source = json.loads((LLAMAFACTORY / "dpo_en_demo.json").read_text(encoding="utf-8"))
    assert all(isinstance(o, Converted) for o in out) and len(out) == len(source) == 300
    first = out[0].record  # type: ignore[union-attr]
    assert first["input"]["messages"] == [user(source[0]["conversations"][0]["value"])]
    assert first["preferred_output"] == [assistant(source[0]["chosen"]["value"])]
    assert first["non_preferred_output"] == [assistant(source[0]["rejected"]["value"])]


def test_alpaca_preference_and_system_option() -> None:
    rows = [
        {"instruction": "Add", "input": "2+2", "chosen": "4", "rejected": "5", "system": "Math."}
    ]
    out, _ = convert(rows, system="ignored: the record has its own")
    assert records(out) == [
        {
            "input": {"messages": [system("Math."), user("Add\n2+2")]},
            "preferred_output": [assistant("4")],
            "non_preferred_output": [assistant("5")],
        }
    ]


# --- mapped ------------------------------------------------------------------------------------


def test_mapped_columns_system_column_and_template() -> None:
    rows = [
        {"text": "Loved it", "label": "positive", "persona": "Be terse."},
        {"text": "Meh", "label": "neutral", "persona": ""},
        {"text": "Awful", "label": "", "persona": "x"},
    ]
    out, _ = convert(
        rows,
        mapping=parse_mapping(["assistant=label"]),
        template="Review: {text}\nSentiment?",
        system_column="persona",
        system="Default.",
    )
    assert records(out) == [
        chat(system("Be terse."), user("Review: Loved it\nSentiment?"), assistant("positive")),
        chat(system("Default."), user("Review: Meh\nSentiment?"), assistant("neutral")),
        ("rejected", "column 'label' is empty"),
    ]


def test_mapped_multi_turn_and_system_by_map() -> None:
    rows = [{"q1": "a?", "a1": "A", "q2": "b?", "a2": "B", "sys": "S"}]
    mapping = parse_mapping(["system=sys", "user=q1", "assistant=a1", "user=q2", "assistant=a2"])
    out, _ = convert(rows, mapping=mapping)
    assert records(out) == [
        chat(system("S"), user("a?"), assistant("A"), user("b?"), assistant("B"))
    ]


def test_template_braces_and_odd_column_names() -> None:
    rows = [{"Review Text": "ok", "a.b": "1", "answer": "fine"}]
    out, _ = convert(
        rows, mapping=(("assistant", "answer"),), template="{{json}} {Review Text} / {a.b}"
    )
    assert records(out) == [chat(user("{json} ok / 1"), assistant("fine"))]


def test_missing_column_is_an_exit_2_error_with_columns_and_closest_match() -> None:
    with pytest.raises(FtprepError) as error:
        convert(DATA / "qa.csv", mapping=parse_mapping(["user=question", "assistant=answr"]))
    assert error.value.exit_code == 2
    assert (
        error.value.message
        == "--map assistant=answr: no column 'answr'; the source has: answer, question"
    )
    assert error.value.hint == "did you mean 'answer'?"
    with pytest.raises(FtprepError, match="--template: no column 'txt'"):
        convert([{"text": "a", "b": "c"}], mapping=(("assistant", "b"),), template="{txt}")
    with pytest.raises(FtprepError, match="--system-column: no column 'sys'"):
        convert(DATA / "alpaca.json", system_column="sys")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mapping": (("assistant", "a"),)}, "no user turn"),
        ({"mapping": (("user", "q"),)}, "no assistant turn"),
        (
            {"mapping": (("user", "q"), ("assistant", "a")), "template": "{q}"},
            "--template writes the user turn",
        ),
        ({"mapping": (("assistant", "a"),), "template": "oops {"}, "unmatched or empty brace"),
        ({"mapping": (("assistant", "a"),), "template": "{ }"}, "unmatched or empty brace"),
    ],
)
def test_mapped_option_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(FtprepError, match=message):
        convert([{"q": "x", "a": "y"}], **options)


@pytest.mark.parametrize("item", ["user", "user=", "bot=answer"])
def test_parse_mapping_errors(item: str) -> None:
    with pytest.raises(FtprepError, match="--map"):
        parse_mapping([item])


def test_question_answer_csv_is_mapped_automatically_with_a_note() -> None:
    out, converter = convert(DATA / "qa.csv")
    assert converter.layout is not None and converter.layout.name == "mapped"
    assert converter.layout.notes == ["mapped columns 'question' -> user, 'answer' -> assistant"]
    assert records(out)[1] == chat(
        user('How do I write "hello" in Python?'), assistant('Use print:\n\nprint("hello")')
    )


def test_mapped_row_missing_a_key_is_rejected() -> None:
    out, _ = convert(
        [{"q": "x", "a": "y"}, {"q": "only"}], mapping=parse_mapping(["user=q", "assistant=a"])
    )
    assert records(out)[1] == ("rejected", "record has no 'a'")


# --- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"prompt", "completion"}, "prompt-completion"),
        ({"instruction", "input", "output", "system", "history"}, "alpaca"),
        ({"conversations", "tools", "system"}, "sharegpt"),
        ({"messages", "tools"}, "messages"),
        ({"messages", "label"}, "messages"),
        ({"prompt", "chosen", "rejected"}, "preference"),
        ({"conversations", "chosen", "rejected"}, "preference"),
        ({"instruction", "input", "chosen", "rejected"}, "preference"),
        ({"chosen", "rejected"}, "preference"),
        ({"chosen_messages", "rejected_messages"}, "preference"),
        ({"input", "preferred_output", "non_preferred_output"}, "preference"),
        ({"Question", "Answer", "id"}, "mapped"),
    ],
)
def test_detection(fields: set[str], name: str) -> None:
    assert detect_layout(fields).name == name


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"messages", "conversations"}, r"more than one layout \(messages and sharegpt\)"),
        ({"instruction", "output", "prompt", "completion"}, "more than one layout"),
        ({"text"}, "only 'text'"),
        ({"foo", "bar"}, "cannot tell the layout from the fields: bar, foo"),
        (
            {"question", "answer", "query", "response"},
            "cannot tell the layout",
        ),  # two pairs: no guess
    ],
)
def test_detection_errors(fields: set[str], message: str) -> None:
    with pytest.raises(FtprepError, match=message):
        detect_layout(fields)


def test_from_overrides_detection_and_takes_aliases() -> None:
    assert layout_class("openai").name == "messages"
    assert layout_class("DPO").name == "preference"
    out, converter = convert(
        [{"messages": [user("a"), assistant("b")], "conversations": "x"}], name="openai"
    )
    assert converter.layout is not None and records(out) == [chat(user("a"), assistant("b"))]
    with pytest.raises(FtprepError, match="unknown layout 'sharegtp'") as error:
        layout_class("sharegtp")
    assert error.value.hint == "did you mean 'sharegpt'?"
    with pytest.raises(FtprepError, match="--map and --template apply to the mapped layout"):
        convert([{"q": "x"}], name="alpaca", mapping=(("user", "q"),))


def test_converter_keeps_order_and_passes_reader_rejects_through() -> None:
    rejected = Rejected(Origin("mem", 2), "row has 3 fields where the header has 2 (line 3)")
    items: list[SourceRecord | Rejected] = [
        SourceRecord(Origin("mem", 1), {"question": "a", "answer": "b"}),
        rejected,
        *[
            SourceRecord(Origin("mem", i), {"question": f"q{i}", "answer": f"a{i}"})
            for i in range(3, 8)
        ],
    ]
    converter = RecordConverter(ConvertOptions(sample_size=2))
    out = list(converter(items))
    assert [o.origin.row for o in out] == list(range(1, 8))
    assert out[1] is rejected
    assert all(isinstance(o, Converted) for i, o in enumerate(out) if i != 1)


def test_empty_source_converts_to_nothing() -> None:
    assert list(RecordConverter(ConvertOptions())(iter(()))) == []


# --- hostile records: every layout answers, none raises ------------------------------------------

HOSTILE: list[Any] = [
    None,
    0,
    -1.5,
    float("nan"),
    True,
    "",
    " ",
    "x",
    [],
    [None],
    [1, 2],
    {},
    {"a": None},
    [{"role": 1}],
    [{"from": "gpt"}],
    [{"role": "user", "content": {"x": 1}}],
    '{"broken": ',
    "[1, 2]",
    [["q"]],
    [["q", None]],
    {"messages": 3},
]
KEYS = [
    "prompt",
    "completion",
    "instruction",
    "input",
    "output",
    "system",
    "history",
    "conversations",
    "messages",
    "tools",
    "chosen",
    "rejected",
    "label",
    "preferred_output",
    "non_preferred_output",
    "chosen_messages",
    "rejected_messages",
    "functions",
    "images",
    "q",
    "a",
]


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_hostile_values_are_rejected_never_raised(name: str) -> None:
    options = (
        ConvertOptions(mapping=(("user", "q"), ("assistant", "a")))
        if name == "mapped"
        else ConvertOptions()
    )
    layout = make_layout([], options, name)
    for value in HOSTILE:
        for key in KEYS:
            fields = {k: value for k in KEYS if k != key}
            for record in ({key: value}, fields, {**fields, key: "text"}):
                result = layout.convert(SourceRecord(Origin("mem", 1), record))
                assert isinstance(result, Converted | Rejected)
                if isinstance(result, Converted):
                    orjson.dumps(result.record)  # always writable


# --- real files: convert, then lint with the default rules -----------------------------------------


@pytest.mark.skipif(not LLAMAFACTORY.is_dir(), reason="../shared corpora not present")
@pytest.mark.parametrize(
    ("name", "layout", "written"),
    [
        ("alpaca_en_demo.json", "alpaca", 999),
        ("identity.json", "alpaca", 91),
        ("glaive_toolcall_en_demo.json", "sharegpt", 300),
        ("dpo_en_demo.json", "preference", 300),
        ("kto_en_demo.json", "messages", 150),
        ("v1_sft_demo.jsonl", "messages", 500),
    ],
)
def test_llamafactory_files_convert_and_lint_without_errors(
    tmp_path: Path, name: str, layout: str, written: int
) -> None:
    out, converter = convert(LLAMAFACTORY / name)
    assert converter.layout is not None and converter.layout.name == layout
    converted = [o for o in out if isinstance(o, Converted)]
    assert len(converted) == written
    assert all("labelled undesirable" in o.reason for o in out if isinstance(o, Rejected))
    path = tmp_path / "out.jsonl"
    path.write_bytes(b"".join(orjson.dumps(o.record) + b"\n" for o in converted))
    diagnostics, _ = run_engine(path)
    errors = [
        f"{d.location.line} {d.code} {d.message}"
        for d in diagnostics
        if d.severity is Severity.ERROR
    ]
    assert errors == []


# name -> (examples written, source units read): an empty output must not pass as "no errors".
FIXTURE_COUNTS = {
    "sentiment.jsonl": (4, 4),
    "legacy_separators.jsonl": (3, 3),
    "alpaca.json": (3, 4),
    "sharegpt.json": (2, 4),
    "openai_chat.jsonl": (5, 6),
    "trl_prompt_completion.jsonl": (3, 4),
    "preference.jsonl": (5, 7),
    "qa.csv": (4, 4),
}


def test_fixtures_convert_and_lint_without_errors(tmp_path: Path) -> None:
    for name, (written, read) in FIXTURE_COUNTS.items():
        out, _ = convert(DATA / name)
        assert (sum(isinstance(o, Converted) for o in out), len(out)) == (written, read), name
        path = tmp_path / f"{name}.jsonl"
        path.write_bytes(
            b"".join(orjson.dumps(o.record) + b"\n" for o in out if isinstance(o, Converted))
        )
        diagnostics, _ = run_engine(path)
        errors = [
            f"{name}:{d.location.line} {d.code} {d.message}"
            for d in diagnostics
            if d.severity is Severity.ERROR and d.location.line
        ]  # not "too few examples"
        assert errors == []


def test_mapped_columns_are_checked_against_every_sampled_record() -> None:
    rows = [{"q": "first has no answer key"}, {"q": "x", "a": "y"}]
    out, _ = convert(rows, mapping=parse_mapping(["user=q", "assistant=a"]))
    assert records(out) == [("rejected", "record has no 'a'"), chat(user("x"), assistant("y"))]


def _resolve(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (RFC 6901) in `document`; KeyError/IndexError if absent."""
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        document = document[int(token)] if isinstance(document, list) else document[token]
    return document


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"conversations": [{"from": "human", "value": "  "}, {"from": "gpt", "value": "a"}]},
         "/conversations/0/value is empty"),
        ({"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": 3}]},
         "/conversations/1/value is a number, not text"),
        ({"conversations": [{"from": "human", "value": "q"},
                            {"from": "function_call", "value": '{"arguments": {}}'}]},
         "/conversations/1/value has no function name"),
        ({"conversations": [{"from": "human", "value": "q"}, {"from": "CHARACTER", "value": "a"}]},
         ("/conversations/1/from: unknown role 'CHARACTER' (known: user, assistant, system, "
          "tool (or human, gpt, function_call, observation))")),
        ({"conversations": [{"from": "human", "value": [{"type": "text", "text": "q"},
                                                        {"type": "audio"}]},
                            {"from": "gpt", "value": "a"}]},
         "/conversations/0/value/1: 'audio' content parts cannot be written to chat fine-tuning data"),
        # LLaMA-Factory v1: the tool call part is taken out, the reasoning part keeps its index
        ({"messages": [{"role": "user", "content": "q"},
                       {"role": "assistant", "content": [
                           {"type": "tool_call", "value": '{"name": "f", "arguments": {}}'},
                           {"type": "reasoning", "value": "think"}]}]},
         "/messages/1/content/1: 'reasoning' content parts cannot be written to chat fine-tuning data"),
        ({"messages": [{"role": "user", "content": "q"},
                       {"role": "assistant", "function_call": {"arguments": "{}"}}]},
         "/messages/1/function_call has no function name"),
    ],
)
def test_reject_pointers_point_into_the_source(fields: dict[str, Any], reason: str) -> None:
    out, _converter = convert([fields])
    assert records(out) == [("rejected", reason)]
    pointer = reason.split(" ", 1)[0].rstrip(":")
    _resolve(fields, pointer)  # raises if the pointer names a key the source does not have
