"""Baselines: adopt ftprep on a dataset with thousands of known problems and fail only on new ones.

`ftprep lint --write-baseline FILE` records a fingerprint of every reported problem;
`--baseline FILE` (or `baseline = "..."` in the configuration) then drops problems whose
fingerprint is recorded, as a multiset: two recorded copies suppress two findings, not three.

A fingerprint is what stays put when a file is reordered and changes when a record is edited:
the rule code, the path relative to the baseline's folder, the JSON pointer, and the raw bytes of
the record's line (trailing CR/LF stripped). Never the line number, nor the message, which often
names lines (`duplicate of line 12`). The line bytes are read back after the fact from the
diagnostic's byte offset (`RecordLines`); where they cannot be (stdin, a pipe, a file-level
problem with no line), the message stands in for them.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ftprep.lint.baseline_lines import RecordLines
from ftprep.lint.engine import INTERNAL_ERROR
from ftprep.lint.summary import Summary
from ftprep.model.diagnostics import Diagnostic
from ftprep.model.errors import ConfigError
from ftprep.writers import atomic_text

BASELINE_VERSION = 1
# INTERNAL_ERROR (a crash in a rule) is never a known problem: never recorded nor hidden.
_HINT = "write one with `ftprep lint PATHS --write-baseline FILE`"


class Entry(BaseModel):
    """One recorded fingerprint and how many problems carry it. `code` and `path` are there
    for people reading a diff of the baseline; matching uses the fingerprint alone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    path: str
    fingerprint: str = Field(min_length=1)
    count: int = Field(ge=1)


class BaselineFile(BaseModel):
    """The file's shape. No timestamp and no ftprep version, so the same data gives the same
    bytes and the file changes in review only when the problems do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    problems: int = Field(ge=0)
    entries: tuple[Entry, ...]


def path_key(path: str, folder: Path) -> str:
    """`path` as a baseline names it: relative to the baseline's folder, with `/`, so a
    baseline checked into the repository matches wherever ftprep runs from."""
    if path == "-":
        return path
    try:
        relative = os.path.relpath(os.path.abspath(path), folder)
    except ValueError:  # another drive on Windows: no relative path exists
        return path
    return relative.replace(os.sep, "/")


def fingerprint(diagnostic: Diagnostic, path: str, line: bytes | None) -> str:
    """The content fingerprint (see the module docstring); `line` None means the message is
    used instead of the record's bytes."""
    digest = hashlib.blake2b(digest_size=16)
    location = diagnostic.location
    content = b"L" + line if line is not None else b"M" + diagnostic.message.encode()
    for part in (diagnostic.code.encode(), path.encode(), location.pointer.encode(), content):
        digest.update(len(part).to_bytes(8, "little"))  # length-prefixed: parts cannot blur
        digest.update(part)
    return digest.hexdigest()


class Fingerprinter:
    """Fingerprints diagnostics against one baseline folder, reading line bytes as needed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.lines = RecordLines()
        self._keys: dict[str, str] = {}

    def relative(self, path: str) -> str:
        """`path` as the baseline names it (see `path_key`), worked out once per file."""
        relative = self._keys.get(path)
        if relative is None:
            relative = self._keys[path] = path_key(path, self.folder)
        return relative

    def key(self, diagnostic: Diagnostic) -> tuple[str, str]:
        """(path as recorded, fingerprint)."""
        relative = self.relative(diagnostic.location.path)
        return relative, fingerprint(diagnostic, relative, self.lines.line_of(diagnostic.location))

    def close(self) -> None:
        self.lines.close()


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline: fingerprint -> how many problems it may still suppress."""

    path: Path
    counts: Counter[str]

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """Read and check a baseline file; a missing or damaged one is a configuration error."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"{path}: baseline file not found", _HINT) from None
        except OSError as error:
            raise ConfigError(f"{path}: cannot read the baseline: {error.strerror}", _HINT) from None
        try:
            data = BaselineFile.model_validate(orjson.loads(raw))
        except orjson.JSONDecodeError as error:
            raise ConfigError(f"{path}: not a baseline file: invalid JSON ({error})", _HINT) from None
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "document"
            raise ConfigError(f"{path}: not a baseline file: {where}: {first['msg']}", _HINT) from None
        if data.version != BASELINE_VERSION:
            raise ConfigError(f"{path}: baseline version {data.version} is not supported "
                              f"(this ftprep reads version {BASELINE_VERSION})", _HINT)
        counts: Counter[str] = Counter()
        for entry in data.entries:
            counts[entry.fingerprint] += entry.count
        return cls(path, counts)


class Suppressor:
    """Drops diagnostics the baseline records, streaming, and takes them out of the summary.

    The engine counts every diagnostic into its summary as it makes it; a suppressed one is
    discounted here as it is dropped, so the summary's counts, and with them the exit code and
    every reporter, describe exactly what is reported.
    """

    def __init__(self, baseline: Baseline, summary: Summary) -> None:
        self.baseline = baseline
        self.summary = summary
        self.remaining = Counter(baseline.counts)
        self.suppressed = 0
        self.fingerprints = Fingerprinter(baseline.path.parent)

    def filter(self, diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
        try:
            for diagnostic in diagnostics:
                if diagnostic.code != INTERNAL_ERROR:
                    _, key = self.fingerprints.key(diagnostic)
                    if self.remaining[key] > 0:
                        self.remaining[key] -= 1
                        self.suppressed += 1
                        self.summary.discount(diagnostic)
                        continue
                yield diagnostic
        finally:
            self.fingerprints.close()


class Recorder:
    """Collects the fingerprints of a run for `--write-baseline`; memory grows with the number
    of problems (one short key each), never with the data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: Counter[tuple[str, str, str]] = Counter()  # (path, code, fingerprint)
        self.fingerprints = Fingerprinter(path.resolve().parent)

    def record(self, diagnostics: Iterable[Diagnostic]) -> int:
        """Fingerprint every diagnostic but internal errors; how many internal errors there were."""
        crashes = 0
        try:
            for diagnostic in diagnostics:
                if diagnostic.code == INTERNAL_ERROR:
                    crashes += 1
                    continue
                relative, key = self.fingerprints.key(diagnostic)
                self.entries[(relative, diagnostic.code, key)] += 1
        finally:
            self.fingerprints.close()
        return crashes

    @property
    def problems(self) -> int:
        return sum(self.entries.values())

    def write(self) -> None:
        """Write the baseline atomically, entries sorted: the same problems, the same bytes."""
        entries = [
            Entry(code=code, path=path, fingerprint=key, count=count)
            for (path, code, key), count in sorted(self.entries.items())
        ]
        document = BaselineFile(version=BASELINE_VERSION, problems=self.problems,
                                entries=tuple(entries))
        text = orjson.dumps(document.model_dump(), option=orjson.OPT_INDENT_2).decode()
        with atomic_text(self.path) as stream:
            stream.write(text + "\n")
