"""`ftprep submit --provider vertex` with the real google-cloud-storage and google-genai against a
local Cloud Storage + Vertex AI fake."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.submit.conftest import submit
from tests.submit.fake_vertex import PARENT, FakeVertex
from tests.submit.server import Drop, Status

pytest.importorskip("google.genai")
pytest.importorskip("google.cloud.storage")

GEMINI = "gemini-3.5-flash"
BUCKET = "kestrel-ft"
PROJECT = "kestrel-ml"
LOCATION = "us-central1"
SECRET = "1//0gSECRET-refresh-token-Kx9Qw"
JOBS = PARENT.replace("([^/]+)", "[^/]+")  # any project/location: the route regex
UPLOAD = f"/upload/storage/v1/b/{BUCKET}/o"


@pytest.fixture
def vertex_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeVertex]:
    """Nothing on the machine is read: a credentials file holding a secret is where ADC would
    look, so a test can show it is never read (no token request, the secret nowhere)."""
    for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_API_KEY",
                 "GEMINI_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_ENTERPRISE",
                 "GOOGLE_GENAI_API_VERSION", "STORAGE_EMULATOR_HOST", "API_ENDPOINT_OVERRIDE",
                 "GOOGLE_CLOUD_QUOTA_PROJECT", "GOOGLE_API_USE_CLIENT_CERTIFICATE"):
        monkeypatch.delenv(name, raising=False)
    api = FakeVertex(BUCKET, PROJECT, LOCATION).start()
    adc = tmp_path / "adc.json"
    adc.write_text(json.dumps({"type": "authorized_user", "client_id": "ftprep-test",
                               "client_secret": SECRET, "refresh_token": SECRET,
                               "token_uri": f"{api.url}/token"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
    yield api
    api.stop()


@pytest.fixture
def train(plain_train: Path) -> Path:
    return plain_train


def converted(path: Path, suffix: str = ".vertex.jsonl") -> Path:
    """What submit uploads: the linted chat file in Vertex's schema (`export --to vertex`)."""
    return path.with_name(f"{path.stem}{suffix}")


def args(api: FakeVertex, train: Path, *more: str) -> list[str]:
    return [str(train), "--provider", "vertex", "--model", GEMINI, "--storage-uri",
            f"gs://{BUCKET}/ft", "--project", PROJECT, "--location", LOCATION,
            "--endpoint-url", api.url, *more]


def manifest_of(train: Path) -> dict[str, Any]:
    return json.loads(train.with_name("train.submit.json").read_text())


def genai_body(submit_id: str, validation: str | None = None, **config: Any) -> dict[str, Any]:
    """The tuningJobs body from google-genai's own converter for these `tune` arguments."""
    types = pytest.importorskip("google.genai.types")
    tunings = pytest.importorskip("google.genai.tunings")
    common = pytest.importorskip("google.genai._common")
    if validation:
        config["validation_dataset"] = types.TuningValidationDataset(gcs_uri=validation)
    params = types._CreateTuningJobParametersPrivate(
        base_model=GEMINI,
        training_dataset=types.TuningDataset(gcs_uri=f"gs://{BUCKET}/ft/train.vertex.jsonl"),
        config=types.CreateTuningJobConfig(labels={"ftprep_submit_id": submit_id}, **config))
    body = tunings._CreateTuningJobParametersPrivate_to_vertex(params, None, params)
    body.pop("config", None)
    return dict(json.loads(json.dumps(common.encode_unserializable_types(
        common.convert_to_dict(body)), default=lambda e: e.value)))


def test_success_uploads_creates_and_waits(vertex_api: FakeVertex, train: Path) -> None:
    ran = submit(*args(vertex_api, train, "--epochs", "2", "--learning-rate-multiplier", "0.5",
                       "-H", "adapter-size=4", "--suffix", "kestrel-support", "--wait"))
    assert ran.code == 0, ran.all
    assert "Traceback" not in ran.all and "Warning" not in ran.err
    assert vertex_api.objects == {"ft/train.vertex.jsonl": converted(train).read_bytes()}
    first = json.loads(converted(train).read_bytes().splitlines()[0])
    assert first["contents"][0] == {"role": "user", "parts": [{"text": "What is 0 plus 0?"}]}
    upload, = vertex_api.sent("POST", UPLOAD)
    assert upload.query == {"uploadType": ["multipart"]}
    create, = vertex_api.sent("POST", JOBS)
    assert create.path == f"/v1beta1/projects/{PROJECT}/locations/{LOCATION}/tuningJobs"
    manifest = manifest_of(train)
    submit_id = manifest["submit_id"]
    assert create.json == genai_body(submit_id, epoch_count=2, learning_rate_multiplier=0.5,
                                     adapter_size="ADAPTER_SIZE_FOUR",
                                     tuned_model_display_name="kestrel-support")
    assert create.json["supervisedTuningSpec"] == {
        "trainingDatasetUri": f"gs://{BUCKET}/ft/train.vertex.jsonl",
        "hyperParameters": {"epochCount": 2, "learningRateMultiplier": 0.5,
                            "adapterSize": "ADAPTER_SIZE_FOUR"}}
    name, = vertex_api.jobs
    assert f"job {name}: JOB_STATE_SUCCEEDED" in ran.out
    assert f"fine-tuned model: projects/{PROJECT}/locations/{LOCATION}/models/77" in ran.out
    assert "JOB_STATE_RUNNING" in ran.err
    assert manifest["outcome"] == "succeeded"
    assert manifest["file_ids"] == {"training": f"gs://{BUCKET}/ft/train.vertex.jsonl"}
    assert manifest["inputs"]["training"]["path"] == str(converted(train))
    assert manifest["converted_from"]["training"]["path"] == str(train)
    assert manifest["job"]["id"] == name and manifest["job"]["status"] == "JOB_STATE_SUCCEEDED"
    # with --endpoint-url no credentials are read or sent: no token request, no secret anywhere
    assert vertex_api.sent("POST", "/token") == []
    assert "authorization" not in upload.headers
    assert create.headers["authorization"] == "Bearer anonymous"
    text = train.with_name("train.submit.json").read_text()
    assert SECRET not in text and SECRET not in ran.all
    assert SECRET not in json.dumps([r.headers for r in vertex_api.requests])


