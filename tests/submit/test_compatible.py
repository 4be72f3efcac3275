"""Azure OpenAI and OpenAI-compatible services (Nebius) through the same openai SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.submit.conftest import KEY, submit
from tests.submit.fake_openai import FakeOpenAI


@pytest.fixture
def azure_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    api = FakeOpenAI(key=KEY, prefix="/openai").start()
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", api.url)
    yield api
    api.stop()


def test_azure_uses_the_endpoint_api_version_and_api_key_header(azure_api: FakeOpenAI,
                                                                train: Path) -> None:
    ran = submit(str(train), "--provider", "azure", "--model", "gpt-4o-mini-2024-07-18",
                 "--api-version", "2025-04-01-preview", "--epochs", "2", "--wait")
    assert ran.code == 0, ran.all
    assert KEY not in ran.all
    upload, = azure_api.sent("POST", "/openai/files")
    assert upload.query["api-version"] == ["2025-04-01-preview"]
    assert upload.headers["api-key"] == KEY
    create, = azure_api.sent("POST", "/openai/fine_tuning/jobs")
    assert create.json["method"] == {"type": "supervised",
                                     "supervised": {"hyperparameters": {"n_epochs": 2}}}
    assert "metadata" not in create.json  # only OpenAI itself documents job metadata
    assert "job ftjob-2: succeeded" in ran.out


def test_azure_needs_an_api_version(azure_api: FakeOpenAI, train: Path) -> None:
    ran = submit(str(train), "--provider", "azure", "--model", "gpt-4o-mini-2024-07-18")
    assert ran.code == 2
    assert "Azure OpenAI needs an API version" in ran.err
    assert azure_api.requests == []


def test_nebius_takes_the_openai_calls_at_its_base_url(train: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    api = FakeOpenAI(key=KEY).start()
    try:
        monkeypatch.setenv("NEBIUS_API_KEY", KEY)
        ran = submit(str(train), "--provider", "nebius", "--model",
                     "meta-llama/Meta-Llama-3.1-8B-Instruct", "--base-url", f"{api.url}/v1",
                     "--epochs", "2", "-H", "lora=true")
        assert ran.code == 0, ran.all
        body = api.sent("POST", "/v1/fine_tuning/jobs")[0].json
        assert body["hyperparameters"] == {"n_epochs": 2, "lora": True}
        assert "method" not in body and "metadata" not in body
    finally:
        api.stop()


def test_nebius_dry_run_uses_the_profiles_base_url(train: Path) -> None:
    ran = submit(str(train), "--provider", "nebius", "--model",
                 "meta-llama/Meta-Llama-3.1-8B-Instruct", "--dry-run")
    assert ran.code == 0, ran.all
    assert "POST https://api.tokenfactory.nebius.com/v1/files" in ran.out
