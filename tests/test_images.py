"""Image parts count by OpenAI's formula when their size is known, and are reported when not.

microsoft-foundry's chartqa validation file has 20 image parts, all https URLs: ftprep left them
out of the tokens and the cost while the summary said "exact". Sizes come from a data URL's
header bytes (PNG, JPEG, GIF, WebP); the formulas and their worked examples are those of
developers.openai.com/api/docs/guides/images-vision, "Calculating costs".
"""

from __future__ import annotations

import base64
import io
import json
import random
import re
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ftprep.lint.engine
from ftprep.config import Settings
from ftprep.lint.run import lint_job
from ftprep.model.record import RecordFormat
from ftprep.model.sources import Source
from ftprep.providers.profile import PatchCost, TileCost, load_provider
from ftprep.reporters import make_reporter
from ftprep.tokens.counting import plan_for
from ftprep.tokens.images import Uncounted, part_tokens, patch_tokens, patches, tile_tokens
from ftprep.tokens.imagesize import data_url_size
from tests.helpers import CORPORA

CHARTQA = CORPORA / "realworld" / "userfiles" / (
    "microsoft-foundry+fine-tuning__Sample_Datasets_Supervised_Fine_Tuning_Multimodal-"
    "chartqa_validation.jsonl"
)
GLAIVE = CORPORA / "llamafactory" / "glaive_toolcall_en_demo.json"
OPENAI = load_provider("openai")
GPT_4O = TileCost(base=85, per_tile=170)
MINI = PatchCost(budget=1536, multiplier=1.62)


# -- header bytes ------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">II", width, height) + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0" + b"\0" * 40


def jpeg(width: int, height: int, app_bytes: int = 0) -> bytes:
    """SOI, an APP0, an optional big APP1 (EXIF-like), a DQT, then the SOF0 frame header."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    app1 = b"\xff\xe1" + struct.pack(">H", app_bytes + 2) + b"\x42" * app_bytes
    app1 = app1 if app_bytes else b""
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\0" * 65
    components = b"\x01\x22\0\x02\x11\x01\x03\x11\x01"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + components
    return b"\xff\xd8" + app0 + app1 + dqt + sof + b"\xff\xda" + b"\0" * 20


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\xf7\0\0" + b"\0" * 20


def webp(kind: str, width: int, height: int) -> bytes:
    if kind == "VP8X":
        body = b"\0\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    elif kind == "VP8L":
        bits = (width - 1) | (height - 1) << 14
        body = b"\x2f" + bits.to_bytes(4, "little")
    else:
        frame_tag = b"\x10\x02\x00"  # a key frame
        body = frame_tag + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    chunk = kind.encode().ljust(4) + struct.pack("<I", len(body)) + body + b"\0" * 16
    return b"RIFF" + struct.pack("<I", len(chunk) + 4) + b"WEBP" + chunk


def data_url(image: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(image).decode()


@pytest.mark.parametrize(("image", "size"), [
    (png(1024, 768), (1024, 768)),
    (jpeg(640, 480), (640, 480)),
    (jpeg(4000, 3000, app_bytes=60_000), (4000, 3000)),
    (gif(300, 200), (300, 200)),
    (webp("VP8X", 1800, 2400), (1800, 2400)),
    (webp("VP8L", 500, 16383), (500, 16383)),
    (webp("VP8 ", 1024, 1024), (1024, 1024)),
])
def test_sizes_from_headers(image: bytes, size: tuple[int, int]) -> None:
    assert data_url_size(data_url(image)) == size


def test_the_bytes_decide_not_the_media_type() -> None:
    assert data_url_size(data_url(jpeg(640, 480), mime="image/png")) == (640, 480)


def test_only_the_header_is_decoded() -> None:
    """Characters that are not base64 after the header (or inside a skipped JPEG segment) are
    never decoded, so they cannot matter: only the groups holding the size are read."""
    head = data_url(png(64, 32))[: len("data:image/png;base64,") + 40]
    assert data_url_size(head + "!!!!" * 1000) == (64, 32)
    big = base64.b64encode(jpeg(800, 600, app_bytes=3000)).decode()
    start = len(base64.b64encode(jpeg(800, 600)[:40]).decode())  # inside the APP1 body
    broken = big[:start] + "****" * 100 + big[start + 400:]
    assert data_url_size("data:image/jpeg;base64," + broken) == (800, 600)


@pytest.mark.skipif(not GLAIVE.is_file(), reason="../shared/corpora is not present")
def test_a_real_png_header() -> None:
    """LLaMA-Factory's glaive demo carries a truncated PNG data URL: its header says 200 x 200."""
    url = re.search(r"data:image/png;base64,[A-Za-z0-9+/=]+", GLAIVE.read_text(encoding="utf-8"))
    assert url is not None
    assert data_url_size(url.group(0)) == (200, 200)


