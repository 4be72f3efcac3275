"""`ftprep submit`: lint gate, upload, one job, optional --wait; --dry-run shows the requests."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ftprep.cli._options import config_options, quiet_option
from ftprep.cli._progress import progress_for
from ftprep.config import load_settings, with_overrides
from ftprep.model.errors import EXIT_CLEAN, EXIT_PROBLEMS, FtprepError
from ftprep.providers.profile import load_provider
from ftprep.readers.jsonl import training_and_validation
from ftprep.submit.converted import convert_for_upload
from ftprep.submit.gate import GateResult, lint_gate
from ftprep.submit.manifest import Manifest, default_path
from ftprep.submit.plan import Choices, Request
from ftprep.submit.prepare import api_key, plan_and_adapter, prepare, require_live
from ftprep.submit.run import POLL_ENV
from ftprep.submit.run import submit as run_submit

# Flags for the common hyperparameters; any other the profile lists goes through -H.
FLAGS = ("epochs", "learning-rate-multiplier", "learning-rate", "batch-size", "seed", "beta")


def _note(message: str) -> None:
    click.echo(f"ftprep: {message}", err=True)


@click.command()
@click.argument("training", type=click.Path(path_type=Path))
@click.option("--provider", default=None, help="Provider profile (default: openai).")
@click.option("--model", "-m", default=None, help="Base model to fine-tune, e.g. gpt-4o-2024-08-06.")
@click.option("--validation", type=click.Path(path_type=Path), default=None,
              help="A validation file: linted and uploaded with the training file.")
@click.option("--epochs", default=None, metavar="N", help="Epochs (checked against the profile).")
@click.option("--learning-rate-multiplier", default=None, metavar="X")
@click.option("--learning-rate", default=None, metavar="X")
@click.option("--batch-size", default=None, metavar="N")
@click.option("--seed", default=None, metavar="N")
@click.option("--beta", default=None, metavar="X", help="DPO beta (preference files only).")
@click.option("--hyperparameter", "-H", "extra", multiple=True, metavar="NAME=VALUE",
              help="Any other hyperparameter the provider profile lists, e.g. -H lora-rank=16.")
@click.option("--suffix", default=None, help="Suffix of the fine-tuned model's name.")
@click.option("--wait", is_flag=True, help="Follow the job until it ends; exit 1 if it fails.")
@click.option("--dry-run", is_flag=True,
              help="Print the exact requests and send nothing (no SDK or key needed).")
@click.option("--force", is_flag=True, help="Submit although lint finds errors.")
@click.option("--base-url", default=None,
              help="API base URL: an OpenAI-compatible service, or an Azure endpoint.")
@click.option("--api-version", default=None, help="Azure OpenAI API version.")
@click.option("--account", "--project", "account", default=None,
              help="Fireworks: the account id (default: $FIREWORKS_ACCOUNT_ID). Vertex: the "
                   "Google Cloud project (default: $GOOGLE_CLOUD_PROJECT; required live).")
@click.option("--storage-uri", "--s3-uri", "storage_uri", default=None,
              help="Where ftprep uploads the converted files (required live): "
                   "gs://BUCKET/PREFIX for Vertex, s3://BUCKET/PREFIX/ for Bedrock.")
@click.option("--role-arn", default=None,
              help="Bedrock: the IAM role the job runs as (required live).")
@click.option("--output-s3-uri", default=None,
              help="Bedrock: where the job writes its output (default: <s3-uri>/output/).")
@click.option("--region", "--location", "region", default=None,
              help="Bedrock: the AWS region (default: $AWS_REGION or $AWS_DEFAULT_REGION). "
                   "Vertex: the location, e.g. us-central1 (default: $GOOGLE_CLOUD_LOCATION; "
                   "required live).")
@click.option("--endpoint-url", default=None,
              help="One endpoint URL for the storage and the job API: a VPC endpoint, an "
                   "emulator or a local test server. Bedrock: S3 path-style, credentials from "
                   "boto3's usual chain. Vertex: Application Default Credentials "
                   "(google.auth.default()), except that none are read or sent to an http:// "
                   "endpoint (an emulator or a local server).")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the run manifest (default: <training stem>.submit.json).")
@config_options
@quiet_option
def submit(
    training: Path, provider: str | None, model: str | None, validation: Path | None,
    epochs: str | None, learning_rate_multiplier: str | None, learning_rate: str | None,
    batch_size: str | None, seed: str | None, beta: str | None, extra: tuple[str, ...],
    suffix: str | None, wait: bool, dry_run: bool, force: bool, base_url: str | None,
    api_version: str | None, account: str | None, storage_uri: str | None,
    role_arn: str | None, output_s3_uri: str | None, region: str | None,
    endpoint_url: str | None, manifest: Path | None, config: Path | None, isolated: bool,
    quiet: bool,
) -> int:
    """Lint TRAINING for the provider, upload it and create a fine-tuning job.

    Refuses a file with lint errors (unless --force), a model that is shut down or whose
    provider takes no new jobs, and hyperparameters outside the profile's ranges, before
    anything is sent. API keys come from the environment only (the profile names the
    variable, e.g. OPENAI_API_KEY). Writes a run manifest (input hashes, lint counts,
    estimate, file and job ids) next to TRAINING. With --wait, polls every $FTPREP_SUBMIT_POLL
    seconds (default 10); Ctrl-C stops waiting, not the job.
    """
    settings = with_overrides(load_settings(config, isolated), provider=provider, model=model)
    if settings.model is None:
        raise FtprepError("no model given", "pass --model, e.g. --model gpt-4o-mini-2024-07-18")
    profile = load_provider(settings.provider)
    values = {flag: value for flag, value in zip(FLAGS, (
        epochs, learning_rate_multiplier, learning_rate, batch_size, seed, beta)) if value is not None}
    for item in extra:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise FtprepError(f"-H {item!r}: expected NAME=VALUE", "e.g. -H lora-rank=16")
        values[name.strip().removeprefix("--")] = value.strip()
    choices = Choices(training, validation, settings.model, values, suffix, base_url, account,
                      api_version, storage_uri, role_arn, force, output_s3_uri, region,
                      endpoint_url)
    prepared = prepare(profile, choices)
    for warning in prepared.warnings:
        _note(f"warning: {warning}")
    key = None
    if not dry_run:
        key = api_key(require_live(profile, choices), profile.name)
    epochs_spec = profile.hyperparameter("epochs", prepared.model)
    epochs_value = prepared.hyperparameters.get(epochs_spec.name) if epochs_spec else None
    if isinstance(epochs_value, int) and 1 <= epochs_value <= 50:
        settings = with_overrides(settings, epochs=epochs_value)
    settings = with_overrides(settings, model=prepared.model_name)
    sources = training_and_validation([str(training)], [str(validation)] if validation else [])
    rerun = (f"ftprep lint {training}" + (f" --validation {validation}" if validation else "")
             + f" --provider {profile.id} --model {prepared.model_name}")
    with progress_for(quiet) as progress:
        gate = lint_gate(settings, sources, force, rerun, progress=progress,
                         notes=lambda n: None if quiet else _note(f"note: {n}"))
    if gate.forced:
        _note(f"warning: submitting with {gate.error_count:,} lint error(s) (--force)")
    _note(_summary(gate))
    prepared, converted = convert_for_upload(prepared, force)
    for note in converted:
        _note(note)
    plan, adapter = plan_and_adapter(prepared, gate)
    if dry_run:
        click.echo(f"ftprep submit --dry-run: nothing was sent. {profile.name}, {plan.model}, "
                   f"{'DPO' if plan.method == 'dpo' else 'supervised'} training")
        for number, request in enumerate(adapter.requests(), 1):
            _render(number, request)
        if wait:
            click.echo(f"then, with --wait: poll the job every ${POLL_ENV} seconds (default 10) "
                       "until it ends")
        return EXIT_CLEAN
    session = adapter.connect(key)
    record = Manifest(manifest or default_path(training), plan, gate)
    with progress_for(quiet) as progress:
        result = run_submit(adapter, session, record, wait, _note, progress=progress)
    job = result.job
    click.echo(f"job {job.id}: {job.status}")
    if job.fine_tuned_model:
        click.echo(f"fine-tuned model: {job.fine_tuned_model}")
    click.echo(f"manifest: {record.path}")
    if result.ended and not result.succeeded:
        click.echo(f"ftprep: the job {job.status}: {job.error or 'the provider gave no reason'}",
                   err=True)
        return EXIT_PROBLEMS
    return EXIT_CLEAN


def _summary(gate: GateResult) -> str:
    """One line: what lint found and what the run would cost, as the manifest records it."""
    counts = gate.counts
    est = gate.report.estimate
    line = (f"lint: {_count(counts['errors'], 'error')}, "
            f"{_count(counts['warnings'], 'warning')}, {counts['info']:,} info; "
            f"{_count(gate.report.summary.examples, 'example')}")
    if est.billed_tokens is not None and est.epochs is not None:
        line += (f"; estimate: {est.billed_tokens_per_epoch:,} tokens x "
                 f"{_count(est.epochs, 'epoch')} = {est.billed_tokens:,} billed tokens")
        if est.cost is not None and est.price is not None:
            line += f", ${est.cost:,.2f} (price as of {est.price.as_of}: {est.price.source})"
        else:
            line += ", cost unknown (no sourced price)"
    return line


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' * (number != 1)}"


def _render(number: int, request: Request) -> None:
    click.echo(f"\n{number}. {request.purpose}")
    click.echo(f"   {request.method} {request.url}")
    for name, value in request.headers.items():
        click.echo(f"   {name}: {value}")
    if request.form is not None or request.file is not None:
        click.echo("   multipart/form-data:")
        for name, value in (request.form or {}).items():
            click.echo(f"     {name}: {value}")
        if request.file is not None:
            click.echo(f"     file: {request.file.describe()}")
    if request.json is not None:
        body = json.dumps(request.json, indent=2, sort_keys=False, ensure_ascii=False)
        click.echo("\n".join("   " + line for line in body.splitlines()))
    if request.note:
        click.echo(f"   ({request.note})")
