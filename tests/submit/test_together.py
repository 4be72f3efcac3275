"""`ftprep submit --provider together` with the real together SDK against a local fake."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.submit.conftest import KEY, submit
from tests.submit.fake_together import FakeTogether
from tests.submit.server import Drop, Status

MODEL = "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"


@pytest.fixture
def together_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTogether]:
    api = FakeTogether(key=KEY).start()
    monkeypatch.setenv("TOGETHER_API_KEY", KEY)
    monkeypatch.setenv("TOGETHER_BASE_URL", f"{api.url}/v1")  # as the profile spells it
    yield api
    api.stop()


def args(train: Path, *more: str) -> list[str]:
    return [str(train), "--provider", "together", "--model", MODEL, *more]


def test_success_uploads_by_signed_url_and_waits(together_api: FakeTogether, train: Path) -> None:
    ran = submit(*args(train, "--epochs", "3", "--learning-rate", "0.0001", "--suffix", "kestrel",
                       "-H", "lora=true", "--wait"))
    assert ran.code == 0, ran.all
    assert "Traceback" not in ran.all and KEY not in ran.all
    assert "job ft-2: completed" in ran.out
    assert f"fine-tuned model: user/{MODEL}-kestrel-abc" in ran.out
    assert "Training started" in ran.err

    announce, = together_api.sent("POST", "/v1/files")
    assert announce.form()["purpose"] == "fine-tune"
    assert announce.form()["file_name"] == "train.jsonl"
    put, = together_api.sent("PUT", "/upload/file-1")
    assert put.body == train.read_bytes()
    assert together_api.sent("POST", "/v1/files/file-1/preprocess")
    create, = together_api.sent("POST", "/v1/fine-tunes")
    body = create.json
    assert body["model"] == MODEL and body["training_file"] == "file-1"
    assert body["n_epochs"] == 3 and body["learning_rate"] == 0.0001
    assert body["suffix"] == "kestrel"
    assert body["training_type"]["type"] == "Lora"
    assert body["training_method"]["method"] == "sft"

    manifest = json.loads(train.with_name("train.submit.json").read_text())
    assert manifest["provider"] == "together" and manifest["outcome"] == "succeeded"
    assert manifest["file_ids"] == {"training": "file-1"}
    assert manifest["job"]["id"] == "ft-2" and manifest["job"]["trained_tokens"] == 2057
    assert manifest["hyperparameters"] == {"n_epochs": 3, "learning_rate": 0.0001, "lora": True}
    assert manifest["estimate"]["price"] == "unknown"
    assert KEY not in json.dumps(manifest)


def test_a_failed_job_exits_1_with_the_error_event(together_api: FakeTogether,
                                                  train: Path) -> None:
    together_api.outcome = "error"
    ran = submit(*args(train, "--wait"))
    assert ran.code == 1
    assert "the job error: Training failed: CUDA out of memory at step 3" in ran.err


def test_5xx_on_job_creation_checks_the_job_list_and_never_doubles(
        together_api: FakeTogether, train: Path) -> None:
    together_api.fail("POST", "/v1/fine-tunes", Status(503, "upstream unavailable", after=True))
    ran = submit(*args(train))
    assert ran.code == 0, ran.all
    assert "but the job exists" in ran.err
    assert len(together_api.sent("POST", "/v1/fine-tunes")) == 1
    assert len(together_api.jobs) == 1


def test_a_dropped_put_to_the_signed_url_is_retried(together_api: FakeTogether,
                                                   train: Path) -> None:
    together_api.fail("PUT", "/upload/.*", Drop(read=50))
    ran = submit(*args(train))
    assert ran.code == 0, ran.all
    assert "connection failed" in ran.err
    assert len(together_api.sent("POST", "/v1/files")) == 2
    assert len(together_api.jobs) == 1


def test_the_servers_rejection_is_shown(together_api: FakeTogether, train: Path) -> None:
    together_api.fail("POST", "/v1/files", Status(400, "File format not supported: line 2"))
    ran = submit(*args(train))
    assert ran.code == 2
    assert "File format not supported: line 2" in ran.err
    assert "Traceback" not in ran.all


def test_a_missing_sdk_names_the_together_extra(together_api: FakeTogether, train: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "together", None)
    ran = submit(*args(train))
    assert ran.code == 2
    assert "ftprep: error: submitting to Together AI needs its SDK" in ran.err
    assert "hint: pip install 'ftprep[together]'" in ran.err
    assert together_api.requests == []


def test_dry_run_shows_the_upload_flow_and_the_job(together_api: FakeTogether,
                                                   train: Path) -> None:
    ran = submit(*args(train, "--dry-run", "--epochs", "2"))
    assert ran.code == 0, ran.all
    assert together_api.requests == []
    assert f"POST {together_api.url}/v1/files" in ran.out  # /v1 not doubled
    assert "PUT <signed URL from the 302>" in ran.out
    assert f"POST {together_api.url}/v1/fine-tunes" in ran.out
    assert '"n_epochs": 2' in ran.out
