"""The report in a real headless browser (Debian's chromium, driven by Playwright): it loads with
no console message, no failed or outgoing request, and every chart is drawn and styled.

A screenshot is saved to $FTPREP_ARTIFACTS (CI keeps it) or the test's temporary folder. Without
chromium or Playwright the test skips, unless FTPREP_REQUIRE_BROWSER=1 (set by .ci/run), where a
missing browser is a failure rather than a silent pass.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.test_cli import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("FTPREP_REQUIRE_BROWSER") == "1"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None  # type: ignore[assignment]

if (CHROMIUM is None or sync_playwright is None) and not REQUIRED:
    pytest.skip("chromium or playwright is not installed", allow_module_level=True)

SENTIMENT = Path(__file__).resolve().parents[2] / "sample_data" / "sentiment_prompt_completion.jsonl"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page with every chart: a chat classification set (labels) with copies (duplicates),
    some examples over a small limit, priced on every provider."""
    folder = tmp_path_factory.mktemp("report")
    chats = []
    for line in SENTIMENT.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        chats.append(json.dumps({"messages": [
            {"role": "system", "content": "Classify the review's sentiment."},
            {"role": "user", "content": record["prompt"]},
            {"role": "assistant", "content": record["completion"].strip()}]}))
    chats += [chats[0]] * 3 + [chats[1]]
    (folder / "train.jsonl").write_text("\n".join(chats) + "\n", encoding="utf-8")
    target = folder / "report.html"
    code, _out, err = run("report", "train.jsonl", "--isolated", "--max-tokens", "45",
                          "--compare", "-o", str(target), cwd=folder)
    assert code == 0, err
    return target


def test_the_page_loads_cleanly_and_draws_every_chart(report: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None and sync_playwright is not None, "chromium and playwright are required"
    problems: list[str] = []
    artifacts = Path(os.environ.get("FTPREP_ARTIFACTS") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
            page.on("request", lambda r: r.url == report.as_uri()
                    or problems.append(f"request: {r.url}"))
            page.goto(report.as_uri(), wait_until="load")
            charts = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].map(svg => {
                const box = svg.getBoundingClientRect();
                const rects = [...svg.querySelectorAll('rect')];
                return {
                  section: svg.closest('section').id, width: box.width, height: box.height,
                  bars: rects.length,
                  drawn: rects.filter(r => r.getBoundingClientRect().width > 0
                                        && r.getBoundingClientRect().height > 0).length,
                  fills: [...new Set(rects.map(r => getComputedStyle(r).fill))],
                };
            })""")
            page.screenshot(path=str(artifacts / "report.png"), full_page=True)
            page.emulate_media(color_scheme="dark")
            dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
            page.screenshot(path=str(artifacts / "report-dark.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
    sections = [c["section"] for c in charts]
    assert sections == ["tokens", "problems", "labels", "duplicates", "compare"]
    for chart in charts:
        assert chart["width"] > 500 and chart["height"] > 40, chart
        assert chart["bars"] > 0 and chart["drawn"] == chart["bars"], chart
        # styled by the page's CSS, not the black SVG default
        assert "rgb(0, 0, 0)" not in chart["fills"], chart
    tokens = charts[0]
    assert "rgb(209, 36, 47)" in tokens["fills"]  # the examples over --max-tokens are red
    assert dark == "rgb(13, 17, 23)"  # the dark theme applies
    shot = (artifacts / "report.png").read_bytes()
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000
