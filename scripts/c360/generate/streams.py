"""Independent, reproducible random streams.

Every (seed, day, purpose) triple gets its own generator, so adding a draw in
one place never shifts the numbers drawn anywhere else, and generating day N
in one run or across several runs gives the same bytes.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, day: int, purpose: str) -> np.random.Generator:
    """A generator for one purpose (e.g. ``"shop_orders"``) on one day."""
    # crc32 rather than hash(): Python salts str hashes per process.
    return np.random.default_rng(np.random.SeedSequence([seed, day, zlib.crc32(purpose.encode())]))
