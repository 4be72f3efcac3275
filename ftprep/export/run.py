"""`export` as one library call: check the request, pick the file's layout, convert, write.

Two passes over each input: the first finds the layout most records take (a trainer reads one
layout per file, so records of another are refused, not mixed in), the second converts and
writes. Every record read is written or rejected (with file, line and reason, to
`OUT.rejects.jsonl`); blank lines are counted apart. All outputs are written atomically, in
input order, keys in a fixed order: the same input gives byte-identical files.

Images (the local trainers; see `images`): the first pass also notes whether any record of the
inputs has an image part, since then every row takes the vision layout. Decoded images are
written to `OUT.images/` with the record that uses them, and images of earlier runs that this
run did not write are removed, so the folder is the same after the same input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from ftprep.export import axolotl, llamafactory
from ftprep.export.axolotl import AxolotlTarget
from ftprep.export.base import Notes, Refusal, Target, record_kind
from ftprep.export.bedrock import SCHEMAS, BedrockTarget
from ftprep.export.images import has_images, prune_images, write_images
from ftprep.export.limits import Limits, load_limits
from ftprep.export.llamafactory import LlamaFactoryTarget
from ftprep.export.trl import TrlTarget
from ftprep.export.vertex import VertexTarget
from ftprep.model.errors import FtprepError
from ftprep.model.sources import FileStats, Source
from ftprep.parsing import BOM, parse_line
from ftprep.readers._open import open_input, require_rereadable
from ftprep.readers._values import document_kind
from ftprep.readers.jsonl import read_lines
from ftprep.writers import atomic_bytes, atomic_text

TARGETS = ("trl", "axolotl", "llamafactory", "vertex", "bedrock")
CLOUD = {"vertex": "vertex", "bedrock": "bedrock"}  # target -> provider profile
VISION = ("trl", "axolotl", "llamafactory")  # the targets that write image parts


@dataclass(frozen=True)
class ExportRequest:
    path: str
    target: str
    output: Path
    validation: str | None = None
    model: str | None = None
    name: str | None = None  # LLaMA-Factory dataset name (default: the output's stem)


@dataclass
class FileResult:
    """One input: records read, written and rejected by reason, and blank lines skipped."""

    path: str
    output: Path
    read: int = 0
    written: int = 0
    blank: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    bytes: int = 0  # bytes written

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())


@dataclass
class ExportResult:
    request: ExportRequest
    family: str | None  # the layout written (None: no record could be exported)
    files: list[FileResult]
    rejects: Path
    notes: Notes
    extra: Path | None = None  # the Axolotl snippet or LLaMA-Factory dataset_info.json
    images: Path | None = None  # the folder of decoded images, when some were written
    image_files: int = 0  # distinct image files in it
    schema: str | None = None  # Bedrock: the schema chosen by --model
    problems: list[str] = field(default_factory=list)  # the target would refuse the files
    limit_notes: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    @property
    def written_files(self) -> list[Path]:
        found = [f.output for f in self.files] + [self.rejects]
        found += [self.extra] if self.extra is not None else []
        return found + ([self.images] if self.images is not None else [])


def submit_copy(training: Path, target: str) -> Path:
    """Where `ftprep submit` writes the provider's copy of a chat file (`train.bedrock.jsonl`)."""
    return training.with_name(f"{training.stem}.{target}.jsonl")


def make_target(name: str, model: str | None) -> Target:
    if name == "trl":
        return TrlTarget()
    if name == "axolotl":
        return AxolotlTarget()
    if name == "llamafactory":
        return LlamaFactoryTarget()
    if name == "vertex":
        return VertexTarget()
    if name == "bedrock":
        return BedrockTarget(model)
    raise FtprepError(f"unknown export target {name!r}", f"use one of {', '.join(TARGETS)}")


def images_folder(output: Path) -> Path:
    """`out/train.jsonl` -> `out/train.images` (decoded images, for every output of the run)."""
    return output.with_name(f"{output.stem}.images")


