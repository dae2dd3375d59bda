"""Who became a customer in which channel, and what everyone did in a time window."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from c360.generate.batch import Batch
from c360.generate.context import DayContext, People
from c360.generate.milestones import NEVER, milestone_column
from c360.generate.sources.crm import contact_rows
from c360.generate.sources.enrichment import profile_rows
from c360.generate.sources.loyalty import member_rows
from c360.generate.sources.mailing import email_event_rows, subscriber_rows
from c360.generate.sources.privacy import request_rows
from c360.generate.sources.shop import order_rows
from c360.generate.sources.social import interaction_rows
from c360.generate.sources.support import survey_rows, ticket_rows
from c360.generate.sources.web import account_rows, event_rows

# Records that change after they are created; their current version is kept in the state.
PROFILE_TABLES = {
    "web_accounts": account_rows,
    "loyalty_members": member_rows,
    "email_subscribers": subscriber_rows,
    "crm_contacts": contact_rows,
    "enrichment_profiles": profile_rows,
}


def add_channel_records(batch: Batch, newcomers: People, context: DayContext) -> dict[str, pa.Table]:
    """Accounts, memberships, subscriptions, contacts and profiles of new customers."""
    records = {}
    for table, build in PROFILE_TABLES.items():
        records[table] = build(newcomers, context.window, context)
        batch.add(table, records[table])
    return records


def reached_within(table: pa.Table, status: str, window: tuple[int, int]) -> pa.Table:
    """Rows whose ``status`` milestone falls inside ``window``."""
    times = table[milestone_column(status)].to_numpy()
    return table.filter(pa.array((times != NEVER) & (times >= window[0]) & (times < window[1])))


def add_activity(
    batch: Batch,
    people: People,
    context: DayContext,
    catalogue: pa.Table,
    new_accounts: pa.Table,
    solved_earlier_tickets: pa.Table | None = None,
    delivered_earlier_orders: pa.Table | None = None,
) -> dict[str, pa.Table]:
    """Everything people did during the day's window.

    Returns the orders, tickets and privacy requests opened, whose status moves on later.
    Tables nothing later needs are completed at once, so they can be delivered
    before the next is built.
    """
    window = context.window
    batch.add("web_events", event_rows(people, window, context, catalogue.num_rows, new_accounts))
    batch.complete("web_events")
    orders, items = order_rows(people, window, context, catalogue)
    batch.add("shop_orders", orders)
    batch.add("shop_order_items", items)
    del items  # held by the batch alone from here on
    batch.complete("shop_order_items")
    batch.add("email_events", email_event_rows(people, window, context))
    batch.complete("email_events")
    batch.add("social_interactions", interaction_rows(people, window, context))
    batch.complete("social_interactions")
    tickets = ticket_rows(people, window, context)
    batch.add("support_tickets", tickets)
    solved = _stack(reached_within(tickets, "solved", window), solved_earlier_tickets)
    delivered = _stack(reached_within(orders, "delivered", window), delivered_earlier_orders)
    batch.add("support_surveys", survey_rows(people, window, context, solved, delivered))
    batch.complete("support_surveys")
    requests = request_rows(people, window, context)
    batch.add("privacy_requests", requests)
    return {"shop_orders": orders, "support_tickets": tickets, "privacy_requests": requests}


def _stack(*tables: pa.Table | None) -> pa.Table:
    return pa.concat_tables([t for t in tables if t is not None], promote_options="permissive")


def person_positions(people: People, person_seq: np.ndarray) -> np.ndarray:
    """Positions in ``people`` (sorted by person_seq) of the given persons."""
    return np.searchsorted(people.num("person_seq"), person_seq)
