"""`ftprep convert` end to end: accounting, determinism, atomic output, and lint-clean results."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import pytest

from tests.helpers import CORPORA
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[2]
TABULAR = ROOT / "tests" / "data" / "tabular"
CHATLOGS = ROOT / "tests" / "data" / "chatlogs"


def convert(tmp_path: Path, *args: str) -> tuple[int, dict, Path, Path]:
    out = tmp_path / "out.jsonl"
    rejects = tmp_path / "rejects.jsonl"
    code, _stdout, err = run(
        "convert", *args, "-o", str(out), "--rejects", str(rejects), "--summary-format", "json"
    )
    documents = [line for line in err.splitlines() if line.startswith("{")]
    summary = json.loads(documents[-1]) if documents else {"error": err}
    return code, summary, out, rejects


def lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def assert_balanced(summary: dict, out: Path, rejects: Path) -> None:
    assert summary["balanced"]
    for unit, read in summary["read"].items():
        assert read == (summary["written"].get(unit, 0) + summary["rejected"].get(unit, 0)
                        + summary["skipped"].get(unit, 0))
    assert sum(summary["skipped"].values()) == sum(summary["skip_reasons"].values())
    assert (len(lines(out)) if out.exists() else 0) == summary["examples"]
    rejected = lines(rejects) if rejects.exists() else []
    assert sum(r.get("units", 1) for r in rejected) == sum(summary["reasons"].values())
    assert sum(summary["rejected"].values()) == sum(summary["reasons"].values())


def lints_clean(path: Path) -> None:
    code, out, err = run("lint", str(path), "--isolated", "--select", "FT0,FT1", "--fail-on", "error")
    assert code == 0, out + err


def test_seed_sentiment_file_becomes_clean_chat(tmp_path: Path) -> None:
    system = "Classify the sentiment of the review as Positive, Negative or Neutral."
    code, summary, out, rejects = convert(
        tmp_path, str(ROOT / "sample_data" / "sentiment_prompt_completion.jsonl"), "--system", system
    )
    assert code == 0
    assert_balanced(summary, out, rejects)
    records = lines(out)
    assert len(records) == 30
    first = records[0]["messages"]
    assert [m["role"] for m in first] == ["system", "user", "assistant"]
    assert first[0]["content"] == system
    assert first[2]["content"] in {"Positive", "Negative", "Neutral"}  # leading space gone
    assert first[1]["content"].startswith("Review: ")
    lints_clean(out)


def test_csv_with_malformed_rows_rejects_each_with_its_row(tmp_path: Path) -> None:
    code, summary, out, rejects = convert(
        tmp_path, str(TABULAR / "malformed.csv"), "--map", "user=question", "--map", "assistant=answer"
    )
    assert code == 0
    assert_balanced(summary, out, rejects)
    rejected = lines(rejects)
    assert rejected and all(r["origin"]["path"].endswith("malformed.csv") for r in rejected)
    assert all(r["reason"] for r in rejected)
    lints_clean(out)


def test_missing_mapped_column_is_exit_2_with_the_columns(tmp_path: Path) -> None:
    code, summary, _out, _rejects = convert(
        tmp_path, str(TABULAR / "qa.csv"), "--map", "user=questoin", "--map", "assistant=answer"
    )
    assert code == 2
    assert "question" in summary["error"]


def test_output_is_byte_identical_on_a_rerun(tmp_path: Path) -> None:
    first = tmp_path / "a"
    second = tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for folder in (first, second):
        convert(folder, str(TABULAR / "qa.csv"), "--system", "Answer briefly.")
    assert (first / "out.jsonl").read_bytes() == (second / "out.jsonl").read_bytes()
    assert (first / "rejects.jsonl").read_bytes() == (second / "rejects.jsonl").read_bytes()
    data = (first / "out.jsonl").read_bytes()
    assert data.endswith(b"\n") and b"\r" not in data


def test_a_failed_run_leaves_the_old_output_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    code, _o, _e = run("convert", str(TABULAR / "qa.csv"), "--map", "user=nope", "-o", str(out))
    assert code == 2
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_empty_file_is_a_failure_that_writes_no_output(tmp_path: Path) -> None:
    code, summary, out, _rejects = convert(tmp_path, str(TABULAR / "empty.csv"))
    assert code == 1
    assert summary["examples"] == 0 and not out.exists()


# LLaMA-Factory's mllm_demo.json shape: chat messages whose images are local files.
LOCAL_IMAGES = [
    {"messages": [{"content": "<image>Who are they?", "role": "user"},
                  {"content": "Two players.", "role": "assistant"}],
     "images": ["mllm_demo_data/1.jpg"]},
    {"messages": [{"content": "<image>What is this?", "role": "user"},
                  {"content": "A cat.", "role": "assistant"}],
     "images": ["mllm_demo_data/2.jpg"]},
]


def test_all_rejected_exits_1_keeps_the_old_output_and_writes_the_rejects(tmp_path: Path) -> None:
    source = tmp_path / "mllm.json"
    source.write_text(json.dumps(LOCAL_IMAGES), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    rejects = tmp_path / "rejects.jsonl"
    code, stdout, err = run("convert", str(source), "-o", str(out), "--rejects", str(rejects))
    assert code == 1
    assert out.read_text() == "previous\n"  # not replaced by an empty file
    assert len(lines(rejects)) == 2  # the reasons are what the user needs now
    assert "read 2 items: 0 written + 2 rejected" in err
    assert f"ftprep: error: no examples written: all 2 items read were rejected; {out} was not " \
           "written (the existing file is unchanged)" in err
    assert "2  /images lists local image files, which chat JSONL cannot carry" in err
    assert f"{rejects} holds each record with its reason" in err
    assert stdout == ""
    assert "wrote 0" not in err  # no line claims a write that did not happen
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mllm.json", "out.jsonl", "rejects.jsonl"]


def test_all_rejected_to_stdout_exits_1_with_nothing_on_stdout(tmp_path: Path) -> None:
    source = tmp_path / "mllm.json"
    source.write_text(json.dumps(LOCAL_IMAGES), encoding="utf-8")
    code, stdout, err = run("convert", str(source))
    assert code == 1 and stdout == ""
    assert "no examples written" in err and "pass --rejects FILE to keep each record" in err


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
@pytest.mark.parametrize(("name", "read"), [("mllm_demo.json", "6 items"),
                                            ("reason_tool_use_demo_50.jsonl", "50 lines")])
def test_real_files_that_give_no_example_exit_1_without_output(
    tmp_path: Path, name: str, read: str
) -> None:
    code, summary, out, rejects = convert(tmp_path, str(CORPORA / "llamafactory" / name))
    assert code == 1
    assert summary["examples"] == 0 and not out.exists()
    assert sum(summary["rejected"].values()) == int(read.split()[0]) == len(lines(rejects))
    expected = {"mllm_demo.json": "/images lists local image files, which chat JSONL cannot carry",
                "reason_tool_use_demo_50.jsonl": "/messages/2/content/0: 'reasoning' content parts "
                                                 "cannot be written to chat fine-tuning data"}
    assert summary["reasons"] == {expected[name]: int(read.split()[0])}


def test_fail_on_reject_sets_exit_1(tmp_path: Path) -> None:
    code, _o, _e = run(
        "convert", str(TABULAR / "malformed.csv"), "--map", "user=question", "--map", "assistant=answer",
        "-o", str(tmp_path / "o.jsonl"), "--fail-on-reject",
    )
    assert code == 1


def test_chat_log_requires_an_assistant_and_lists_speakers(tmp_path: Path) -> None:
    whatsapp = sorted((CHATLOGS / "whatsapp").glob("*.txt"))[0]
    code, _o, err = run("convert", str(whatsapp), "-o", str(tmp_path / "o.jsonl"))
    assert code == 2
    assert "--assistant" in err and "speakers seen" in err


def test_chat_log_accounting_is_in_messages(tmp_path: Path) -> None:
    whatsapp = CHATLOGS / "whatsapp" / "android_ddmmyy.txt"
    code, summary, out, rejects = convert(tmp_path, str(whatsapp), "--assistant", "Alice", "--gap", "1d")
    assert code == 0
    assert set(summary["read"]) == {"message"}
    assert_balanced(summary, out, rejects)
    assert summary["examples"] == 2
    lints_clean(out)


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
@pytest.mark.parametrize(
    "name", ["alpaca_en_demo.json", "glaive_toolcall_en_demo.json", "dpo_en_demo.json", "identity.json"]
)
def test_llamafactory_demos_convert_and_lint_clean(tmp_path: Path, name: str) -> None:
    code, summary, out, rejects = convert(tmp_path, str(CORPORA / "llamafactory" / name))
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["examples"] > 0
    lints_clean(out)


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
def test_real_slack_export_converts_with_gap_split(tmp_path: Path) -> None:
    code, summary, out, rejects = convert(
        tmp_path, str(CORPORA / "slack-export-viewer" / "testarchive.zip"), "--assistant", "hamza",
        "--gap", "1d",
    )
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["examples"] >= 1
    lints_clean(out)


def test_self_check_rejects_an_example_the_schema_rules_refuse() -> None:
    """Whatever a layout builds, an example that lint would call an error is never written."""
    import io

    from ftprep.convert.model import Converted
    from ftprep.convert.output import write_outcomes
    from ftprep.convert.summary import ConvertSummary
    from ftprep.model.sources import Origin

    good = {"messages": [{"role": "user", "content": "Capital of France?"},
                         {"role": "assistant", "content": "Paris."}]}
    bad = {"messages": [{"role": "user", "content": "Capital of France?"}]}
    row = {"question": "Capital of France?", "answer": ""}
    out, rejects, summary = io.BytesIO(), io.BytesIO(), ConvertSummary()
    outcomes = [Converted(Origin("src.csv", 1), good), Converted(Origin("src.csv", 2), bad, source=row)]
    write_outcomes(outcomes, out, rejects, summary, "out.jsonl")
    assert out.getvalue().count(b"\n") == 1
    rejected = orjson.loads(rejects.getvalue())
    assert rejected["origin"]["row"] == 2
    assert rejected["reason"].startswith("invalid example: FT106")
    assert rejected["source"] == row  # the row as read, not the example built from it
    assert summary.balanced and summary.read["row"] == 2


def test_unknown_assistant_name_is_exit_2_and_leaves_no_output(tmp_path: Path) -> None:
    whatsapp = sorted((CHATLOGS / "whatsapp").glob("*.txt"))[0]
    out = tmp_path / "out.jsonl"
    code, _o, err = run("convert", str(whatsapp), "--assistant", "Nobody Here", "-o", str(out),
                        "--rejects", str(tmp_path / "r.jsonl"))
    assert code == 2
    assert "no messages from Nobody Here" in err and "speakers seen" in err
    assert list(tmp_path.iterdir()) == []


def test_chat_and_preference_sources_into_one_file_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    rejects = tmp_path / "rejects.jsonl"
    code, _stdout, err = run("convert", str(TABULAR / "qa.csv"), str(TABULAR / "preference.jsonl"),
                             "-o", str(out), "--rejects", str(rejects))
    assert code == 2
    assert (f"chat examples (first from {TABULAR / 'qa.csv'}, row 1) and preference examples "
            f"(first from {TABULAR / 'preference.jsonl'}, line 1) cannot share one file") in err
    assert "FT123" in err and "-o preference.jsonl" in err
    assert out.read_text() == "previous\n" and not rejects.exists()


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
def test_real_sft_and_dpo_demos_are_not_mixed(tmp_path: Path) -> None:
    demos = CORPORA / "llamafactory"
    code, summary, out, _rejects = convert(tmp_path, str(demos / "identity.json"), str(demos / "dpo_en_demo.json"))
    assert code == 2 and "cannot share one file" in summary["error"]
    assert not out.exists()
    # each on its own converts and lints clean
    for name in ("identity.json", "dpo_en_demo.json"):
        code, summary, out, _rejects = convert(tmp_path, str(demos / name))
        assert code == 0 and len(summary["formats"]) == 1
        lints_clean(out)


def test_whatsapp_answer_written_before_the_clock_went_back_stays_an_answer(tmp_path: Path) -> None:
    code, summary, out, rejects = convert(tmp_path, str(CHATLOGS / "whatsapp" / "clock_back.txt"),
                                          "--assistant", "Ann", "--gap", "1h")
    assert code == 0
    assert_balanced(summary, out, rejects)
    (example,) = lines(out)
    assert [(m["role"], m["content"]) for m in example["messages"]] == [
        ("user", "Are you still up?"), ("assistant", "Yes, the clocks just went back an hour"),
        ("user", "So it is 2am twice tonight"), ("assistant", "Exactly, sleep well")]


def test_reject_reasons_on_stderr_are_shown_in_full(tmp_path: Path) -> None:
    reasoning = {"role": "assistant", "content": [{"type": "reasoning", "value": "think"},
                                                  {"type": "text", "value": "hello"}]}
    records = [
        {"messages": [{"role": "user", "content": "hi"}, reasoning]},
        {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}, reasoning]},
        {"messages": [{"role": "user", "content": "only a question"}]},
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
    ]
    source = tmp_path / "v1.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, _stdout, err = run("convert", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert code == 0
    assert ("      2  /messages/*/content/0: 'reasoning' content parts cannot be written to chat "
            "fine-tuning data\n") in err
    assert "      1  invalid example: FT106 no assistant message among 1 message\n" in err


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
@pytest.mark.parametrize(
    ("source", "assistant", "read", "skipped"),
    [
        ("realworld/dce/general_37fee35.json", "Adam", 35,
         {"GuildMemberJoin event": 3, "ThreadCreated event": 1,
          "message without text (attachment only)": 2, "message without text (sticker only)": 1}),
        ("slack-export-viewer/testarchive.zip", "hamza", 158,
         {"channel_join event": 8, "bot_add event": 3, "file_comment event": 1}),
    ],
)
def test_real_chat_logs_account_for_every_message(
    tmp_path: Path, source: str, assistant: str, read: int, skipped: dict[str, int]
) -> None:
    code, summary, out, rejects = convert(tmp_path, str(CORPORA / source), "--assistant", assistant)
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["read"] == {"message": read}
    assert summary["skip_reasons"] == skipped
    code, _stdout, err = run("convert", str(CORPORA / source), "--assistant", assistant,
                             "-o", str(tmp_path / "text.jsonl"))
    written, rejected = summary["written"]["message"], summary["rejected"].get("message", 0)
    assert (f"read {read} messages: {written} written + {rejected} rejected + "
            f"{sum(skipped.values())} skipped\n") in err
    assert "skipped (not training text):\n" in err


def test_blank_rows_are_counted_as_skipped(tmp_path: Path) -> None:
    code, summary, out, rejects = convert(
        tmp_path, str(TABULAR / "malformed.csv"), "--map", "user=question", "--map", "assistant=answer"
    )
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["skipped"] == {"row": 2} and summary["skip_reasons"] == {"blank row": 2}


def whatsapp_chat(path: Path, hours: list[float]) -> Path:
    """A two-person WhatsApp export: Bob asks, Ann answers, at these hours after 1 May 2024 09:00."""
    start = datetime(2024, 5, 1, 9, 0)
    rows = []
    for i, hour in enumerate(hours):
        when = start + timedelta(hours=hour)
        speaker, text = ("Bob", f"question {i // 2}") if i % 2 == 0 else ("Ann", f"answer {i // 2}")
        rows.append(f"{when:%d/%m/%y, %H:%M} - {speaker}: {text}\n")
    path.write_text("".join(rows), encoding="utf-8")
    return path


def test_chat_logs_split_at_a_six_hour_silence_by_default(tmp_path: Path) -> None:
    # answered 3 hours later: still one exchange; the next question comes after a night
    chat = whatsapp_chat(tmp_path / "chat.txt", [0, 3, 20, 20.5])
    code, summary, out, rejects = convert(tmp_path, str(chat), "--assistant", "Ann")
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert [[m["content"] for m in r["messages"]] for r in lines(out)] == [
        ["question 0", "answer 0"], ["question 1", "answer 1"]]
    assert summary["inputs"][0]["notes"] == ["assistant: Ann", "gap: 6h (default; change with --gap)"]
    code, summary, out, _rejects = convert(tmp_path, str(chat), "--assistant", "Ann", "--gap", "none")
    assert code == 0 and summary["examples"] == 1
    assert summary["inputs"][0]["notes"][1] == "gap: none"


def test_an_example_spanning_days_is_warned_about(tmp_path: Path) -> None:
    chat = whatsapp_chat(tmp_path / "chat.txt", [0, 5, 10, 15, 20, 25, 30, 35])  # never 6h apart
    code, summary, _out, _rejects = convert(tmp_path, str(chat), "--assistant", "Ann")
    assert code == 0 and summary["examples"] == 1
    assert summary["warnings"] == [
        (f"1 example spans more than a day (the longest, 35 hours, starts at {chat}, message 1, "
         "conversation chat); a shorter --gap splits them")]
    code, _stdout, err = run("convert", str(chat), "--assistant", "Ann", "-o", str(tmp_path / "o.jsonl"))
    assert "warning: 1 example spans more than a day (the longest, 35 hours," in err


def test_examples_over_the_models_token_limit_are_rejected(tmp_path: Path) -> None:
    source = tmp_path / "long.jsonl"
    long_text = "word " * 34_000  # over gpt-4.1-nano's 32,768 tokens
    records = [{"messages": [{"role": "user", "content": long_text}, {"role": "assistant", "content": "ok"}]},
               {"messages": [{"role": "user", "content": "short"}, {"role": "assistant", "content": "ok"}]}]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, summary, out, rejects = convert(tmp_path, str(source))
    assert code == 0 and summary["examples"] == 2  # no model named: no limit to check
    code, summary, out, rejects = convert(tmp_path, str(source), "--model", "gpt-4.1-nano")
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["examples"] == 1
    (reason,) = summary["reasons"]
    assert reason.startswith("invalid example: FT201 example has 34,0")
    assert reason.endswith("over the 32,768 limit of gpt-4.1-nano-2025-04-14")
    assert summary["warnings"] == [("1 example was rejected for the model's per-example token "
                                    "limit; for chat logs, a shorter --gap splits them")]
    code, _o, err = run("lint", str(out), "--isolated", "--model", "gpt-4.1-nano", "--select", "FT1,FT201")
    assert code == 0, err


def test_chatgpt_conversations_are_not_split_by_time(tmp_path: Path) -> None:
    def node(node_id: str, role: str, text: str, when: int, parent: str | None, child: str | None) -> dict:
        return {"id": node_id, "parent": parent, "children": [child] if child else [],
                "message": {"author": {"role": role}, "create_time": when,
                            "content": {"content_type": "text", "parts": [text]}}}
    day = 86_400
    mapping = {"a": node("a", "user", "q1", 0, None, "b"), "b": node("b", "assistant", "a1", 60, "a", "c"),
               "c": node("c", "user", "q2", 3 * day, "b", "d"), "d": node("d", "assistant", "a2", 3 * day, "c", None)}
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps([{"id": "c1", "title": "t", "current_node": "d", "mapping": mapping}]))
    code, summary, out, _rejects = convert(tmp_path, str(export))
    assert code == 0
    assert [len(r["messages"]) for r in lines(out)] == [4]  # the user came back three days later
    assert summary["warnings"] == [] and summary["inputs"][0]["notes"][1].startswith("gap: none")


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
def test_whatstk_lorem_2000_is_no_longer_one_giant_example(tmp_path: Path) -> None:
    chat = CORPORA / "realworld" / "whatstk" / "lorem-2000.txt"
    code, summary, out, rejects = convert(tmp_path, str(chat), "--assistant", "John")
    assert code == 0
    assert_balanced(summary, out, rejects)
    assert summary["examples"] == 132
    assert max(len(r["messages"]) for r in lines(out)) < 30
    code, summary, out, _rejects = convert(tmp_path, str(chat), "--assistant", "John", "--gap", "none")
    assert summary["examples"] == 1
    assert "(the longest, 14 months," in summary["warnings"][0]
    code, summary, _out, _rejects = convert(tmp_path, str(chat), "--assistant", "John", "--gap", "none",
                                           "--model", "gpt-4.1-nano")
    assert code == 1 and summary["examples"] == 0
    assert any("FT201" in reason and "gpt-4.1-nano-2025-04-14" in reason for reason in summary["reasons"])


def test_self_check_rejects_keep_the_source_record_as_read(tmp_path: Path) -> None:
    source = tmp_path / "chat.jsonl"
    record = {"id": "r1", "messages": [{"role": "user", "content": "hi", "lang": "en"}]}
    source.write_text(json.dumps(record) + "\n" + json.dumps(
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}) + "\n")
    code, _summary, _out, rejects = convert(tmp_path, str(source))
    assert code == 0
    (rejected,) = lines(rejects)
    assert rejected["reason"].startswith("invalid example: FT106")
    assert rejected["source"] == record  # with its id and the message's extra key


def test_a_refused_chat_log_example_rejects_each_message_as_read(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("01/05/24, 09:00 - Bob: " + "word " * 34_000 + "\n01/05/24, 09:01 - Ann: ok\n"
                    "01/05/24, 09:02 - Bob: thanks\n01/05/24, 09:03 - Ann: welcome\n", encoding="utf-8")
    code, summary, out, rejects = convert(tmp_path, str(chat), "--assistant", "Ann", "--model",
                                          "gpt-4.1-nano")
    assert code == 1
    assert_balanced(summary, out, rejects)
    rejected = lines(rejects)
    assert [(r["origin"]["message"], r["source"]["speaker"]) for r in rejected] == [
        (1, "Bob"), (2, "Ann"), (3, "Bob"), (4, "Ann")]
    assert rejected[3]["source"] == {"speaker": "Ann", "text": "welcome", "time": "2024-05-01T09:03:00"}
    assert all("FT201" in r["reason"] for r in rejected)


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
def test_whatsapp_group_chat_names_every_user_line(tmp_path: Path) -> None:
    chat = CORPORA / "realworld" / "whatstk" / "example-12h.txt"
    code, summary, out, rejects = convert(tmp_path, str(chat), "--assistant", "Misty")
    assert code == 0
    assert_balanced(summary, out, rejects)
    users = [m["content"] for r in lines(out) for m in r["messages"] if m["role"] == "user"]
    assert users and all(": " in line for text in users for line in text.split("\n"))
    assert users[0] == "Ash Ketchum: Hey guys!\nBrock: Hey Ash, good to have a common group!"
    assert "Ash Ketchum: Indeed. I think having a whatsapp group nowadays is a good idea" in users


@pytest.mark.parametrize("name", ["Grace", "grace.h"])
def test_discord_assistant_matches_nickname_or_account_name(tmp_path: Path, name: str) -> None:
    export = CHATLOGS / "discord" / "general.json"
    code, summary, out, rejects = convert(tmp_path, str(export), "--assistant", name)
    assert code == 0
    assert_balanced(summary, out, rejects)
    (example,) = lines(out)
    assert example["messages"][:2] == [
        {"role": "user", "content": "Ada: Is the meetup still on for Saturday?"},
        {"role": "assistant", "content": "Yes, 2pm at the library"}]


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
def test_real_discord_bot_is_found_by_its_account_name(tmp_path: Path) -> None:
    export = CORPORA / "realworld" / "dce" / "chill_talk.json"
    results = []
    for name in ("aLittleSpammyBot", "RICK NITRO"):  # the account name, the server nickname
        code, summary, _out, _rejects = convert(tmp_path, str(export), "--assistant", name)
        results.append((code, summary.get("written"), summary.get("rejected")))
    assert results[0] == results[1] and results[0][0] != 2


def test_a_single_rejected_unit_is_named_in_the_singular(tmp_path: Path) -> None:
    source = tmp_path / "one.json"
    source.write_text(json.dumps(LOCAL_IMAGES[:1]), encoding="utf-8")
    code, _stdout, err = run("convert", str(source), "-o", str(tmp_path / "out.jsonl"))
    assert code == 1
    assert "no examples written: the 1 item read was rejected;" in err
