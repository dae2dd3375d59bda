"""Web site and app: web_accounts and web_events."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET, latin_of
from c360.generate.context import DayContext, People, between, draw_positions, maybe, sample_activity
from c360.generate.identifiers import ids
from c360.generate.locales import LANGUAGES, LOCALES
from c360.generate.persons import GENDERS
from c360.generate.sources.catalogue import popular_products
from c360.generate.strings import join, uuids

SHOP_URL = "https://shop.example.com"
PLATFORMS = ("web", "ios", "android")
BROWSING = ("page_view", "product_view", "search", "add_to_cart")
PAGES = ("/", "/deals", "/stores", "/help", "/new-arrivals", "/account")
REFERRERS = (
    "https://www.google.com/",
    "https://www.baidu.com/",
    "https://www.bing.com/",
    "https://www.facebook.com/",
    "https://weibo.com/",
)
UTM = {
    "utm_source": ("google", "newsletter", "facebook", "wechat", "baidu"),
    "utm_medium": ("cpc", "email", "social", "display"),
    "utm_campaign": ("spring_sale", "black_friday", "cny_2025", "back_to_school", "summer_deals"),
}
SEARCH_TERMS = (
    "headphones",
    "running shoes",
    "green tea",
    "gift for mom",
    "yoga mat",
    "sale",
    "耳机",
    "连衣裙",
    "kettle",
    "perfume",
    "lego",
    "winter jacket",
    "cookbook",
)


def account_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    """Every account (first and second) of ``people``, created within ``window``."""
    first = np.flatnonzero(people.num("account_seq") >= 0)
    second = np.flatnonzero(people.num("second_account_seq") >= 0)
    rows = np.concatenate([first, second])
    seq = np.concatenate([people.num("account_seq")[first], people.num("second_account_seq")[second]])
    is_second = np.arange(len(rows)) >= len(first)
    return _accounts(people, rows, seq, is_second, window, context.rng("web_accounts"))


def _accounts(
    people: People,
    rows: np.ndarray,
    seq: np.ndarray,
    is_second: np.ndarray,
    window: tuple[int, int],
    rng: np.random.Generator,
) -> pa.Table:
    count = len(rows)
    alternate = people.text("alt_email", rows)
    # A second account is opened with the other address when the person has one.
    email = pc.if_else(
        pa.array(is_second),
        pc.coalesce(alternate, people.text("email", rows)),
        people.text("email", rows),
    )
    created = between(rng, np.maximum(people.num("created_at")[rows], window[0]), window[1], count)
    updated = np.where(rng.random(count) < 0.4, between(rng, created, window[1], count), created)
    locale = people.num("locale")[rows]
    gender = pa.array(list(GENDERS)).take(pa.array(people.num("gender")[rows].astype(np.int64)))
    gives = rng.random((count, 4))
    return pa.table(
        {
            "account_id": ids("account", seq),
            "email": email,
            "phone": maybe(people.text("phone", rows), gives[:, 0] < 0.7),
            "first_name": people.text("first_name", rows),
            "last_name": people.text("last_name", rows),
            "birth_date": maybe(pa.array(people.num("birth_days")[rows]), gives[:, 1] < 0.6),
            "gender": pc.if_else(pa.array(gives[:, 2] < 0.7), gender, pa.scalar("unknown")),
            "street_address": maybe(people.text("street", rows), gives[:, 3] < 0.6),
            "city": maybe(people.text("city", rows), gives[:, 3] < 0.6),
            "postal_code": maybe(people.text("postal_code", rows), gives[:, 3] < 0.6),
            "country": pa.array([spec.country for spec in LOCALES]).take(pa.array(locale.astype(np.int64))),
            "preferred_language": pa.array(list(LANGUAGES)).take(pa.array(locale.astype(np.int64))),
            "marketing_opt_in": pa.array(rng.random(count) < 0.55),
            "created_at": pa.array(created),
            "updated_at": pa.array(updated),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            latin_of("first_name"): people.text("first_latin", rows),
            latin_of("last_name"): people.text("last_latin", rows),
        }
    )


def event_rows(
    people: People, window: tuple[int, int], context: DayContext, products: int, signups: pa.Table
) -> pa.Table:
    """Browsing sessions of everyone, plus one signup event per new account, in time order."""
    rng = context.rng("web_events")
    columns = _in_time_order(
        pa.concat_tables([_browsing(people, window, context, rng, products), _signups(people, signups, rng)])
    )
    seq = context.counters.allocate("web_event", len(columns["occurred_at"]))
    return pa.table({"event_id": ids("web_event", seq), **columns})


def _in_time_order(events: pa.Table) -> dict[str, pa.ChunkedArray]:
    """The columns of ``events`` (its only reference) sorted by occurred_at, one at a time."""
    order = pa.array(np.argsort(events["occurred_at"].to_numpy(), kind="stable"))
    unsorted = dict(zip(events.column_names, events.columns, strict=True))
    del events  # so that each unsorted column is freed once sorted
    return {name: unsorted.pop(name).take(order) for name in list(unsorted)}


def _browsing(
    people: People, window: tuple[int, int], context: DayContext, rng: np.random.Generator, products: int
) -> pa.Table:
    """The events of everyone's browsing sessions."""
    volumes = context.volumes
    has_account = people.num("account_seq") >= 0
    rows_a, start_a = sample_activity(
        people, window, volumes.sessions_per_year_with_account, rng, has_account
    )
    rows_b, start_b = sample_activity(people, window, volumes.sessions_per_year_anonymous, rng, ~has_account)
    rows = np.concatenate([rows_a, rows_b])
    starts = np.concatenate([start_a, start_b])
    return _explode(_sessions(people, rows, starts, rng), rng, window[1], products)


