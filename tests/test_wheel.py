"""The built wheel, installed in a fresh virtualenv, is the same ftprep as the source checkout.

It must carry the shipped `rules/` (mapped to `ftprep/_rules` by the build config) and the
encoding files, and count tokens right after `pip install` with no network: tiktoken would
otherwise download its encodings on first use. Slow (a venv and a dependency install): CI runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "clean_chat.jsonl"

pytestmark = pytest.mark.slow

# Installed into the test venv after ftprep: with FTPREP_TEST_NO_NETWORK set, any attempt to
# resolve a host or open an internet socket fails loudly instead of quietly downloading.
NETWORK_GUARD = '''
import os
import socket

if os.environ.get("FTPREP_TEST_NO_NETWORK"):
    def _refuse(*args, **kwargs):
        raise OSError("network access attempted during ftprep's offline wheel test")

    _connect = socket.socket.connect

    def _connect_local(self, address, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse()
        return _connect(self, address, *args)

    socket.socket.connect = _connect_local
    socket.socket.connect_ex = _connect_local
    socket.getaddrinfo = _refuse
    socket.create_connection = _refuse
'''


def _run(args: list[str | Path], env: dict[str, str] | None = None, cwd: Path | None = None
         ) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], check=False, capture_output=True, text=True, env=env, cwd=cwd,
        timeout=900,
    )
    assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that could import ftprep from the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT])
    (built,) = dist.glob("ftprep-*.whl")
    return built


@pytest.fixture(scope="module")
def venv_bin(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(home)
    bin_dir = home / ("Scripts" if os.name == "nt" else "bin")
    _run([bin_dir / "python", "-m", "pip", "install", "-q", wheel], env=_clean_env())
    purelib = _run(
        [bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
    ).stdout.strip()
    Path(purelib, "sitecustomize.py").write_text(NETWORK_GUARD, encoding="utf-8")
    return bin_dir


def test_wheel_ships_rules_and_encodings(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [
        p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert shipped, "rules/ is empty"
    missing = [rel for rel in shipped if f"ftprep/_rules/{rel}" not in names]
    assert missing == []
    assert {"ftprep/data/o200k_base.tiktoken.gz", "ftprep/data/cl100k_base.tiktoken.gz"} <= names
    strays = [n for n in names if n.startswith(("tests/", "sample_data/", "bench/", "rules/"))
              or "__pycache__" in n]
    assert strays == []


def test_installed_ftprep_is_the_wheel(venv_bin: Path, tmp_path: Path) -> None:
    probe: list[str | Path] = [venv_bin / "python", "-c", "import ftprep; print(ftprep.__file__)"]
    where = _run(probe, env=_clean_env(), cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(venv_bin.parent)
    assert not Path(where).is_relative_to(ROOT)


def test_rules_listing_matches_the_editable_install(venv_bin: Path, tmp_path: Path) -> None:
    installed = _run(
        [venv_bin / "ftprep", "rules", "--format", "json"], env=_clean_env(), cwd=tmp_path
    )
    editable = _run([sys.executable, "-m", "ftprep", "rules", "--format", "json"], cwd=ROOT)
    assert json.loads(installed.stdout) == json.loads(editable.stdout)


@pytest.mark.parametrize("tokenizer", ["toktok", "tiktoken"])
@pytest.mark.parametrize("model", ["gpt-4.1-mini", "gpt-3.5-turbo"])  # o200k_base, cl100k_base
def test_counts_tokens_offline_right_after_install(
    venv_bin: Path, tmp_path: Path, tokenizer: str, model: str
) -> None:
    empty = tmp_path / "empty-cache"
    empty.mkdir()
    offline = _clean_env(
        FTPREP_TEST_NO_NETWORK="1", TIKTOKEN_CACHE_DIR=str(empty), DATA_GYM_CACHE_DIR=str(empty),
        HOME=str(empty), XDG_CACHE_HOME=str(empty),
    )
    # gpt-3.5-turbo was shut down on 2026-10-23, an FT501 error; this test is about counting.
    args: list[str | Path] = [
        "lint", SAMPLE, "--isolated", "--format", "json", "--model", model,
        "--tokenizer", tokenizer, "--ignore", "FT501",
    ]
    installed = _run([venv_bin / "ftprep", *args], env=offline, cwd=tmp_path)
    editable = _run([sys.executable, "-m", "ftprep", *args], cwd=ROOT)
    tokens = json.loads(installed.stdout)["summary"]["tokens"]
    assert tokens == json.loads(editable.stdout)["summary"]["tokens"]
    assert tokens["per_example"]["total"] > 0
    assert list(empty.iterdir()) == [], "something was downloaded or cached"


def test_network_guard_works(venv_bin: Path) -> None:
    # loopback port 9 (discard): without the guard this would be "connection refused", not ours
    probe = "import socket; socket.socket().connect(('127.0.0.1', 9))"
    result = subprocess.run(
        [venv_bin / "python", "-c", probe], check=False, capture_output=True, text=True,
        env=_clean_env(FTPREP_TEST_NO_NETWORK="1"), timeout=60,
    )
    assert result.returncode != 0
    assert "network access attempted" in result.stderr
