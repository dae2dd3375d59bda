"""Incremental builds: base models, the golden record and the facts built batch by batch equal a rebuild.

The base staging models are incremental (see docs/staging_pattern.md), and so
are the first steps of the identity graph, rebuilt per record and identifier
value whose version changed, and the golden record, rebuilt per customer whose
inputs changed (see docs/identity_resolution.md), as are dim_customers,
dim_customers_restricted, dim_customer_acquisition, fct_customer_channel_engagements and
fct_customer_category_affinities, and
fct_customer_interactions,
rebuilt per source record (see docs/pipeline.md), and fct_orders and
fct_order_items, rebuilt per order whose version changed. Their result must not depend on how the
deliveries were split into builds. One scenario per engine loads and builds batch by batch,
including the cases an incremental build can get wrong:

- generated days with re-delivered duplicates and late, out-of-order versions;
- an order item and an email event that arrive before their order and
  subscriber (quarantined as orphans), then the parents in a later batch (the
  item must be released, and the event must become a touch);
- a line added to a day-0 order that is not delivered again (the order's
  totals and its lines change);
- a batch delivered again with fewer rows and a changed value (the loader
  replaces it; rows only the old delivery had must disappear, and so must
  golden-record rows of customers left without records);
- new customers, changed profiles and records moving between customers;
- a social handle first seen with an email after its earlier interaction, and
  one whose only email goes with a replaced delivery (the interactions name
  someone, then no one, without being delivered again);
- two customers merged by a new loyalty member carrying one's email and the
  other's card: the records of the one whose id goes are not delivered again,
  yet their touches (email events through the subscriber, web events through
  the account and its devices) change customer.

After the last build every base table, the identity graph models built by
version, every golden-record table and customer mart built per customer and the
facts built per source record are compared, row for row and column for column, with a
``--full-refresh`` rebuild of the same raw data (customer ids are kept across
it, see int_identity_customer_ids_assigned).
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import psycopg2
import pytest

from c360.generate.runner import generate_days
from c360.generate.writer import day_folder_name
from c360.load import load_batch
from conftest import loader_target, run_dbt

pytestmark = pytest.mark.dbt

SEED = 20261201
CUSTOMERS = 300
BASE_MODELS = "staging,config.materialized:incremental"
# The golden record with everything it reads (identity resolution included), as history keeps it.
GOLDEN_RECORD = "+int_customers_masked"
# The golden-record models built per customer, and the fingerprints they compare with.
PER_CUSTOMER_MODELS = (
    "int_customer_fingerprints",
    "int_customers_profiled",
    "int_customers_survived",
    "int_customers_masked",
)
# The facts built per source record, with what they read; `customer_resolved_at` says when a
# row was written, so it differs from a rebuild by design and is left out of the comparison.
# The identity graph models built by version, and the records with their customer. In these and
# the golden-record models, when, and in which invocation, a row was written (and so the
# fingerprint of the rows a value was judged from) differs from a rebuild by design and is left out.
BUILT_BY_VERSION_MODELS = (
    "int_identity_records_unioned",
    "int_identity_identifiers_unpivoted",
    "int_identity_identifiers_guarded",
    "int_identity_links_unioned",
    "int_identity_clusters_resolved",
    "int_customer_records_assigned",
)
# The models built by version that compare only the keys their inputs wrote or deleted since
# their last build (macros/incremental/changes_since_built.sql).
CHANGES_READERS = (
    "int_identity_records_unioned",
    "int_identity_identifiers_unpivoted",
    "int_identity_identifiers_guarded",
    "int_identity_links_unioned",
    "int_identity_clusters_resolved",
    "int_customer_records_assigned",
    "bridge_customer_source_records",
    "dim_customer_acquisition",
    "fct_customer_channel_engagements",
    "fct_customer_category_affinities",
    "fct_orders",
    "fct_order_items",
)
WRITE_MARKS = (
    "built_at",
    "built_in_invocation_id",
    "record_built_at",
    "identifier_rows_fingerprint",
    # Digests the customer's records with record_built_at.
    "acquisition_inputs_fingerprint",
)
FACTS = ("+fct_customer_interactions", "+fct_order_items")
# The customer marts built per customer: (schema suffix, model).
PER_CUSTOMER_MARTS = (
    ("marts", "dim_customers"),
    ("restricted", "dim_customers_restricted"),
    ("marts", "dim_customer_acquisition"),
    ("marts", "fct_customer_channel_engagements"),
    ("marts", "fct_customer_category_affinities"),
)
# Marts built by version per source record: (schema suffix, model).
PER_RECORD_MARTS = (("marts", "bridge_customer_source_records"),)
# Marts that a customer mart reads and that are rebuilt whole.
WHOLE_MART_INPUTS = ("+dim_products",)
FACT_COLUMNS = {
    "fct_customer_interactions": (
        "interaction_id, customer_id, source_record_id, product_id, source_table, channel, "
        "interaction_type, customer_match_method, occurred_date, occurred_at, delivered_batch_id, delivered_at"
    ),
}
# Built by order version (macros/facts/orders_by_version.sql): every column but the write stamp compares.
FACTS_BY_VERSION = ("fct_orders", "fct_order_items")
LATE_ORDER_ID = "SO-LATE-PARENT"
ONLY_FIRST_DELIVERY_ORDER_ID = "SO-ONLY-FIRST-DELIVERY"
# A till order naming nobody and without lines: it leaves with its delivery, and only the base
# model's deletion log tells fct_orders so (no line or bridge row of it is written or deleted).
ANONYMOUS_ONLY_FIRST_DELIVERY_ORDER_ID = "SO-ANONYMOUS-ONLY-FIRST-DELIVERY"
ONLY_FIRST_DELIVERY_ACCOUNT_ID = "WA-ONLY-FIRST-DELIVERY"
SIGNED_IN_EVENT_ID = "WE-SIGNED-IN-ONLY-FIRST-DELIVERY"
SHARED_TILL_PHONE = "+1 415 555 0199"
HANDLE_GAINING_EMAIL = "@handle.gains.email"
HANDLE_LOSING_EMAIL = "@handle.loses.email"
LATE_ITEM_ID = "SOI-LATE-CHILD"
ADDED_LINE_ID = "SOI-ADDED-TO-AN-OLD-ORDER"
LATE_EMAIL_EVENT_ID = "EE-LATE-CHILD"
LATE_SUBSCRIBER_ID = "ES-LATE-PARENT"
LATE_WEB_EVENT_ACCOUNT_ID = "WA-LATE-WEB-EVENT"
VIEW_ONLY_EVENT_ID = "WE-VIEW-ONLY"
CORRECTED_SUBSCRIBER_ID = "ES-SIGNUP-DATE-CORRECTED"
CLOCK_CORRECTED_ACCOUNT_ID = "WA-CLOCK-CORRECTED"


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows([header, *rows])


def add_records(batch_dir: Path, data_dir: Path, table: str, *records: dict[str, str]) -> None:
    """Append records (columns left out are empty) to batch_dir's extract of `table`; a new
    extract takes day 0's header."""
    extract = batch_dir / f"{table}.csv"
    if extract.exists():
        header, rows = read_rows(extract)
    else:
        header, rows = read_rows(data_dir / day_folder_name(0) / f"{table}.csv")[0], []
    rows += [[record.get(column, "") for column in header] for record in records]
    write_rows(extract, header, rows)


