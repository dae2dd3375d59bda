"""E-commerce and point of sale: shop_orders and shop_order_items."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET
from c360.generate.context import DayContext, People, maybe, sample_activity
from c360.generate.identifiers import ids, optional_ids
from c360.generate.locales import CURRENCIES, LOCALES, PER_DOLLAR
from c360.generate.milestones import MOVING_STATUSES, NEVER, milestone_column, status_as_of
from c360.generate.persons import STORES_PER_LOCALE, member_card_numbers
from c360.generate.sources.catalogue import popular_products
from c360.generate.strings import join

ORDER_STATUSES = MOVING_STATUSES["shop_orders"]
FIRST_PRODUCT = "__first_product"
HOUR, DAY = 3_600, 86_400


def order_rows(
    people: People, window: tuple[int, int], context: DayContext, catalogue: pa.Table
) -> tuple[pa.Table, pa.Table]:
    """Orders placed in ``window`` with their items (status as of the extract time)."""
    rng = context.rng("shop_orders")
    rows, ordered = sample_activity(people, window, context.volumes.orders_per_year, rng)
    count = len(rows)
    pos = rng.random(count) < context.volumes.pos_share
    order_ids = ids("order", context.counters.allocate("order", count))
    identifiers = _identifiers(people, rows, pos, rng, context, order_ids)
    locale = people.num("locale")[rows].astype(np.int64)
    store = _stores(people, rows, pos, rng)
    orders = {
        "order_id": order_ids,
        **identifiers,
        "sales_channel": pc.if_else(pa.array(pos), pa.scalar("pos"), pa.scalar("online")),
        "store_id": maybe(ids("store", store), pos),
        "currency": pa.array(list(CURRENCIES)).take(pa.array(locale)),
        "shipping_country": maybe(pa.array([spec.country for spec in LOCALES]).take(pa.array(locale)), ~pos),
        "shipping_postal_code": maybe(people.text("postal_code", rows), ~pos),
        "ordered_at": pa.array(ordered),
        PERSON: pa.array(people.num("person_seq")[rows]),
        TZ_OFFSET: pa.array(people.tz_offsets[rows]),
    }
    orders |= _milestones(ordered, pos, rng)
    table = pa.table(orders)
    items, totals, first_product = _items(table, catalogue, locale, context)
    table = table.append_column("order_total", pa.array(totals))
    table = table.append_column(FIRST_PRODUCT, first_product)
    table = with_status(table, context.extract_time)
    items = _item_status(items, table)
    return table, items


def _identifiers(
    people: People,
    rows: np.ndarray,
    pos: np.ndarray,
    rng: np.random.Generator,
    context: DayContext,
    order_ids: pa.Array,
) -> dict[str, pa.Array]:
    """Who the order says placed it: an account, guest details, a card, or nothing."""
    count = len(rows)
    draw = rng.random((count, 4))
    has_account = people.num("account_seq")[rows] >= 0
    signed_in = ~pos & has_account & (draw[:, 0] >= context.volumes.guest_checkout_share)
    guest_online = ~pos & ~signed_in
    member = people.num("member_seq")[rows] >= 0
    card = pos & member & (draw[:, 1] < 0.75)
    # At the till, people without a card sometimes leave a phone or an e-receipt address.
    pos_phone = pos & ((card & (draw[:, 2] < 0.2)) | (~card & (draw[:, 2] < 0.4)))
    pos_email = pos & ~card & (draw[:, 2] >= 0.4) & (draw[:, 3] < 0.35)
    email = pc.coalesce(maybe(people.text("alt_email", rows), draw[:, 3] < 0.2), people.text("email", rows))
    guest_email = maybe(email, guest_online | pos_email)
    guest_email = _store_emails(guest_email, pos, people.num("home_store")[rows], rng, context, order_ids)
    return {
        "account_id": optional_ids("account", np.where(signed_in, people.num("account_seq")[rows], -1)),
        "guest_email": guest_email,
        "guest_phone": maybe(people.text("phone", rows), (guest_online & (draw[:, 1] < 0.6)) | pos_phone),
        "loyalty_card_number": maybe(
            member_card_numbers(np.maximum(people.num("member_seq")[rows], 0)), card
        ),
    }


def _store_emails(
    guest_email: pa.Array,
    pos: np.ndarray,
    store: np.ndarray,
    rng: np.random.Generator,
    context: DayContext,
    order_ids: pa.Array,
) -> pa.Array:
    """Shared identifier: a till that types the store's own address for everyone."""
    context.manifest.count_eligible("shared_store_email", int(pos.sum()))
    shared = pos & (rng.random(len(pos)) < context.rates.shared_store_email)
    generic = join("store", pa.array(store.astype(np.int64)).cast(pa.string()), "@shop.example.com")
    context.manifest.note(
        "shared_store_email", "shop_orders", "guest_email", order_ids.filter(pa.array(shared))
    )
    return pc.if_else(pa.array(shared), generic, guest_email)


