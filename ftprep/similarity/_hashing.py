"""Fixed pseudo-random constants and 64-bit mixing, the same in every process, run and version.

Constants come from splitmix64 in pure Python (not numpy's generators, whose streams may change
between numpy versions), so stored band keys and golden tests stay valid across upgrades.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
M1 = np.uint64(_M1)
M2 = np.uint64(_M2)
S27, S30, S31, S32 = np.uint64(27), np.uint64(30), np.uint64(31), np.uint64(32)


def _splitmix(z: int) -> int:
    z = ((z ^ (z >> 30)) * _M1) & MASK64
    z = ((z ^ (z >> 27)) * _M2) & MASK64
    return z ^ (z >> 31)


@lru_cache(maxsize=64)
def constants(seed: int, label: int, count: int) -> np.ndarray:
    """`count` pseudo-random uint64s for (seed, label); read-only, so callers may share them."""
    state = _splitmix((seed * _GOLDEN + label) & MASK64)
    values = []
    for _ in range(count):
        state = (state + _GOLDEN) & MASK64
        values.append(_splitmix(state))
    out = np.array(values, dtype=np.uint64)
    out.flags.writeable = False
    return out


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser applied to a uint64 array in place (a bijection); returns it."""
    tmp = np.empty_like(x)
    x ^= np.right_shift(x, S30, out=tmp)
    x *= M1
    x ^= np.right_shift(x, S27, out=tmp)
    x *= M2
    x ^= np.right_shift(x, S31, out=tmp)
    return x