@pytest.mark.parametrize("url", [
    "data:image/png;base64,", "data:image/png,notbase64", "data:image/png;base64,%%%%",
    data_url(b"BM not a supported format" * 3), data_url(png(0, 10)), data_url(b"\xff\xd8\xff\xd9"),
    data_url(jpeg(10, 10)[:30]), "https://example.com/a.png",
])
def test_unreadable_headers(url: str) -> None:
    assert data_url_size(url) is None


# -- OpenAI's formulas (the guide's worked examples) -------------------------------------------


def test_tile_examples() -> None:
    assert tile_tokens(1024, 1024, GPT_4O) == 765  # 768 x 768: 4 tiles
    assert tile_tokens(2048, 4096, GPT_4O) == 1105  # 768 x 1536: 6 tiles
    assert tile_tokens(512, 512, GPT_4O) == 255  # never scaled up
    assert tile_tokens(1024, 1024, TileCost(base=2833, per_tile=5667)) == 2833 + 4 * 5667


def test_patch_examples() -> None:
    assert patches(1024, 1024, 1536) == 1024
    assert patches(1800, 2400, 1536) == 1452  # shrunk to 1056 x 1408
    assert patch_tokens(1024, 1024, MINI) == 1659  # 1024 x 1.62 = 1658.88
    assert patch_tokens(1800, 2400, MINI) == 2352
    assert patches(4000, 100, 1536) == 128  # a 2048 px side at most: 2048 x 51
    assert patches(10, 1_000_000, 1536) <= 1536


def _part(url: str, detail: str | None = None) -> dict[str, Any]:
    image: dict[str, Any] = {"url": url}
    if detail is not None:
        image["detail"] = detail
    return {"type": "image_url", "image_url": image}


def test_detail_and_model_decide() -> None:
    gpt_4o = OPENAI.find_model("gpt-4o")
    mini = OPENAI.find_model("gpt-4.1-mini")
    assert gpt_4o is not None and mini is not None
    url = data_url(png(1024, 1024))
    assert part_tokens(_part(url), gpt_4o.images) == 765  # auto counts as high
    assert part_tokens(_part(url, "high"), gpt_4o.images) == 765
    assert part_tokens(_part(url, "low"), gpt_4o.images) == 85
    assert part_tokens(_part("https://example.com/a.png", "low"), gpt_4o.images) == 85
    assert part_tokens(_part("https://example.com/a.png"), gpt_4o.images) is Uncounted.URL
    assert part_tokens(_part(url), mini.images) == 1659
    assert part_tokens(_part(url, "low"), mini.images) is Uncounted.LOW_DETAIL
    assert part_tokens(_part(url), None) is Uncounted.NO_FORMULA
    assert part_tokens(_part("data:image/png;base64,AAAA"), gpt_4o.images) is Uncounted.UNREADABLE
    not_an_object = {"type": "image_url", "image_url": "https://x"}
    assert part_tokens(not_an_object, gpt_4o.images) is Uncounted.UNREADABLE


