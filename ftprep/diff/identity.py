"""What makes two examples "the same" for `ftprep diff`: the parsed record, not its bytes.

A record's identity is a 16-byte BLAKE2b of its canonical JSON (keys sorted at every level,
no whitespace), so reordering keys, reformatting a line or moving it are not changes. A unit
that is not a record (a broken line, a blank line, a JSON array's scalar) has an identity of
its raw bytes instead, kept apart by a prefix, so a broken line fixed is a change too.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson

DIGEST_BYTES = 16


def record_identity(data: dict[str, Any]) -> bytes:
    """The identity of a parsed record (see the module docstring)."""
    try:
        canonical = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):  # integers past 64 bits: the stdlib writes them
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(b"R" + canonical, digest_size=DIGEST_BYTES).digest()


def unit_identity(raw: bytes) -> bytes:
    """The identity of a unit that is not a record: its bytes, trailing spaces ignored."""
    return hashlib.blake2b(b"U" + raw.rstrip(), digest_size=DIGEST_BYTES).digest()