def clean_day_0_order(data_dir: Path) -> dict[str, str]:
    """The first day-0 order that staging serves as it came: a plain total, a currency, times."""
    header, rows = read_rows(data_dir / day_folder_name(0) / "shop_orders.csv")
    for row in rows:
        order = dict(zip(header, row, strict=True))
        if (
            re.fullmatch(r"[0-9]+\.[0-9]{2}", order["order_total"])
            and order["currency"] == "USD"
            and order["updated_at"].startswith("2024")
        ):
            return order
    raise AssertionError("no clean day-0 order")


def late_parent_batches(data_dir: Path, work_dir: Path) -> tuple[Path, Path]:
    """Two batches: an item of an unknown order, an email event of an unknown subscriber and a
    social interaction of a handle never seen with an email; then that order, that subscriber,
    the handle's first interaction with an email (all clean) and a new line of a day-0 order. The child batch also has an
    interaction of a handle whose only email comes in day 1's first delivery, and a phone carried
    by an account and by a till order with the shop's receipt mailbox; the parent batch gives the
    phone a third record, with the account's email: its guard, judged again, must still not count
    the blocked mailbox (which no new record carries) as a second owner. And a new account
    with a web event, whose earlier event arrives in the parent batch: the account is not
    delivered again, yet its customer's first web session changes; another account whose only
    web event the parent batch delivers again with a later time (its last web touch moves); and a
    subscriber whose signup date the parent batch corrects, which moves when its customer was
    acquired."""
    child_dir = work_dir / "late_child"
    parent_dir = work_dir / "late_parent"
    add_records(
        child_dir,
        data_dir,
        "shop_order_items",
        {
            "order_item_id": LATE_ITEM_ID,
            "order_id": LATE_ORDER_ID,
            "product_id": "P-00001",
            "quantity": "1",
            "unit_price": "10.00",
            "discount_amount": "0.00",
            "currency": "USD",
            "item_status": "fulfilled",
        },
    )
    add_records(
        parent_dir,
        data_dir,
        "shop_orders",
        {
            "order_id": LATE_ORDER_ID,
            "guest_email": "late.parent@example.org",
            "sales_channel": "online",
            "order_status": "delivered",
            "currency": "USD",
            "order_total": "10.00",
            "ordered_at": "2026-01-01 10:00:00",
            "updated_at": "2026-01-01 11:00:00",
        },
    )
    # a line added to a day-0 order that is not delivered again: the order's totals change
    old_order = clean_day_0_order(data_dir)
    add_records(
        parent_dir,
        data_dir,
        "shop_order_items",
        {
            "order_item_id": ADDED_LINE_ID,
            "order_id": old_order["order_id"],
            "product_id": "P-00001",
            "quantity": "2",
            "unit_price": "5.00",
            "discount_amount": "0.00",
            "currency": old_order["currency"],
            "item_status": "fulfilled",
        },
    )
    add_records(
        child_dir,
        data_dir,
        "email_events",
        {
            "email_event_id": LATE_EMAIL_EVENT_ID,
            "subscriber_id": LATE_SUBSCRIBER_ID,
            "campaign_id": "CMP-0001",
            "event_type": "opened",
            "occurred_at": "2026-01-01 10:00:00",
        },
    )
    add_records(
        parent_dir,
        data_dir,
        "email_subscribers",
        {
            "subscriber_id": LATE_SUBSCRIBER_ID,
            "email": "late.subscriber@example.org",
            "subscription_status": "subscribed",
            "signup_source": "checkout",
            "subscribed_at": "2026-01-01 09:00:00",
            "updated_at": "2026-01-01 09:00:00",
        },
    )
    add_records(
        child_dir,
        data_dir,
        "web_accounts",
        {
            "account_id": "WA-TILL-PHONE",
            "email": "till.phone.owner@example.org",
            "phone": SHARED_TILL_PHONE,
            "first_name": "Tilly",
            "last_name": "Phoneowner",
            "country": "US",
            "created_at": "2026-01-01 09:00:00",
            "updated_at": "2026-01-01 09:00:00",
        },
    )
    add_records(
        child_dir,
        data_dir,
        "shop_orders",
        {
            "order_id": "SO-TILL-PHONE",
            "guest_email": "store9@shop.example.com",
            "guest_phone": SHARED_TILL_PHONE,
            "sales_channel": "pos",
            "order_status": "delivered",
            "currency": "USD",
            "order_total": "5.00",
            "ordered_at": "2026-01-01 10:00:00",
            "updated_at": "2026-01-01 10:00:00",
        },
    )
    add_records(
        parent_dir,
        data_dir,
        "crm_contacts",
        {
            "contact_id": "CRM-TILL-PHONE",
            "full_name": "Tilly Phoneowner",
            "email": "till.phone.owner@example.org",
            "phone": SHARED_TILL_PHONE,
            "lead_source": "web",
            "lifecycle_status": "prospect",
            "country": "US",
            "created_at": "2026-01-01 11:00:00",
            "updated_at": "2026-01-01 11:00:00",
        },
    )
    add_records(
        child_dir,
        data_dir,
        "web_accounts",
        {
            "account_id": LATE_WEB_EVENT_ACCOUNT_ID,
            "email": "late.web.event@example.org",
            "first_name": "Lena",
            "last_name": "Lateevent",
            "country": "US",
            "created_at": "2025-12-01 09:00:00",
            "updated_at": "2025-12-01 09:00:00",
        },
    )
    subscriber = {
        "subscriber_id": CORRECTED_SUBSCRIBER_ID,
        "email": "corrected.signup@example.org",
        "subscription_status": "subscribed",
        "signup_source": "checkout",
    }
    add_records(
        child_dir,
        data_dir,
        "email_subscribers",
        {**subscriber, "subscribed_at": "2026-01-01 09:00:00", "updated_at": "2026-01-01 09:00:00"},
    )
    add_records(
        parent_dir,
        data_dir,
        "email_subscribers",
        {**subscriber, "subscribed_at": "2025-06-01 09:00:00", "updated_at": "2026-01-02 09:00:00"},
    )
    web_event = {"account_id": LATE_WEB_EVENT_ACCOUNT_ID, "platform": "web", "event_type": "page_view"}
    add_records(
        child_dir,
        data_dir,
        "web_events",
        {
            **web_event,
            "event_id": "WE-FIRST-KNOWN",
            "session_id": "session-first-known",
            "utm_source": "first_known_campaign",
            "occurred_at": "2026-01-01 09:05:00",
        },
    )
    # another account's only event, delivered again with its clock corrected: same touch, later
    add_records(
        child_dir,
        data_dir,
        "web_accounts",
        {
            "account_id": CLOCK_CORRECTED_ACCOUNT_ID,
            "email": "clock.corrected@example.org",
            "first_name": "Carl",
            "last_name": "Clockfix",
            "country": "US",
            "created_at": "2025-12-01 09:00:00",
            "updated_at": "2025-12-01 09:00:00",
        },
    )
    clock_corrected_event = {
        "event_id": "WE-CLOCK-CORRECTED",
        "account_id": CLOCK_CORRECTED_ACCOUNT_ID,
        "session_id": "session-clock-corrected",
        "platform": "web",
        "event_type": "page_view",
    }
    add_records(
        child_dir, data_dir, "web_events", {**clock_corrected_event, "occurred_at": "2026-01-01 09:05:00"}
    )
    add_records(
        parent_dir, data_dir, "web_events", {**clock_corrected_event, "occurred_at": "2026-01-01 09:30:00"}
    )
    add_records(
        parent_dir,
        data_dir,
        "web_events",
        {
            **web_event,
            "event_id": "WE-EARLIER-ARRIVING-LATE",
            "session_id": "session-earlier",
            "utm_source": "earlier_campaign",
            "occurred_at": "2025-12-15 09:05:00",
        },
    )
    social_interaction = {
        "platform": "instagram",
        "interaction_type": "comment",
        "sentiment_label": "positive",
        "occurred_at": "2026-01-01 10:00:00",
    }
    add_records(
        child_dir,
        data_dir,
        "social_interactions",
        {**social_interaction, "interaction_id": "SI-HANDLE-BEFORE-EMAIL", "handle": HANDLE_GAINING_EMAIL},
        {**social_interaction, "interaction_id": "SI-HANDLE-LOSING-EMAIL", "handle": HANDLE_LOSING_EMAIL},
    )
    add_records(
        parent_dir,
        data_dir,
        "social_interactions",
        {
            **social_interaction,
            "interaction_id": "SI-HANDLE-WITH-EMAIL",
            "handle": HANDLE_GAINING_EMAIL,
            "email": "handle.gains.email@example.org",
        },
    )
    return child_dir, parent_dir


