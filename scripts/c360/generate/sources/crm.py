"""Sales CRM: crm_contacts, one field for the full name."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET, latin_of
from c360.generate.context import DayContext, People, between, draw, maybe
from c360.generate.defects.rows import SWAPPED_FULL_NAME
from c360.generate.identifiers import ids
from c360.generate.locales import LOCALES
from c360.generate.sources.names import last_first_names, latin_full_names, native_full_names
from c360.generate.strings import join, pick

LEAD_SOURCES = ("web", "referral", "event", "partner", "cold_call")
LIFECYCLE = ("lead", "prospect", "customer", "churned")


def contact_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    rng = context.rng("crm_contacts")
    rows = np.flatnonzero(people.num("contact_seq") >= 0)
    count = len(rows)
    locale = people.num("locale")[rows].astype(np.int64)
    use_latin = rng.random(count) < 0.4
    native, latin = native_full_names(people, rows), latin_full_names(people, rows)
    # Work address where the person has one, else the private one, sometimes none.
    email = pc.coalesce(
        maybe(people.text("alt_email", rows), rng.random(count) < 0.5), people.text("email", rows)
    )
    created = between(rng, np.maximum(people.num("created_at")[rows], window[0]), window[1], count)
    updated = np.where(rng.random(count) < 0.5, between(rng, created, window[1], count), created)
    return pa.table(
        {
            "contact_id": ids("contact", people.num("contact_seq")[rows]),
            "full_name": pc.if_else(pa.array(use_latin), latin, native),
            "email": maybe(email, rng.random(count) < 0.9),
            "phone": maybe(people.text("phone", rows), rng.random(count) < 0.7),
            "company_name": _per_locale(context, locale, rng, "company"),
            "job_title": _per_locale(context, locale, rng, "job"),
            "city": people.text("city", rows),
            "country": pa.array([spec.country for spec in LOCALES]).take(pa.array(locale)),
            "lead_source": draw(rng, LEAD_SOURCES, (30, 20, 20, 15, 15), count),
            "lifecycle_status": draw(rng, LIFECYCLE, (20, 25, 45, 10), count),
            "owner_name": _sales_reps(context, rng, count),
            "created_at": pa.array(created),
            "updated_at": pa.array(updated),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            latin_of("full_name"): latin,
            SWAPPED_FULL_NAME: last_first_names(people, rows),
        }
    )


def _per_locale(context: DayContext, locale: np.ndarray, rng: np.random.Generator, pool: str) -> pa.Array:
    values = pa.nulls(len(locale), pa.string())
    for index, pools in enumerate(context.pools):
        mine = locale == index
        source = getattr(pools, pool)
        values = pc.replace_with_mask(
            values, pa.array(mine), pick(source, rng.integers(0, len(source), int(mine.sum())))
        )
    return values


def _sales_reps(context: DayContext, rng: np.random.Generator, count: int) -> pa.Array:
    pools = context.pools[0]
    team = join(pools.female_first.slice(0, 15), pools.last.slice(0, 15), separator=" ")
    team = pa.concat_arrays(
        [team, join(pools.male_first.slice(0, 15), pools.last.slice(15, 15), separator=" ")]
    )
    return pick(team, rng.integers(0, len(team), count))
