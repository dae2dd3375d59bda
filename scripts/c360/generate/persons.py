"""The true people behind all records: who they are and which channels they use.

A person is never written to a raw table; every source record is derived from
one, and ``ground_truth.csv`` maps the record back to ``person_id``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.contacts import with_contact_points
from c360.generate.counters import Counters
from c360.generate.households import form_households
from c360.generate.locales import CN, LOCALE_SHARES, LOCALES
from c360.generate.pools import LocalePools
from c360.generate.strings import assemble_by_group, fixed_width_strings, format_digits, pick
from c360.generate.timeline import ANCHOR, HISTORY_START, SECONDS_PER_DAY
from c360.generate.volumes import VOLUMES, Volumes

FEMALE, MALE, NON_BINARY, UNKNOWN = 0, 1, 2, 3
GENDERS = ("female", "male", "non_binary", "unknown")
SOCIAL_PLATFORMS = ("wechat", "weibo", "instagram", "facebook", "x", "tiktok")
CN_PLATFORMS = ((0, 1, 5), (0.5, 0.35, 0.15))
WORLD_PLATFORMS = ((2, 3, 4, 5), (0.35, 0.3, 0.15, 0.2))
# Stores per locale, in LOCALES order: STORE-001.. are American, then Chinese, ...
STORES_PER_LOCALE = (24, 12, 2, 1, 1)
NO_RECORD = -1


def new_persons(
    counters: Counters,
    count: int,
    created_window: tuple[int, int],
    rng: np.random.Generator,
    pools: tuple[LocalePools, ...],
    shared_phone_rate: float,
    existing: pa.Table | None = None,
    volumes: Volumes = VOLUMES,
) -> pa.Table:
    """``count`` new people, created within ``created_window`` (epoch seconds).

    ``existing`` people keep their emails and handles to themselves.
    """
    seq = counters.allocate("person", count)
    shares = np.array(LOCALE_SHARES) / sum(LOCALE_SHARES)
    locale = rng.choice(len(LOCALES), size=count, p=shares).astype(np.int8)
    gender = rng.choice(4, size=count, p=[0.49, 0.49, 0.01, 0.01]).astype(np.int8)
    columns: dict[str, object] = {"person_seq": seq, "locale": locale, "gender": gender}
    columns |= _names(locale, gender, rng, pools)
    columns["birth_days"] = _birth_days(count, rng)
    columns |= _addresses(locale, rng, pools)
    columns["phone"] = _phones(locale, rng)
    columns["created_at"] = _created_at(count, created_window, rng, volumes)
    # Mean 1: how much more (or less) active than average this person is.
    columns["activity"] = rng.lognormal(-0.32, 0.8, count).astype(np.float32)
    columns["home_store"] = _home_stores(locale, rng)
    columns |= _channels(counters, locale, rng, volumes)
    persons = pa.table(columns)
    persons = with_contact_points(persons, rng, existing, volumes)
    return form_households(persons, rng, shared_phone_rate, existing)


def _names(
    locale: np.ndarray, gender: np.ndarray, rng: np.random.Generator, pools: tuple[LocalePools, ...]
) -> dict[str, pa.Array]:
    count = len(locale)
    undisclosed = gender >= NON_BINARY
    female = (gender == FEMALE) | (undisclosed & (rng.random(count) < 0.5))
    first_pick = rng.integers(0, 1 << 30, count)
    last_pick = rng.integers(0, 1 << 30, count)

    def first(latin: bool):
        def build(index: int, rows: np.ndarray) -> pa.Array:
            pool = pools[index]
            women = pool.female_first_latin if latin else pool.female_first
            men = pool.male_first_latin if latin else pool.male_first
            chosen = first_pick[rows]
            return pc.if_else(
                pa.array(female[rows]), pick(women, chosen % len(women)), pick(men, chosen % len(men))
            )

        return build

    def last(latin: bool):
        def build(index: int, rows: np.ndarray) -> pa.Array:
            pool = pools[index].last_latin if latin else pools[index].last
            return pick(pool, last_pick[rows] % len(pool))

        return build

    return {
        "first_name": _by_locale(locale, first(latin=False)),
        "first_latin": _by_locale(locale, first(latin=True)),
        "last_name": _by_locale(locale, last(latin=False)),
        "last_latin": _by_locale(locale, last(latin=True)),
    }


def _by_locale(locale: np.ndarray, build) -> pa.Array:
    return assemble_by_group(locale, len(LOCALES), build)


def _birth_days(count: int, rng: np.random.Generator) -> np.ndarray:
    anchor_day = ANCHOR // SECONDS_PER_DAY
    age_days = rng.triangular(18, 38, 88, count) * 365.25
    return (anchor_day - age_days).astype(np.int32)


def _addresses(
    locale: np.ndarray, rng: np.random.Generator, pools: tuple[LocalePools, ...]
) -> dict[str, pa.Array]:
    def sampler(attribute: str):
        def build(index: int, rows: np.ndarray) -> pa.Array:
            pool = getattr(pools[index], attribute)
            return pick(pool, rng.integers(0, len(pool), len(rows)))

        return build

    return {
        "street": _by_locale(locale, sampler("street")),
        "city": _by_locale(locale, sampler("city")),
        "postal_code": _by_locale(locale, sampler("postcode")),
    }


def phone_from_template(template: str, rng: np.random.Generator, count: int) -> pa.Array:
    """Canonical phone numbers: D any digit, N 2-9, M 3-9, anything else literal."""
    matrix = np.empty((count, len(template)), np.uint8)
    lowest_digit = {"D": 0, "N": 2, "M": 3}
    for position, char in enumerate(template):
        if char in lowest_digit:
            matrix[:, position] = rng.integers(lowest_digit[char], 10, count) + 48
        else:
            matrix[:, position] = ord(char)
    return fixed_width_strings(matrix)


def _phones(locale: np.ndarray, rng: np.random.Generator) -> pa.Array:
    return _by_locale(
        locale,
        lambda index, rows: phone_from_template(LOCALES[index].phone_template, rng, len(rows)),
    )


def _created_at(
    count: int, window: tuple[int, int], rng: np.random.Generator, volumes: Volumes
) -> np.ndarray:
    start, end = window
    created = rng.integers(start, end, count)
    if start == HISTORY_START:
        # Long-standing customers joined in the six years before the delivered history.
        veteran = rng.random(count) < volumes.share_before_history
        earliest = start - 6 * 365 * SECONDS_PER_DAY
        created[veteran] = rng.integers(earliest, start, int(veteran.sum()))
    return created


def _home_stores(locale: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    stores = np.array(STORES_PER_LOCALE)
    first_store = np.concatenate([[1], np.cumsum(stores)[:-1] + 1])
    return (first_store[locale] + (rng.random(len(locale)) * stores[locale]).astype(int)).astype(np.int16)


def _social_platforms(locale: np.ndarray, rng: np.random.Generator, share: float) -> np.ndarray:
    count = len(locale)
    chinese = np.array(CN_PLATFORMS[0])[rng.choice(3, count, p=CN_PLATFORMS[1])]
    western = np.array(WORLD_PLATFORMS[0])[rng.choice(4, count, p=WORLD_PLATFORMS[1])]
    platform = np.where(locale == CN, chinese, western)
    return np.where(rng.random(count) < share, platform, NO_RECORD).astype(np.int8)


def _channels(
    counters: Counters, locale: np.ndarray, rng: np.random.Generator, volumes: Volumes
) -> dict[str, np.ndarray]:
    count = len(locale)

    def draw(share: float) -> np.ndarray:
        return rng.random(count) < share

    has_account = draw(volumes.account_share)
    second = has_account & draw(volumes.second_account_share)
    return {
        "account_seq": counters.allocate_where("account", has_account),
        "second_account_seq": counters.allocate_where("account", second),
        "member_seq": counters.allocate_where("member", draw(volumes.loyalty_share)),
        "subscriber_seq": counters.allocate_where("subscriber", draw(volumes.subscriber_share)),
        "contact_seq": counters.allocate_where("contact", draw(volumes.crm_share)),
        "profile_seq": counters.allocate_where("profile", draw(volumes.enrichment_share)),
        "social_platform": _social_platforms(locale, rng, volumes.social_share),
    }


def member_card_numbers(member_seq: np.ndarray) -> pa.Array:
    """12-digit loyalty card numbers: unique per member, not sequential-looking."""
    # 7_919_993 is coprime with 10**10, so the mapping is a bijection on the lower digits.
    scrambled = (np.asarray(member_seq, dtype=np.int64) * 7_919_993) % 10**10
    return format_digits(880_000_000_000 + scrambled, 12)


def forget_erased(persons: pa.Table, erased_seq: np.ndarray) -> pa.Table:
    """People whose erasure was carried out stop doing anything the sources record.

    Activity 0 is the marker: no new events, orders or profile changes.
    """
    if len(erased_seq) == 0:
        return persons
    erased = np.isin(persons["person_seq"].to_numpy(), erased_seq)
    activity = np.where(erased, 0.0, persons["activity"].to_numpy()).astype(np.float32)
    return persons.set_column(persons.schema.get_field_index("activity"), "activity", pa.array(activity))


def is_erased(persons: pa.Table) -> np.ndarray:
    return persons["activity"].to_numpy() == 0