def merging_batch(data_dir: Path, work_dir: Path, fetch, schema: str) -> tuple[Path, tuple[str, str]]:
    """A loyalty member with customer A's email and customer B's card, both built already, and
    an event signed in to the account that only day 1's first delivery has.

    A and B each have a subscriber with email events and an account with web events on a device
    that also has events signed out, so that whichever id goes, touches move that are reached
    only through another record or through the device. The member
    has no name, so no guard counts a second first name on the email or the card. Returns the
    batch and the two customer ids."""
    customers = fetch(f"""
        select
            bridge.customer_id,
            min(subscribers.email) as email,
            min(members.card_number) as card_number
        from {schema}.bridge_customer_source_records as bridge
        left outer join {schema.replace("marts", "staging")}.stg_email__subscribers as subscribers
            on bridge.source_table = 'email_subscribers' and bridge.source_record_id = subscribers.subscriber_id
            and subscribers.subscriber_id in (
                select subscriber_id from {schema.replace("marts", "staging")}.stg_email__events)
        left outer join {schema.replace("marts", "staging")}.stg_loyalty__members as members
            on bridge.source_table = 'loyalty_members' and bridge.source_record_id = members.member_id
        where bridge.customer_id in (
            select customer_id from {schema}.bridge_customer_source_records
            where source_table = 'web_accounts' and source_record_id in (
                select signed_in.account_id from {schema.replace("marts", "staging")}.stg_web__events as signed_in
                inner join {schema.replace("marts", "staging")}.stg_web__events as anonymous
                    on signed_in.anonymous_id = anonymous.anonymous_id and anonymous.account_id is null))
        group by bridge.customer_id
        having min(subscribers.email) is not null and min(members.card_number) is not null
        order by bridge.customer_id
        limit 2
    """)
    assert len(customers) == 2, customers
    (customer_a, email, _), (customer_b, _, card_number) = customers
    batch_dir = work_dir / "merging_member"
    add_records(
        batch_dir,
        data_dir,
        "loyalty_members",
        {
            "member_id": "LM-MERGING-TWO",
            "card_number": card_number,
            "email": email,
            "country": "US",
            "tier": "bronze",
            "points_balance": "0",
            "enrolled_at": "2026-01-02 10:00:00",
            "updated_at": "2026-01-02 10:00:00",
        },
    )
    # and an event of the account only day 1's first delivery has: it loses its customer with it
    add_records(
        batch_dir,
        data_dir,
        "web_events",
        {
            "event_id": SIGNED_IN_EVENT_ID,
            "account_id": ONLY_FIRST_DELIVERY_ACCOUNT_ID,
            "anonymous_id": "device-only-first-delivery",
            "platform": "web",
            "event_type": "login",
            "occurred_at": "2026-01-02 10:00:00",
        },
    )
    return batch_dir, (customer_a, customer_b)


