"""Row-level defects: swapped names, conflicting versions, orphans, late events,
rows without a key and re-delivered duplicates."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import HIDDEN_PREFIX, TableSpec, latin_of
from c360.generate.counters import Counters
from c360.generate.defects.cells import Delivery
from c360.generate.identifiers import ids
from c360.generate.timeline import SECONDS_PER_DAY

MAX_VERSION_SHIFT = 3 * SECONDS_PER_DAY
MAX_LATENESS = 10 * SECONDS_PER_DAY
SWAPPED_FULL_NAME = f"{HIDDEN_PREFIX}last_first_full_name"


def _pick(delivery: Delivery, count: int, defect: str) -> np.ndarray:
    """Rows hit by ``defect`` (counting all ``count`` rows as eligible)."""
    delivery.manifest.count_eligible(defect, count)
    return delivery.rng.random(count) < delivery.rate(defect)


def _set(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, values)


def _where(mask: np.ndarray, new: pa.Array, old: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), new, old)


def _keys(table: pa.Table, spec: TableSpec, mask: np.ndarray) -> pa.Array:
    return table[spec.key].combine_chunks().filter(pa.array(mask))


def swap_first_and_last(clean: pa.Table, spec: TableSpec, delivery: Delivery) -> pa.Table:
    """First and last name delivered in each other's column."""
    if not {"first_name", "last_name"} <= set(spec.columns) or clean.num_rows == 0:
        return clean
    hit = _pick(delivery, clean.num_rows, "name_swapped")
    first, last = clean["first_name"].combine_chunks(), clean["last_name"].combine_chunks()
    clean = _set(clean, "first_name", _where(hit, last, first))
    clean = _set(clean, "last_name", _where(hit, first, last))
    if latin_of("first_name") in clean.column_names:
        first_l = clean[latin_of("first_name")].combine_chunks()
        last_l = clean[latin_of("last_name")].combine_chunks()
        clean = _set(clean, latin_of("first_name"), _where(hit, last_l, first_l))
        clean = _set(clean, latin_of("last_name"), _where(hit, first_l, last_l))
    delivery.manifest.note("name_swapped", delivery.table, "first_name,last_name", _keys(clean, spec, hit))
    return clean


def last_first_full_names(clean: pa.Table, spec: TableSpec, delivery: Delivery) -> pa.Table:
    """CRM habit: "Lee, Ann" in the full name field."""
    if SWAPPED_FULL_NAME not in clean.column_names or clean.num_rows == 0:
        return clean
    hit = _pick(delivery, clean.num_rows, "crm_last_first")
    swapped = clean[SWAPPED_FULL_NAME].combine_chunks()
    clean = _set(clean, "full_name", _where(hit, swapped, clean["full_name"].combine_chunks()))
    delivery.manifest.note("crm_last_first", delivery.table, "full_name", _keys(clean, spec, hit))
    return clean


