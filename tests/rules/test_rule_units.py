"""What a case file cannot reach: provider limits no real profile has, sizes no case should hold.

The case files lint real input against the real provider profile (OpenAI, 512 MB per file), so
FT204's provider-limit path and its MiB/GiB wording are pinned here, on the rule itself.
"""

from __future__ import annotations

import dataclasses

import pytest

from ftprep.checks.base import RunContext
from ftprep.checks.tokens import ft204_dataset_too_large as ft204
from ftprep.config import Settings
from ftprep.linting import run_context
from ftprep.readers.jsonl import FileStats


def _context(max_file_bytes: int | None) -> RunContext:
    context = run_context(Settings())
    provider = context.provider.model_copy(update={"max_file_bytes": max_file_bytes})
    return dataclasses.replace(context, provider=provider)


def _ft204(options: ft204.Options, max_file_bytes: int | None, size: int) -> list[str]:
    check = ft204.Check(options, _context(max_file_bytes))
    return [f.message for f in check.end_file(FileStats("data.jsonl", bytes=size))]


def test_ft204_names_the_provider_limit_when_max_bytes_is_not_set() -> None:
    assert _ft204(ft204.Options(), 100, 101) == [
        "file has 101 bytes, 1 byte over OpenAI's limit of 100 bytes"
    ]
    assert _ft204(ft204.Options(), 100, 100) == []


def test_ft204_max_bytes_overrides_the_provider_limit() -> None:
    assert _ft204(ft204.Options(max_bytes=200), 100, 150) == []
    assert _ft204(ft204.Options(max_bytes=50), 100, 60) == [
        "file has 60 bytes, 10 bytes over max-bytes of 50 bytes"
    ]


def test_ft204_a_provider_without_a_limit_checks_nothing() -> None:
    assert _ft204(ft204.Options(), None, 10**12) == []
    assert _ft204(ft204.Options(max_bytes=10), None, 11) == [
        "file has 11 bytes, 1 byte over max-bytes of 10 bytes"
    ]


@pytest.mark.parametrize(("count", "shown"), [
    (0, "0 bytes"),
    (1023, "1,023 bytes"),
    (1024, "1,024 bytes (1.0 KiB)"),
    (1536, "1,536 bytes (1.5 KiB)"),
    ((1 << 20) - 1, "1,048,575 bytes (1,024.0 KiB)"),
    (1 << 20, "1,048,576 bytes (1.0 MiB)"),
    (600 << 20, "629,145,600 bytes (600.0 MiB)"),
    ((1 << 30) - 1, "1,073,741,823 bytes (1,024.0 MiB)"),
    (1 << 30, "1,073,741,824 bytes (1.0 GiB)"),
    (3 << 29, "1,610,612,736 bytes (1.5 GiB)"),
])
def test_ft204_size_wording(count: int, shown: str) -> None:
    assert ft204._size(count) == shown