def product_view_batch(data_dir: Path, work_dir: Path, fetch, schema: str) -> tuple[Path, str]:
    """A product view, signed in to the account of a customer with category affinities, of a
    product with a category: the customer's affinities change with a view alone. Returns the
    batch and the customer id."""
    ((customer_id, account_id, product_id),) = fetch(f"""
        select bridge.customer_id, min(bridge.source_record_id), min(products.product_id)
        from {schema}.bridge_customer_source_records as bridge
        cross join {schema}.dim_products as products
        where
            bridge.source_table = 'web_accounts'
            and bridge.customer_id in (select customer_id from {schema}.fct_customer_category_affinities)
            and products.category is not null
        group by bridge.customer_id
        order by bridge.customer_id
        limit 1
    """)
    batch_dir = work_dir / "product_view"
    add_records(
        batch_dir,
        data_dir,
        "web_events",
        {
            "event_id": VIEW_ONLY_EVENT_ID,
            "account_id": account_id,
            "platform": "web",
            "event_type": "product_view",
            "product_id": product_id,
            "occurred_at": "2026-01-02 11:00:00",
        },
    )
    return batch_dir, customer_id


def first_delivery_of_day_1(data_dir: Path, work_dir: Path) -> Path:
    """Day 1 with two orders (one naming nobody, without lines), a web account, a social
    interaction with an email and a later version of a day-0 interaction more, which its
    re-delivery (with no social interaction at all) will not have."""
    first_delivery = work_dir / "first_delivery" / day_folder_name(1)
    shutil.copytree(data_dir / day_folder_name(1), first_delivery)
    add_records(
        first_delivery,
        data_dir,
        "shop_orders",
        {
            "order_id": ONLY_FIRST_DELIVERY_ORDER_ID,
            "guest_email": "only.first.delivery@example.org",
            "sales_channel": "online",
            "order_status": "delivered",
            "currency": "USD",
            "order_total": "12.00",
            "ordered_at": "2026-01-01 10:00:00",
            "updated_at": "2026-01-01 11:00:00",
        },
        {
            "order_id": ANONYMOUS_ONLY_FIRST_DELIVERY_ORDER_ID,
            "sales_channel": "pos",
            "store_id": "STORE-001",
            "order_status": "delivered",
            "currency": "USD",
            "order_total": "7.00",
            "ordered_at": "2026-01-01 10:30:00",
            "updated_at": "2026-01-01 10:30:00",
        },
    )
    add_records(
        first_delivery,
        data_dir,
        "web_accounts",
        {
            "account_id": ONLY_FIRST_DELIVERY_ACCOUNT_ID,
            "email": "only.first.delivery.account@example.org",
            "first_name": "Ona",
            "last_name": "Firstdelivery",
            "country": "US",
            "created_at": "2026-01-01 10:00:00",
            "updated_at": "2026-01-01 10:00:00",
        },
    )
    add_records(
        first_delivery,
        data_dir,
        "social_interactions",
        {
            "interaction_id": "SI-ONLY-FIRST-DELIVERY",
            "platform": "instagram",
            "handle": HANDLE_LOSING_EMAIL,
            "email": "handle.loses.email@example.org",
            "interaction_type": "comment",
            "sentiment_label": "positive",
            "occurred_at": "2026-01-01 10:00:00",
        },
    )
    header, day_0_interactions = read_rows(data_dir / day_folder_name(0) / "social_interactions.csv")
    later_version = dict(zip(header, day_0_interactions[0], strict=True))
    add_records(
        first_delivery,
        data_dir,
        "social_interactions",
        {**later_version, "sentiment_label": "negative", "occurred_at": "2026-01-01 12:00:00"},
    )
    return first_delivery


