"""Sequence numbers behind every generated identifier, carried across days."""

from __future__ import annotations

import numpy as np


class Counters:
    """Next free sequence number per identifier family (starting at 1)."""

    def __init__(self, next_values: dict[str, int] | None = None) -> None:
        self._next = dict(next_values or {})

    def allocate(self, family: str, count: int) -> np.ndarray:
        """``count`` fresh, consecutive sequence numbers for ``family``."""
        start = self._next.get(family, 1)
        self._next[family] = start + int(count)
        return np.arange(start, start + int(count), dtype=np.int64)

    def allocate_where(self, family: str, mask: np.ndarray) -> np.ndarray:
        """A fresh number where ``mask`` is true, -1 elsewhere."""
        numbers = np.full(len(mask), -1, dtype=np.int64)
        numbers[mask] = self.allocate(family, int(mask.sum()))
        return numbers

    def peek(self, family: str) -> int:
        return self._next.get(family, 1)

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self._next.items()))