def side_paths(output: Path) -> tuple[Path, Path]:
    """`out/train.jsonl` -> (`out/train.val.jsonl`, `out/train.rejects.jsonl`)."""
    stem, suffix = output.stem, output.suffix or ".jsonl"
    return output.with_name(f"{stem}.val{suffix}"), output.with_name(f"{stem}.rejects.jsonl")


def check_paths(request: ExportRequest) -> list[tuple[str, Path]]:
    """(input, output) pairs, checked: inputs readable twice, no output over an input."""
    pairs = [(request.path, request.output)]
    validation_out, rejects = side_paths(request.output)
    if request.validation is not None:
        pairs.append((request.validation, validation_out))
    inputs = set()
    for source, _ in pairs:
        require_rereadable(source, "export")
        inputs.add(Path(source).resolve())
    for out in [p for _, p in pairs] + [rejects]:
        if out.resolve() in inputs:
            raise FtprepError(f"the output {out} is an input file", "write the export elsewhere")
        if not out.resolve().parent.is_dir():
            raise FtprepError(f"{out}: cannot write (no such directory: {out.parent})")
    return pairs


def _lines(path: str) -> Iterator[tuple[int, bytes | None, Any, str | None]]:
    """(line, raw, value, why not a record) per line; raw None for a blank line."""
    stats = FileStats(path)
    with open_input(path) as opened:
        kind = document_kind(opened.head)
        if kind is not None:
            raise FtprepError(f"{path}: the file is {kind}, not JSON Lines",
                              "export reads one record per line; use `ftprep convert` first")
        for raw in read_lines(Source(path), stats, opened=opened):
            data = raw.data.removeprefix(BOM)
            if not data or data.isspace():
                yield raw.line, None, None, None
                continue
            value, error = parse_line(data)
            if error is not None:
                yield raw.line, data, None, f"not valid JSON: {error.message} (column {error.column})"
            elif type(value) is not dict:
                yield raw.line, data, None, "not a JSON object"
            else:
                yield raw.line, data, value, None
    if stats.read_error:
        raise FtprepError(f"{path}: {stats.read_error} (at line {stats.read_error_line:,}); "
                          "nothing was written", "recompress or repair the file")


def survey(paths: list[str], target: Target, look_for_images: bool) -> tuple[str | None, bool]:
    """One read before writing: the layout most records of the training file (`paths[0]`)
    take (ties: the first seen), and, when `look_for_images`, whether any record of any input
    has an image part (every row then takes the vision layout)."""
    counts: Counter[str] = Counter()
    images = False
    for index, path in enumerate(paths):
        if index and (images or not look_for_images):
            break  # the other inputs only matter for images
        for _, _, value, _ in _lines(path):
            if value is None:
                continue
            images = images or (look_for_images and has_images(value))
            if index:
                if images:
                    break
                continue
            kind = record_kind(value)
            family = target.family(kind) if kind is not None else None
            if family is not None:
                counts[family] += 1
    return (counts.most_common(1)[0][0] if counts else None), images


BATCH = 1024  # records per token-counting call of the limit check


