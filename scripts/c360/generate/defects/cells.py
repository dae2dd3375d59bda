"""Render clean rows as delivered text, injecting value-level defects per column kind.

Defects competing for the same cell are drawn from one uniform number per
cell, so they are mutually exclusive and each appears at exactly its rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import TZ_OFFSET, Kind, TableSpec, latin_of
from c360.generate.config import DefectConfigError, DefectRates
from c360.generate.defects.manifest import Manifest
from c360.generate.defects.values import APPLIERS
from c360.generate.strings import format_cents, replace_where
from c360.generate.timeline import format_dates, format_timestamps

# Defects a cell of each kind can carry, mutually exclusive per cell.
CELL_DEFECTS: dict[Kind, tuple[str, ...]] = {
    Kind.EMAIL: (
        "email_variant",
        "email_typo_domain",
        "email_invalid",
        "email_placeholder",
        "missing_value",
    ),
    Kind.PHONE: ("phone_format", "phone_junk", "missing_value"),
    Kind.NAME: ("name_variant", "control_characters", "missing_value"),
    Kind.ADDRESS: ("control_characters", "missing_value"),
    Kind.BIRTH_DATE: ("invalid_birth_date", "missing_value"),
    Kind.GENDER: ("gender_variant", "missing_value"),
    Kind.COUNTRY: ("country_variant", "missing_value"),
    Kind.CURRENCY: ("currency_variant", "unknown_currency"),
    Kind.ENUM: ("enum_variant",),
    Kind.BOOLEAN: ("boolean_variant",),
    Kind.RECORD_TIME: ("timezone_offset", "invalid_timestamp", "future_timestamp"),
    Kind.TIME: ("timezone_offset",),
    Kind.AMOUNT: ("invalid_amount",),
    Kind.QUANTITY: ("invalid_quantity",),
    Kind.SCORE: ("invalid_score",),
    Kind.TEXT: ("control_characters", "emoji", "spreadsheet_formula", "long_text"),
    Kind.CARD: ("card_format",),
    Kind.HANDLE: ("handle_case",),
}


def check_rate_sums(rates: DefectRates) -> None:
    """Competing rates must leave room for clean cells."""
    for kind, defects in CELL_DEFECTS.items():
        total = sum(getattr(rates, defect) for defect in defects)
        if total > 1.0:
            raise DefectConfigError(
                f"rates competing for {kind.value} cells add up to {total:.3f} > 1: " + ", ".join(defects)
            )


@dataclass
class Delivery:
    """What every defect step of one table on one day needs."""

    table: str
    rates: DefectRates
    rng: np.random.Generator
    manifest: Manifest

    def rate(self, defect: str) -> float:
        return float(getattr(self.rates, defect))


def _valid(values: pa.Array) -> np.ndarray:
    return values.is_valid().to_numpy(zero_copy_only=False)


def _keep_nulls(values: pa.Array, text: pa.Array) -> pa.Array:
    if values.null_count == 0:
        return text
    return pc.if_else(values.is_valid(), text, pa.scalar(None, pa.string()))


def _numbers(values: pa.Array) -> np.ndarray:
    return pc.fill_null(values, 0).to_numpy(zero_copy_only=False)


def render_clean(values: pa.Array, kind: Kind) -> pa.Array:
    """The contract's well-formed text for a clean value."""
    if kind in (Kind.RECORD_TIME, Kind.TIME):
        return _keep_nulls(values, format_timestamps(_numbers(values)))
    if kind is Kind.BIRTH_DATE:
        return _keep_nulls(values, format_dates(_numbers(values)))
    if kind in (Kind.AMOUNT, Kind.DECIMAL):
        return _keep_nulls(values, format_cents(_numbers(values)))
    if kind is Kind.BOOLEAN:
        return pc.if_else(values, pa.scalar("true"), pa.scalar("false"))
    return values.cast(pa.string())


def render_column(
    values: pa.Array,
    kind: Kind,
    column: str,
    record_ids: pa.Array,
    hidden: dict[str, pa.Array],
    delivery: Delivery,
) -> pa.Array:
    text = render_clean(values, kind)
    defects = CELL_DEFECTS.get(kind, ())
    if not defects:
        return text
    eligible = _valid(values)
    draw = delivery.rng.random(len(values))
    low = 0.0
    for defect in defects:
        high = low + delivery.rate(defect)
        delivery.manifest.count_eligible(defect, int(eligible.sum()))
        hit = eligible & (draw >= low) & (draw < high)
        low = high
        if not hit.any():
            continue
        selector = pa.array(hit)
        subset_hidden = {name: array.filter(selector) for name, array in hidden.items()}
        delivered = APPLIERS[defect](values.filter(selector), delivery.rng, subset_hidden)
        text = replace_where(text, hit, delivered)
        delivery.manifest.note(defect, delivery.table, column, record_ids.filter(selector))
    return text


def render_table(clean: dict[str, pa.ChunkedArray], spec: TableSpec, delivery: Delivery) -> pa.Table:
    """All raw columns, in contract order, as text with defects injected.

    ``clean`` maps column names to clean values; each column is taken out of it
    when rendered, so that it can be freed before the next one is rendered.
    """
    record_ids = clean[spec.key].combine_chunks().cast(pa.string())
    offsets = clean.pop(TZ_OFFSET).combine_chunks() if TZ_OFFSET in clean else None
    columns = {}
    for column in spec.columns:
        if column not in clean:
            columns[column] = pa.nulls(len(record_ids), pa.string())
            continue
        hidden = {}
        if latin_of(column) in clean:
            hidden["latin"] = clean.pop(latin_of(column)).combine_chunks()
        if offsets is not None:
            hidden["tz_offset"] = offsets
        values = clean.pop(column).combine_chunks()
        kind = spec.kinds[column]
        columns[column] = render_column(values, kind, column, record_ids, hidden, delivery)
    return pa.table(columns)
