"""`ftprep export`: each target's format (golden files), nothing lost, byte-identical re-runs,
the target's limits, and bad input as located messages.

Goldens live in tests/golden/export/ and are compared byte for byte; only
`FTPREP_UPDATE_GOLDEN=1 pytest tests/test_export.py` rewrites them (review the diff like code).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import struct
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftprep.cli._main import run as main_run

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "export"
DATA = HERE / "data" / "export"
UPDATE = os.environ.get("FTPREP_UPDATE_GOLDEN") == "1"
TARGETS = ("trl", "axolotl", "llamafactory", "vertex", "bedrock")
SIDE_FILES = {"axolotl": "out/train.axolotl.yaml", "llamafactory": "out/dataset_info.json"}


def run(cwd: Path, *args: str) -> tuple[int, str]:
    """The real entry point in `cwd`; returns the exit code and stderr (the summary)."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with CliRunner().isolation() as streams:
            code = main_run(list(args))
            sys.stderr.flush()
            err = streams[1].getvalue()
    finally:
        os.chdir(old)
    return code, err.decode()


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: write it with FTPREP_UPDATE_GOLDEN=1 and review it"
    assert data == path.read_bytes(), f"output differs from {path}"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    for name in ("mixed.jsonl", "val.jsonl"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "out").mkdir()
    return tmp_path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")
    return path


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("target", TARGETS)
def test_each_target_matches_its_golden_files(work: Path, target: str) -> None:
    code, err = run(work, "export", "mixed.jsonl", "--to", target, "-o", "out/train.jsonl",
                    "--validation", "val.jsonl")
    assert code == 0, err
    check_golden(f"{target}.train.jsonl", (work / "out/train.jsonl").read_bytes())
    check_golden(f"{target}.val.jsonl", (work / "out/train.val.jsonl").read_bytes())
    check_golden(f"{target}.rejects.jsonl", (work / "out/train.rejects.jsonl").read_bytes())
    check_golden(f"{target}.summary.txt", err.encode())
    if target in SIDE_FILES:
        side = work / SIDE_FILES[target]
        check_golden(f"{target}.{side.name}", side.read_bytes())


@pytest.mark.parametrize("target", TARGETS)
def test_every_record_is_written_or_rejected_with_its_line(work: Path, target: str) -> None:
    code, err = run(work, "export", "mixed.jsonl", "--to", target, "-o", "out/train.jsonl")
    assert code == 0, err
    records = [line for line in (work / "mixed.jsonl").read_text().splitlines() if line.strip()]
    written = (work / "out/train.jsonl").read_text().splitlines()
    rejects = lines(work / "out/train.rejects.jsonl")
    assert len(records) == len(written) + len(rejects)
    assert all(r["path"] == "mixed.jsonl" and r["reason"] and r["detail"] for r in rejects)
    assert {r["line"] for r in rejects} >= {10, 11, 12}  # bad JSON, an array, no known format
    assert f"{len(records)} records read, {len(written)} written" in err


@pytest.mark.parametrize("target", TARGETS)
def test_the_same_input_gives_byte_identical_output(work: Path, target: str) -> None:
    outputs = []
    for _ in range(2):
        run(work, "export", "mixed.jsonl", "--to", target, "-o", "out/train.jsonl",
            "--validation", "val.jsonl")
        outputs.append({p.name: p.read_bytes() for p in sorted((work / "out").iterdir())})
    assert outputs[0] == outputs[1]


def test_sharegpt_maps_roles_and_tools_as_llamafactory_documents(work: Path) -> None:
    run(work, "export", "mixed.jsonl", "--to", "llamafactory", "-o", "out/train.jsonl")
    rows = lines(work / "out/train.jsonl")
    assert rows[0]["system"] == "Classify sentiment."
    assert [t["from"] for t in rows[0]["conversations"]] == ["human", "gpt"]
    tool_row = next(r for r in rows if "tools" in r)
    assert [t["from"] for t in tool_row["conversations"]] == \
        ["human", "function_call", "observation", "gpt"]
    assert json.loads(tool_row["conversations"][1]["value"]) == \
        {"name": "get_weather", "arguments": {"city": "Paris"}}
    assert json.loads(tool_row["tools"])[0]["name"] == "get_weather"  # unwrapped, as the demo
    entry = json.loads((work / "out/dataset_info.json").read_text())["train"]
    assert entry["formatting"] == "sharegpt"
    assert entry["columns"] == {"messages": "conversations", "system": "system", "tools": "tools"}
    assert entry["tags"]["user_tag"] == "human" and entry["tags"]["assistant_tag"] == "gpt"