def test_a_record_counts_its_images() -> None:
    gpt_4o = OPENAI.find_model("gpt-4o")
    assert gpt_4o is not None
    record = {"messages": [
        {"role": "user", "content": [
            {"type": "text", "text": "Which is larger?"},
            {"type": "image_url", "image_url": {"url": data_url(png(1024, 1024))}},
            {"type": "image_url", "image_url": {"url": "https://example.com/b.png"}},
        ]},
        {"role": "assistant", "content": "The first."},
    ]}
    plan = plan_for(record, RecordFormat.CHAT, gpt_4o.images)
    assert (plan.images, plan.image_tokens, plan.uncounted_images) == (2, 765, {"URL": 1})
    assert plan.content == ["Which is larger?", "The first."]


# -- through a lint run ------------------------------------------------------------------------


def _lint(path: Path, **settings: Any) -> tuple[str, dict[str, Any]]:
    outputs = {}
    for fmt in ("text", "json"):
        job = lint_job(Settings.model_validate(settings), [Source(str(path))])
        out = io.StringIO()
        reporter = make_reporter(fmt, out, color=False)
        for diagnostic in job.diagnostics():
            reporter.diagnostic(diagnostic)
        reporter.finish(job.report())
        outputs[fmt] = out.getvalue()
    return outputs["text"], json.loads(outputs["json"])["summary"]


def _row(text: str, label: str) -> str:
    rows = [line[17:] for line in text.splitlines() if line.startswith(f"  {label:<15}")]
    assert len(rows) == 1, text
    return rows[0]


@pytest.mark.skipif(not CHARTQA.is_file(), reason="../shared/corpora is not present")
def test_chartqa_says_its_images_were_not_counted() -> None:
    text, summary = _lint(CHARTQA, model="gpt-4.1-mini")
    assert _row(text, "images") == (
        "20 image parts: 20 not counted (20 given by URL: ftprep does not download images)"
    )
    assert _row(text, "tokens/example").endswith(
        "(o200k_base, toktok; a lower bound: 20 images not counted)"
    )
    assert _row(text, "cost").startswith(
        "at least $0.01 (a lower bound: 20 images not counted) at $5.00"
    )
    tokens = summary["tokens"]
    assert tokens["exact"] is False
    assert tokens["images"] == {"parts": 20, "counted": 0, "tokens": 0, "not_counted": {"url": 20}}
    assert summary["estimate"]["cost_is_lower_bound"] is True


