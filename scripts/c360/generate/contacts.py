"""Email addresses and social handles of the true persons, unique per person."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.locales import LOCALES
from c360.generate.pools import lower_alnum
from c360.generate.strings import assemble_by_group, join, map_distinct, pick
from c360.generate.volumes import Volumes


def _email_local_parts(first: pa.Array, last: pa.Array, rng: np.random.Generator) -> pa.Array:
    count = len(first)
    first, last = map_distinct(first, lower_alnum), map_distinct(last, lower_alnum)
    number = rng.integers(1, 100, count)
    year = rng.integers(60, 100, count)
    styles = [
        lambda rows: join(first.take(rows), last.take(rows), separator="."),
        lambda rows: join(first.take(rows), last.take(rows)),
        lambda rows: join(pc.utf8_slice_codeunits(first.take(rows), 0, 1), last.take(rows)),
        lambda rows: join(first.take(rows), last.take(rows), separator="_"),
        lambda rows: join(first.take(rows), last.take(rows), _text(number[rows])),
        lambda rows: join(last.take(rows), first.take(rows), _text(year[rows])),
        lambda rows: join(first.take(rows), ".", last.take(rows), _text(number[rows])),
    ]
    choice = rng.choice(len(styles), count, p=[0.3, 0.15, 0.15, 0.05, 0.15, 0.1, 0.1])
    return assemble_by_group(choice, len(styles), lambda style, rows: styles[style](pa.array(rows)))


def _text(numbers: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(numbers), pa.string())


def _domains(locale: np.ndarray, rng: np.random.Generator) -> pa.Array:
    def build(index: int, rows: np.ndarray) -> pa.Array:
        names = [name for name, _ in LOCALES[index].email_domains]
        weights = np.array([weight for _, weight in LOCALES[index].email_domains])
        return pick(pa.array(names), rng.choice(len(names), len(rows), p=weights / weights.sum()))

    return assemble_by_group(locale, len(LOCALES), build)


def _emails(persons: pa.Table, rng: np.random.Generator) -> pa.Array:
    locale = persons["locale"].to_numpy()
    first = persons["first_latin"].combine_chunks()
    local = _email_local_parts(first, persons["last_latin"].combine_chunks(), rng)
    domain = _domains(locale, rng)
    # Many Chinese customers use their numeric QQ id as their address.
    qq_number = pc.equal(domain, "qq.com").to_numpy(zero_copy_only=False)
    qq_number &= rng.random(len(locale)) < 0.5
    digits = pc.cast(pa.array(rng.integers(10_000_000, 3_000_000_000, len(locale))), pa.string())
    local = pc.if_else(pa.array(qq_number), digits, local)
    return join(local, domain, separator="@")


def _clashes(values: pa.Array, taken: pa.Array | None) -> np.ndarray:
    """Rows whose value repeats an earlier row's or one already taken."""
    firsts = (
        pa.table({"value": values, "row": np.arange(len(values))})
        .group_by("value", use_threads=False)
        .aggregate([("row", "min")])["row_min"]
        .to_numpy()
    )
    clash = np.ones(len(values), bool)
    clash[firsts] = False
    if taken is not None and len(taken):
        clash |= pc.is_in(values, value_set=taken).to_numpy(zero_copy_only=False)
    return clash


def mailbox_key(emails: pa.Array) -> pa.Array:
    """The mailbox an address reaches: case never matters, and Gmail ignores dots in the local part."""
    lowered = pc.utf8_lower(emails)
    parts = pc.extract_regex(lowered, r"(?P<local>[^@]*)@(?P<domain>.*)")
    local, domain = pc.struct_field(parts, "local"), pc.struct_field(parts, "domain")
    is_gmail = pc.is_in(domain, value_set=pa.array(["gmail.com", "googlemail.com"]))
    undotted = join(pc.replace_substring(local, ".", ""), "@gmail.com")
    return pc.if_else(pc.fill_null(is_gmail, False), undotted, lowered)


def make_unique_emails(emails: pa.Array, seq: np.ndarray, taken: pa.Array | None) -> pa.Array:
    """Real mailboxes are unique per person: disambiguate clashes as local<seq>@domain.

    Two addresses clash when they reach the same mailbox (``ann.lee@gmail.com``
    and ``annlee@gmail.com``), not only when they are spelt the same.
    """
    clash = _clashes(mailbox_key(emails), None if taken is None else mailbox_key(taken))
    if not clash.any():
        return emails
    parts = pc.extract_regex(emails.filter(pa.array(clash)), r"(?P<local>[^@]*)@(?P<domain>.*)")
    number = pc.cast(pa.array(seq[clash]), pa.string())
    # no dot before the number: on Gmail "ann.lee.7" and "annlee7" would be one mailbox again
    fixed = join(pc.struct_field(parts, "local"), number, "@", pc.struct_field(parts, "domain"))
    return pc.replace_with_mask(emails, pa.array(clash), fixed)


def _handles(persons: pa.Table, rng: np.random.Generator) -> pa.Array:
    count = persons.num_rows
    first = map_distinct(persons["first_latin"].combine_chunks(), lower_alnum)
    last = map_distinct(persons["last_latin"].combine_chunks(), lower_alnum)
    number = rng.integers(1, 1000, count)
    styles = [
        lambda rows: join("@", first.take(rows), "_", last.take(rows)),
        lambda rows: join("@", first.take(rows), last.take(rows), _text(number[rows])),
        lambda rows: join("@", last.take(rows), _text(number[rows])),
    ]
    choice = rng.choice(3, count, p=[0.4, 0.4, 0.2])
    return assemble_by_group(choice, len(styles), lambda style, rows: styles[style](pa.array(rows)))


def _make_unique_handles(handles: pa.Array, seq: np.ndarray, taken: pa.Array | None) -> pa.Array:
    clash = _clashes(handles, taken)
    if not clash.any():
        return handles
    number = pc.cast(pa.array(seq[clash]), pa.string())
    fixed = join(handles.filter(pa.array(clash)), number, separator="_")
    return pc.replace_with_mask(handles, pa.array(clash), fixed)


def with_contact_points(
    persons: pa.Table, rng: np.random.Generator, existing: pa.Table | None, volumes: Volumes
) -> pa.Table:
    """Add the person's main email, an alternate email for some, and a social handle."""
    seq = persons["person_seq"].to_numpy()
    taken = []
    if existing is not None:
        taken = [existing["email"].combine_chunks(), existing["alt_email"].combine_chunks()]
    taken_emails = pa.concat_arrays(taken).drop_null() if taken else None
    email = make_unique_emails(_emails(persons, rng), seq, taken_emails)
    taken_emails = pa.concat_arrays([email, *taken]).drop_null()
    alternate = make_unique_emails(_emails(persons, rng), seq, taken_emails)
    has_alternate = rng.random(persons.num_rows) < volumes.alternate_email_share
    alternate = pc.if_else(pa.array(has_alternate), alternate, pa.scalar(None, pa.string()))
    taken_handles = existing["handle"].combine_chunks() if existing is not None else None
    handle = _make_unique_handles(_handles(persons, rng), seq, taken_handles)
    return (
        persons.append_column("email", email)
        .append_column("alt_email", alternate)
        .append_column("handle", handle)
    )
