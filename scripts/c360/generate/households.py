"""Households: people who share a phone, an address and a family name.

This is the ``shared_phone`` defect: matching on phone alone over-merges them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.context import DayContext
from c360.generate.defects.manifest import PERSONS_TABLE
from c360.generate.identifiers import ids

NO_HEAD = -1

HOUSEHOLD_COLUMNS = ("phone", "street", "city", "postal_code", "last_name", "last_latin")


def form_households(
    persons: pa.Table, rng: np.random.Generator, share: float, existing: pa.Table | None
) -> pa.Table:
    """Some new people move in with someone already known (``share`` of them).

    The head is a random earlier person of the same locale, existing people first.
    """
    known = existing.num_rows if existing is not None else 0
    everyone = (
        persons if existing is None else pa.concat_tables([existing.select(persons.column_names), persons])
    )
    locale = everyone["locale"].to_numpy()
    joins = np.concatenate([np.zeros(known, bool), rng.random(persons.num_rows) < share])
    order = np.argsort(locale, kind="stable")
    group_start = np.searchsorted(locale[order], locale[order])
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    earlier = rank - group_start[rank]
    joins &= earlier > 0
    head = np.arange(len(order))
    picked = group_start[rank] + (rng.random(len(order)) * earlier).astype(np.int64)
    head[joins] = order[picked[joins]]
    for _ in range(64):  # follow chains (a lodger's head may be a lodger) to the real head
        if np.array_equal(head[head], head):
            break
        head = head[head]
    mine = slice(known, None)
    shared = joins[mine]
    take_head = pa.array(head[mine])
    for column in HOUSEHOLD_COLUMNS:
        values = everyone[column].combine_chunks().take(take_head)
        values = pc.if_else(pa.array(shared), values, persons[column].combine_chunks())
        persons = persons.set_column(persons.schema.get_field_index(column), column, values)
    head_seq = everyone["person_seq"].to_numpy()[head[mine]]
    return persons.append_column("household_head", pa.array(np.where(shared, head_seq, NO_HEAD)))


def shares_household(persons: pa.Table) -> np.ndarray:
    """People who took over another person's phone (the ``shared_phone`` defect)."""
    return persons["household_head"].to_numpy() != NO_HEAD


def note_households(persons: pa.Table, context: DayContext) -> None:
    """List the new people who share a household in the defect manifest."""
    context.manifest.count_eligible("shared_phone", persons.num_rows)
    lodgers = persons["person_seq"].to_numpy()[shares_household(persons)]
    context.manifest.note("shared_phone", PERSONS_TABLE, "phone", ids("person", lodgers))