class _Writer:
    """Pass 2 over one input: convert each record or reject it, counting both."""

    def __init__(self, target: Target, family: str | None, limits: Limits | None,
                 notes: Notes, rejects: IO[bytes], images: Path) -> None:
        self.target, self.family, self.limits = target, family, limits
        self.notes, self.rejects = notes, rejects
        self.images = images
        self.written_images: set[str] = set()

    def run(self, path: str, out: IO[bytes], result: FileResult) -> None:
        batch: list[tuple[int, bytes | None, Any, str | None]] = []
        for item in _lines(path):
            batch.append(item)
            if len(batch) == BATCH:
                self._run_batch(batch, out, result)
                batch = []
        self._run_batch(batch, out, result)

    def _run_batch(self, batch: list[tuple[int, bytes | None, Any, str | None]],
                   out: IO[bytes], result: FileResult) -> None:
        """Records in file order; their token totals (for the limit check) counted at once."""
        kinds = [record_kind(value) if isinstance(value, dict) else None
                 for _, _, value, _ in batch]
        counted = [(kind, value) for kind, (_, _, value, _) in zip(kinds, batch, strict=True)
                   if kind is not None]
        totals = iter(self.limits.totals(counted) or ()) if self.limits is not None else iter(())
        for kind, (line, raw, value, problem) in zip(kinds, batch, strict=True):
            total = next(totals, None) if kind is not None else None
            if raw is None:
                result.blank += 1
                continue
            result.read += 1
            if value is None:
                self._reject(result, line, "invalid", problem or "", raw=raw)
                continue
            try:
                converted = self._convert(value, total)
            except Refusal as refusal:
                self._reject(result, line, refusal.reason, refusal.detail, value=value)
                continue
            data = orjson.dumps(converted) + b"\n"
            out.write(data)
            result.written += 1
            result.bytes += len(data)

    def _convert(self, value: dict[str, Any], total: int | None) -> dict[str, Any]:
        kind = record_kind(value)
        if kind is None:
            raise Refusal("format", "not a chat, preference, prompt/completion or text record")
        family = self.target.family(kind)
        if family is None:
            raise Refusal("unsupported", f"{self.target.name} export takes no {kind} records")
        if family != self.family:
            raise Refusal("mixed-format", f"a {kind} record ({family}) in a file of {self.family} "
                                          "records: a trainer reads one layout per file; export "
                                          "them separately")
        # kept only when the record is written
        notes = Notes(vision=self.notes.vision, image_dir=self.images.name)
        converted = self.target.convert(kind, value, notes)
        if self.limits is not None:
            self.limits.check(total)
        write_images(self.images, notes.files, self.written_images)
        self.notes.counts.update(notes.counts)
        self.notes.used |= notes.used
        self.notes.image_counts.update(notes.image_counts)
        return converted

    def _reject(self, result: FileResult, line: int, reason: str, detail: str,
                value: Any = None, raw: bytes | None = None) -> None:
        result.rejected[reason] += 1
        document: dict[str, Any] = {"path": result.path, "line": line, "reason": reason,
                                    "detail": detail}
        if value is not None:
            document["record"] = value
        else:
            document["text"] = (raw or b"").decode("utf-8", errors="replace")
        self.rejects.write(orjson.dumps(document) + b"\n")


def export_file(request: ExportRequest) -> ExportResult:
    """Export `request.path` (and its validation file); see the module docstring."""
    pairs = check_paths(request)
    target = make_target(request.target, request.model)
    _, rejects_path = side_paths(request.output)
    family, vision = survey([p for p, _ in pairs], target, request.target in VISION)
    notes = Notes(vision=vision)
    result = ExportResult(request, family, [FileResult(p, o) for p, o in pairs], rejects_path, notes)
    if isinstance(target, BedrockTarget):
        result.schema = SCHEMAS[target.schema]
    limits = load_limits(CLOUD[request.target], request.model) if request.target in CLOUD else None
    names = _dataset_names(request, pairs) if request.target == "llamafactory" else {}
    info_path = request.output.parent / "dataset_info.json"
    existing = llamafactory.read_dataset_info(info_path, names) if names else {}
    try:
        with ExitStack() as stack:
            rejects = stack.enter_context(atomic_bytes(rejects_path))
            folder = images_folder(request.output)
            writer = _Writer(target, family, limits, notes, rejects, folder)
            for file in result.files:
                out = stack.enter_context(atomic_bytes(file.output))
                writer.run(file.path, out, file)
        prune_images(folder, writer.written_images)
    except OSError as error:
        raise FtprepError(f"cannot write {error.filename or request.output} "
                          f"({error.strerror or error}); nothing was written") from None
    if writer.written_images:
        result.images, result.image_files = folder, len(writer.written_images)
    _image_notes(result)
    _finish(request, result, limits, names, info_path, existing)
    return result


