"""Fixtures: a fake provider on 127.0.0.1 per test, tiny retry sleeps, and a clean environment."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ftprep.cli._main import run
from tests.submit.fake_openai import FakeOpenAI

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
KEY = "sk-test-SECRET-5f3a9c0e7d1b"

ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_VERSION", "AZURE_OPENAI_API_KEY",
       "AZURE_OPENAI_ENDPOINT", "TOGETHER_API_KEY", "TOGETHER_BASE_URL", "FIREWORKS_API_KEY",
       "FIREWORKS_ACCOUNT_ID", "FIREWORKS_BASE_URL", "NEBIUS_API_KEY", "OPENAI_ORG_ID",
       "OPENAI_PROJECT_ID")


@pytest.fixture(autouse=True)
def _submit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FTPREP_SUBMIT_BACKOFF", "0.01")
    monkeypatch.setenv("FTPREP_SUBMIT_POLL", "0")


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def all(self) -> str:
        return self.out + self.err


def submit(*args: str) -> Ran:
    """`ftprep submit ...` in-process, through the CLI's own entry point."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(["submit", *args])
    return Ran(code, out.getvalue(), err.getvalue())


@pytest.fixture
def train(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    path.write_bytes((SAMPLES / "clean_chat.jsonl").read_bytes())
    return path


@pytest.fixture
def plain_train(tmp_path: Path) -> Path:
    """Plain chat (a system prompt, one question, one answer), which the Bedrock and Vertex
    schemas express whole; the shared sample's tool calls and weights they cannot."""
    path = tmp_path / "train.jsonl"
    records = [{"messages": [{"role": "system", "content": "Answer briefly."},
                             {"role": "user", "content": f"What is {i} plus {i}?"},
                             {"role": "assistant", "content": f"{2 * i}."}]} for i in range(12)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def openai_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    api = FakeOpenAI(key=KEY).start()
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{api.url}/v1")
    yield api
    api.stop()
