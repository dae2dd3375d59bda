"""Profile changes: people move, switch phone or email, change family name, change tier.

The person changes first; each channel that knows the old value learns the new
one with some probability that day (the others stay stale), delivering a new
version of its record with a later ``updated_at``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, SPECS, latin_of
from c360.generate.contacts import make_unique_emails
from c360.generate.context import DayContext, People, between
from c360.generate.locales import CN, LOCALES
from c360.generate.persons import is_erased, phone_from_template
from c360.generate.sources.loyalty import TIERS
from c360.generate.strings import pick

KINDS = ("address", "phone", "email", "name", "tier")
KIND_WEIGHTS = (0.35, 0.2, 0.15, 0.1, 0.2)
# Which person field feeds which record column, per kind of change.
FIELDS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "web_accounts": {
        "address": (("street_address", "street"), ("city", "city"), ("postal_code", "postal_code")),
        "phone": (("phone", "phone"),),
        "email": (("email", "email"),),
        "name": (("last_name", "last_name"), (latin_of("last_name"), "last_latin")),
    },
    "loyalty_members": {
        "address": (("postal_code", "postal_code"),),
        "phone": (("phone", "phone"),),
        "email": (("email", "email"),),
        "name": (("last_name", "last_name"), (latin_of("last_name"), "last_latin")),
    },
    "email_subscribers": {
        "email": (("email", "email"),),
        "name": (("last_name", "last_name"), (latin_of("last_name"), "last_latin")),
    },
    "crm_contacts": {
        "address": (("city", "city"),),
        "phone": (("phone", "phone"),),
        "email": (("email", "email"),),
    },
    "enrichment_profiles": {"address": (("city", "city"), ("postal_code", "postal_code"))},
}
LEARNS_SAME_DAY = 0.7
HOUR = 3_600


def change_people(persons: pa.Table, context: DayContext) -> tuple[pa.Table, pa.Table]:
    """(updated persons, changes: person_seq, kind, changed_at) for about 1% of people."""
    rng = context.rng("profile_changes")
    count = persons.num_rows
    changes_today = rng.random(count) < context.volumes.profile_change_share_per_day
    rows = np.flatnonzero(changes_today & ~is_erased(persons))
    kind = rng.choice(len(KINDS), len(rows), p=KIND_WEIGHTS)
    locale = persons["locale"].to_numpy()[rows]
    # A new family name is a Western custom; Chinese customers move instead.
    kind[(kind == KINDS.index("name")) & (locale == CN)] = KINDS.index("address")
    updated = persons
    for index, name in enumerate(KINDS):
        chosen = rows[kind == index]
        if len(chosen) and name != "tier":
            updated = _apply(updated, name, chosen, rng, context)
    start, end = context.window
    changes = pa.table(
        {
            "person_seq": persons["person_seq"].combine_chunks().take(pa.array(rows)),
            "kind": pa.array(list(KINDS)).take(pa.array(kind)),
            "changed_at": pa.array(between(rng, start, end - HOUR, len(rows))),
        }
    )
    return updated, changes


def _set_rows(table: pa.Table, column: str, rows: np.ndarray, values: pa.Array) -> pa.Table:
    mask = np.zeros(table.num_rows, bool)
    mask[rows] = True
    current = table[column].combine_chunks()
    # replace_with_mask fills in mask order, which is row order: sort the values alike.
    order = np.argsort(rows, kind="stable")
    merged = pc.replace_with_mask(current, pa.array(mask), values.take(pa.array(order)))
    return table.set_column(table.schema.get_field_index(column), column, merged)


def _from_pools(
    context: DayContext, locale: np.ndarray, attribute: str, rng: np.random.Generator
) -> pa.Array:
    values = pa.nulls(len(locale), pa.string())
    for index, pools in enumerate(context.pools):
        mine = locale == index
        pool = getattr(pools, attribute)
        chosen = pick(pool, rng.integers(0, len(pool), int(mine.sum())))
        values = pc.replace_with_mask(values, pa.array(mine), chosen)
    return values


def _apply(
    persons: pa.Table, kind: str, rows: np.ndarray, rng: np.random.Generator, context: DayContext
) -> pa.Table:
    locale = persons["locale"].to_numpy()[rows]
    if kind == "address":
        for column, attribute in (("street", "street"), ("city", "city"), ("postal_code", "postcode")):
            persons = _set_rows(persons, column, rows, _from_pools(context, locale, attribute, rng))
    elif kind == "phone":
        phones = pa.nulls(len(rows), pa.string())
        for index, spec in enumerate(LOCALES):
            mine = locale == index
            fresh = phone_from_template(spec.phone_template, rng, int(mine.sum()))
            phones = pc.replace_with_mask(phones, pa.array(mine), fresh)
        persons = _set_rows(persons, "phone", rows, phones)
    elif kind == "email":
        persons = _new_emails(persons, rows, rng)
    elif kind == "name":
        pick_last = rng.integers(0, 1 << 30, len(rows))
        for column, attribute in (("last_name", "last"), ("last_latin", "last_latin")):
            values = pa.nulls(len(rows), pa.string())
            for index, pools in enumerate(context.pools):
                mine = locale == index
                pool = getattr(pools, attribute)
                values = pc.replace_with_mask(values, pa.array(mine), pick(pool, pick_last[mine] % len(pool)))
            persons = _set_rows(persons, column, rows, values)
    return persons


def _new_emails(persons: pa.Table, rows: np.ndarray, rng: np.random.Generator) -> pa.Table:
    """A new address at another provider, unique among everyone's addresses."""
    old = persons["email"].combine_chunks().take(pa.array(rows))
    local = pc.struct_field(pc.extract_regex(old, r"(?P<local>[^@]*)@"), "local")
    domains = pa.array(["gmail.com", "outlook.com", "icloud.com", "proton.me", "qq.com"])
    fresh = pc.binary_join_element_wise(local, pick(domains, rng.integers(0, len(domains), len(rows))), "@")
    taken = pa.concat_arrays(
        [persons["email"].combine_chunks(), persons["alt_email"].combine_chunks()]
    ).drop_null()
    seq = persons["person_seq"].to_numpy()[rows]
    return _set_rows(persons, "email", rows, make_unique_emails(fresh, seq, taken))


