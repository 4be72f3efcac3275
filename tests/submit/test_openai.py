"""`ftprep submit --provider openai` with the real openai SDK against a local fake server."""

from __future__ import annotations

import hashlib
import json
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.submit.conftest import KEY, SAMPLES, submit
from tests.submit.fake_openai import FakeOpenAI
from tests.submit.server import Drop, Garbage, Status

MODEL = "gpt-4o-mini-2024-07-18"


def args(train: Path, *more: str) -> list[str]:
    return [str(train), "--provider", "openai", "--model", MODEL, *more]


def no_traceback(text: str) -> None:
    assert "Traceback" not in text
    assert KEY not in text


def test_success_with_wait_writes_the_manifest(openai_api: FakeOpenAI, train: Path) -> None:
    ran = submit(*args(train, "--epochs", "4", "--learning-rate-multiplier", "0.1",
                       "--suffix", "kestrel", "--seed", "7", "--wait"))
    assert ran.code == 0, ran.all
    no_traceback(ran.all)
    assert "job ftjob-2: succeeded" in ran.out
    assert "fine-tuned model: ft:gpt-4o-mini-2024-07-18:org-test::abc123" in ran.out
    assert "Fine-tuning job started" in ran.err and "successfully completed" in ran.err
    assert "ftjob-2: running" in ran.err

    upload, = openai_api.sent("POST", "/v1/files")
    form = upload.form()
    assert form["purpose"] == "fine-tune"
    assert form["file"] == ("train.jsonl", train.read_bytes())
    create, = openai_api.sent("POST", "/v1/fine_tuning/jobs")
    body = create.json
    assert body["model"] == MODEL and body["training_file"] == "file-1"
    assert body["suffix"] == "kestrel" and body["seed"] == 7
    assert body["method"] == {"type": "supervised", "supervised": {"hyperparameters": {
        "n_epochs": 4, "learning_rate_multiplier": 0.1}}}
    assert "hyperparameters" not in body  # the deprecated top-level field
    submit_id = body["metadata"]["ftprep_submit_id"]
    assert create.headers["idempotency-key"] == submit_id

    manifest_path = train.with_name("train.submit.json")
    text = manifest_path.read_text()
    assert KEY not in text
    manifest = json.loads(text)
    assert list(manifest) == sorted(manifest)
    assert manifest["provider"] == "openai" and manifest["model"] == MODEL
    assert manifest["method"] == "sft"
    assert manifest["base_url"] == f"{openai_api.url}/v1"
    assert manifest["submit_id"] == submit_id
    assert manifest["inputs"] == {"training": {
        "path": str(train), "bytes": train.stat().st_size,
        "sha256": hashlib.sha256(train.read_bytes()).hexdigest()}}
    assert manifest["lint"]["errors"] == 0 and manifest["lint"]["examples"] == 14
    assert manifest["lint"]["forced"] is False
    estimate = manifest["estimate"]
    assert estimate["epochs"] == 4 and estimate["epochs_source"] == "--epochs"
    assert estimate["billed_tokens"] == estimate["billed_tokens_per_epoch"] * 4
    assert estimate["price"]["per_1m_training_tokens_usd"] == 3.0
    assert estimate["price"]["as_of"] == "2026-11-29" and estimate["price"]["source"]
    assert estimate["cost_usd"] == round(estimate["billed_tokens"] / 1e6 * 3.0, 4)
    assert manifest["hyperparameters"] == {"n_epochs": 4, "learning_rate_multiplier": 0.1,
                                           "seed": 7}
    assert manifest["suffix"] == "kestrel"
    assert manifest["file_ids"] == {"training": "file-1"}
    assert manifest["job"] == {"id": "ftjob-2", "status": "succeeded",
                               "fine_tuned_model": "ft:gpt-4o-mini-2024-07-18:org-test::abc123",
                               "error": None, "trained_tokens": 12_345}
    assert manifest["outcome"] == "succeeded" and manifest["error"] is None
    assert manifest["ftprep_version"]
    stamps = manifest["timestamps"]
    assert stamps["started"] <= stamps["job_created"] <= stamps["finished"]


