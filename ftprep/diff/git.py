"""Old versions of dataset files read from git, streamed through a pipe, never held in memory.

`git show REV:path` writes the blob to a pipe that the readers consume like any other stream
(compressed blobs are decompressed on the way, as for files). A file that a revision does not
have reads as empty, so every example in the other version counts as added (or removed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO

from ftprep.model.errors import FtprepError


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise FtprepError("--git needs the git program, which is not on PATH") from None


def repository_root(folder: Path) -> Path:
    """The top of the work tree `folder` is in; a clear error outside one."""
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        raise FtprepError(f"{folder}: not inside a git repository",
                          "run ftprep diff --git from the dataset's repository, or compare two "
                          "files: ftprep diff OLD NEW")
    return Path(done.stdout.decode().strip())


def resolve(revision: str, root: Path) -> str:
    """The commit `revision` names, as a full hash; a clear error when it names none."""
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], root)
    if done.returncode != 0 or not done.stdout.strip():
        raise FtprepError(f"--git: unknown revision {revision!r}",
                          "give a commit, branch or tag (HEAD~1, main, v1.2) or a range A..B")
    return done.stdout.decode().strip()


def split_range(spec: str) -> tuple[str, str | None]:
    """`A..B` -> (A, B); `REV` -> (REV, None), the working tree being the new side."""
    if "..." in spec:
        raise FtprepError(f"--git {spec}: a symmetric range (A...B) is not supported",
                          "give A..B, or REV to compare with the working tree")
    old, dots, new = spec.partition("..")
    if not dots:
        return spec, None
    return old or "HEAD", new or "HEAD"


@dataclass(frozen=True)
class Blob:
    """One file as a commit has it: `path` relative to the repository root."""

    root: Path
    commit: str
    path: str
    shown: str  # how messages name it: REV:path as the user typed REV

    def exists(self) -> bool:
        return self._present

    @cached_property
    def _present(self) -> bool:
        """Asked of git once: the arguments check it, and each pass over the side again."""
        return _git(["cat-file", "-e", f"{self.commit}:{self.path}"], self.root).returncode == 0

    @contextmanager
    def stream(self) -> Iterator[IO[bytes]]:
        """The blob's bytes as a pipe; an error if git fails while writing them."""
        process = subprocess.Popen(
            ["git", "show", f"{self.commit}:{self.path}"], cwd=self.root,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert process.stdout is not None and process.stderr is not None
        try:
            yield process.stdout
        finally:
            process.stdout.close()
            error = process.stderr.read().decode(errors="replace").strip()
            process.stderr.close()
            code = process.wait()
        # A reader that stops early closes the pipe, and git dies of SIGPIPE: that is no error.
        if code not in (0, -13):
            raise FtprepError(f"git show {self.shown} failed: {error or f'exit {code}'}")

    def save(self, target: Path) -> None:
        """Copy the blob into `target` (a file the lint can reread by offset), streaming."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.stream() as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)


def blob_of(root: Path, commit: str, shown_rev: str, path: str) -> Blob:
    """The blob of `path` (as given on the command line) in `commit`."""
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative.startswith(".."):
        raise FtprepError(f"{path}: outside the repository at {root}")
    relative = relative.replace(os.sep, "/")
    return Blob(root, commit, relative, f"{shown_rev}:{relative}")