def _image_notes(result: ExportResult) -> None:
    """How the images were carried, as summary notes (counted per image part written)."""
    counts = result.notes.image_counts
    if result.images is not None:
        where = result.images.parent
        result.notes.counts[f"images: data URLs decoded to {result.image_files:,} files in "
                            f"{result.images}/ (paths relative to {where}/)"] = counts["file"]
    if counts["url"]:
        result.notes.counts["images: kept as URLs"] = counts["url"]
    if counts["base64"]:
        result.notes.counts["images: kept inline as base64"] = counts["base64"]


def _dataset_names(request: ExportRequest, pairs: list[tuple[str, Path]]) -> dict[str, str]:
    name = request.name or request.output.stem
    names = {name: pairs[0][1].name}
    if len(pairs) > 1:
        names[f"{name}_val"] = pairs[1][1].name
    return names


def _finish(request: ExportRequest, result: ExportResult, limits: Limits | None,
            names: dict[str, str], info_path: Path, existing: dict[str, Any]) -> None:
    """Side files (snippet, dataset_info.json), limit checks and the next command."""
    train, *validation = result.files
    family = result.family
    if not train.written:
        result.problems.append(f"no record of {train.path} could be exported; "
                               f"see {result.rejects}")
    if limits is not None:
        held = validation[0] if validation else None
        result.problems += limits.file_problems(
            train.written, train.bytes, held.written if held else None, held.bytes if held else None)
        result.limit_notes += limits.notes
    if family is None:
        return
    if request.target == "axolotl":
        result.extra = request.output.with_name(f"{request.output.stem}.axolotl.yaml")
        text = axolotl.snippet(family, train.output.name,
                               validation[0].output.name if validation else None,
                               result.notes.used, request.model)
        with atomic_text(result.extra) as stream:
            stream.write(text)
    elif request.target == "llamafactory":
        entries = {name: llamafactory.dataset_entry(family, file_name, result.notes.used)
                   for name, file_name in names.items()}
        llamafactory.write_dataset_info(info_path, existing, entries)
        result.extra = info_path
    result.next_steps = _next_steps(request, result, names)


_LLAMAFACTORY_STAGE = {"sharegpt": "sft", "sharegpt-ranking": "dpo", "alpaca": "sft",
                       "pretraining": "pt"}


def _next_steps(request: ExportRequest, result: ExportResult, names: dict[str, str]) -> list[str]:
    out = str(request.output)
    model = request.model or "MODEL"
    family = result.family or ""
    if request.target == "trl":
        trainer = "DPOTrainer" if family == "preference" else "SFTTrainer"
        where = (f" (the `images` paths are relative to {result.images.parent}/)"
                 if result.images is not None else "")
        return [(f"datasets.load_dataset(\"json\", data_files=\"{out}\", split=\"train\"), then "
                f"trl.{trainer}(model=\"{model}\", train_dataset=...){where}")]
    if request.target == "axolotl":
        return [f"merge {result.extra} into your config.yml, then: axolotl train config.yml"]
    if request.target == "llamafactory":
        dataset_names = list(names)
        evaluation = f" eval_dataset: {dataset_names[1]}," if len(dataset_names) > 1 else ""
        return [(f"llamafactory-cli train with model_name_or_path: {model}, stage: "
                f"{_LLAMAFACTORY_STAGE.get(family, 'sft')}, dataset_dir: "
                f"{request.output.parent}, dataset: {dataset_names[0]},{evaluation} "
                "template: <your model's template>")]
    held_out = f" --validation {request.validation}" if request.validation else ""
    # submit converts the chat file the same way as this export, uploads it and starts the job
    if request.target == "bedrock":
        return [(f"ftprep submit {request.path}{held_out} --provider bedrock --model {model} "
                 "--s3-uri s3://BUCKET/PREFIX/ --role-arn ARN")]
    return [(f"ftprep submit {request.path}{held_out} --provider vertex --model {model} "
             "--storage-uri gs://BUCKET/PREFIX --project PROJECT --location LOCATION")]