def test_without_wait_returns_once_the_job_exists(openai_api: FakeOpenAI, train: Path,
                                                   tmp_path: Path) -> None:
    validation = tmp_path / "val.jsonl"
    validation.write_text(train.read_text().splitlines()[0] + "\n")
    manifest = tmp_path / "out" / "run.json"
    manifest.parent.mkdir()
    ran = submit(*args(train, "--validation", str(validation), "--manifest", str(manifest)))
    assert ran.code == 0, ran.all
    assert "job ftjob-3: validating_files" in ran.out
    assert [r.form()["file"][0] for r in openai_api.sent("POST", "/v1/files")] == [
        "train.jsonl", "val.jsonl"]
    assert openai_api.sent("POST", "/v1/fine_tuning/jobs")[0].json["validation_file"] == "file-2"
    assert not openai_api.sent("GET", "/v1/fine_tuning/jobs/.*")
    data = json.loads(manifest.read_text())
    assert data["outcome"] == "created" and data["file_ids"] == {"training": "file-1",
                                                                 "validation": "file-2"}
    assert set(data["inputs"]) == {"training", "validation"}


def test_a_refused_key_is_a_clear_error_that_never_shows_the_key(
        openai_api: FakeOpenAI, train: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = "sk-wrong-KEY-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", wrong)
    ran = submit(*args(train))
    assert ran.code == 2
    assert "HTTP 401" in ran.err and "Incorrect API key provided" in ran.err
    assert wrong not in ran.all and "[redacted]" in ran.err
    assert "$OPENAI_API_KEY" in ran.err
    no_traceback(ran.all)
    assert len(openai_api.sent("POST", "/v1/files")) == 1  # a 401 is not retried
    assert not train.with_name("train.submit.json").exists()


def test_429_then_success_retries_and_creates_exactly_one_job(
        openai_api: FakeOpenAI, train: Path) -> None:
    openai_api.fail("POST", "/v1/files", Status(429, "Rate limit reached"))
    openai_api.fail("POST", "/v1/fine_tuning/jobs", Status(429, "Rate limit reached"),
                    Status(429, "Rate limit reached"))
    ran = submit(*args(train))
    assert ran.code == 0, ran.all
    assert "HTTP 429: Rate limit reached; retrying" in ran.err
    assert len(openai_api.sent("POST", "/v1/files")) == 2
    assert len(openai_api.sent("POST", "/v1/fine_tuning/jobs")) == 3
    assert len(openai_api.jobs) == 1
    # before each retry of the job POST, ftprep looked for a job it might have made
    assert len(openai_api.sent("GET", "/v1/fine_tuning/jobs")) == 2


def test_5xx_on_job_creation_that_persists_fails_cleanly_without_a_job(
        openai_api: FakeOpenAI, train: Path) -> None:
    openai_api.fail("POST", "/v1/fine_tuning/jobs", *[Status(500, "The server had an error")] * 9)
    ran = submit(*args(train))
    assert ran.code == 2
    no_traceback(ran.all)
    assert "creating the job on OpenAI after 4 attempts failed" in ran.err
    assert "HTTP 500: The server had an error; no job was created" in ran.err
    assert len(openai_api.sent("POST", "/v1/fine_tuning/jobs")) == 4
    assert openai_api.jobs == {}
    manifest = json.loads(train.with_name("train.submit.json").read_text())
    assert manifest["outcome"] == "error" and manifest["file_ids"] == {"training": "file-1"}
    assert manifest["job"] is None


def test_5xx_after_the_job_was_created_finds_it_instead_of_making_a_second(
        openai_api: FakeOpenAI, train: Path) -> None:
    openai_api.fail("POST", "/v1/fine_tuning/jobs", Status(502, "Bad gateway", after=True))
    ran = submit(*args(train))
    assert ran.code == 0, ran.all
    assert "but the job exists" in ran.err
    assert len(openai_api.sent("POST", "/v1/fine_tuning/jobs")) == 1
    assert len(openai_api.jobs) == 1
    assert "job ftjob-2:" in ran.out


def test_a_dropped_connection_mid_upload_is_retried(openai_api: FakeOpenAI, train: Path) -> None:
    openai_api.fail("POST", "/v1/files", Drop(read=100))
    ran = submit(*args(train))
    assert ran.code == 0, ran.all
    assert "connection failed" in ran.err and "retrying" in ran.err
    assert len(openai_api.sent("POST", "/v1/files")) == 2
    assert len(openai_api.files) == 1 and len(openai_api.jobs) == 1