def test_dataset_info_is_merged_never_clobbered(work: Path) -> None:
    info = work / "out/dataset_info.json"
    info.write_text(json.dumps({"alpaca_en_demo": {"file_name": "alpaca_en_demo.json"}}))
    code, _ = run(work, "export", "mixed.jsonl", "--to", "llamafactory", "-o", "out/train.jsonl",
                  "--validation", "val.jsonl", "--name", "mine")
    assert code == 0
    merged = json.loads(info.read_text())
    assert list(merged) == ["alpaca_en_demo", "mine", "mine_val"]
    assert merged["alpaca_en_demo"] == {"file_name": "alpaca_en_demo.json"}
    assert merged["mine_val"]["file_name"] == "train.val.jsonl"
    # a dataset of the same name for another file is someone else's: refused, nothing written
    (work / "out/train.jsonl").unlink()
    code, err = run(work, "export", "mixed.jsonl", "--to", "llamafactory", "-o",
                    "out/train.jsonl", "--name", "alpaca_en_demo")
    assert code == 2 and "already has a dataset named 'alpaca_en_demo'" in err
    assert not (work / "out/train.jsonl").exists()
    assert json.loads(info.read_text()) == merged


PREFERENCE = {"input": {"messages": [{"role": "system", "content": "Be kind."},
                                     {"role": "user", "content": "Sky colour?"}]},
              "preferred_output": [{"role": "assistant", "content": "Blue."}],
              "non_preferred_output": [{"role": "assistant", "content": "Green."}]}


def test_preference_records_take_each_trainers_preference_layout(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "dpo.jsonl", [PREFERENCE])
    run(tmp_path, "export", "dpo.jsonl", "--to", "trl", "-o", "trl.jsonl")
    assert lines(tmp_path / "trl.jsonl") == [{
        "prompt": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Sky colour?"}],
        "chosen": [{"role": "assistant", "content": "Blue."}],
        "rejected": [{"role": "assistant", "content": "Green."}]}]
    run(tmp_path, "export", "dpo.jsonl", "--to", "axolotl", "-o", "ax.jsonl")
    assert lines(tmp_path / "ax.jsonl")[0]["chosen"] == {"role": "assistant", "content": "Blue."}
    snippet = (tmp_path / "ax.axolotl.yaml").read_text()
    assert "rl: dpo" in snippet and "type: chat_template.default" in snippet
    assert "field_chosen: chosen" in snippet
    run(tmp_path, "export", "dpo.jsonl", "--to", "llamafactory", "-o", "lf.jsonl")
    row = lines(tmp_path / "lf.jsonl")[0]
    assert row == {"conversations": [{"from": "human", "value": "Sky colour?"}],
                   "chosen": {"from": "gpt", "value": "Blue."},
                   "rejected": {"from": "gpt", "value": "Green."}, "system": "Be kind."}
    entry = json.loads((tmp_path / "dataset_info.json").read_text())["lf"]
    assert entry["ranking"] is True
    assert entry["columns"] == {"messages": "conversations", "chosen": "chosen",
                                "rejected": "rejected", "system": "system"}


