"""`ftprep submit --provider bedrock` with the real boto3 against a local S3 + Bedrock fake."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.submit.conftest import submit
from tests.submit.fake_bedrock import JOBS, FakeBedrock
from tests.submit.server import Drop, Status

pytest.importorskip("boto3")

NOVA = "amazon.nova-micro-v1:0:128k"
ROLE = "arn:aws:iam::123456789012:role/bedrock-ft"
BUCKET = "kestrel-ft"
SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRET"


@pytest.fixture
def bedrock_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeBedrock]:
    """Fake credentials and region only: nothing on the machine is read, nothing leaves it."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                 "AWS_ENDPOINT_URL_BEDROCK", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    api = FakeBedrock(BUCKET).start()
    yield api
    api.stop()


@pytest.fixture
def train(plain_train: Path) -> Path:
    return plain_train


def converted(path: Path) -> Path:
    """What submit uploads: the linted chat file in Bedrock's schema (`export --to bedrock`)."""
    return path.with_name(f"{path.stem}.bedrock.jsonl")


def args(api: FakeBedrock, train: Path, *more: str) -> list[str]:
    return [str(train), "--provider", "bedrock", "--model", NOVA, "--s3-uri",
            f"s3://{BUCKET}/ft/", "--role-arn", ROLE, "--endpoint-url", api.url, *more]


def manifest_of(train: Path) -> dict:
    return json.loads(train.with_name("train.submit.json").read_text())


def test_success_uploads_creates_and_waits(bedrock_api: FakeBedrock, train: Path) -> None:
    ran = submit(*args(bedrock_api, train, "--epochs", "2", "--learning-rate", "0.00002",
                       "-H", "learning-rate-warmup-steps=5", "--suffix", "kestrel-support",
                       "--wait"))
    assert ran.code == 0, ran.all
    assert "Traceback" not in ran.all
    assert bedrock_api.objects == {"ft/train.bedrock.jsonl": converted(train).read_bytes()}
    first = json.loads(converted(train).read_bytes().splitlines()[0])
    assert first == {"schemaVersion": "bedrock-conversation-2024",
                     "system": [{"text": "Answer briefly."}],
                     "messages": [{"role": "user", "content": [{"text": "What is 0 plus 0?"}]},
                                  {"role": "assistant", "content": [{"text": "0."}]}]}
    put, = bedrock_api.sent("PUT", rf"/{BUCKET}/.*")
    assert put.path == f"/{BUCKET}/ft/train.bedrock.jsonl"  # path-style, as --endpoint-url asks
    assert put.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    create, = bedrock_api.sent("POST", JOBS)
    body = create.json
    manifest = manifest_of(train)
    submit_id = manifest["submit_id"]
    assert body == {
        "jobName": submit_id, "customModelName": "kestrel-support", "roleArn": ROLE,
        "baseModelIdentifier": NOVA, "customizationType": "FINE_TUNING",
        "trainingDataConfig": {"s3Uri": f"s3://{BUCKET}/ft/train.bedrock.jsonl"},
        "outputDataConfig": {"s3Uri": f"s3://{BUCKET}/ft/output/"},
        "hyperParameters": {"epochCount": "2", "learningRate": "2e-05",
                            "learningRateWarmupSteps": "5"},
        "clientRequestToken": submit_id}
    job, = bedrock_api.jobs.values()
    arn = job["jobArn"]
    assert f"job {arn}: Completed" in ran.out
    assert "fine-tuned model: arn:aws:bedrock:us-east-1:123456789012:custom-model/x" in ran.out
    assert "training: InProgress" in ran.err and "validation: Completed" in ran.err
    assert manifest["outcome"] == "succeeded"
    assert manifest["file_ids"] == {"training": f"s3://{BUCKET}/ft/train.bedrock.jsonl"}
    assert manifest["inputs"]["training"]["path"] == str(converted(train))
    assert manifest["converted_from"]["training"]["path"] == str(train)
    assert manifest["job"]["id"] == arn and manifest["job"]["status"] == "Completed"
    text = train.with_name("train.submit.json").read_text()
    assert SECRET not in text and SECRET not in ran.all
    assert SECRET[:12] not in json.dumps([r.headers for r in bedrock_api.requests])


