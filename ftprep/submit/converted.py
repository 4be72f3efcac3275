"""Upload what the provider reads: a linted chat file converted to the provider's own schema.

Bedrock and Vertex do not read OpenAI-style chat records: their profiles name the `ftprep export`
target that writes their schema (`submit.export`). Submit lints the chat file (the gate), then
converts it exactly as `ftprep export --to <target>` would, beside the input
(`train.bedrock.jsonl`, with its rejects file), and uploads the converted file. A record that
cannot be expressed in the provider's schema stops the submit unless `--force`: uploading the
rest silently would train on less than the user linted.
"""

from __future__ import annotations

from dataclasses import replace

from ftprep.export.run import ExportRequest, ExportResult, export_file, submit_copy
from ftprep.model.errors import FtprepError
from ftprep.submit.plan import file_ref
from ftprep.submit.prepare import Prepared


def convert_for_upload(prepared: Prepared, force: bool) -> tuple[Prepared, list[str]]:
    """The same submission with its files in the provider's schema, and what was done."""
    submission = prepared.profile.submit
    if submission is None or submission.export is None:
        return prepared, []
    choices, profile, target = prepared.choices, prepared.profile, submission.export
    validation = str(choices.validation) if choices.validation is not None else None
    result = export_file(ExportRequest(
        str(choices.training), target, submit_copy(choices.training, target),
        validation=validation, model=prepared.model_name,
    ))
    _refuse_losses(result, profile.name, target, force)
    files = tuple(file_ref(source.role, written.output, profile)
                  for source, written in zip(prepared.files, result.files, strict=True))
    schema = f", {result.schema}" if result.schema else ""
    notes = [f"converted {written.path} to {profile.name}'s schema{schema}: {written.output} "
             f"({written.written:,} records)" for written in result.files]
    return replace(prepared, files=files, converted_from=prepared.files), notes


def _refuse_losses(result: ExportResult, provider: str, target: str, force: bool) -> None:
    rejected = sum(file.rejected_total for file in result.files)
    if not rejected and not result.problems:
        return
    reasons = sum((file.rejected for file in result.files), start=type(result.files[0].rejected)())
    said = ", ".join(f"{n:,} {reason}" for reason, n in sorted(reasons.items()))
    if rejected and not force:
        raise FtprepError(
            f"{rejected:,} records cannot be written in {provider}'s schema ({said}); nothing "
            "was sent",
            f"see {result.rejects} (`ftprep export --to {target}` shows the same); fix them, "
            "or --force uploads the rest",
        )
    if result.problems and not force:
        raise FtprepError(f"{provider} would refuse the converted file: "
                          f"{'; '.join(result.problems)}; nothing was sent",
                          "--force submits anyway")