def test_prompt_completion_and_text_records(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "pc.jsonl", [{"prompt": "2+2=", "completion": " 4"}])
    write_jsonl(tmp_path / "text.jsonl", [{"text": "A document."}])
    run(tmp_path, "export", "pc.jsonl", "--to", "trl", "-o", "a.jsonl")
    assert lines(tmp_path / "a.jsonl") == [{"prompt": "2+2=", "completion": " 4"}]
    run(tmp_path, "export", "pc.jsonl", "--to", "llamafactory", "-o", "b.jsonl")
    assert lines(tmp_path / "b.jsonl") == [{"instruction": "2+2=", "input": "", "output": " 4"}]
    assert json.loads((tmp_path / "dataset_info.json").read_text())["b"]["columns"] == \
        {"prompt": "instruction", "query": "input", "response": "output"}
    run(tmp_path, "export", "pc.jsonl", "--to", "axolotl", "-o", "c.jsonl")
    assert lines(tmp_path / "c.jsonl") == [{"segments": [{"label": False, "text": "2+2="},
                                                         {"label": True, "text": " 4"}]}]
    assert "type: input_output" in (tmp_path / "c.axolotl.yaml").read_text()
    run(tmp_path, "export", "text.jsonl", "--to", "trl", "-o", "d.jsonl")
    assert lines(tmp_path / "d.jsonl") == [{"text": "A document."}]
    code, err = run(tmp_path, "export", "text.jsonl", "--to", "vertex", "-o", "e.jsonl")
    assert code == 1 and "rejected unsupported: 1" in err


def _load(path: Path):  # type: ignore[no-untyped-def]
    datasets = pytest.importorskip("datasets")
    return datasets.load_dataset("json", data_files=str(path), split="train",
                                 cache_dir=str(path.parent / "hf-cache"))


@pytest.fixture
def offline_hf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))


def test_trl_output_loads_with_the_datasets_library(work: Path, offline_hf: None) -> None:
    run(work, "export", "mixed.jsonl", "--to", "trl", "-o", "out/train.jsonl")
    chat = _load(work / "out/train.jsonl")
    # language modeling, conversational; mixed.jsonl has an image, so the vision layout
    assert set(chat.column_names) == {"messages", "tools", "images"}
    assert chat[0]["messages"][0]["role"] == "system"
    assert chat[0]["images"] == [] and chat[3]["images"] == ["https://example.com/cat.jpg"]
    call = chat[2]["messages"][1]["tool_calls"][0]["function"]
    assert call["name"] == "get_weather" and call["arguments"]["city"] == "Paris"
    write_jsonl(work / "dpo.jsonl", [PREFERENCE])
    run(work, "export", "dpo.jsonl", "--to", "trl", "-o", "out/dpo.jsonl")
    assert _load(work / "out/dpo.jsonl").column_names == ["prompt", "chosen", "rejected"]
    write_jsonl(work / "pc.jsonl", [{"prompt": "2+2=", "completion": " 4"}])
    run(work, "export", "pc.jsonl", "--to", "trl", "-o", "out/pc.jsonl")
    assert _load(work / "out/pc.jsonl").column_names == ["prompt", "completion"]


def test_vertex_reports_an_example_over_the_models_token_limit(tmp_path: Path) -> None:
    long = " ".join(["word"] * 140_000)  # ~140k tokens > gemini-2.5-flash's 131,072
    write_jsonl(tmp_path / "t.jsonl", [
        {"messages": [{"role": "user", "content": long}, {"role": "assistant", "content": "ok"}]},
        {"messages": [{"role": "user", "content": "short"}, {"role": "assistant", "content": "ok"}]},
    ])
    code, err = run(tmp_path, "export", "t.jsonl", "--to", "vertex", "--model", "gemini-2.5-flash",
                    "-o", "v.jsonl")
    assert code == 0, err
    rejects = lines(tmp_path / "v.rejects.jsonl")
    assert [(r["line"], r["reason"]) for r in rejects] == [(1, "over-limit")]
    assert "131,072-token per-example limit of gemini-2.5-flash" in rejects[0]["detail"]
    assert "estimated with o200k_base" in rejects[0]["detail"]
    assert "token counts are estimates" in err


@pytest.mark.parametrize("target", ["vertex", "bedrock"])
def test_too_few_examples_is_a_problem(tmp_path: Path, target: str) -> None:
    write_jsonl(tmp_path / "t.jsonl", [PREFERENCE])
    code, err = run(tmp_path, "export", "t.jsonl", "--to", target, "-o", "v.jsonl")
    assert code == 1
    assert "problem: 0 training examples" in err and "needs at least 1" in err


CHAT = {"messages": [{"role": "system", "content": "Terse."}, {"role": "user", "content": "Hi"},
                     {"role": "assistant", "content": "Hello."}]}


