"""`ftprep export`: a cleaned training file in a trainer's or cloud provider's format.

The summary goes to stderr; exit 0 when the files are ready, 1 when the target would refuse them
(too few or too many examples, a file too big, nothing exported), 2 on bad arguments or input.
"""

from __future__ import annotations

from pathlib import Path

import click

from ftprep.export.run import TARGETS, ExportRequest, ExportResult, export_file
from ftprep.model.errors import EXIT_CLEAN, EXIT_PROBLEMS


@click.command()
@click.argument("path", metavar="IN")
@click.option("--to", "target", type=click.Choice(TARGETS), required=True,
              help="The trainer or provider whose dataset format to write.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Training output (JSONL). Beside it: OUT.val.jsonl (with --validation), "
                   "OUT.rejects.jsonl, and OUT.axolotl.yaml or dataset_info.json.")
@click.option("--validation", default=None, metavar="VAL",
              help="A validation file to export the same way (to OUT.val.jsonl).")
@click.option("--model", "-m", default=None,
              help="Target model: picks the Bedrock schema (amazon.nova-*, anthropic.claude-*, "
                   "others: prompt/completion) and the Vertex/Bedrock per-example token limit.")
@click.option("--name", default=None,
              help="LLaMA-Factory dataset name in dataset_info.json (default: OUT's stem).")
def export(path: str, target: str, output: Path, validation: str | None, model: str | None,
           name: str | None) -> int:
    """Write IN (OpenAI-style JSONL: chat, preference, prompt/completion or text records) in
    the format of TRL, Axolotl, LLaMA-Factory, Vertex AI (Gemini) or Amazon Bedrock.

    Nothing is lost: every record is written or goes to OUT.rejects.jsonl with its line and
    why (a feature the target cannot express, a record of another layout than most, one over
    the model's token limit). The same input gives byte-identical output.
    """
    result = export_file(ExportRequest(path, target, output, validation, model, name))
    for line in summary_lines(result):
        click.echo(line, err=True)
    return EXIT_PROBLEMS if result.problems else EXIT_CLEAN


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'s' * (n != 1)}"


def summary_lines(result: ExportResult) -> list[str]:
    """Per input: read, written, rejected by reason; then notes, files, problems, next steps."""
    request = result.request
    layout = result.family or "none"
    if result.schema:
        layout += f": {result.schema}"
    lines = [f"export to {request.target} ({layout})"]
    for file in result.files:
        blank = f", {_count(file.blank, 'blank line')} skipped" if file.blank else ""
        lines.append(f"  {file.path}: {_count(file.read, 'record')} read, {file.written:,} "
                     f"written -> {file.output}, {file.rejected_total:,} rejected{blank}")
        for reason, n in sorted(file.rejected.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"    rejected {reason}: {n:,}")
    if any(f.rejected_total for f in result.files):
        lines.append(f"  rejects (with file, line and reason): {result.rejects}")
    for what, n in sorted(result.notes.counts.items()):
        lines.append(f"  note: {what}: {n:,}")
    for note in result.limit_notes:
        lines.append(f"  note: {note}")
    if result.extra is not None:
        what = "dataset_info.json entry" if result.extra.name == "dataset_info.json" else "config snippet"
        lines.append(f"  {what}: {result.extra}")
    lines.append("  files written: " + ", ".join(str(p) for p in result.written_files))
    for problem in result.problems:
        lines.append(f"  problem: {problem}")
    for step in result.next_steps:
        lines.append(f"  next: {step}")
    return lines
