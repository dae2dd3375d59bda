"""What every builder of one day's records needs: who, when, how dirty, which ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.config import DefectRates
from c360.generate.counters import Counters
from c360.generate.defects.manifest import Manifest
from c360.generate.locales import LOCALES
from c360.generate.pools import LocalePools
from c360.generate.streams import stream
from c360.generate.timeline import day_window
from c360.generate.volumes import VOLUMES, Volumes

YEAR_SECONDS = 365.25 * 86_400


class People:
    """Column access to the persons table, converted once."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self._numbers: dict[str, np.ndarray] = {}
        self._texts: dict[str, pa.Array] = {}

    def __len__(self) -> int:
        return self.table.num_rows

    def num(self, column: str) -> np.ndarray:
        if column not in self._numbers:
            self._numbers[column] = self.table[column].to_numpy()
        return self._numbers[column]

    def text(self, column: str, rows: np.ndarray | None = None) -> pa.Array:
        if column not in self._texts:
            self._texts[column] = self.table[column].combine_chunks()
        values = self._texts[column]
        return values if rows is None else values.take(pa.array(rows, pa.int64()))

    @cached_property
    def tz_offsets(self) -> np.ndarray:
        """Each person's usual UTC offset in minutes (stable per person)."""
        locale = self.num("locale")
        seq = self.num("person_seq")
        offsets = np.zeros(len(locale), np.int16)
        for index, spec in enumerate(LOCALES):
            choices = np.array(spec.utc_offsets_minutes)
            mine = locale == index
            offsets[mine] = choices[seq[mine] % len(choices)]
        return offsets


@dataclass
class DayContext:
    seed: int
    day: int
    rates: DefectRates
    counters: Counters
    pools: tuple[LocalePools, ...]
    manifest: Manifest = field(default_factory=Manifest)
    volumes: Volumes = VOLUMES

    @property
    def window(self) -> tuple[int, int]:
        return day_window(self.day)

    @property
    def extract_time(self) -> int:
        """Everything delivered today happened before this instant."""
        return self.window[1]

    def rng(self, purpose: str) -> np.random.Generator:
        return stream(self.seed, self.day, purpose)


def sample_activity(
    people: People,
    window: tuple[int, int],
    per_year: float,
    rng: np.random.Generator,
    who: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows (person positions) and times of events in ``window``, in time order.

    Each person's count is Poisson with mean ``per_year`` x their activity x the
    years they were a customer within the window.
    """
    start = np.maximum(people.num("created_at"), window[0])
    active = np.clip(window[1] - start, 0, None)
    expected = per_year * people.num("activity") * active / YEAR_SECONDS
    if who is not None:
        expected = np.where(who, expected, 0.0)
    counts = rng.poisson(expected)
    rows = np.repeat(np.arange(len(people)), counts)
    times = start[rows] + (rng.random(len(rows)) * active[rows]).astype(np.int64)
    order = np.argsort(times, kind="stable")
    return rows[order], times[order]


def between(rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, size: int) -> np.ndarray:
    """Uniform integer times in [low, high) (high clipped to at least low + 1)."""
    low = np.broadcast_to(np.asarray(low, dtype=np.int64), (size,))
    high = np.maximum(np.broadcast_to(np.asarray(high, dtype=np.int64), (size,)), low + 1)
    return low + (rng.random(size) * (high - low)).astype(np.int64)


def draw(
    rng: np.random.Generator, options: tuple[str, ...], weights: tuple[float, ...], size: int
) -> pa.Array:
    """``size`` values of ``options`` with the given relative weights."""
    return pa.array(list(options), pa.string()).take(pa.array(draw_positions(rng, weights, size)))


def draw_positions(rng: np.random.Generator, weights: tuple[float, ...], size: int) -> np.ndarray:
    """``size`` positions among ``len(weights)`` options with the given relative weights."""
    probabilities = np.array(weights, dtype=float) / sum(weights)
    return rng.choice(len(weights), size, p=probabilities)


def maybe(values: pa.Array, keep: np.ndarray) -> pa.Array:
    """``values`` where ``keep``, null elsewhere (a field the person did not give)."""
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))
