"""One day's clean rows, table by table, before any defect is injected."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa

from c360.generate.columns import PERSON, SPECS
from c360.generate.identifiers import ids
from c360.raw_tables import GROUND_TRUTH_COLUMNS

# Called with a table's name and the batch to ``take`` its rows from.
Deliver = Callable[[str, "Batch"], None]


@dataclass
class Batch:
    """Clean pieces per raw table; ``new`` pieces are records delivered for the first time.

    With ``deliver``, a table is handed over and forgotten as soon as it is
    complete, so the day never holds all its tables together.
    """

    deliver: Deliver | None = None
    pieces: dict[str, list[tuple[pa.Table, bool]]] = field(default_factory=dict)
    # Ground truth of taken tables; keys: every table with pieces, in order of the first.
    _truth: dict[str, list[pa.Table]] = field(default_factory=dict, init=False, repr=False)
    _completed: set[str] = field(default_factory=set, init=False, repr=False)

    def add(self, table: str, rows: pa.Table, new: bool = True) -> None:
        if table in self._completed:
            raise ValueError(f"{table} was completed for today; no rows can be added")
        if rows.num_rows:
            self.pieces.setdefault(table, []).append((rows, new))
            self._truth.setdefault(table, [])

    def complete(self, table: str) -> None:
        """No more rows of ``table`` come today: deliver it now (with ``deliver``).

        Delivery frees the rows as it goes if the batch alone holds them.
        """
        self._completed.add(table)
        if self.deliver is not None:
            self.deliver(table, self)

    def clean(self, table: str) -> pa.Table | None:
        pieces = [rows for rows, _ in self.pieces.get(table, [])]
        if not pieces:
            return None
        return pa.concat_tables(pieces, promote_options="permissive").combine_chunks()

    def take(self, table: str) -> pa.Table | None:
        """Like ``clean``, and forget the pieces (they can be large)."""
        rows = self.clean(table)
        if table in self.pieces:
            self._truth[table] = _truth_parts(table, self.pieces.pop(table))
        return rows

    def ground_truth(self) -> pa.Table:
        """source_table, source_record_id, person_id of every record first delivered today."""
        parts = []
        for table, taken in self._truth.items():
            parts += _truth_parts(table, self.pieces[table]) if table in self.pieces else taken
        if not parts:
            return pa.table({name: pa.array([], pa.string()) for name in GROUND_TRUTH_COLUMNS})
        truth = pa.concat_tables(parts)
        return truth.select(list(GROUND_TRUTH_COLUMNS))


def _truth_parts(table: str, pieces: list[tuple[pa.Table, bool]]) -> list[pa.Table]:
    spec = SPECS[table]
    if not spec.identity_bearing:
        return []
    return [
        pa.table(
            {
                "source_table": pa.repeat(pa.scalar(table), rows.num_rows),
                "source_record_id": rows[spec.key].combine_chunks(),
                "person_id": ids("person", rows[PERSON].to_numpy()),
            }
        )
        for rows, new in pieces
        if new
    ]
