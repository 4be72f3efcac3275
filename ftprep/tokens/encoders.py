"""Exact, offline token counts for OpenAI encodings.

Two interchangeable backends count the same tokens:

- `toktok` (default): toktok-rs, a Rust BPE with the vocabularies compiled in; no files, no
  network, and it counts without building ids, across threads.
- `tiktoken`: OpenAI's own encoder, built here from the encoding files ftprep ships in
  `ftprep/data/` (checked against tiktoken's expected SHA-256), so it too works offline.

`FTPREP_TOKENIZER=tiktoken` selects the reference backend; tests prove both agree.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import threading
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Protocol

from ftprep.model.errors import FtprepError

if TYPE_CHECKING:
    import tiktoken

ENCODINGS = ("o200k_base", "cl100k_base")
# tiktoken_ext.openai_public's expected hashes of the uncompressed files.
EXPECTED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
BACKENDS = ("toktok", "tiktoken")
_TIKTOKEN_CHUNK = 2_000
# A threaded toktok call costs ~35-45 us more than a single-threaded one (measured: ~65 vs ~28 us
# per call, 2 cores) and real texts count at ~0.5-1 us each, so splitting a batch can only pay
# above ~100-200 texts even on idle cores; smaller batches (pre-commit on a few files, a file's
# last batch) stay on one thread.
_TOKTOK_THREADED = 256


class Counter(Protocol):
    """Counts tokens of many texts at once, as ordinary text (special tokens are not special)."""

    encoding: str
    backend: str

    def count(self, texts: Sequence[str]) -> list[int]: ...


def default_threads() -> int:
    """Tokenizer threads: $FTPREP_TOKENIZER_THREADS (benchmarks pin it), else the cores, up to 8."""
    pinned = os.environ.get("FTPREP_TOKENIZER_THREADS", "")
    if pinned.isdigit() and int(pinned) > 0:
        return int(pinned)
    return max(1, min(os.cpu_count() or 1, 8))


class ToktokCounter:
    backend = "toktok"

    def __init__(self, encoding: str, threads: int) -> None:
        import toktok  # type: ignore[import-untyped]

        self._toktok = toktok
        self.encoding = encoding
        self.threads = threads

    def count(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        threads = self.threads if len(texts) > _TOKTOK_THREADED else 1
        try:
            counts: list[int] = self._toktok.batch_count(texts, self.encoding, threads=threads)
        except UnicodeEncodeError:
            # Lone surrogates (json.loads lets them through; orjson does not): replace them as
            # tiktoken's encode_ordinary does, so both backends count the same.
            texts = [_without_surrogates(text) for text in texts]
            counts = self._toktok.batch_count(texts, self.encoding, threads=threads)
        return counts


def _without_surrogates(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class TiktokenCounter:
    backend = "tiktoken"

    def __init__(self, encoding: str, threads: int) -> None:
        self.encoding = encoding
        self.threads = threads
        self.encoder = tiktoken_encoding(encoding)
        self._pool: ThreadPoolExecutor | None = None

    def _count_chunk(self, texts: Sequence[str]) -> list[int]:
        encode = self.encoder.encode_ordinary
        return [len(encode(text)) for text in texts]

    def count(self, texts: Sequence[str]) -> list[int]:
        if len(texts) <= _TIKTOKEN_CHUNK or self.threads == 1:
            return self._count_chunk(texts)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="ftprep-tiktoken")
        chunks = [texts[i : i + _TIKTOKEN_CHUNK] for i in range(0, len(texts), _TIKTOKEN_CHUNK)]
        counts: list[int] = []
        for part in self._pool.map(self._count_chunk, chunks):
            counts.extend(part)
        return counts


def load_ranks(encoding: str, directory: Traversable | None = None) -> dict[bytes, int]:
    """The BPE ranks of a shipped encoding file, verified against tiktoken's published hash.

    `directory` defaults to the installed `ftprep/data`; a missing, truncated or altered file is
    an error that says so, never a silently different tokenizer.
    """
    if encoding not in EXPECTED_SHA256:
        raise FtprepError(f"unknown encoding {encoding!r}; known: {', '.join(ENCODINGS)}")
    folder = directory if directory is not None else resources.files("ftprep.data")
    name = f"{encoding}.tiktoken.gz"
    reinstall = "reinstall ftprep, or use --tokenizer toktok"
    try:
        data = gzip.decompress(folder.joinpath(name).read_bytes())
    except OSError as error:  # missing file, or gzip.BadGzipFile
        raise FtprepError(f"encoding file {name} cannot be read ({error})", reinstall) from None
    except (EOFError, zlib.error) as error:  # truncated or damaged gzip stream
        raise FtprepError(f"encoding file {name} is corrupt ({error})", reinstall) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != EXPECTED_SHA256[encoding]:
        raise FtprepError(f"encoding file {name} is corrupt (sha256 {digest})", reinstall)
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


_TIKTOKEN_LOCK = threading.Lock()


@cache
def tiktoken_encoding(encoding: str) -> tiktoken.Encoding:
    """tiktoken's own Encoding, with its pattern and special tokens, from the shipped ranks."""
    import tiktoken
    import tiktoken_ext.openai_public as public  # type: ignore[import-untyped]

    ranks = load_ranks(encoding)
    with _TIKTOKEN_LOCK:
        original = public.load_tiktoken_bpe
        public.load_tiktoken_bpe = lambda *_args, **_kwargs: ranks
        try:
            params = getattr(public, encoding)()
        finally:
            public.load_tiktoken_bpe = original
    return tiktoken.Encoding(**params)


@cache
def get_counter(encoding: str, backend: str | None = None, threads: int | None = None) -> Counter:
    """The counter for `encoding`; `backend` defaults to $FTPREP_TOKENIZER, then toktok."""
    if encoding not in ENCODINGS:
        raise FtprepError(f"unknown encoding {encoding!r}; known: {', '.join(ENCODINGS)}")
    chosen = backend or os.environ.get("FTPREP_TOKENIZER") or "toktok"
    workers = threads or default_threads()
    if chosen == "toktok":
        try:
            return ToktokCounter(encoding, workers)
        except ImportError:
            chosen = "tiktoken"  # a platform without a toktok-rs wheel: same counts, slower
    if chosen == "tiktoken":
        return TiktokenCounter(encoding, workers)
    raise FtprepError(f"unknown tokenizer backend {chosen!r}; use one of {', '.join(BACKENDS)}")