def test_the_validation_file_is_uploaded_and_passed(bedrock_api: FakeBedrock, train: Path,
                                                    tmp_path: Path) -> None:
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_bytes(train.read_bytes()[: len(train.read_bytes()) // 2].rsplit(b"\n", 1)[0]
                         + b"\n")
    ran = submit(*args(bedrock_api, train, "--validation", str(held_out),
                       "--output-s3-uri", "s3://kestrel-out/runs/"))
    assert ran.code == 0, ran.all
    val = converted(train).with_name("train.bedrock.val.jsonl")
    assert bedrock_api.objects == {"ft/train.bedrock.jsonl": converted(train).read_bytes(),
                                   "ft/train.bedrock.val.jsonl": val.read_bytes()}
    body = bedrock_api.sent("POST", JOBS)[0].json
    assert body["validationDataConfig"] == {
        "validators": [{"s3Uri": f"s3://{BUCKET}/ft/train.bedrock.val.jsonl"}]}
    assert body["outputDataConfig"] == {"s3Uri": "s3://kestrel-out/runs/"}
    assert (manifest_of(train)["file_ids"]["validation"]
            == f"s3://{BUCKET}/ft/train.bedrock.val.jsonl")
    assert manifest_of(train)["outcome"] == "created"


def test_access_denied_on_upload_is_a_clear_error(bedrock_api: FakeBedrock, train: Path) -> None:
    bedrock_api.deny_s3 = True
    ran = submit(*args(bedrock_api, train))
    assert ran.code == 2, ran.all
    assert "Traceback" not in ran.all
    assert "HTTP 403: AccessDenied: Access Denied" in ran.err
    assert "AWS_ACCESS_KEY_ID" in ran.err  # the hint names where credentials come from
    assert len(bedrock_api.sent("PUT", rf"/{BUCKET}/.*")) == 1  # a refusal is not retried
    assert bedrock_api.sent("POST", JOBS) == [] and SECRET not in ran.all


def test_throttling_on_create_is_retried_into_one_job(bedrock_api: FakeBedrock,
                                                      train: Path) -> None:
    bedrock_api.fail("POST", JOBS, Status(429, "Too many requests"))
    ran = submit(*args(bedrock_api, train))
    assert ran.code == 0, ran.all
    assert "HTTP 429: ThrottlingException: Too many requests; retrying" in ran.err
    first, second = bedrock_api.sent("POST", JOBS)
    assert first.json["clientRequestToken"] == second.json["clientRequestToken"]
    assert len(bedrock_api.jobs) == 1
    # botocore's own retries are off: ftprep's policy made the second attempt
    # (botocore >= 1.44 adds "; max=N" to the header: only the attempt number matters here)
    attempts = {r.headers.get("amz-sdk-request", "").split(";")[0] for r in bedrock_api.requests}
    assert attempts == {"attempt=1"}


def test_a_500_after_the_job_was_made_finds_it(bedrock_api: FakeBedrock, train: Path) -> None:
    bedrock_api.fail("POST", JOBS, Status(500, "internal failure", after=True))
    ran = submit(*args(bedrock_api, train))
    assert ran.code == 0, ran.all
    assert "but the job exists" in ran.err
    assert len(bedrock_api.jobs) == 1
    assert len(bedrock_api.sent("POST", JOBS)) == 1
    job, = bedrock_api.jobs.values()
    assert manifest_of(train)["job"]["id"] == job["jobArn"]


def test_a_dropped_upload_is_retried(bedrock_api: FakeBedrock, train: Path) -> None:
    bedrock_api.fail("PUT", rf"/{BUCKET}/.*", Drop(read=10))
    ran = submit(*args(bedrock_api, train))
    assert ran.code == 0, ran.all
    assert "retrying" in ran.err
    assert bedrock_api.objects == {"ft/train.bedrock.jsonl": converted(train).read_bytes()}


def test_a_failed_job_exits_1_with_its_failure_message(bedrock_api: FakeBedrock,
                                                       train: Path) -> None:
    bedrock_api.outcome = "Failed"
    ran = submit(*args(bedrock_api, train, "--wait"))
    assert ran.code == 1, ran.all
    assert "Row 3 of the training data is not valid JSON" in ran.err
    assert manifest_of(train)["outcome"] == "failed"


@pytest.mark.parametrize("missing", ["--role-arn", "--s3-uri"])
def test_a_missing_option_is_refused_before_anything_is_sent(bedrock_api: FakeBedrock,
                                                             train: Path, missing: str) -> None:
    given = args(bedrock_api, train)
    at = given.index(missing)
    del given[at:at + 2]
    ran = submit(*given)
    assert ran.code == 2
    assert f"needs {missing}" in ran.err and "Traceback" not in ran.all
    assert bedrock_api.requests == []
    assert not train.with_name("train.submit.json").exists()


def test_no_region_is_a_clear_error(bedrock_api: FakeBedrock, train: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    ran = submit(*args(bedrock_api, train))
    assert ran.code == 2
    assert "needs a region" in ran.err and "--region" in ran.err
    assert bedrock_api.requests == []


def test_dry_run_shows_the_uploads_and_the_job(bedrock_api: FakeBedrock, train: Path) -> None:
    ran = submit(*args(bedrock_api, train, "--dry-run"))
    assert ran.code == 0, ran.all
    assert bedrock_api.requests == []
    assert f"PUT {bedrock_api.url}/{BUCKET}/ft/train.bedrock.jsonl" in ran.out
    assert f"POST {bedrock_api.url}/model-customization-jobs" in ran.out


def test_without_boto3_the_extra_is_named(bedrock_api: FakeBedrock, train: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # `import boto3` now raises ImportError
    ran = submit(*args(bedrock_api, train))
    assert ran.code == 2
    assert "needs its SDK" in ran.err and "pip install 'ftprep[bedrock]'" in ran.err
    assert bedrock_api.requests == []


def test_records_bedrock_cannot_express_stop_the_submit_unless_forced(
    bedrock_api: FakeBedrock, train: Path
) -> None:
    call = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {
        "name": "add", "arguments": '{"a": 1}'}}]}
    record = {"messages": [{"role": "user", "content": "1 plus 1?"}, call,
                           {"role": "tool", "tool_call_id": "c1", "content": "2"},
                           {"role": "assistant", "content": "2."}],
              "tools": [{"type": "function", "function": {"name": "add", "parameters": {
                  "type": "object", "properties": {"a": {"type": "integer"}}}}}]}
    with train.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    ran = submit(*args(bedrock_api, train))
    assert ran.code == 2, ran.all
    assert "1 records cannot be written in AWS Bedrock" in ran.err and "1 tools" in ran.err
    assert "train.bedrock.rejects.jsonl" in ran.err
    assert bedrock_api.requests == []
    ran = submit(*args(bedrock_api, train, "--force"))
    assert ran.code == 0, ran.all
    assert len(converted(train).read_bytes().splitlines()) == 12
    assert list(bedrock_api.objects) == ["ft/train.bedrock.jsonl"]
