"""`ftprep submit --provider fireworks` with the real fireworks-ai SDK against a local fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.submit.conftest import KEY, submit
from tests.submit.fake_fireworks import FakeFireworks
from tests.submit.server import Drop, Status

ACCOUNT = "kestrel"
MODEL = "llama-v3p1-8b-instruct"


@pytest.fixture
def fireworks_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFireworks]:
    api = FakeFireworks(ACCOUNT, key=KEY).start()
    monkeypatch.setenv("FIREWORKS_API_KEY", KEY)
    monkeypatch.setenv("FIREWORKS_ACCOUNT_ID", ACCOUNT)
    yield api
    api.stop()


def args(api: FakeFireworks, train: Path, *more: str) -> list[str]:
    return [str(train), "--provider", "fireworks", "--model", MODEL, "--base-url", api.url, *more]


def test_success_creates_dataset_uploads_and_waits(fireworks_api: FakeFireworks,
                                                   train: Path) -> None:
    ran = submit(*args(fireworks_api, train, "--epochs", "2", "--learning-rate", "0.0002",
                       "-H", "lora-rank=16", "--suffix", "kestrel-support", "--wait"))
    assert ran.code == 0, ran.all
    assert "Traceback" not in ran.all and KEY not in ran.all
    assert "40% done (epoch 1)" in ran.err
    submit_id = json.loads(train.with_name("train.submit.json").read_text())["submit_id"]
    assert f"job {submit_id}: JOB_STATE_COMPLETED" in ran.out
    assert "fine-tuned model: kestrel-support" in ran.out

    dataset, = fireworks_api.sent("POST", f"/v1/accounts/{ACCOUNT}/datasets")
    assert dataset.json == {"datasetId": f"{submit_id}-training",
                            "dataset": {"userUploaded": {}, "exampleCount": "14"}}
    upload, = fireworks_api.sent("POST", rf"/v1/accounts/{ACCOUNT}/datasets/.*:upload")
    assert upload.form()["file"] == ("train.jsonl", train.read_bytes())
    create, = fireworks_api.sent("POST", f"/v1/accounts/{ACCOUNT}/supervisedFineTuningJobs")
    assert create.query == {"supervisedFineTuningJobId": [submit_id]}
    assert create.json == {
        "dataset": f"accounts/{ACCOUNT}/datasets/{submit_id}-training",
        "baseModel": f"accounts/fireworks/models/{MODEL}", "outputModel": "kestrel-support",
        "displayName": "kestrel-support", "epochs": 2, "learningRate": 0.0002, "loraRank": 16}
    manifest = json.loads(train.with_name("train.submit.json").read_text())
    assert manifest["outcome"] == "succeeded"
    assert manifest["file_ids"] == {"training": f"accounts/{ACCOUNT}/datasets/{submit_id}-training"}


def test_a_failed_job_exits_1_with_its_status_message(fireworks_api: FakeFireworks,
                                                      train: Path) -> None:
    fireworks_api.outcome = "JOB_STATE_FAILED"
    ran = submit(*args(fireworks_api, train, "--wait"))
    assert ran.code == 1
    assert "dataset row 4: messages must not be empty" in ran.err


def test_a_lost_answer_to_the_job_post_is_found_by_its_id(fireworks_api: FakeFireworks,
                                                          train: Path) -> None:
    fireworks_api.fail("POST", f"/v1/accounts/{ACCOUNT}/supervisedFineTuningJobs",
                       Status(500, "internal", after=True))
    fireworks_api.fail("POST", f"/v1/accounts/{ACCOUNT}/datasets", Drop(read=10))
    ran = submit(*args(fireworks_api, train))
    assert ran.code == 0, ran.all
    assert "but the job exists" in ran.err
    assert len(fireworks_api.jobs) == 1
    assert len(fireworks_api.sent("POST", f"/v1/accounts/{ACCOUNT}/supervisedFineTuningJobs")) == 1


def test_a_refused_key_is_a_clean_error(fireworks_api: FakeFireworks, train: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREWORKS_API_KEY", "fw-wrong")
    ran = submit(*args(fireworks_api, train))
    assert ran.code == 2
    assert "HTTP 401: unauthenticated: invalid API key" in ran.err
    assert "$FIREWORKS_API_KEY" in ran.err and "fw-wrong" not in ran.all


def test_the_account_is_required(fireworks_api: FakeFireworks, train: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREWORKS_ACCOUNT_ID")
    ran = submit(*args(fireworks_api, train))
    assert ran.code == 2
    assert "needs the account id" in ran.err and "FIREWORKS_ACCOUNT_ID" in ran.err
    assert fireworks_api.requests == []


def test_dry_run_shows_the_job_body(fireworks_api: FakeFireworks, train: Path) -> None:
    ran = submit(*args(fireworks_api, train, "--dry-run", "--epochs", "2"))
    assert ran.code == 0, ran.all
    assert fireworks_api.requests == []
    assert f"/v1/accounts/{ACCOUNT}/supervisedFineTuningJobs?supervisedFineTuningJobId=" in ran.out
    assert '"baseModel": "accounts/fireworks/models/llama-v3p1-8b-instruct"' in ran.out
