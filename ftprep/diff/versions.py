"""The files of one side of a diff: on disk, or a blob in git, read as the lint reads them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ftprep.diff.git import Blob
from ftprep.model.errors import FtprepError
from ftprep.model.sources import RawLine
from ftprep.readers._open import Input, open_input
from ftprep.readers._values import document_kind
from ftprep.readers.reread import read_units


@dataclass(frozen=True)
class Version:
    """One input of one side: a file (`path`) or a git blob; `name` is how reports show it."""

    name: str
    path: str | None = None
    blob: Blob | None = None

    def exists(self) -> bool:
        if self.blob is not None:
            return self.blob.exists()
        return self.path is not None and Path(self.path).exists()

    @contextmanager
    def units(self) -> Iterator[Iterator[RawLine]]:
        """Its units (lines, or a JSON document's values) as a stream; none if it is absent."""
        if self.blob is not None:
            if not self.blob.exists():
                yield iter(())
                return
            with self.blob.stream() as pipe, Input(self.name, pipe, regular=False, owned=False) as opened:
                yield read_units(self.name, opened, document_kind(opened.head) is not None)
            return
        assert self.path is not None
        with open_input(self.path) as opened:
            yield read_units(self.name, opened, document_kind(opened.head) is not None)

    def on_disk(self, folder: Path) -> str | None:
        """A path the lint can read twice: the file itself, or the blob copied into `folder`."""
        if self.blob is None:
            if self.path is None or not Path(self.path).exists():
                raise FtprepError(f"{self.name}: no such file")
            return self.path
        if not self.blob.exists():
            return None
        target = folder / self.blob.path
        self.blob.save(target)
        return str(target)
