"""Days 1..N: what changed and happened during one day."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.activity import PROFILE_TABLES, add_activity, add_channel_records
from c360.generate.batch import Batch
from c360.generate.changes import change_people, record_versions
from c360.generate.columns import PERSON
from c360.generate.context import DayContext, People, between
from c360.generate.households import note_households
from c360.generate.late import stale_versions
from c360.generate.milestones import still_open
from c360.generate.persons import forget_erased, new_persons
from c360.generate.progress import progress_orders, progress_requests, progress_tickets
from c360.generate.sources.privacy import completed_erasures

PRICE_CHANGES_PER_DAY = 0.005
# Tables whose records can show up late with an older version.
VERSIONED = (*PROFILE_TABLES, "shop_products", "shop_orders", "support_tickets")


def _concat(*tables: pa.Table) -> pa.Table:
    return pa.concat_tables([t for t in tables if t is not None], promote_options="permissive")


def increment(
    context: DayContext, persons: pa.Table, records: dict[str, pa.Table], batch: Batch
) -> tuple[pa.Table, dict[str, pa.Table]]:
    """Fill ``batch`` with day ``context.day`` >= 1; returns (persons, current records)."""
    records = dict(records)
    for table in VERSIONED:
        batch.add(table, stale_versions(table, records[table], context), new=False)
    persons, new_accounts = _people_change(batch, persons, records, context)
    records["shop_products"] = _reprice(records["shop_products"], batch, context)
    waiting_requests = records["privacy_requests"]
    solved, delivered = _statuses_move_on(batch, records, context)
    opened = add_activity(
        batch, People(persons), context, records["shop_products"], new_accounts, solved, delivered
    )
    for table, rows in still_open(opened, context.extract_time).items():
        records[table] = _concat(records[table], rows)
    requests = _concat(waiting_requests, opened["privacy_requests"])
    persons = forget_erased(persons, completed_erasures(requests, context.window))
    records["loyalty_members"] = _earn_points(
        records["loyalty_members"], opened["shop_orders"], batch, context
    )
    return persons, records


def _people_change(
    batch: Batch, persons: pa.Table, records: dict[str, pa.Table], context: DayContext
) -> tuple[pa.Table, pa.Table]:
    """New customers arrive, existing ones change their profile; returns
    (everyone, the newcomers' accounts)."""
    newcomers = _newcomers(persons, context)
    fresh = add_channel_records(batch, People(newcomers), context)
    changed, changes = change_people(persons, context)
    before, after = People(persons), People(changed)
    for table in PROFILE_TABLES:
        current, versions = record_versions(table, records[table], before, after, changes, context)
        batch.add(table, versions, new=False)
        records[table] = _concat(current, fresh[table])
    return _concat(changed, newcomers), fresh["web_accounts"]


def _statuses_move_on(
    batch: Batch, records: dict[str, pa.Table], context: DayContext
) -> tuple[pa.Table, pa.Table]:
    """New versions of orders, tickets and privacy requests whose status changed;
    returns (tickets solved, orders delivered) today, which may trigger surveys."""
    window = context.window
    order_versions, records["shop_orders"], delivered = progress_orders(records["shop_orders"], window)
    ticket_versions, records["support_tickets"], solved = progress_tickets(records["support_tickets"], window)
    request_versions, records["privacy_requests"] = progress_requests(records["privacy_requests"], window)
    batch.add("shop_orders", order_versions, new=False)
    batch.add("support_tickets", ticket_versions, new=False)
    batch.add("privacy_requests", request_versions, new=False)
    return solved, delivered


def _newcomers(persons: pa.Table, context: DayContext) -> pa.Table:
    rng = context.rng("persons")
    count = int(rng.poisson(persons.num_rows * context.volumes.new_customer_share_per_day))
    newcomers = new_persons(
        context.counters,
        count,
        context.window,
        rng,
        context.pools,
        context.rates.shared_phone,
        existing=persons,
        volumes=context.volumes,
    )
    note_households(newcomers, context)
    return newcomers


def _replace(records: pa.Table, rows: np.ndarray, versions: pa.Table) -> pa.Table:
    keep = np.ones(records.num_rows, bool)
    keep[rows] = False
    return _concat(records.filter(pa.array(keep)), versions)


def _reprice(products: pa.Table, batch: Batch, context: DayContext) -> pa.Table:
    """A few prices change every day."""
    rng = context.rng("product_prices")
    rows = np.flatnonzero(rng.random(products.num_rows) < PRICE_CHANGES_PER_DAY)
    versions = products.take(pa.array(rows))
    factor = rng.uniform(0.85, 1.15, len(rows))
    prices = (versions["list_price"].to_numpy() * factor).astype(np.int64) // 10 * 10 + 9
    versions = versions.set_column(
        versions.schema.get_field_index("list_price"), "list_price", pa.array(prices)
    )
    earliest = np.maximum(versions["updated_at"].to_numpy() + 1, context.window[0])
    stamped = between(rng, earliest, context.extract_time, len(rows))
    versions = versions.set_column(
        versions.schema.get_field_index("updated_at"), "updated_at", pa.array(stamped)
    )
    batch.add("shop_products", versions, new=False)
    return _replace(products, rows, versions)


def _earn_points(members: pa.Table, orders: pa.Table, batch: Batch, context: DayContext) -> pa.Table:
    """Members who shopped with their card today get a new points balance."""
    carded = orders.filter(pc.is_valid(orders["loyalty_card_number"]))
    if carded.num_rows == 0:
        return members
    buyer = carded[PERSON].to_numpy()
    member_person = members[PERSON].to_numpy()
    rows = np.flatnonzero(np.isin(member_person, buyer))
    if len(rows) == 0:
        return members
    distinct = np.unique(buyer)
    earned = np.bincount(np.searchsorted(distinct, buyer), weights=carded["order_total"].to_numpy() // 100)
    last_order = np.zeros(len(distinct), np.int64)
    np.maximum.at(last_order, np.searchsorted(distinct, buyer), carded["ordered_at"].to_numpy())
    where = np.searchsorted(distinct, member_person[rows])
    versions = members.take(pa.array(rows))
    points = versions["points_balance"].to_numpy() + earned[where].astype(np.int64)
    versions = versions.set_column(
        versions.schema.get_field_index("points_balance"), "points_balance", pa.array(points)
    )
    earliest = np.maximum(versions["updated_at"].to_numpy() + 1, last_order[where] + 60)
    stamped = np.minimum(earliest, context.extract_time - 1)
    versions = versions.set_column(
        versions.schema.get_field_index("updated_at"), "updated_at", pa.array(stamped)
    )
    batch.add("loyalty_members", versions, new=False)
    return _replace(members, rows, versions)