def _device_ids(person_seq: np.ndarray, platform: np.ndarray) -> pa.Array:
    # One browser and one phone per person: the anonymous id is stable per device.
    return uuids(person_seq * 2 + (platform > 0), salt=11)


def _sessions(people: People, rows: np.ndarray, starts: np.ndarray, rng: np.random.Generator) -> dict:
    count = len(rows)
    platform = rng.choice(3, count, p=[0.55, 0.25, 0.2])
    logged_in = (people.num("account_seq")[rows] >= 0) & (rng.random(count) < 0.7)
    session_seq = rng.integers(0, 2**62, count, dtype=np.int64)
    return {
        "rows": rows,
        "starts": starts,
        "platform": platform,
        "logged_in": logged_in,
        "session_id": uuids(session_seq.astype(np.uint64), salt=23),
        "anonymous_id": _device_ids(people.num("person_seq")[rows], platform),
        "account_id": ids("account", np.maximum(people.num("account_seq")[rows], 0)),
        "person": people.num("person_seq")[rows],
        "tz": people.tz_offsets[rows],
    }


def _explode(sessions: dict, rng: np.random.Generator, latest: int, products: int) -> pa.Table:
    length = 1 + rng.poisson(2.0, len(sessions["rows"]))
    which = np.repeat(np.arange(len(length)), length)
    first = np.concatenate([[True], which[1:] != which[:-1]]) if len(which) else np.zeros(0, bool)
    steps = rng.integers(5, 300, len(which))
    steps[first] = 0
    elapsed = _elapsed(steps, length)
    occurred = np.minimum(sessions["starts"][which] + elapsed, latest - 1)
    logged_in = sessions["logged_in"][which]
    event_type = rng.choice(len(BROWSING), len(which), p=[0.45, 0.3, 0.13, 0.12])
    is_login = first & logged_in
    product = popular_products(rng, products, len(which))
    return _event_columns(sessions, which, occurred, event_type, is_login, first, product, rng)


