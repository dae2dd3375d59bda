"""The record of every injected defect: where it is and how often it was possible.

Written per day as ``_defects.csv`` (table, record_id, column, defect) and
``_defect_counts.csv`` (defect, eligible, injected) next to the raw CSVs. The
loader does not read them; tests and benchmarks do.

Defects are listed in sections: first those noted while the day's records were
built, then those of each delivered table in turn. A table may be delivered
while others are still being built; its section keeps the listing the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

from c360.generate.config import defect_kinds

MANIFEST_COLUMNS = ("table", "record_id", "column", "defect")
PERSONS_TABLE = "_persons"  # person-level defects (households) are listed under this name


class Manifest:
    """Accumulates injected defects and eligible/injected counts per defect kind."""

    def __init__(self) -> None:
        # Noted defects per section rank; rank 0 is outside any section.
        self._parts: dict[int, list[pa.Table]] = {}
        self._section = 0
        self._counts: dict[str, list[int]] = {kind: [0, 0] for kind in defect_kinds()}

    @contextmanager
    def section(self, rank: int) -> Iterator[None]:
        """Defects noted inside are listed with section ``rank`` (ranks ascending)."""
        outer, self._section = self._section, rank
        try:
            yield
        finally:
            self._section = outer

    def count_eligible(self, defect: str, eligible: int) -> None:
        self._counts[defect][0] += int(eligible)

    def note(self, defect: str, table: str, column: str, record_ids: pa.Array) -> None:
        """``record_ids`` (one per affected cell or row) carry ``defect``."""
        self._counts[defect][1] += len(record_ids)
        if len(record_ids) == 0:
            return
        count = len(record_ids)
        self._parts.setdefault(self._section, []).append(
            pa.table(
                {
                    "table": pa.repeat(pa.scalar(table), count),
                    "record_id": record_ids.cast(pa.string()),
                    "column": pa.repeat(pa.scalar(column), count),
                    "defect": pa.repeat(pa.scalar(defect), count),
                }
            )
        )

    def counts(self) -> dict[str, tuple[int, int]]:
        """defect -> (eligible units, injected units)."""
        return {kind: (eligible, injected) for kind, (eligible, injected) in self._counts.items()}

    def table(self) -> pa.Table:
        parts = [part for rank in sorted(self._parts) for part in self._parts[rank]]
        if not parts:
            return pa.table({name: pa.array([], pa.string()) for name in MANIFEST_COLUMNS})
        return pa.concat_tables(parts)

    def counts_table(self) -> pa.Table:
        kinds = list(self._counts)
        return pa.table(
            {
                "defect": pa.array(kinds),
                "eligible": pa.array([str(self._counts[k][0]) for k in kinds]),
                "injected": pa.array([str(self._counts[k][1]) for k in kinds]),
            }
        )
