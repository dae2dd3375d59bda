"""Email marketing platform: email_subscribers and email_events."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET, latin_of
from c360.generate.context import DayContext, People, between, draw, maybe, sample_activity
from c360.generate.identifiers import ids
from c360.generate.strings import join
from c360.generate.timeline import HISTORY_START

SUBSCRIPTION = ("subscribed", "unsubscribed", "bounced", "pending")
SIGNUP_SOURCES = ("web", "checkout", "pos", "social", "import")
EMAIL_EVENTS = ("sent", "delivered", "opened", "clicked", "bounced", "unsubscribed", "complained")
THEMES = (
    "New arrivals",
    "Weekend deals",
    "Member exclusive",
    "Back in stock",
    "Gift guide",
    "Flash sale",
    "Your picks",
    "Season finale",
)
WEEK = 7 * 86_400


def subscriber_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    rng = context.rng("email_subscribers")
    rows = np.flatnonzero(people.num("subscriber_seq") >= 0)
    count = len(rows)
    email = pc.coalesce(
        maybe(people.text("alt_email", rows), rng.random(count) < 0.15), people.text("email", rows)
    )
    subscribed = between(rng, np.maximum(people.num("created_at")[rows], window[0]), window[1], count)
    status = draw(rng, SUBSCRIPTION, (75, 15, 4, 6), count)
    left = pc.equal(status, "unsubscribed").to_numpy(zero_copy_only=False)
    unsubscribed = between(rng, subscribed, window[1], count)
    changed = rng.random(count) < 0.2
    updated = np.where(
        left, unsubscribed, np.where(changed, between(rng, subscribed, window[1], count), subscribed)
    )
    return pa.table(
        {
            "subscriber_id": ids("subscriber", people.num("subscriber_seq")[rows]),
            "email": email,
            "first_name": maybe(people.text("first_name", rows), rng.random(count) < 0.7),
            "last_name": maybe(people.text("last_name", rows), rng.random(count) < 0.6),
            "subscription_status": status,
            "signup_source": draw(rng, SIGNUP_SOURCES, (40, 25, 15, 10, 10), count),
            "subscribed_at": pa.array(subscribed),
            "unsubscribed_at": maybe(pa.array(unsubscribed), left),
            "updated_at": pa.array(updated),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            latin_of("first_name"): people.text("first_latin", rows),
            latin_of("last_name"): people.text("last_latin", rows),
        }
    )


def campaign_names(campaign_seq: np.ndarray) -> pa.Array:
    """One campaign a week; its name says which theme and week."""
    distinct = np.unique(campaign_seq)
    names = pa.array([f"{THEMES[seq % len(THEMES)]} #{seq}" for seq in distinct.tolist()])
    return names.take(pa.array(np.searchsorted(distinct, campaign_seq)))


def email_event_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    rng = context.rng("email_events")
    subscribed = people.num("subscriber_seq") >= 0
    rows, occurred = sample_activity(people, window, context.volumes.email_events_per_year, rng, subscribed)
    count = len(rows)
    campaign = (occurred - HISTORY_START) // WEEK + 1
    campaign_ids = ids("campaign", campaign)
    event_type = draw(rng, EMAIL_EVENTS, (45, 35, 13, 4, 1.5, 1, 0.5), count)
    clicked = pc.equal(event_type, "clicked").to_numpy(zero_copy_only=False)
    seq = context.counters.allocate("email_event", count)
    return pa.table(
        {
            "email_event_id": ids("email_event", seq),
            "subscriber_id": ids("subscriber", people.num("subscriber_seq")[rows]),
            "campaign_id": campaign_ids,
            "campaign_name": campaign_names(campaign),
            "event_type": event_type,
            "link_url": maybe(join("https://shop.example.com/c/", campaign_ids), clicked),
            "occurred_at": pa.array(occurred),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
        }
    )