def test_the_validation_file_is_uploaded_and_passed(vertex_api: FakeVertex, train: Path,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    held_out = tmp_path / "held_out.jsonl"
    held_out.write_bytes(b"".join(train.read_bytes().splitlines(keepends=True)[:4]))
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)  # the environment stands in for options
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", LOCATION)
    ran = submit(str(train), "--provider", "vertex", "--model", GEMINI, "--validation",
                 str(held_out), "--storage-uri", f"gs://{BUCKET}/ft/", "--endpoint-url",
                 vertex_api.url)
    assert ran.code == 0, ran.all
    val = converted(train, ".vertex.val.jsonl")
    assert vertex_api.objects == {"ft/train.vertex.jsonl": converted(train).read_bytes(),
                                  "ft/train.vertex.val.jsonl": val.read_bytes()}
    body = vertex_api.sent("POST", JOBS)[0].json
    submit_id = manifest_of(train)["submit_id"]
    assert body == genai_body(submit_id, validation=f"gs://{BUCKET}/ft/train.vertex.val.jsonl")
    assert (manifest_of(train)["file_ids"]["validation"]
            == f"gs://{BUCKET}/ft/train.vertex.val.jsonl")
    assert manifest_of(train)["outcome"] == "created"
    assert vertex_api.sent("GET", JOBS + "/.*") == []  # no --wait: created, not followed


def test_permission_denied_on_upload_is_a_clear_error(vertex_api: FakeVertex,
                                                      train: Path) -> None:
    vertex_api.deny_storage = True
    ran = submit(*args(vertex_api, train))
    assert ran.code == 2, ran.all
    assert "Traceback" not in ran.all
    assert ("HTTP 403: ftprep-ci@kestrel.iam.gserviceaccount.com does not have "
            "storage.objects.create access") in ran.err
    assert "Application Default Credentials" in ran.err  # the hint says where credentials are
    assert len(vertex_api.sent("POST", UPLOAD)) == 1  # a refusal is not retried
    assert vertex_api.sent("POST", JOBS) == [] and vertex_api.jobs == {}
    assert not train.with_name("train.submit.json").exists()


def test_throttling_on_create_is_retried_into_one_job(vertex_api: FakeVertex,
                                                      train: Path) -> None:
    vertex_api.fail("POST", JOBS, Status(429, "Quota exceeded for tuning jobs"))
    ran = submit(*args(vertex_api, train))
    assert ran.code == 0, ran.all
    assert "HTTP 429: RESOURCE_EXHAUSTED: Quota exceeded for tuning jobs; retrying" in ran.err
    first, second = vertex_api.sent("POST", JOBS)
    assert first.json == second.json  # the same labelled request, sent again
    assert len(vertex_api.jobs) == 1
    assert vertex_api.sent("GET", JOBS)  # the job list was read before the retry


def test_a_500_after_the_job_was_made_finds_it(vertex_api: FakeVertex, train: Path) -> None:
    vertex_api.seed(3)  # other submits' jobs, listed after this one's on later pages
    vertex_api.fail("POST", JOBS, Status(500, "internal failure", after=True))
    ran = submit(*args(vertex_api, train))
    assert ran.code == 0, ran.all
    assert "but the job exists" in ran.err
    assert len(vertex_api.sent("POST", JOBS)) == 1
    assert len(vertex_api.jobs) == 4
    mine = [n for n, j in vertex_api.jobs.items()
            if j["labels"]["ftprep_submit_id"] == manifest_of(train)["submit_id"]]
    assert manifest_of(train)["job"]["id"] == mine[0]
    assert len(mine) == 1


