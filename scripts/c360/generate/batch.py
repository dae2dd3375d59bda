"""One day's clean rows, table by table, before any defect is injected."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from c360.generate.columns import PERSON, SPECS
from c360.generate.identifiers import ids
from c360.raw_tables import GROUND_TRUTH_COLUMNS


@dataclass
class Batch:
    """Clean pieces per raw table; ``new`` pieces are records delivered for the first time."""

    pieces: dict[str, list[tuple[pa.Table, bool]]] = field(default_factory=dict)

    def add(self, table: str, rows: pa.Table, new: bool = True) -> None:
        if rows.num_rows:
            self.pieces.setdefault(table, []).append((rows, new))

    def clean(self, table: str) -> pa.Table | None:
        pieces = [rows for rows, _ in self.pieces.get(table, [])]
        if not pieces:
            return None
        return pa.concat_tables(pieces, promote_options="permissive").combine_chunks()

    def take(self, table: str) -> pa.Table | None:
        """Like ``clean``, and forget the pieces (they can be large)."""
        rows = self.clean(table)
        self.pieces.pop(table, None)
        return rows

    def ground_truth(self) -> pa.Table:
        """source_table, source_record_id, person_id of every record first delivered today."""
        parts = []
        for table, pieces in self.pieces.items():
            spec = SPECS[table]
            if not spec.identity_bearing:
                continue
            for rows, new in pieces:
                if new:
                    parts.append(
                        pa.table(
                            {
                                "source_table": pa.repeat(pa.scalar(table), rows.num_rows),
                                "source_record_id": rows[spec.key].combine_chunks(),
                                "person_id": ids("person", rows[PERSON].to_numpy()),
                            }
                        )
                    )
        if not parts:
            return pa.table({name: pa.array([], pa.string()) for name in GROUND_TRUTH_COLUMNS})
        truth = pa.concat_tables(parts)
        return truth.select(list(GROUND_TRUTH_COLUMNS))
