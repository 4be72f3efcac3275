"""Vertex and Bedrock: dry-run requests checked against the SDKs' own models; live refused
without the options that say where the data goes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.submit.conftest import submit

NOVA = "amazon.nova-micro-v1:0:128k"
ROLE = "arn:aws:iam::123456789012:role/bedrock-ft"


@pytest.fixture
def train(plain_train: Path) -> Path:
    return plain_train


def body_of(out: str) -> dict:
    start = out.index("\n   {")
    end = out.index("\n   }", start) + 5
    return json.loads(out[start:end])


def test_vertex_dry_run_matches_google_genais_own_request(train: Path) -> None:
    types = pytest.importorskip("google.genai.types")
    tunings = pytest.importorskip("google.genai.tunings")
    common = pytest.importorskip("google.genai._common")
    ran = submit(str(train), "--provider", "vertex", "--model", "gemini-3.5-flash",
                 "--validation", str(train), "--epochs", "3", "-H", "adapter-size=4",
                 "--learning-rate-multiplier", "0.5", "--suffix", "kestrel",
                 "--storage-uri", "gs://kestrel/ft", "--dry-run", "--force")
    assert ran.code == 0, ran.all
    labels = body_of(ran.out)["labels"]  # the submit id finds the job before a retry
    assert list(labels) == ["ftprep_submit_id"] and labels["ftprep_submit_id"].startswith("ftprep-")
    params = types._CreateTuningJobParametersPrivate(
        base_model="gemini-3.5-flash",
        training_dataset=types.TuningDataset(gcs_uri="gs://kestrel/ft/train.vertex.jsonl"),
        config=types.CreateTuningJobConfig(
            epoch_count=3, adapter_size="ADAPTER_SIZE_FOUR", learning_rate_multiplier=0.5,
            tuned_model_display_name="kestrel", labels=labels,
            validation_dataset=types.TuningValidationDataset(
                gcs_uri="gs://kestrel/ft/train.vertex.val.jsonl")))
    expected = tunings._CreateTuningJobParametersPrivate_to_vertex(params, None, params)
    expected.pop("config", None)
    expected = json.loads(json.dumps(common.encode_unserializable_types(
        common.convert_to_dict(expected)), default=lambda e: e.value))
    assert body_of(ran.out) == expected
    assert "/tuningJobs" in ran.out


def test_bedrock_dry_run_is_valid_for_botocore(train: Path) -> None:
    ran = submit(str(train), "--provider", "bedrock", "--model", NOVA, "--epochs", "2",
                 "--learning-rate", "0.00002", "--storage-uri", "s3://kestrel/ft",
                 "--role-arn", ROLE, "--suffix", "kestrel-support", "--dry-run")
    assert ran.code == 0, ran.all
    assert "checked against botocore's service model" in ran.out
    params = body_of(ran.out)
    assert params["hyperParameters"] == {"epochCount": "2", "learningRate": "2e-05"}
    assert params["trainingDataConfig"] == {"s3Uri": "s3://kestrel/ft/train.bedrock.jsonl"}
    assert params["clientRequestToken"] == params["jobName"]
    botocore = pytest.importorskip("botocore.session")
    validate = pytest.importorskip("botocore.validate")
    operation = botocore.get_session().get_service_model("bedrock").operation_model(
        "CreateModelCustomizationJob")
    assert not validate.ParamValidator().validate(params, operation.input_shape).has_errors()


def test_bedrock_ranges_are_the_models_own(train: Path) -> None:
    ran = submit(str(train), "--provider", "bedrock", "--model", NOVA, "--epochs", "8",
                 "--dry-run")
    assert ran.code == 2
    assert "--epochs 8 is out of range" in ran.err and "1 to 5" in ran.err


def test_bedrock_rejects_a_name_botocore_would_refuse(train: Path) -> None:
    ran = submit(str(train), "--provider", "bedrock", "--model", NOVA, "--role-arn", ROLE,
                 "--suffix", "kestrel support!", "--dry-run")
    assert ran.code == 2
    assert "customModelName 'kestrel support!' does not match Bedrock's pattern" in ran.err


@pytest.mark.parametrize(("provider", "model", "command"), [
    ("vertex", "gemini-3.5-flash", "ftprep export --to vertex"),
    ("bedrock", NOVA, "ftprep export --to bedrock"),
])
def test_a_live_submit_is_refused_with_the_way_forward(train: Path, provider: str, model: str,
                                                       command: str) -> None:
    ran = submit(str(train), "--provider", provider, "--model", model)
    assert ran.code == 2
    assert "its training data must first be in cloud storage" in ran.err
    assert command in ran.err
    assert "Traceback" not in ran.all