def shrunk_redelivery(data_dir: Path, work_dir: Path) -> tuple[Path, set[str]]:
    """Day 1 again, its orders file cut to half with one status changed and the dropped orders'
    lines left out too (an order that names nobody then leaves without any row of its own, its
    lines' or the bridge's being written); returns the dropped order ids."""
    redelivered = work_dir / day_folder_name(1)
    shutil.copytree(data_dir / day_folder_name(1), redelivered)
    header, orders = read_rows(redelivered / "shop_orders.csv")
    kept, dropped = orders[: len(orders) // 2], orders[len(orders) // 2 :]
    status = header.index("order_status")
    kept[0][status] = "cancelled" if kept[0][status] != "cancelled" else "delivered"
    write_rows(redelivered / "shop_orders.csv", header, kept)
    dropped_ids = {row[header.index("order_id")] for row in dropped}
    line_header, lines = read_rows(redelivered / "shop_order_items.csv")
    order_id = line_header.index("order_id")
    write_rows(
        redelivered / "shop_order_items.csv",
        line_header,
        [line for line in lines if line[order_id] not in dropped_ids],
    )
    return redelivered, dropped_ids


# The natural key of each base model, as its staging view's uniqueness test names it.
BASE_NATURAL_KEYS = {
    "base_crm__contacts": "contact_id",
    "base_email__events": "email_event_id",
    "base_email__subscribers": "subscriber_id",
    "base_enrichment__profiles": "profile_id",
    "base_loyalty__members": "member_id",
    "base_privacy__requests": "request_id",
    "base_shop__order_items": "order_item_id",
    "base_shop__orders": "order_id",
    "base_shop__products": "product_id",
    "base_social__interactions": "interaction_id",
    "base_support__surveys": "survey_id",
    "base_support__tickets": "ticket_id",
    "base_web__accounts": "account_id",
    "base_web__events": "event_id",
}


def base_tables(fetch: Callable[[str], list[tuple]], schema: str) -> dict[str, list[tuple]]:
    names = [
        row[0]
        for row in fetch(
            "select table_name from information_schema.tables "
            f"where table_schema = '{schema}' and table_name like 'base\\_%' escape '\\'"
        )
        if not row[0].endswith("__deletions")  # the deletion logs beside some base tables
    ]
    assert len(names) == 14, names
    return tables_without_write_marks(fetch, schema, tuple(names))


def tables_without_write_marks(
    fetch: Callable[[str], list[tuple]], schema: str, names: tuple[str, ...]
) -> dict[str, list[tuple]]:
    """The rows of each model, without the columns saying when and by which run they were written."""
    tables = {}
    for name in names:
        columns = [
            row[0]
            for row in fetch(
                "select column_name from information_schema.columns "
                f"where table_schema = '{schema}' and table_name = '{name}' order by ordinal_position"
            )
            if row[0] not in WRITE_MARKS
        ]
        tables[name] = sorted(fetch(f"select {', '.join(columns)} from {schema}.{name}"), key=repr)
    return tables


def golden_record_tables(fetch: Callable[[str], list[tuple]], schema: str) -> dict[str, list[tuple]]:
    return tables_without_write_marks(fetch, schema, PER_CUSTOMER_MODELS)


def built_by_version_tables(fetch: Callable[[str], list[tuple]], schema: str) -> dict[str, list[tuple]]:
    return tables_without_write_marks(fetch, schema, BUILT_BY_VERSION_MODELS)


def incremental_mart_tables(fetch: Callable[[str], list[tuple]], marts_schema: str) -> dict[str, list[tuple]]:
    tables = {}
    for suffix, name in PER_CUSTOMER_MARTS + PER_RECORD_MARTS:
        tables.update(tables_without_write_marks(fetch, marts_schema.replace("marts", suffix), (name,)))
    return tables


def fact_tables(fetch: Callable[[str], list[tuple]], schema: str) -> dict[str, list[tuple]]:
    tables = {
        name: sorted(fetch(f"select {columns} from {schema}.{name}"), key=repr)
        for name, columns in FACT_COLUMNS.items()
    }
    tables.update(tables_without_write_marks(fetch, schema, FACTS_BY_VERSION))
    return tables


def assert_same_rows(incremental: dict[str, list[tuple]], rebuilt: dict[str, list[tuple]]) -> None:
    for name, rows in rebuilt.items():
        assert rows, f"{name} is empty"
        assert incremental[name] == rows, (
            f"{name}: the incremental build differs from a rebuild; "
            f"missing {sorted(set(rows) - set(incremental[name]), key=repr)[:3]}, "
            f"extra {sorted(set(incremental[name]) - set(rows), key=repr)[:3]}"
        )


def run_scenario(
    env: dict[str, str],
    work_dir: Path,
    data_dir: Path,
    fetch,
    staging_schema: str,
    intermediate_schema: str,
    marts_schema: str,
) -> None:
    target = loader_target(env)
    run_dbt(["seed"], env, work_dir)

    def build(*extra: str):
        marts = [name for _, name in PER_CUSTOMER_MARTS]
        return run_dbt(
            ["run", "--select", BASE_MODELS, GOLDEN_RECORD, *FACTS, *WHOLE_MART_INPUTS, *marts, *extra],
            env,
            work_dir,
        )

    load_batch(data_dir / day_folder_name(0), target)
    build()

    child_dir, parent_dir = late_parent_batches(data_dir, work_dir)
    merging_dir, merged_customers = merging_batch(data_dir, work_dir, fetch, marts_schema)
    viewing_dir, viewing_customer = product_view_batch(data_dir, work_dir, fetch, marts_schema)
    load_batch(first_delivery_of_day_1(data_dir, work_dir), target)
    load_batch(child_dir, target)
    load_batch(merging_dir, target)
    load_batch(viewing_dir, target)
    build()
    merged = fetch(
        f"select count(distinct assignments.customer_id) from {intermediate_schema}.int_identity_customer_ids_assigned "
        f"as assignments where assignments.previous_customer_id in {merged_customers} "
        f"or assignments.customer_id in {merged_customers}"
    )
    assert merged == [(1,)], f"the member merges customers {merged_customers}"
    signed_in = f"select customer_match_method from {marts_schema}.fct_customer_interactions where source_record_id = '{SIGNED_IN_EVENT_ID}'"
    assert fetch(signed_in) == [("web_account",)], "the event reaches its account's customer"
    viewed = f"select customer_id from {marts_schema}.fct_customer_interactions where source_record_id = '{VIEW_ONLY_EVENT_ID}'"
    assert fetch(viewed) == [(viewing_customer,)], "the product view reaches its account's customer"
    reason = f"select quarantine_reason from {staging_schema}.base_shop__order_items where order_item_id = '{LATE_ITEM_ID}'"
    assert fetch(reason) == [("orphan_record",)], "an item without its order is quarantined as an orphan"
    late_touch = (
        f"select customer_match_method from {marts_schema}.fct_customer_interactions "
        f"where source_record_id = '{LATE_EMAIL_EVENT_ID}'"
    )
    assert fetch(late_touch) == [], "an email event without its subscriber waits in quarantine"
    first_campaign = (
        f"select first_web_utm_source from {marts_schema}.dim_customer_acquisition "
        f"where acquisition_source_record_id = '{LATE_WEB_EVENT_ACCOUNT_ID}'"
    )
    assert fetch(first_campaign) == [("first_known_campaign",)], "the account's only web session so far"
    acquired_at = (
        f"select cast(acquired_at as varchar) from {marts_schema}.dim_customer_acquisition "
        f"where acquisition_source_record_id = '{CORRECTED_SUBSCRIBER_ID}'"
    )
    assert fetch(acquired_at) == [("2026-01-01 09:00:00",)], "acquired when the subscriber signed up"
    handles = (
        f"select source_record_id, social_handle from {intermediate_schema}.int_identity_records_unioned "
        "where source_record_id in ('SI-HANDLE-BEFORE-EMAIL', 'SI-HANDLE-LOSING-EMAIL') order by 1"
    )
    assert fetch(handles) == [("SI-HANDLE-LOSING-EMAIL", HANDLE_LOSING_EMAIL)], (
        "an interaction names someone only by a handle seen with an email"
    )

    # one build takes the order, the re-delivered day 1 and day 2
    load_batch(parent_dir, target)
    redelivered, dropped_ids = shrunk_redelivery(data_dir, work_dir)
    anonymous_order = (
        f"select customer_id, item_count from {marts_schema}.fct_orders "
        f"where order_id = '{ANONYMOUS_ONLY_FIRST_DELIVERY_ORDER_ID}'"
    )
    assert fetch(anonymous_order) == [(None, 0)], "a till order naming nobody, without lines"
    report = load_batch(redelivered, target)
    assert any(table.outcome == "replaced" for table in report.tables)
    load_batch(data_dir / day_folder_name(2), target)
    result = build()
    for model in CHANGES_READERS:
        # the equivalence below must hold for the builds that read their inputs' changes
        assert f"{model}: comparing the versions of the keys changed since its last build" in result.stdout, (
            f"{model} compares only the keys its inputs changed"
        )
    assert fetch(reason) == [(None,)], "the item is released once its order has arrived"
    added_line = (
        f"select order_id from {marts_schema}.fct_order_items where order_item_id = '{ADDED_LINE_ID}'"
    )
    assert len(fetch(added_line)) == 1, (
        "a line added to an order that is not delivered again reaches the facts"
    )
    assert fetch(late_touch) == [("email_subscriber",)], "a released email event is a touch of its subscriber"
    assert fetch(first_campaign) == [("earlier_campaign",)], (
        "an earlier web event arriving late moves the first session, though its account was not delivered again"
    )
    assert fetch(acquired_at) == [("2025-06-01 09:00:00",)], "a corrected signup date moves the acquisition"
    last_web_touch = (
        f"select cast(engagements.last_touch_at as varchar) from {marts_schema}.fct_customer_channel_engagements "
        f"as engagements inner join {marts_schema}.dim_customer_acquisition as acquisitions "
        "on engagements.customer_id = acquisitions.customer_id "
        f"where acquisitions.acquisition_source_record_id = '{CLOCK_CORRECTED_ACCOUNT_ID}' and engagements.channel = 'web'"
    )
    assert fetch(last_web_touch) == [("2026-01-01 09:30:00",)], "a touch delivered again with a later time"
    till_phone = (
        f"select linked_records, guard_reason from {intermediate_schema}.int_identity_identifiers_guarded "
        f"where identifier_type = 'phone' and clear_value = '+14155550199'"
    )
    assert fetch(till_phone) == [(3, None)], "a blocked mailbox owns no phone"
    assert fetch(handles) == [("SI-HANDLE-BEFORE-EMAIL", HANDLE_GAINING_EMAIL)], (
        "a handle's earlier interaction names someone once the handle is seen with an email, "
        "and no longer once its only email is gone, though neither interaction was delivered again"
    )

    day_1 = day_folder_name(1)
    leftovers = fetch(
        f"select order_id from {staging_schema}.base_shop__orders where _batch_id = '{day_1}' "
        f"and order_id in ({', '.join(repr(order_id) for order_id in sorted(dropped_ids))})"
    )
    dropped_elsewhere = {
        row[0]
        for row in fetch(
            f"select order_id from {staging_schema}.base_shop__orders where _batch_id <> '{day_1}'"
        )
    }
    assert {row[0] for row in leftovers} <= dropped_elsewhere, "rows only the old delivery had are gone"
    vanished_touches = fetch(
        f"select count(*) from {marts_schema}.fct_customer_interactions "
        f"where source_record_id = '{ONLY_FIRST_DELIVERY_ORDER_ID}'"
    )
    assert vanished_touches == [(0,)], "touches of an order only the replaced delivery had are gone"
    assert fetch(anonymous_order) == [], "an order naming nobody leaves with its replaced delivery"
    assert fetch(signed_in) == [("unmatched",)], (
        "an event whose account is no longer delivered reaches nobody"
    )

    incremental = base_tables(fetch, staging_schema)
    incremental_golden = golden_record_tables(fetch, intermediate_schema)
    incremental_by_version = built_by_version_tables(fetch, intermediate_schema)
    incremental_facts = fact_tables(fetch, marts_schema)
    incremental_marts = incremental_mart_tables(fetch, marts_schema)
    for relation, stamp, what in (
        (
            f"{marts_schema}.fct_customer_interactions",
            "customer_resolved_at",
            "rewrites only the touches it can change",
        ),
        (
            f"{intermediate_schema}.int_identity_records_unioned",
            "built_at",
            "rewrites only the identity records whose version changed",
        ),
        (
            f"{intermediate_schema}.int_identity_links_unioned",
            "built_at",
            "adds only the links it did not store",
        ),
        (
            f"{marts_schema}.bridge_customer_source_records",
            "built_at",
            "rewrites only the bridge rows of changed records",
        ),
        (
            f"{staging_schema}.base_web__events",
            "built_at",
            "writes only the new deliveries and the rows they flag again",
        ),
    ):
        writes = fetch(f"select {stamp}, count(*) from {relation} group by {stamp} order by {stamp}")
        assert len(writes) == 3 and writes[-1][1] < sum(count for _, count in writes) / 4, (
            f"each build after the first {what}: {writes}"
        )
    # The staging uniqueness tests read only the keys written since their last check: sound
    # because a build that touches a natural key writes every row of it again.
    keys_over_batches = {}
    for table, natural_key in BASE_NATURAL_KEYS.items():
        ((keys_over_batches[table], keys_over_builds),) = fetch(
            "select count(*) filter (where batches > 1), count(*) filter (where builds > 1) from ("
            f"select count(distinct _batch_id) as batches, count(distinct built_at) as builds "
            f"from {staging_schema}.{table} where {natural_key} is not null group by {natural_key}) as key_counts"
        )
        assert keys_over_builds == 0, (
            f"{table}: {keys_over_builds} keys have rows written by different builds"
        )
    assert keys_over_batches["base_shop__orders"] > 0, (
        f"no order delivered in two batches: {keys_over_batches}"
    )
    build("--full-refresh")
    rebuilt = base_tables(fetch, staging_schema)
    for name, rows in rebuilt.items():
        assert incremental[name] == rows, f"{name}: the incremental build differs from a rebuild"
    assert_same_rows(incremental_by_version, built_by_version_tables(fetch, intermediate_schema))
    assert_same_rows(incremental_golden, golden_record_tables(fetch, intermediate_schema))
    assert_same_rows(incremental_facts, fact_tables(fetch, marts_schema))
    assert_same_rows(incremental_marts, incremental_mart_tables(fetch, marts_schema))

    # Deletion logs that keep no day start again at this build's own time, after every reader's
    # last build: each reader compares every key instead, and nothing changes.
    result = build("--vars", '{"deletion_log_days": 0}')
    for model in CHANGES_READERS:
        assert f"{model}: comparing the versions of every key" in result.stdout, (
            f"{model} cannot trust a log that starts after its last build"
        )
    (log,) = fetch(
        f"select count(*), count(record_key) from {intermediate_schema}.int_identity_records_unioned__deletions"
    )
    assert log == (1, 0), f"only the start row is left: {log}"
    assert_same_rows(incremental_by_version, built_by_version_tables(fetch, intermediate_schema))
    assert_same_rows(incremental_marts, incremental_mart_tables(fetch, marts_schema))


@pytest.fixture(scope="module")
def generated_days(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("incremental_data")
    generate_days(data_dir, CUSTOMERS, SEED, (0, 1, 2))
    return data_dir


def test_incremental_staging_equals_rebuild_on_duckdb(generated_days: Path, tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    env = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(path)}

    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(path), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    run_scenario(env, tmp_path, generated_days, fetch, "main_staging", "main_intermediate", "main_marts")

    # Another C360_HASH_KEY: the next daily build rewrites every customer of dim_customers, so the
    # table never holds hashes of two keys, and it equals a rebuild under the new key.
    rotated = {**env, "C360_HASH_KEY": "another-test-only-key"}
    email_hashes = "select email_hash from main_marts.dim_customers where email_hash is not null"
    old_hashes = set(fetch(email_hashes))
    run_dbt(["run", "--select", "dim_customers"], rotated, tmp_path)
    assert old_hashes and not old_hashes & set(fetch(email_hashes)), "every hash is made with the new key"
    built = incremental_mart_tables(fetch, "main_marts")["dim_customers"]
    run_dbt(["run", "--select", "dim_customers", "--full-refresh"], rotated, tmp_path)
    assert incremental_mart_tables(fetch, "main_marts")["dim_customers"] == built

    # A deletion log kept by an earlier version of a model, without a column logged now: the next
    # build starts it again with today's columns, instead of failing to write to it.
    log = "int_customer_records_assigned__deletions"
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"drop table main_intermediate.{log}")
        connection.execute(f"create table main_intermediate.{log} (record_key varchar, deleted_at timestamp)")
    run_dbt(["run", "--select", "int_customer_records_assigned"], env, tmp_path)
    log_columns = fetch(
        "select column_name from information_schema.columns "
        f"where table_schema = 'main_intermediate' and table_name = '{log}' order by ordinal_position"
    )
    assert log_columns == [("record_key",), ("customer_id",), ("deleted_at",)], log_columns
    assert fetch(f"select count(*), count(record_key) from main_intermediate.{log}") == [(1, 0)], (
        "a log started again holds its start row alone"
    )

    # A table from before fingerprints became numbers: its text fingerprints would never match a
    # new row's, so the next incremental build must stop and ask for a rebuild instead.
    with duckdb.connect(str(path)) as connection:
        connection.execute("alter table main_staging.base_crm__contacts alter row_fingerprint type varchar")
    result = run_dbt(["run", "--select", "base_crm__contacts"], env, tmp_path, check=False)
    assert result.returncode != 0, "an incremental build over text fingerprints must fail"
    assert "dbt build --full-refresh --select base_crm__contacts" in result.stdout, result.stdout[-2000:]
    # the same for a golden-record model built per customer and its records fingerprints
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "alter table main_intermediate.int_customers_survived alter records_fingerprint type varchar"
        )
    result = run_dbt(["run", "--select", "int_customers_survived"], env, tmp_path, check=False)
    assert result.returncode != 0, "an incremental build over text records fingerprints must fail"
    assert "dbt build --full-refresh --select int_customers_survived" in result.stdout, result.stdout[-2000:]

    # A table built before the model stored its versions (fct_orders as a plain table): the next
    # build stops and names the rebuild, instead of failing on a missing column.
    with duckdb.connect(str(path)) as connection:
        connection.execute("alter table main_marts.fct_orders drop column order_version")
    result = run_dbt(["run", "--select", "fct_orders"], env, tmp_path, check=False)
    assert result.returncode != 0, "an incremental build without its version column must fail"
    assert "dbt build --full-refresh --select fct_orders" in result.stdout, result.stdout[-2000:]


@pytest.mark.postgres
def test_incremental_staging_equals_rebuild_on_postgres(
    generated_days: Path, tmp_path: Path, postgres_env: dict[str, str]
) -> None:
    def fetch(sql: str) -> list[tuple]:
        connection = psycopg2.connect(
            host=postgres_env["C360_PG_HOST"],
            port=int(postgres_env["C360_PG_PORT"]),
            user=postgres_env["C360_PG_USER"],
            password=postgres_env["C360_PG_PASSWORD"],
            dbname=postgres_env["C360_PG_DATABASE"],
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            connection.close()

    run_scenario(
        postgres_env, tmp_path, generated_days, fetch, "public_staging", "public_intermediate", "public_marts"
    )
