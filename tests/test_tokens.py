"""Both token backends count exactly alike, and the reference one works offline.

toktok-rs (the fast default) is a young project, so every string of the real corpora and a
deterministic set of adversarial strings are counted by both it and tiktoken (built from the
encoding files ftprep ships) and must agree token for token. tiktoken's own `get_encoding`
needs the network, so the shipped files are pinned instead by tiktoken's SHA-256 and by ids
OpenAI has published.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ftprep.model.errors import FtprepError
from ftprep.tokens import encoders as tokens
from ftprep.tokens.encoders import (
    ENCODINGS,
    TiktokenCounter,
    ToktokCounter,
    get_counter,
    load_ranks,
    tiktoken_encoding,
)
from tests.helpers import CORPORA

DATA_DIR = Path(tokens.__file__).parent.parent / "data"


# -- the strings -------------------------------------------------------------------------------


def _walk(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            _walk(item, out)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append(key)
            _walk(item, out)


def _corpus_files() -> list[Path]:
    found = [*CORPORA.glob("cookbook/*.jsonl"), *CORPORA.glob("llamafactory/*.json"),
             *CORPORA.glob("llamafactory/*.jsonl")]
    return sorted(found)


def corpus_strings() -> list[str]:
    """Every key and string value in the cookbook and LLaMA-Factory files, plus each whole file."""
    texts: list[str] = []
    for path in _corpus_files():
        raw = path.read_text(encoding="utf-8")
        texts.append(raw)
        if path.suffix == ".jsonl":
            for line in raw.splitlines():
                if line.strip():
                    _walk(json.loads(line), texts)
        else:
            _walk(json.loads(raw), texts)
    return texts


SPECIAL = ["<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
           "<|endofprompt|>", "<|im_start|>", "<|im_end|>", "<|im_sep|>", "<|endoftext",
           "endoftext|>", "<|", "|>", "<||>", "<|endoftext|><|endoftext|>"]
EMOJI = ["👍", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🇺🇸🇫🇷🇯🇵", "1️⃣", "❤️", "🧑🏿\u200d🚀",
         "👩\u200d❤️\u200d💋\u200d👨", "🫠", "\U0001f9d1\U0001f3fd\u200d\U0001f91d\u200d\U0001f9d1\U0001f3fb"]
SCRIPTS = [
    "漢字とひらがなとカタカナ、そして한국어 문장입니다。",
    "我们今天讨论大型语言模型的微调。", "ｆｕｌｌ－ｗｉｄｔｈ　ＡＢＣ１２３", "ﾊﾝｶｸｶﾀｶﾅ",
    "مرحبا بالعالم، كيف حالك؟", "العَرَبِيَّةُ مع التشكيل", "שָׁלוֹם עוֹלָם", "\u200fمرحبا\u200e hello \u202eevil\u202c",
    "Привет, мир! Ёжик.", "Γειά σου Κόσμε", "नमस्ते दुनिया", "สวัสดีชาวโลก", "ሰላም ዓለም",
    "Hello世界مرحبا שלום Привет 👋 123 ok", "don't DON'T don’t I'M I'm we'LL they'Re it'S",
    "Z\u0337\u0322\u031ba\u0335l\u0336g\u0338o\u0335 t\u0334e\u0335x\u0337t", "e\u0301 é ñ n\u0303 Å A\u030a",
    "ﬁ ﬂ ﬃ ß ẞ İ ı ǅ", "𝕳𝖊𝖑𝖑𝖔 𝐁𝐨𝐥𝐝 𝟙𝟚𝟛", "𓀀𓀁 𐍈 𝄞 🀄",
]
CONTROL = ["".join(chr(c) for c in range(32)), "\x7f\x80\x85\x9f", "\u200b\u200c\u200d\u2060\ufeff",
           "a\u00adb", "line\u2028sep\u2029para", "\x00", "tab\tvt\x0bff\x0ccr\rlf\n", "\ufffd\ufffe"]


def _runs() -> Iterator[str]:
    for n in (*range(1, 25), 31, 32, 33, 63, 64, 65, 100, 255, 256, 1000, 4097, 20_000):
        for unit in (" ", "\n", "\t", "\r\n", " \n", "1", "12", "123", "9876543210", "0.", "-",
                     "=", "a", "ab", ".", "!?", "ä", "中", "😀"):
            yield unit * n
        yield "x" + " " * n + "y"
        yield "1" * n + " " + "2" * n
        yield "word " * n
    yield "3.14159265358979323846264338327950288419716939937510" * 40
    yield "1,234,567,890.00 -42 +7e10 0x1F 0b1010 1_000_000 ٣٤٥ ௧௨௩ 一二三"


def _long_words(rng: random.Random) -> Iterator[str]:
    yield "supercalifragilisticexpialidocious" * 600
    yield "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(30_000))
    yield "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                  for _ in range(50_000))
    yield "https://example.com/" + "/".join("segment" + str(i) for i in range(2_000)) + "?q=1&r=2"
    yield "".join(rng.choice("0123456789abcdef") for _ in range(40_000))
    yield "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft" * 50
    yield "ก" * 5_000 + "ไม่มีช่องว่างในภาษาไทย" * 300


_POOLS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789", " \t\n\r\n  ", ".,;:!?'\"()[]{}<>|/\\@#$%^&*-_=+~`",
    "".join(SPECIAL), "".join(EMOJI), "".join(SCRIPTS), "".join(CONTROL),
    "\u0300\u0301\u0302\u0308\u0327\u0338\u20dd\u200d\ufe0f",
]


def _random_code_point(rng: random.Random) -> str:
    while True:
        plane = rng.random()
        if plane < 0.6:
            value = rng.randrange(0x20, 0x3000)
        elif plane < 0.9:
            value = rng.randrange(0x3000, 0x10000)
        else:
            value = rng.randrange(0x10000, 0x110000)
        if not 0xD800 <= value <= 0xDFFF:
            return chr(value)


def _random_strings(rng: random.Random, count: int) -> Iterator[str]:
    for _ in range(count):
        length = int(rng.expovariate(1 / 60)) + 1
        if rng.random() < 0.5:
            yield "".join(_random_code_point(rng) for _ in range(length))
        else:
            pools = rng.sample(_POOLS, rng.randint(1, 4))
            yield "".join(rng.choice(rng.choice(pools)) for _ in range(length))


def adversarial_strings() -> list[str]:
    rng = random.Random(20261124)
    texts = ["", " ", "hello world", *SPECIAL, *EMOJI, *SCRIPTS, *CONTROL, *_runs(),
             *_long_words(rng), *_random_strings(rng, 6_000)]
    texts += [f"say {token} now" for token in SPECIAL] + [token * 50 for token in SPECIAL]
    texts += [emoji * 40 for emoji in EMOJI] + [" ".join(SCRIPTS) * 20, "\n\n".join(EMOJI * 30)]
    # Normalisation must not happen: decomposed and composed forms are different token streams.
    texts += [unicodedata.normalize(form, text) for form in ("NFC", "NFD", "NFKC", "NFKD")
              for text in SCRIPTS]
    return texts


# -- agreement ---------------------------------------------------------------------------------


def _agree(encoding: str, texts: list[str]) -> None:
    fast = get_counter(encoding, "toktok")
    reference = get_counter(encoding, "tiktoken")
    assert isinstance(fast, ToktokCounter), "toktok-rs is a dependency; it must be importable here"
    assert isinstance(reference, TiktokenCounter)
    expected = reference.count(texts)
    sample = slice(len(texts) // 2, len(texts) // 2 + 300)  # the pooled path equals plain calls
    assert expected[sample] == [len(reference.encoder.encode_ordinary(t)) for t in texts[sample]]
    got = fast.count(texts)  # one batch: counted across threads
    mismatches = [(t[:60], a, b) for t, a, b in zip(texts, got, expected) if a != b]
    assert mismatches == [], f"{len(mismatches)} strings count differently"
    single: list[int] = []
    for start in range(0, len(texts), 50):  # small batches: the single-thread path
        single += fast.count(texts[start : start + 50])
    assert single == expected


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_backends_agree_on_the_real_corpora(encoding: str) -> None:
    if not _corpus_files():
        pytest.skip("../shared/corpora is not present (it is not part of a user's clone)")
    texts = corpus_strings()
    assert len(texts) > 50_000
    _agree(encoding, texts)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_backends_agree_on_adversarial_strings(encoding: str) -> None:
    _agree(encoding, adversarial_strings())


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_special_tokens_are_counted_as_plain_text(encoding: str) -> None:
    for backend in ("toktok", "tiktoken"):
        counts = get_counter(encoding, backend).count(SPECIAL[:7])
        assert all(n > 1 for n in counts), f"{backend} treated a special token as special"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_lone_surrogates_count_alike(encoding: str) -> None:
    """orjson rejects them, but json.loads-based converters may not: neither backend may crash."""
    texts = ["\ud800", "a\udfffb", "ok \ud83d then", "\ud83d\ude00"]
    assert get_counter(encoding, "toktok").count(texts) == get_counter(encoding, "tiktoken").count(texts)


def test_empty_batch() -> None:
    for backend in ("toktok", "tiktoken"):
        assert get_counter("o200k_base", backend).count([]) == []


# -- the shipped encoding files ----------------------------------------------------------------

# Published ids: tiktoken's README ("hello world") and the cookbook's How_to_count_tokens_with_tiktoken
# ("tiktoken is great!" in cl100k_base); vocabulary sizes and <|endoftext|> from tiktoken_ext.
PUBLISHED = {
    "cl100k_base": {"hello world": [15339, 1917], "tiktoken is great!": [83, 1609, 5963, 374, 2294, 0]},
    "o200k_base": {"hello world": [24912, 2375]},
}
VOCAB = {"cl100k_base": (100_256, 100_277, 100_257), "o200k_base": (199_998, 200_019, 199_999)}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reference_encoder_matches_published_ids(encoding: str) -> None:
    encoder = tiktoken_encoding(encoding)
    for text, ids in PUBLISHED[encoding].items():
        assert encoder.encode_ordinary(text) == ids
        assert encoder.decode(ids) == text
    assert get_counter(encoding, "toktok").count(["hello world"]) == [2]
    ranks, n_vocab, eot = VOCAB[encoding]
    assert len(load_ranks(encoding)) == ranks
    assert (encoder.n_vocab, encoder.eot_token) == (n_vocab, eot)
    assert encoder.encode("<|endoftext|>", allowed_special="all") == [eot]


def _refuse(*_args: object, **_kwargs: object) -> None:
    raise OSError("network disabled by the test")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reference_encoder_loads_offline_without_tiktoken_cache(
    encoding: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(cache))
    monkeypatch.setattr(socket, "socket", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    with pytest.raises(OSError, match="network disabled"):
        socket.create_connection(("example.com", 443))
    tiktoken_encoding.cache_clear()
    try:
        encoder = tiktoken_encoding(encoding)
        assert encoder.encode_ordinary("hello world") == PUBLISHED[encoding]["hello world"]
    finally:
        tiktoken_encoding.cache_clear()
    assert list(cache.iterdir()) == [], "tiktoken wrote to (or read from) its download cache"


def test_cold_process_counts_offline(tmp_path: Path) -> None:
    """A fresh interpreter (nothing imported yet) with sockets refused still counts."""
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network disabled')\n"
        "socket.socket = socket.create_connection = socket.getaddrinfo = refuse\n"
        "from ftprep.tokens.encoders import get_counter\n"
        "print(get_counter('o200k_base', 'tiktoken').count(['hello world', '<|endoftext|>']),\n"
        "      get_counter('cl100k_base', 'tiktoken').count(['hello world']))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "TIKTOKEN_CACHE_DIR": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[2,", "7]", "[2]"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_shipped_file_passes_the_hash_check(encoding: str) -> None:
    assert len(load_ranks(encoding, DATA_DIR)) == VOCAB[encoding][0]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_shipped_files_are_the_ones_tiktoken_downloads(
    encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tiktoken.get_encoding downloads a file and checks it against an expected SHA-256 that its
    own source names; ftprep checks its shipped file against the same hash, so both load the
    very same ranks (tiktoken's pattern and special tokens are used as they are)."""
    import tiktoken_ext.openai_public as public  # type: ignore[import-untyped]

    asked: dict[str, object] = {}

    def record(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        asked.update(url=url, expected_hash=expected_hash)
        return {}

    monkeypatch.setattr(public, "load_tiktoken_bpe", record)
    getattr(public, encoding)()
    assert asked["url"] == f"https://openaipublic.blob.core.windows.net/encodings/{encoding}.tiktoken"
    assert asked["expected_hash"] == tokens.EXPECTED_SHA256[encoding]
    digest = hashlib.sha256(gzip.decompress((DATA_DIR / f"{encoding}.tiktoken.gz").read_bytes()))
    assert digest.hexdigest() == asked["expected_hash"]


def _copy(encoding: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{encoding}.tiktoken.gz"
    shutil.copyfile(DATA_DIR / target.name, target)
    return target


def test_altered_rank_is_detected(tmp_path: Path) -> None:
    target = _copy("o200k_base", tmp_path)
    data = bytearray(gzip.decompress(target.read_bytes()))
    last_digit = data.rindex(b"\n", 0, len(data) - 1) - 1  # keep the file well-formed
    data[last_digit] = ord("0") if data[last_digit] != ord("0") else ord("1")
    target.write_bytes(gzip.compress(bytes(data)))
    with pytest.raises(FtprepError, match="corrupt .sha256"):
        load_ranks("o200k_base", tmp_path)


def test_truncated_file_is_detected(tmp_path: Path) -> None:
    target = _copy("cl100k_base", tmp_path)
    target.write_bytes(target.read_bytes()[: 100_000])
    with pytest.raises(FtprepError, match="corrupt"):
        load_ranks("cl100k_base", tmp_path)


def test_garbage_and_missing_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "o200k_base.tiktoken.gz").write_bytes(b"not gzip at all")
    with pytest.raises(FtprepError, match="cannot be read"):
        load_ranks("o200k_base", tmp_path)
    with pytest.raises(FtprepError, match="cannot be read"):
        load_ranks("cl100k_base", tmp_path)
    with pytest.raises(FtprepError, match="unknown encoding"):
        load_ranks("p50k_base", tmp_path)


def test_unknown_encoding_or_backend() -> None:
    with pytest.raises(FtprepError, match="unknown encoding"):
        get_counter("r50k_base")
    with pytest.raises(FtprepError, match="unknown tokenizer backend"):
        get_counter("o200k_base", "sentencepiece")


@pytest.mark.parametrize(("value", "expected"), [("3", 3), ("1", 1), ("0", None), ("two", None), ("", None)])
def test_tokenizer_threads_can_be_pinned(monkeypatch: pytest.MonkeyPatch, value: str, expected: int | None) -> None:
    """Benchmarks pin ftprep's threads to the floors' 2; a bad value falls back to the cores."""
    from ftprep.tokens.encoders import default_threads

    monkeypatch.setenv("FTPREP_TOKENIZER_THREADS", value)
    fallback = max(1, min(os.cpu_count() or 1, 8))
    assert default_threads() == (expected if expected is not None else fallback)
