"""Day 0: the initial load, about two years of history for every customer."""

from __future__ import annotations

import pyarrow as pa

from c360.generate.activity import add_activity, add_channel_records
from c360.generate.batch import Batch
from c360.generate.context import DayContext, People
from c360.generate.households import note_households
from c360.generate.milestones import still_open
from c360.generate.persons import forget_erased, new_persons
from c360.generate.sources.catalogue import product_catalogue
from c360.generate.sources.privacy import completed_erasures


def initial_load(context: DayContext, customers: int, batch: Batch) -> tuple[pa.Table, dict[str, pa.Table]]:
    """Fill ``batch`` with day 0; returns (persons, current records)."""
    catalogue = product_catalogue(context)
    batch.add("shop_products", catalogue)
    persons = new_persons(
        context.counters,
        customers,
        context.window,
        context.rng("persons"),
        context.pools,
        context.rates.shared_phone,
        volumes=context.volumes,
    )
    note_households(persons, context)
    records = add_channel_records(batch, People(persons), context)
    opened = add_activity(batch, People(persons), context, catalogue, records["web_accounts"])
    records["shop_products"] = catalogue
    records |= still_open(opened, context.extract_time)
    erased = completed_erasures(opened["privacy_requests"], context.window)
    return forget_erased(persons, erased), records