def test_a_connection_that_keeps_dropping_is_a_clean_error(openai_api: FakeOpenAI,
                                                           train: Path) -> None:
    openai_api.fail("POST", "/v1/files", *[Drop(read=100)] * 4)
    ran = submit(*args(train))
    assert ran.code == 2
    no_traceback(ran.all)
    assert "ftprep: error: uploading the training file train.jsonl failed (connection failed" \
        in ran.err
    assert openai_api.jobs == {}


def test_malformed_json_from_the_server_is_reported_not_a_traceback(
        openai_api: FakeOpenAI, train: Path) -> None:
    openai_api.fail("POST", "/v1/files", Garbage())
    ran = submit(*args(train))
    assert ran.code == 2
    no_traceback(ran.all)
    assert "the server's answer is not valid JSON" in ran.err
    assert openai_api.jobs == {}


def test_malformed_json_on_job_creation_checks_for_the_job(openai_api: FakeOpenAI,
                                                          train: Path) -> None:
    openai_api.fail("POST", "/v1/fine_tuning/jobs", Garbage(b"<html>oops</html>", after=True))
    ran = submit(*args(train))
    assert ran.code == 0, ran.all
    assert len(openai_api.jobs) == 1 and "but the job exists" in ran.err


def test_the_servers_own_rejection_of_the_file_is_shown(openai_api: FakeOpenAI,
                                                        train: Path) -> None:
    message = "Invalid file format. Example 3: messages must contain an assistant message."
    openai_api.fail("POST", "/v1/files", Status(400, message))
    ran = submit(*args(train))
    assert ran.code == 2
    assert message in ran.err and "HTTP 400" in ran.err
    assert len(openai_api.sent("POST", "/v1/files")) == 1
    no_traceback(ran.all)


def test_a_job_that_fails_exits_1_with_its_error(openai_api: FakeOpenAI, train: Path) -> None:
    openai_api.outcome = "failed"
    ran = submit(*args(train, "--wait"))
    assert ran.code == 1
    assert "job ftjob-2: failed" in ran.out
    assert "Line 3 has no assistant message." in ran.err
    assert "Training file validation failed" in ran.err
    manifest = json.loads(train.with_name("train.submit.json").read_text())
    assert manifest["outcome"] == "failed"
    assert "invalid training file" in manifest["job"]["error"]


