"""Every test judges dates as of one fixed day, so output that depends on today stays golden.

FT501 (model-end-of-life) compares the model's shutdown and the provider's last day for jobs
with today's date; `FTPREP_TODAY` sets that date for ftprep and every process a test starts.
"""

from __future__ import annotations

import pytest

TODAY = "2026-11-29"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FTPREP_TODAY", TODAY)