def _elapsed(steps: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Seconds since the start of its session, for each event."""
    if len(steps) == 0:
        return steps
    running = np.cumsum(steps)
    session_first = np.cumsum(length) - length
    return running - np.repeat(running[session_first] - steps[session_first], length)


def _event_columns(sessions, which, occurred, event_type, is_login, first, product, rng) -> pa.Table:
    # Most columns take few distinct values: each is built in one pass as
    # positions into its list of values, null where the event has none.
    count = len(which)
    shows_product = np.isin(event_type, (1, 3)) & ~is_login
    is_search = (event_type == 2) & ~is_login
    distinct, product_position = np.unique(product, return_inverse=True)
    product_ids = ids("product", distinct + 1)
    page = rng.integers(0, len(PAGES), count)
    page = np.where(shows_product, len(PAGES) + 2 + product_position, page)
    page = np.where(is_search, len(PAGES), page)
    page = np.where(is_login, len(PAGES) + 1, page)
    campaign = first & (rng.random(count) < 0.25)
    search_term = draw_positions(rng, (1,) * len(SEARCH_TERMS), count)
    referrer = draw_positions(rng, (5, 2, 1, 1, 1), count)
    referred = first & (rng.random(count) < 0.6)
    columns = {
        "account_id": _take(sessions["account_id"], which, sessions["logged_in"][which]),
        "anonymous_id": _take(sessions["anonymous_id"], which),
        "session_id": _take(sessions["session_id"], which),
        "platform": _take(_strings(PLATFORMS), sessions["platform"][which]),
        "event_type": _take(_strings((*BROWSING, "login")), np.where(is_login, len(BROWSING), event_type)),
        "page_url": _take(_page_urls(product_ids), page),
        "product_id": _take(product_ids, product_position, shows_product),
        "search_term": _take(_strings(SEARCH_TERMS), search_term, is_search),
        "referrer": _take(_strings(REFERRERS), referrer, referred),
    }
    for name, options in UTM.items():
        columns[name] = _take(_strings(options), draw_positions(rng, (1,) * len(options), count), campaign)
    columns["occurred_at"] = pa.array(occurred)
    columns[PERSON] = pa.array(sessions["person"][which])
    columns[TZ_OFFSET] = pa.array(sessions["tz"][which])
    return pa.table(columns)


def _page_urls(product_ids: pa.Array) -> pa.Array:
    """Every page an event can show: PAGES, search, login, then one per product."""
    pages = pa.array([SHOP_URL + page for page in (*PAGES, "/search", "/login")])
    return pa.concat_arrays([pages, join(SHOP_URL, "/products/", product_ids)])


def _strings(values: tuple[str, ...]) -> pa.Array:
    return pa.array(list(values), pa.string())


def _take(values: pa.Array, positions: np.ndarray, keep: np.ndarray | None = None) -> pa.Array:
    """``values`` at ``positions``, null where not ``keep``."""
    return values.take(pa.array(positions, mask=None if keep is None else ~keep))


def _signups(people: People, accounts: pa.Table, rng: np.random.Generator) -> pa.Table:
    """The signup event of each new account, on the site or in the app."""
    count = accounts.num_rows
    platform = rng.choice(3, count, p=[0.6, 0.25, 0.15])
    person = accounts[PERSON].to_numpy()
    none = pa.nulls(count, pa.string())
    return pa.table(
        {
            "account_id": accounts["account_id"].combine_chunks(),
            "anonymous_id": _device_ids(person, platform),
            "session_id": uuids(person.astype(np.uint64) * 7 + 3, salt=29),
            "platform": pa.array(list(PLATFORMS)).take(pa.array(platform)),
            "event_type": pa.repeat(pa.scalar("signup"), count),
            "page_url": pa.repeat(pa.scalar(SHOP_URL + "/signup"), count),
            "product_id": none,
            "search_term": none,
            "referrer": none,
            "utm_source": none,
            "utm_medium": none,
            "utm_campaign": none,
            "occurred_at": accounts["created_at"].combine_chunks(),
            PERSON: accounts[PERSON].combine_chunks(),
            TZ_OFFSET: accounts[TZ_OFFSET].combine_chunks(),
        }
    )
