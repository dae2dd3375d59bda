"""Turn one table's clean rows into what the source delivers: defects in, text out."""

from __future__ import annotations

import pyarrow as pa

from c360.generate.columns import SPECS
from c360.generate.context import DayContext
from c360.generate.defects.cells import Delivery, render_table
from c360.generate.defects.rows import (
    conflicting_versions,
    duplicates,
    keyless_copies,
    last_first_full_names,
    late_events,
    orphan_children,
    swap_first_and_last,
)


def deliver(
    table: str, clean: pa.Table | None, context: DayContext, earlier: pa.Table | None
) -> tuple[pa.Table, pa.Table]:
    """(rows to write, rows eligible to be re-delivered on later days).

    ``clean`` (None: no rows today) is used up: pass the only reference to it,
    and its columns are freed as soon as they are rendered. ``earlier`` is a
    sample of rows delivered on earlier days, for duplicates.
    """
    if clean is None:
        empty = empty_table(table)
        return empty, empty
    spec = SPECS[table]
    delivery = Delivery(table, context.rates, context.rng(f"defects:{table}"), context.manifest)
    clean = swap_first_and_last(clean, spec, delivery)
    clean = last_first_full_names(clean, spec, delivery)
    if context.day > 0:
        clean = late_events(clean, spec, delivery, context.window[0])
    clean = orphan_children(clean, spec, delivery, context.counters)
    clean = conflicting_versions(clean, spec, delivery, context.extract_time)
    columns = dict(zip(clean.column_names, clean.columns, strict=True))
    del clean  # render_table takes the columns out of ``columns`` one by one
    rendered = render_table(columns, spec, delivery)
    extras = [keyless_copies(rendered, spec, delivery), duplicates(rendered, spec, delivery, earlier)]
    return pa.concat_tables([rendered, *extras]), rendered


def empty_table(table: str) -> pa.Table:
    return pa.table({column: pa.array([], pa.string()) for column in SPECS[table].columns})