def record_versions(
    table: str,
    records: pa.Table,
    before: People,
    after: People,
    changes: pa.Table,
    context: DayContext,
) -> tuple[pa.Table, pa.Table]:
    """(records with changes applied, the new versions to deliver)."""
    rng = context.rng(f"profile_versions:{table}")
    person = records[PERSON].to_numpy()
    changed_seq = changes["person_seq"].to_numpy()
    affected = np.flatnonzero(np.isin(person, changed_seq) & (rng.random(len(person)) < LEARNS_SAME_DAY))
    if len(affected) == 0:
        return records, records.slice(0, 0)
    where = np.searchsorted(changed_seq, person[affected])
    kind = changes["kind"].combine_chunks().take(pa.array(where))
    positions = np.searchsorted(before.num("person_seq"), person[affected])
    versions = records.take(pa.array(affected))
    touched = np.zeros(len(affected), bool)
    for change, fields in FIELDS.get(table, {}).items():
        is_kind = pc.equal(kind, change)
        for column, field in fields:
            current = versions[column].combine_chunks()
            knew_old = pc.fill_null(pc.equal(current, before.text(field, positions)), False)
            update = pc.and_(is_kind, knew_old)
            new_values = pc.if_else(update, after.text(field, positions), current)
            versions = versions.set_column(versions.schema.get_field_index(column), column, new_values)
            touched |= update.to_numpy(zero_copy_only=False)
    if table == "loyalty_members":
        versions, promoted = _new_tiers(versions, kind, rng)
        touched |= promoted
    versions = versions.filter(pa.array(touched))
    when = changes["changed_at"].to_numpy()[where[touched]]
    versions = _stamp(versions, SPECS[table].version_column, when, rng, context.extract_time)
    keep = np.ones(records.num_rows, bool)
    keep[affected[touched]] = False
    return pa.concat_tables([records.filter(pa.array(keep)), versions]), versions


def _new_tiers(versions: pa.Table, kind: pa.Array, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    is_tier = pc.equal(kind, "tier").to_numpy(zero_copy_only=False)
    tiers = versions["tier"].combine_chunks()
    level = pc.index_in(tiers, value_set=pa.array(list(TIERS))).to_numpy(zero_copy_only=False)
    step = np.where(rng.random(len(level)) < 0.8, 1, -1)
    new_level = np.clip(level + step, 0, len(TIERS) - 1)
    is_tier &= new_level != level
    values = pc.if_else(pa.array(is_tier), pa.array(list(TIERS)).take(pa.array(new_level)), tiers)
    return versions.set_column(versions.schema.get_field_index("tier"), "tier", values), is_tier


def _stamp(
    versions: pa.Table, column: str, when: np.ndarray, rng: np.random.Generator, latest: int
) -> pa.Table:
    """A version is recorded a little after the change, always after the previous one."""
    earliest = np.maximum(versions[column].to_numpy() + 1, when)
    stamped = between(rng, earliest, latest, versions.num_rows)
    return versions.set_column(versions.schema.get_field_index(column), column, pa.array(stamped))