def _other_values(column: pa.Array, rows: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """For each row, another value the column takes: uniform over its distinct values
    and never the row's own (unless the column only ever holds one value)."""
    own = column.take(pa.array(rows))
    distinct = pc.unique(column.drop_null())
    if len(distinct) == 0:
        return own
    chosen = rng.integers(0, len(distinct), len(rows))
    position = pc.fill_null(pc.index_in(own, value_set=distinct), -1).to_numpy(zero_copy_only=False)
    chosen = np.where(chosen == position, (chosen + 1) % len(distinct), chosen)
    return distinct.take(pa.array(chosen))


def vary(source: pa.Table, rows: np.ndarray, spec: TableSpec, rng: np.random.Generator) -> pa.Table:
    """Copies of ``rows`` of ``source``, each with one mutable column set to another
    row's (different) value."""
    copies = source.take(pa.array(rows))
    changed = rng.integers(0, len(spec.mutable), len(rows))
    for index, column in enumerate(spec.mutable):
        donors = _other_values(source[column].combine_chunks(), rows, rng)
        copies = _set(copies, column, _where(changed == index, donors, copies[column].combine_chunks()))
    return copies


def conflicting_versions(clean: pa.Table, spec: TableSpec, delivery: Delivery, latest: int) -> pa.Table:
    """Append a second, different version of some rows, with the same key.

    The version time moves up to three days either way, never before the
    record was created nor after ``latest``; both rows are in the same batch.
    """
    count = clean.num_rows
    if count == 0:
        return clean
    rows = np.flatnonzero(_pick(delivery, count, "conflicting_version"))
    if len(rows) == 0:
        return clean
    rng = delivery.rng
    copies = vary(clean, rows, spec, rng)
    if spec.version_column:
        copies = _shift_version_time(copies, spec, rng, latest)
    delivery.manifest.note(
        "conflicting_version", delivery.table, spec.version_column or "", copies[spec.key].combine_chunks()
    )
    return pa.concat_tables([clean, copies])


def _shift_version_time(copies: pa.Table, spec: TableSpec, rng: np.random.Generator, latest: int) -> pa.Table:
    times = copies[spec.version_column].combine_chunks().to_numpy(zero_copy_only=False)
    sign = np.where(rng.random(len(times)) < 0.5, -1, 1)
    shifted = times + sign * rng.integers(60, MAX_VERSION_SHIFT, len(times))
    floor = times - MAX_VERSION_SHIFT
    if spec.created_column:
        floor = copies[spec.created_column].combine_chunks().to_numpy(zero_copy_only=False)
    shifted = np.clip(shifted, floor, latest - 1)
    return _set(copies, spec.version_column, pa.array(shifted.astype(np.int64)))


def orphan_children(clean: pa.Table, spec: TableSpec, delivery: Delivery, counters: Counters) -> pa.Table:
    """Point some child rows at a parent that is never delivered."""
    if spec.parent is None or clean.num_rows == 0:
        return clean
    column, family = spec.parent
    hit = _pick(delivery, clean.num_rows, "orphan_record")
    if not hit.any():
        return clean
    # Numbers taken from the parent's own sequence, so no real parent ever gets them.
    phantom = ids(family, counters.allocate(family, int(hit.sum())))
    parents = pc.replace_with_mask(clean[column].combine_chunks(), pa.array(hit), phantom)
    delivery.manifest.note("orphan_record", delivery.table, column, _keys(clean, spec, hit))
    return _set(clean, column, parents)


def late_events(clean: pa.Table, spec: TableSpec, delivery: Delivery, window_start: int) -> pa.Table:
    """Some events of the day actually happened up to ten days before it."""
    if not spec.arrives_late or clean.num_rows == 0:
        return clean
    hit = _pick(delivery, clean.num_rows, "late_arrival")
    times = clean[spec.version_column].combine_chunks().to_numpy(zero_copy_only=False).copy()
    lateness = delivery.rng.integers(3_600, MAX_LATENESS, int(hit.sum()))
    times[hit] = window_start - lateness
    delivery.manifest.note("late_arrival", delivery.table, spec.version_column, _keys(clean, spec, hit))
    return _set(clean, spec.version_column, pa.array(times))


def keyless_copies(rendered: pa.Table, spec: TableSpec, delivery: Delivery) -> pa.Table:
    """Extra copies of some rows with the natural key left empty."""
    hit = _pick(delivery, rendered.num_rows, "missing_natural_key")
    copies = rendered.filter(pa.array(hit))
    delivery.manifest.note("missing_natural_key", delivery.table, spec.key, copies[spec.key].combine_chunks())
    return _set(copies, spec.key, pa.nulls(copies.num_rows, pa.string()))


def duplicates(rendered: pa.Table, spec: TableSpec, delivery: Delivery, earlier: pa.Table | None) -> pa.Table:
    """Exact copies of delivered rows: half from this batch, half (when there are
    earlier batches) re-delivered from them."""
    count = rendered.num_rows
    delivery.manifest.count_eligible("duplicate_row", count)
    rng = delivery.rng
    total = rng.binomial(count, delivery.rate("duplicate_row")) if count else 0
    from_earlier = rng.binomial(total, 0.5) if earlier is not None and earlier.num_rows else 0
    parts = [rendered.take(pa.array(rng.integers(0, count, total - from_earlier)))]
    if from_earlier:
        parts.append(earlier.take(pa.array(rng.integers(0, earlier.num_rows, from_earlier))))
    copies = pa.concat_tables(parts)
    delivery.manifest.note("duplicate_row", delivery.table, "", copies[spec.key].combine_chunks())
    return copies