def test_bedrock_schema_follows_the_model_family(tmp_path: Path) -> None:
    single = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}
    write_jsonl(tmp_path / "t.jsonl", [CHAT, single])
    run(tmp_path, "export", "t.jsonl", "--to", "bedrock", "-m",
        "anthropic.claude-3-haiku-20240307-v1:0:200k", "-o", "claude.jsonl")
    assert lines(tmp_path / "claude.jsonl")[0] == {
        "system": "Terse.", "messages": [{"role": "user", "content": "Hi"},
                                         {"role": "assistant", "content": "Hello."}]}
    code, err = run(tmp_path, "export", "t.jsonl", "--to", "bedrock", "-m",
                    "meta.llama3-1-8b-instruct-v1:0:128k", "-o", "llama.jsonl")
    assert code == 0 and "prompt/completion (Titan, Llama, Cohere text models)" in err
    assert lines(tmp_path / "llama.jsonl") == [{"prompt": "Hi", "completion": "Hello."}]
    assert lines(tmp_path / "llama.rejects.jsonl")[0]["reason"] == "shape"
    write_jsonl(tmp_path / "bad.jsonl", [{"messages": [
        {"role": "user", "content": "User: hi"}, {"role": "assistant", "content": "Hello."}]}])
    run(tmp_path, "export", "bad.jsonl", "--to", "bedrock", "-o", "nova.jsonl")
    assert lines(tmp_path / "nova.rejects.jsonl")[0]["reason"] == "forbidden-text"


def test_bad_input_is_a_located_message_not_a_traceback(tmp_path: Path) -> None:
    code, err = run(tmp_path, "export", "missing.jsonl", "--to", "trl", "-o", "o.jsonl")
    assert code == 2 and "missing.jsonl: no such file" in err
    (tmp_path / "array.jsonl").write_text('[{"messages": []},\n{"messages": []}]\n')
    code, err = run(tmp_path, "export", "array.jsonl", "--to", "trl", "-o", "o.jsonl")
    assert code == 2 and "not JSON Lines" in err and "Traceback" not in err
    write_jsonl(tmp_path / "in.jsonl", [CHAT])
    code, err = run(tmp_path, "export", "in.jsonl", "--to", "trl", "-o", "in.jsonl")
    assert code == 2 and "is an input file" in err
    code, err = run(tmp_path, "export", "in.jsonl", "--to", "trl", "-o", "nowhere/o.jsonl")
    assert code == 2 and "no such directory" in err


CORPORA = Path("/work/shared/corpora")
REAL_FILES = ["cookbook/toy_chat_fine_tuning.jsonl", "cookbook/drone_training.jsonl",
              "llamafactory/v1_sft_demo.jsonl"]


@pytest.mark.parametrize("target", TARGETS)
def test_real_files_export_with_every_record_accounted_for(tmp_path: Path, target: str) -> None:
    if not CORPORA.is_dir():
        pytest.skip("the shared corpora are not here")
    for name in REAL_FILES:
        source = CORPORA / name
        if not source.is_file():
            continue
        out = tmp_path / f"{source.stem}.jsonl"
        code, err = run(tmp_path, "export", str(source), "--to", target, "-o", str(out))
        assert code in (0, 1), err
        records = sum(1 for line in source.read_bytes().splitlines() if line.strip())
        written = len(out.read_bytes().splitlines())
        rejected = len(out.with_name(f"{source.stem}.rejects.jsonl").read_bytes().splitlines())
        assert records == written + rejected, (name, err)


# --- vision records -------------------------------------------------------------------------------

