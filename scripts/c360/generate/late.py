"""Late, out-of-order versions: an older state of a record arrives after a newer one."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from c360.generate.columns import SPECS
from c360.generate.context import DayContext
from c360.generate.defects.rows import vary
from c360.generate.timeline import SECONDS_PER_DAY

MAX_AGE = 30 * SECONDS_PER_DAY
MIN_AGE = 3_600


def stale_versions(table: str, records: pa.Table, context: DayContext) -> pa.Table:
    """Versions older than the current one (already delivered), with other values.

    Eligible are records whose current version is not their first one, plus all
    records of tables without a creation time; each gets a stale version at the
    ``late_arrival`` rate.
    """
    spec = SPECS[table]
    rng = context.rng(f"late:{table}")
    if records.num_rows == 0:
        return records
    current = records[spec.version_column].to_numpy()
    floor = current - MAX_AGE
    if spec.created_column:
        floor = np.maximum(floor, records[spec.created_column].to_numpy())
    eligible = current - floor > MIN_AGE
    context.manifest.count_eligible("late_arrival", int(eligible.sum()))
    rows = np.flatnonzero(eligible & (rng.random(records.num_rows) < context.rates.late_arrival))
    if len(rows) == 0:
        return records.slice(0, 0)
    stale = vary(records, rows, spec, rng)
    older = floor[rows] + (rng.random(len(rows)) * (current[rows] - MIN_AGE - floor[rows])).astype(np.int64)
    stale = stale.set_column(
        stale.schema.get_field_index(spec.version_column), spec.version_column, pa.array(older)
    )
    context.manifest.note("late_arrival", table, spec.version_column, stale[spec.key].combine_chunks())
    return stale