def test_a_500_without_a_job_is_retried_after_paging_the_whole_list(vertex_api: FakeVertex,
                                                                    train: Path) -> None:
    vertex_api.seed(5)
    vertex_api.fail("POST", JOBS, Status(503, "backend unavailable"))
    ran = submit(*args(vertex_api, train))
    assert ran.code == 0, ran.all
    assert len(vertex_api.sent("POST", JOBS)) == 2
    assert len(vertex_api.sent("GET", JOBS)) == 3  # 5 jobs, 2 a page: every page was read
    assert len(vertex_api.jobs) == 6


def test_a_dropped_create_is_checked_then_retried(vertex_api: FakeVertex, train: Path) -> None:
    vertex_api.fail("POST", JOBS, Drop(read=10))
    ran = submit(*args(vertex_api, train))
    assert ran.code == 0, ran.all
    assert "connection failed" in ran.err and "retrying" in ran.err
    assert len(vertex_api.jobs) == 1


def test_a_dropped_upload_is_retried(vertex_api: FakeVertex, train: Path) -> None:
    vertex_api.fail("POST", UPLOAD, Drop(read=10))
    ran = submit(*args(vertex_api, train))
    assert ran.code == 0, ran.all
    assert "retrying" in ran.err
    assert vertex_api.objects == {"ft/train.vertex.jsonl": converted(train).read_bytes()}


def test_when_the_job_list_cannot_be_read_nothing_is_retried(vertex_api: FakeVertex,
                                                             train: Path) -> None:
    vertex_api.fail("POST", JOBS, Status(500, "internal failure", after=True))
    vertex_api.fail("GET", JOBS, Status(403, "tuningJobs.list denied"))
    ran = submit(*args(vertex_api, train))
    assert ran.code == 2, ran.all
    assert "could not check whether the job was created" in ran.err
    assert len(vertex_api.sent("POST", JOBS)) == 1 and len(vertex_api.jobs) == 1
    assert manifest_of(train)["outcome"] == "error"


def test_a_failed_job_exits_1_with_its_error(vertex_api: FakeVertex, train: Path) -> None:
    vertex_api.outcome = "JOB_STATE_FAILED"
    ran = submit(*args(vertex_api, train, "--wait"))
    assert ran.code == 1, ran.all
    assert "the job JOB_STATE_FAILED: Row 3 of the training dataset is not a valid" in ran.err
    manifest = manifest_of(train)
    assert manifest["outcome"] == "failed"
    assert manifest["job"]["error"].startswith("Row 3 of the training dataset")


@pytest.mark.parametrize("missing", ["--storage-uri", "--project", "--location"])
def test_a_missing_option_is_refused_before_anything_is_sent(vertex_api: FakeVertex,
                                                             train: Path, missing: str) -> None:
    given = args(vertex_api, train)
    at = given.index(missing)
    del given[at:at + 2]
    ran = submit(*given)
    assert ran.code == 2
    assert f"needs {missing}" in ran.err and "Traceback" not in ran.all
    assert vertex_api.requests == []
    assert not train.with_name("train.submit.json").exists()
    assert not converted(train).exists()  # refused before lint and conversion


@pytest.mark.parametrize("endpoint", [
    None, "https://us-central1-aiplatform-kestrel.p.googleapis.com"])
def test_missing_application_default_credentials_are_a_clear_error(
    vertex_api: FakeVertex, train: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    endpoint: str | None
) -> None:
    """Without --endpoint-url, or with an https:// one (a private endpoint), ADC is used."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    given = args(vertex_api, train)
    del given[-2:]
    ran = submit(*given, *(["--endpoint-url", endpoint] if endpoint else []))
    assert ran.code == 2, ran.all
    assert "needs Google credentials" in ran.err and "gcloud auth application-default" in ran.err
    assert "Traceback" not in ran.all
    assert vertex_api.requests == []


def test_dry_run_shows_the_uploads_and_the_job(vertex_api: FakeVertex, train: Path) -> None:
    ran = submit(*args(vertex_api, train, "--dry-run"))
    assert ran.code == 0, ran.all
    assert vertex_api.requests == []
    assert f"POST {vertex_api.url}{UPLOAD}?uploadType=multipart" in ran.out
    assert (f"POST {vertex_api.url}/v1beta1/projects/{PROJECT}/locations/{LOCATION}/tuningJobs"
            in ran.out)


@pytest.mark.parametrize("module", ["google.genai", "google.cloud.storage"])
def test_without_an_sdk_the_extra_is_named(vertex_api: FakeVertex, train: Path,
                                           monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    ran = submit(*args(vertex_api, train))
    assert ran.code == 2, ran.all
    assert "needs its SDK" in ran.err and "pip install 'ftprep[vertex]'" in ran.err
    assert vertex_api.requests == []
    assert not converted(train).exists()  # refused before lint and conversion