def tiny_png(rgb: tuple[int, int, int]) -> bytes:
    """A real 1x1 RGB PNG, built here (no file, no network)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


RED, BLUE = tiny_png((255, 0, 0)), tiny_png((0, 0, 255))
CAT = "https://example.com/cat.jpg"


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def image_part(url: str) -> dict:
    return {"type": "image_url", "image_url": {"url": url, "detail": "low"}}


def vision_chat(user: list, answer: str = "Red.", role: str = "user") -> dict:
    return {"messages": [{"role": "system", "content": "Look closely."},
                         {"role": role, "content": user},
                         {"role": "assistant", "content": answer}]}


VISION = [
    vision_chat([{"type": "text", "text": "What colour?"}, image_part(data_url(RED))]),  # 1
    vision_chat([image_part(data_url(BLUE)), {"type": "text", "text": "And these?"},  # 2
                 image_part(data_url(RED))], "Blue, then red."),
    vision_chat([{"type": "text", "text": "Which animal?"}, image_part(CAT)], "A cat."),  # 3
    {"messages": [{"role": "user", "content": "No picture."},  # 4: text only
                  {"role": "assistant", "content": "Fine."}]},
    vision_chat([image_part("data:image/png;base64,not base64!")]),  # 5: bad base64
    vision_chat([image_part("data:image/png;base64," + base64.b64encode(b"plain text").decode())]),
    vision_chat([image_part("ftp://example.com/a.png")]),  # 7: not http(s) nor data
    {"messages": [{"role": "user", "content": "Draw."},  # 8: an image from the assistant
                  {"role": "assistant", "content": [image_part(data_url(RED))]}]},
]
VISION_REJECTS = {5: "image-invalid", 6: "image-invalid", 7: "image-invalid", 8: "images"}
TRAINERS = ("trl", "axolotl", "llamafactory")


@pytest.fixture
def vision(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "vision.jsonl", VISION)
    (tmp_path / "out").mkdir()
    return tmp_path


def export_vision(vision: Path, target: str) -> tuple[int, str]:
    return run(vision, "export", "vision.jsonl", "--to", target, "-o", "out/v.jsonl")


def image_file(data: bytes) -> str:
    return f"v.images/{hashlib.sha256(data).hexdigest()}.png"


@pytest.mark.parametrize("target", TRAINERS)
def test_vision_records_match_their_golden_files(vision: Path, target: str) -> None:
    code, err = export_vision(vision, target)
    assert code == 0, err
    check_golden(f"{target}.vision.jsonl", (vision / "out/v.jsonl").read_bytes())
    check_golden(f"{target}.vision.summary.txt", err.encode())
    rejects = lines(vision / "out/v.rejects.jsonl")
    expected = VISION_REJECTS | ({3: "image-url"} if target == "llamafactory" else {})
    assert {r["line"]: r["reason"] for r in rejects} == expected
    written = (vision / "out/v.jsonl").read_text().splitlines()
    assert len(VISION) == len(written) + len(rejects)  # nothing lost


def test_trl_vision_rows_have_images_and_one_placeholder_each(vision: Path) -> None:
    _, err = export_vision(vision, "trl")
    rows = lines(vision / "out/v.jsonl")
    assert [row["images"] for row in rows] == [
        [image_file(RED)], [image_file(BLUE), image_file(RED)], [CAT], []]
    for row in rows:
        contents = [m["content"] for m in row["messages"]]
        assert all(isinstance(c, list) for c in contents)  # one type per column
        placeholders = [p for c in contents for p in c if p["type"] == "image"]
        assert placeholders == [{"type": "image"}] * len(row["images"])
    assert rows[1]["messages"][1]["content"] == [
        {"type": "image"}, {"type": "text", "text": "And these?"}, {"type": "image"}]
    # the data URLs decoded to files beside the output, one per distinct image, exact bytes
    folder = vision / "out/v.images"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        Path(image_file(data)).name for data in (RED, BLUE))
    assert (vision / "out" / image_file(RED)).read_bytes() == RED
    assert (vision / "out" / image_file(BLUE)).read_bytes() == BLUE
    assert "images: data URLs decoded to 2 files in out/v.images/ (paths relative to out/): 3" \
        in err
    assert "images: kept as URLs: 1" in err
    assert "out/v.images" in err.split("files written:")[1]


def test_axolotl_vision_images_are_inline_by_the_documented_keys(vision: Path) -> None:
    _, err = export_vision(vision, "axolotl")
    rows = lines(vision / "out/v.jsonl")
    parts = rows[1]["messages"][1]["content"]
    assert [p["type"] for p in parts] == ["image", "text", "image"]
    assert base64.b64decode(parts[0]["base64"]) == BLUE
    assert base64.b64decode(parts[2]["base64"]) == RED
    assert rows[2]["messages"][1]["content"][1] == {"type": "image", "url": CAT}
    assert not (vision / "out/v.images").exists()  # nothing to decode: base64 is taken inline
    snippet = (vision / "out/v.axolotl.yaml").read_text()
    assert "processor_type: AutoProcessor" in snippet and "sample_packing: false" in snippet
    assert "images: kept inline as base64: 3" in err and "images: kept as URLs: 1" in err


def test_llamafactory_vision_rows_have_one_token_per_image(vision: Path) -> None:
    export_vision(vision, "llamafactory")
    rows = lines(vision / "out/v.jsonl")
    for row in rows:
        tokens = sum(turn["value"].count("<image>") for turn in row["conversations"])
        assert tokens == len(row.get("images", []))
    assert rows[1]["conversations"][0]["value"] == "<image>\nAnd these?\n<image>"
    assert rows[1]["images"] == [image_file(BLUE), image_file(RED)]
    assert (vision / "out" / rows[1]["images"][0]).read_bytes() == BLUE
    entry = json.loads((vision / "out/dataset_info.json").read_text())["v"]
    assert entry["columns"] == {"messages": "conversations", "system": "system", "images": "images"}
    # a text holding a literal <image> would be counted as one: refused in a file with images
    write_jsonl(vision / "token.jsonl", [VISION[0], vision_chat("Is <image> a tag?")])
    run(vision, "export", "token.jsonl", "--to", "llamafactory", "-o", "out/t.jsonl")
    assert [r["reason"] for r in lines(vision / "out/t.rejects.jsonl")] == ["image-token"]


@pytest.mark.parametrize("target", TRAINERS)
def test_vision_reruns_are_byte_identical_images_included(vision: Path, target: str) -> None:
    def tree() -> dict[str, bytes]:
        return {str(p.relative_to(vision / "out")): p.read_bytes()
                for p in sorted((vision / "out").rglob("*")) if p.is_file()}
    export_vision(vision, target)
    first = tree()
    stale = vision / "out/v.images" / f"{'0' * 64}.png"  # an earlier run's image
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(BLUE)
    export_vision(vision, target)
    assert tree() == first


@pytest.mark.parametrize("target", ["vertex", "bedrock"])
def test_cloud_targets_keep_refusing_images(vision: Path, target: str) -> None:
    export_vision(vision, target)
    rejects = {r["line"]: r for r in lines(vision / "out/v.rejects.jsonl")}
    assert rejects[1]["reason"] == "images" and "writes text only" in rejects[1]["detail"]
    assert not (vision / "out/v.images").exists()


def test_trl_vision_output_loads_with_the_datasets_library(vision: Path, offline_hf: None) -> None:
    export_vision(vision, "trl")
    data = _load(vision / "out/v.jsonl")
    assert set(data.column_names) == {"messages", "images"}
    assert data[1]["images"] == [image_file(BLUE), image_file(RED)] and data[3]["images"] == []
    assert data[1]["messages"][1]["content"][0]["type"] == "image"


def test_the_limit_check_counts_in_batches_and_keeps_each_total_with_its_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blank and broken lines between records, and batch edges, must not shift the totals."""
    from ftprep.export import limits, run as export_run

    monkeypatch.setattr(export_run, "BATCH", 3)
    monkeypatch.setattr(limits.Limits, "per_example", property(lambda self: 40))
    short = {"messages": [{"role": "user", "content": "Hi"},
                          {"role": "assistant", "content": "Hello."}]}
    long = {"messages": [{"role": "user", "content": "word " * 60},
                         {"role": "assistant", "content": "Yes."}]}
    lines = [short, long, "", short, "{broken", long, short, "", "", long, short]
    path = tmp_path / "in.jsonl"
    path.write_text("".join((json.dumps(x) if isinstance(x, dict) else x) + "\n" for x in lines),
                    encoding="utf-8")
    code, _out = run(tmp_path, "export", "in.jsonl", "--to", "vertex", "--model",
                     "gemini-2.5-flash", "-o", "out.jsonl")
    assert code == 0
    rejects = [json.loads(x) for x in (tmp_path / "out.rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["reason"]) for r in rejects] == [
        (2, "over-limit"), (5, "invalid"), (6, "over-limit"), (10, "over-limit")]
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 4