def _chartqa_with_data_urls(path: Path) -> None:
    """The chartqa file's shape with the images inlined as data URLs of known sizes."""
    sizes = [(1024, 1024), (800, 600), (2048, 4096), (300, 200)]
    lines = []
    for index, (width, height) in enumerate(sizes):
        image = png(width, height) if index % 2 == 0 else jpeg(width, height, app_bytes=500)
        mime = "image/png" if index % 2 == 0 else "image/jpeg"
        lines.append(json.dumps({"messages": [
            {"role": "user", "content": [
                {"type": "text", "text": f"What's the highest value in chart {index}?"},
                {"type": "image_url", "image_url": {"url": data_url(image, mime)}},
            ]},
            {"role": "assistant", "content": [{"type": "text", "text": str(40 + index)}]},
        ]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_data_url_images_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "chartqa_inline.jsonl"
    _chartqa_with_data_urls(path)
    text, summary = _lint(path, model="gpt-4o")
    # 765 + (800 x 600 -> 768 x 576: 4 tiles) 765 + 1105 + (300 x 200: 1 tile) 255
    assert _row(text, "images") == (
        "4 image parts: 4 counted, 2,890 tokens by OpenAI's image formula for gpt-4o-2024-08-06"
    )
    assert _row(text, "tokens/example").endswith(
        "(o200k_base, exact, toktok; images by OpenAI's formula)"
    )
    assert summary["tokens"]["exact"] is True
    assert summary["tokens"]["images"]["tokens"] == 2890
    _, fewer_rules = _lint(path, model="gpt-4o", select=["FT1"])
    assert fewer_rules["tokens"]["per_example"] == summary["tokens"]["per_example"]
    assert summary["tokens"]["per_example"]["total"] > 2890
    _, mini = _lint(path, model="gpt-4.1-mini")
    # patches x 1.62: 1024 -> 1659; 800 x 600 = 25 x 19 = 475 -> 770; 2048 x 4096 is shrunk to
    # 864 x 1728 = 27 x 54 = 1458 -> 2362; 300 x 200 = 10 x 7 = 70 -> 113
    assert mini["tokens"]["images"]["tokens"] == 1659 + 770 + 2362 + 113
    _, nothing = _lint(path)
    assert nothing["tokens"]["images"]["not_counted"] == {"no_formula": 4}


def test_over_the_limit_because_of_images(tmp_path: Path) -> None:
    path = tmp_path / "chartqa_inline.jsonl"
    _chartqa_with_data_urls(path)
    text, summary = _lint(path, model="gpt-4o", max_tokens=1000, select=["FT201"])
    assert "FT201 [error] example has 1,1" in text  # the 2048 x 4096 chart: 1,105 image tokens
    assert summary["tokens"]["over_limit"] == 1


def test_sharded_runs_carry_the_new_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Images, unreadable content, preference messages and usable examples survive --jobs."""
    rng = random.Random(7)
    inline = tmp_path / "inline.jsonl"
    _chartqa_with_data_urls(inline)
    user, hello = {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}
    pool = inline.read_text(encoding="utf-8").splitlines() + [json.dumps(record) for record in (
        {"messages": [{"role": "user", "content": ["a list of strings"]}, hello]},
        {"input": {"messages": [user]}, "preferred_output": [hello],
         "non_preferred_output": [{"role": "assistant", "content": "Go away"}]},
        {"messages": [user]},
        {"instruction": "alpaca", "output": "x"},
    )]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(rng.choice(pool) for _ in range(2000)) + "\n", encoding="utf-8")
    single = _lint(path, model="gpt-4o")
    monkeypatch.setattr(ftprep.lint.engine, "SHARD_MIN_BYTES", 0)
    sharded = _lint(path, model="gpt-4o", jobs=3)
    assert sharded == single
    tokens = single[1]["tokens"]
    assert tokens["images"]["counted"] > 0 and tokens["unreadable_examples"] > 0
    assert single[1]["usable_examples"] < single[1]["examples"]


# -- hostile input: never an exception (counting runs outside the engine's rule boundary) ------


def test_non_ascii_in_base64_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    url = "data:image/png;base64," + "é" * 64
    assert data_url_size(url) is None
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps({"messages": [
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": url}}]},
        {"role": "assistant", "content": "?"},
    ]}) + "\n", encoding="utf-8")
    _text, summary = _lint(path, model="gpt-4o")
    assert summary["tokens"]["images"]["not_counted"] == {"unreadable": 1}


@given(st.text(max_size=300), st.binary(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_data_url_is_a_size_or_none(text: str, raw: bytes) -> None:
    for url in ("data:image/png;base64," + text, data_url(raw), data_url(png(1, 1)[:16] + raw),
                data_url(b"\xff\xd8" + raw), data_url(b"RIFF\0\0\0\0WEBP" + raw)):
        size = data_url_size(url)
        assert size is None or (size[0] > 0 and size[1] > 0)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20,
)


IMAGE_PART = st.fixed_dictionaries({
    "type": st.just("image_url"),
    "image_url": JSON | st.fixed_dictionaries({
        "url": st.text(max_size=40).map(lambda t: "data:image/png;base64," + t) | JSON,
        "detail": st.sampled_from(["low", "high", "auto"]) | JSON,
    }),
})
CONTENT = JSON | st.lists(IMAGE_PART | JSON, max_size=4)


@given(CONTENT)
@settings(max_examples=300, deadline=None)
def test_any_content_plans_without_raising(content: Any) -> None:
    gpt_4o = OPENAI.find_model("gpt-4o")
    assert gpt_4o is not None
    for record, fmt in (
        ({"messages": [{"role": "user", "content": content}, content]}, RecordFormat.CHAT),
        ({"messages": content}, RecordFormat.CHAT),
        ({"input": content, "preferred_output": content}, RecordFormat.PREFERENCE),
        ({"prompt": content, "completion": content}, RecordFormat.PROMPT_COMPLETION),
    ):
        plan = plan_for(record, fmt, gpt_4o.images)  # type: ignore[arg-type]
        assert plan.image_tokens >= 0 and plan.unreadable >= 0
