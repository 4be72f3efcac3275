"""Find the shipped `rules/` folder: inside the wheel (`ftprep/_rules`) or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ftprep.model.errors import FtprepError

_PACKAGE = Path(__file__).parent


@cache
def rules_dir() -> Path:
    for candidate in (_PACKAGE / "_rules", _PACKAGE.parent / "rules"):
        if (candidate / "providers").is_dir():
            return candidate
    raise FtprepError("ftprep's rules/ folder is missing from this installation; reinstall ftprep")