def _stores(people: People, rows: np.ndarray, pos: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    store = people.num("home_store")[rows].astype(np.int64)
    # One visit in ten is to another store of the same country.
    locale = people.num("locale")[rows]
    first = np.concatenate([[1], np.cumsum(STORES_PER_LOCALE)[:-1] + 1])[locale]
    other = first + (rng.random(len(rows)) * np.array(STORES_PER_LOCALE)[locale]).astype(np.int64)
    return np.where(rng.random(len(rows)) < 0.1, other, store)


def _milestones(ordered: np.ndarray, pos: np.ndarray, rng: np.random.Generator) -> dict[str, pa.Array]:
    """Planned time of each status; POS orders are handed over on the spot."""
    count = len(ordered)
    paid = ordered + rng.integers(60, 2 * HOUR, count)
    cancelled = ~pos & (rng.random(count) < 0.05)
    shipped = paid + rng.integers(12 * HOUR, 2 * DAY, count)
    delivered = np.where(pos, ordered, shipped + rng.integers(DAY, 5 * DAY, count))
    returned = ~cancelled & (rng.random(count) < np.where(pos, 0.03, 0.05))
    return {
        milestone_column("paid"): pa.array(np.where(pos, NEVER, paid)),
        milestone_column("shipped"): pa.array(np.where(pos | cancelled, NEVER, shipped)),
        milestone_column("delivered"): pa.array(np.where(cancelled, NEVER, delivered)),
        milestone_column("cancelled"): pa.array(
            np.where(cancelled, paid + rng.integers(HOUR, DAY, count), NEVER)
        ),
        milestone_column("returned"): pa.array(
            np.where(returned, delivered + rng.integers(3 * DAY, 20 * DAY, count), NEVER)
        ),
    }


def with_status(orders: pa.Table, moment: int) -> pa.Table:
    """Set order_status and updated_at as of ``moment``."""
    status, when = status_as_of(orders, ORDER_STATUSES, "ordered_at", moment)
    for name, values in (("order_status", status), ("updated_at", pa.array(when))):
        if name in orders.column_names:
            orders = orders.set_column(orders.schema.get_field_index(name), name, values)
        else:
            orders = orders.append_column(name, values)
    return orders


def _items(
    orders: pa.Table, catalogue: pa.Table, locale: np.ndarray, context: DayContext
) -> tuple[pa.Table, np.ndarray, pa.Array]:
    rng = context.rng("shop_order_items")
    count = orders.num_rows
    per_order = np.minimum(1 + rng.poisson(1.0, count), 6)
    owner = np.repeat(np.arange(count), per_order)
    product = popular_products(rng, catalogue.num_rows, len(owner))
    rate = np.array([PER_DOLLAR[currency] for currency in CURRENCIES])[locale[owner]]
    list_cents = catalogue["list_price"].to_numpy()[product]
    unit = (list_cents * rate).astype(np.int64)
    quantity = np.where(rng.random(len(owner)) < 0.2, 1 + rng.poisson(1.0, len(owner)), 1)
    discounted = rng.random(len(owner)) < 0.2
    discount = np.where(discounted, (unit * quantity * rng.uniform(0.1, 0.3, len(owner))).astype(np.int64), 0)
    totals = np.bincount(owner, weights=unit * quantity - discount, minlength=count).astype(np.int64)
    seq = context.counters.allocate("order_item", len(owner))
    product_ids = catalogue["product_id"].combine_chunks().take(pa.array(product))
    items = pa.table(
        {
            "order_item_id": ids("order_item", seq),
            "order_id": orders["order_id"].combine_chunks().take(pa.array(owner)),
            "product_id": product_ids,
            "quantity": pa.array(quantity),
            "unit_price": pa.array(unit),
            "discount_amount": pa.array(discount),
            "currency": orders["currency"].combine_chunks().take(pa.array(owner)),
            "__owner": pa.array(owner),
        }
    )
    first_item = np.cumsum(per_order) - per_order
    return items, totals, product_ids.take(pa.array(first_item))


def _item_status(items: pa.Table, orders: pa.Table) -> pa.Table:
    owner = pa.array(items["__owner"].to_numpy())
    order_status = orders["order_status"].combine_chunks().take(owner)
    status = pc.if_else(
        pc.equal(order_status, "cancelled"),
        pa.scalar("cancelled"),
        pc.if_else(pc.equal(order_status, "returned"), pa.scalar("returned"), pa.scalar("fulfilled")),
    )
    return items.drop_columns(["__owner"]).append_column("item_status", status)
