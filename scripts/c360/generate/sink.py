"""Deliver and write a day's tables one at a time, as soon as each is complete."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from c360.generate.batch import Batch
from c360.generate.context import DayContext
from c360.generate.delivery import deliver
from c360.generate.streams import stream
from c360.generate.writer import DayWriter
from c360.raw_tables import RAW_TABLES

REDELIVERY_SAMPLE = 1_000
# Manifest section of each table: delivery order must not change the listing.
SECTIONS = {raw.name: 1 + position for position, raw in enumerate(RAW_TABLES)}


class DaySink:
    """Injects defects into each table, writes it and keeps a sample for re-delivery.

    ``earlier`` holds samples of rows delivered on earlier days, per table.
    """

    def __init__(self, context: DayContext, earlier: dict[str, pa.Table], writer: DayWriter) -> None:
        self._context = context
        self._earlier = earlier
        self._writer = writer
        self._rows: dict[str, int] = {}
        self._samples: dict[str, pa.Table] = {}

    def deliver(self, table: str, batch: Batch) -> None:
        """Take ``table``'s clean rows from ``batch``, deliver and write them."""
        earlier = self._earlier.get(table)
        with self._context.manifest.section(SECTIONS[table]):
            # Taken inline so that delivery holds the only reference and frees
            # the clean columns as it renders them.
            final, rendered = deliver(table, batch.take(table), self._context, earlier)
        self._writer.write(f"{table}.csv", final)
        self._rows[table] = final.num_rows
        self._samples[table] = _redelivery_sample(earlier, rendered, self._context, table)

    def finish(self, batch: Batch) -> tuple[dict[str, int], dict[str, pa.Table]]:
        """Deliver the tables not delivered yet; returns (rows written, re-delivery samples)."""
        for raw in RAW_TABLES:
            if raw.name not in self._rows:
                self.deliver(raw.name, batch)
        names = [raw.name for raw in RAW_TABLES]
        return {name: self._rows[name] for name in names}, {name: self._samples[name] for name in names}


def _redelivery_sample(
    earlier: pa.Table | None, today: pa.Table, context: DayContext, table: str
) -> pa.Table:
    """A bounded random sample of everything delivered so far, for re-delivery."""
    rng = stream(context.seed, context.day, f"redelivery:{table}")
    pool = today if earlier is None else pa.concat_tables([earlier, today])
    if pool.num_rows <= REDELIVERY_SAMPLE:
        return pool
    rows = np.sort(rng.choice(pool.num_rows, REDELIVERY_SAMPLE, replace=False))
    return pool.take(pa.array(rows))