def test_dry_run_sends_nothing_and_needs_no_key_or_sdk(
        openai_api: FakeOpenAI, train: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setitem(sys.modules, "openai", None)
    ran = submit(*args(train, "--dry-run", "--epochs", "3", "--suffix", "kestrel"))
    assert ran.code == 0, ran.all
    assert openai_api.requests == []
    digest = hashlib.sha256(train.read_bytes()).hexdigest()
    assert f"POST {openai_api.url}/v1/files" in ran.out
    assert "purpose: fine-tune" in ran.out
    assert f"file: @{train} ({train.stat().st_size:,} bytes, sha256 {digest})" in ran.out
    assert f"POST {openai_api.url}/v1/fine_tuning/jobs" in ran.out
    assert '"training_file": "<training file id>"' in ran.out
    assert '"n_epochs": 3' in ran.out
    assert not train.with_name("train.submit.json").exists()


def test_a_missing_sdk_names_the_extra(openai_api: FakeOpenAI, train: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)
    ran = submit(*args(train))
    assert ran.code == 2
    assert "ftprep: error: submitting to OpenAI needs its SDK" in ran.err
    assert "hint: pip install 'ftprep[openai]'" in ran.err
    assert openai_api.requests == []


def test_a_missing_key_names_the_variable(openai_api: FakeOpenAI, train: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    ran = submit(*args(train))
    assert ran.code == 2
    assert "needs an API key in $OPENAI_API_KEY" in ran.err
    assert openai_api.requests == []


def test_a_shut_down_model_is_refused(openai_api: FakeOpenAI, train: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2027-01-20")
    ran = submit(*args(train))
    assert ran.code == 2
    assert f"{MODEL} was shut down on 2027-01-14" in ran.err
    assert openai_api.requests == []


def test_after_the_last_day_for_jobs_openai_is_refused(openai_api: FakeOpenAI, train: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2027-01-08")
    ran = submit(*args(train, "--dry-run"))
    assert ran.code == 2
    assert "OpenAI has taken no new fine-tuning jobs since 2027-01-06" in ran.err


def test_a_deadline_within_30_days_warns(openai_api: FakeOpenAI, train: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", "2026-12-20")
    ran = submit(*args(train, "--dry-run"))
    assert ran.code == 0
    assert "warning: OpenAI takes no new fine-tuning jobs from 2027-01-06, in 17 days" in ran.err


def test_an_unknown_model_gets_a_did_you_mean(openai_api: FakeOpenAI, train: Path) -> None:
    ran = submit(str(train), "--model", "gpt-4o-mni", "--dry-run")
    assert ran.code == 2
    assert "lists no fine-tunable model 'gpt-4o-mni'" in ran.err
    assert "did you mean 'gpt-4o-mini'?" in ran.err


def test_lint_errors_refuse_the_submit_and_force_overrides(openai_api: FakeOpenAI,
                                                           tmp_path: Path) -> None:
    broken = tmp_path / "support.jsonl"
    broken.write_bytes((SAMPLES / "support_chat.jsonl").read_bytes())
    ran = submit(*args(broken))
    assert ran.code == 2
    assert "lint found 4 errors; nothing was sent" in ran.err
    assert f"{broken}:7:2: FT106" in ran.err
    assert f"ftprep lint {broken} --provider openai --model {MODEL}" in ran.err
    assert openai_api.requests == []

    ran = submit(*args(broken, "--force"))
    assert ran.code == 0, ran.all
    assert "submitting with 4 lint error(s) (--force)" in ran.err
    assert len(openai_api.jobs) == 1
    manifest = json.loads(broken.with_name("support.submit.json").read_text())
    assert manifest["lint"]["errors"] == 4 and manifest["lint"]["forced"] is True


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--epochs", "60", "--epochs 60 is out of range: OpenAI's n_epochs takes 1 to 50"),
    ("--learning-rate-multiplier", "0",
     ("--learning-rate-multiplier 0 is out of range: OpenAI's learning_rate_multiplier takes "
      "more than 0")),
    ("--batch-size", "many", "--batch-size many: OpenAI's batch_size takes an integer"),
    ("--learning-rate", "0.001", "--learning-rate: OpenAI takes no such hyperparameter"),
])
def test_hyperparameters_out_of_range_are_refused_before_any_request(
        openai_api: FakeOpenAI, train: Path, flag: str, value: str, message: str) -> None:
    ran = submit(*args(train, flag, value))
    assert ran.code == 2
    assert message in ran.err
    assert openai_api.requests == []


def test_preference_files_train_with_dpo(openai_api: FakeOpenAI, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes((SAMPLES / "preference.jsonl").read_bytes())
    ran = submit(str(pairs), "--model", "gpt-4.1-mini-2025-04-14", "--beta", "0.2", "--force")
    assert ran.code == 0, ran.all
    body = openai_api.sent("POST", "/v1/fine_tuning/jobs")[0].json
    assert body["method"] == {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.2}}}


def test_ctrl_c_while_waiting_leaves_the_job_running_and_says_how_to_follow_it(
        openai_api: FakeOpenAI, train: Path) -> None:
    # Python's own Ctrl-C handler, whatever an earlier test's library installed in its place.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _ctrl_c_while_waiting(openai_api, train)
    finally:
        signal.signal(signal.SIGINT, previous)


def _ctrl_c_while_waiting(openai_api: FakeOpenAI, train: Path) -> None:
    def interrupt(request: object) -> None:  # the user presses Ctrl-C while ftprep polls
        if getattr(request, "method", "") == "GET" and "/jobs/" in getattr(request, "path", ""):
            openai_api.hook = None
            # At the main thread, which polls: a signal the process gets may land on this server
            # thread, and then the main thread's wait runs on until it next checks (a loaded
            # machine saw the job finish first).
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            time.sleep(1.0)  # answer late: the interrupt lands while ftprep still waits for it

    openai_api.hook = interrupt
    ran = submit(*args(train, "--wait"))
    assert ran.code == 130
    assert "stopped waiting; the job ftjob-2 keeps running" in ran.err
    assert "https://platform.openai.com/finetune/ftjob-2" in ran.err
    assert "Traceback" not in ran.all
    manifest = json.loads(train.with_name("train.submit.json").read_text())
    assert manifest["outcome"] == "waiting-interrupted" and manifest["job"]["id"] == "ftjob-2"
