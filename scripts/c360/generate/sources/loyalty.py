"""Loyalty programme: loyalty_members, identified by card number."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET, latin_of
from c360.generate.context import DayContext, People, between, draw, maybe
from c360.generate.identifiers import ids
from c360.generate.locales import LOCALES
from c360.generate.persons import member_card_numbers

TIERS = ("bronze", "silver", "gold", "platinum")


def member_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    rng = context.rng("loyalty_members")
    rows = np.flatnonzero(people.num("member_seq") >= 0)
    count = len(rows)
    member_seq = people.num("member_seq")[rows]
    locale = people.num("locale")[rows].astype(np.int64)
    email = pc.coalesce(
        maybe(people.text("alt_email", rows), rng.random(count) < 0.1), people.text("email", rows)
    )
    enrolled = between(rng, np.maximum(people.num("created_at")[rows], window[0]), window[1], count)
    updated = np.where(rng.random(count) < 0.6, between(rng, enrolled, window[1], count), enrolled)
    return pa.table(
        {
            "member_id": ids("member", member_seq),
            "card_number": member_card_numbers(member_seq),
            "email": maybe(email, rng.random(count) < 0.8),
            "phone": maybe(people.text("phone", rows), rng.random(count) < 0.85),
            "first_name": people.text("first_name", rows),
            "last_name": people.text("last_name", rows),
            "birth_date": maybe(pa.array(people.num("birth_days")[rows]), rng.random(count) < 0.7),
            "postal_code": people.text("postal_code", rows),
            "country": pa.array([spec.country for spec in LOCALES]).take(pa.array(locale)),
            "tier": draw(rng, TIERS, (55, 25, 15, 5), count),
            "points_balance": pa.array((rng.lognormal(6, 1.2, count)).astype(np.int64)),
            "enrolled_at": pa.array(enrolled),
            "updated_at": pa.array(updated),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            latin_of("first_name"): people.text("first_latin", rows),
            latin_of("last_name"): people.text("last_latin", rows),
        }
    )
