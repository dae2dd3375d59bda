"""Third-party enrichment: enrichment_profiles, keyed by email or its SHA-256."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET, latin_of
from c360.generate.context import DayContext, People, between, draw, maybe
from c360.generate.identifiers import ids
from c360.generate.locales import LOCALES
from c360.generate.persons import GENDERS
from c360.generate.sources.catalogue import CATEGORIES
from c360.generate.sources.names import latin_full_names, native_full_names
from c360.generate.strings import pick
from c360.generate.timeline import ANCHOR, SECONDS_PER_DAY

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
INCOME_BANDS = ("low", "lower_middle", "middle", "upper_middle", "high")
PROVIDERS = ("acme_data", "sino_insights", "eurolist")


def email_sha256(emails: pa.Array) -> pa.Array:
    """Hex SHA-256 of the trimmed, lower-cased address, as providers share it."""
    normalised = pc.utf8_lower(pc.utf8_trim_whitespace(emails)).to_pylist()
    return pa.array(
        [None if e is None else hashlib.sha256(e.encode()).hexdigest() for e in normalised],
        pa.string(),
    )


def age_bands(birth_days: np.ndarray) -> pa.Array:
    age = (ANCHOR // SECONDS_PER_DAY - birth_days) / 365.25
    band = np.searchsorted(np.array([25, 35, 45, 55, 65]), age, side="right")
    return pa.array(list(AGE_BANDS)).take(pa.array(band))


def _interests(rng: np.random.Generator, count: int) -> pa.Array:
    names = list(CATEGORIES)
    picks = rng.integers(0, len(names), (count, 3))
    how_many = rng.integers(1, 4, count)
    return pa.array(
        [
            ";".join(dict.fromkeys(names[p] for p in row[:n]))
            for row, n in zip(picks.tolist(), how_many.tolist(), strict=True)
        ]
    )


def profile_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    rng = context.rng("enrichment_profiles")
    rows = np.flatnonzero(people.num("profile_seq") >= 0)
    count = len(rows)
    locale = people.num("locale")[rows].astype(np.int64)
    email = people.text("email", rows)
    latin = latin_full_names(people, rows)
    jobs = context.pools[0].job
    return pa.table(
        {
            "profile_id": ids("profile", people.num("profile_seq")[rows]),
            # Some providers only share the hash of the address.
            "email": maybe(email, rng.random(count) < 0.6),
            "email_sha256": email_sha256(email),
            "full_name": pc.if_else(
                pa.array(rng.random(count) < 0.6), latin, native_full_names(people, rows)
            ),
            "gender": pa.array(list(GENDERS)).take(pa.array(people.num("gender")[rows].astype(np.int64))),
            "age_band": age_bands(people.num("birth_days")[rows]),
            "income_band": draw(rng, INCOME_BANDS, (15, 25, 30, 20, 10), count),
            "occupation": pick(jobs, rng.integers(0, len(jobs), count)),
            "interests": _interests(rng, count),
            "city": people.text("city", rows),
            "postal_code": people.text("postal_code", rows),
            "country": pa.array([spec.country for spec in LOCALES]).take(pa.array(locale)),
            "provider": pa.array(list(PROVIDERS)).take(pa.array(np.minimum(locale, 2))),
            "refreshed_at": pa.array(
                between(rng, np.maximum(people.num("created_at")[rows], window[0]), window[1], count)
            ),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            latin_of("full_name"): latin,
        }
    )
