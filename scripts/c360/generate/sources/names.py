"""Full names as different systems write them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.context import People
from c360.generate.locales import LOCALES
from c360.generate.strings import join


def _family_first(people: People, rows: np.ndarray) -> pa.Array:
    flags = np.array([spec.family_name_first for spec in LOCALES])
    return pa.array(flags[people.num("locale")[rows]])


def native_full_names(people: People, rows: np.ndarray) -> pa.Array:
    """ "Ann Lee", or "李娜" (family name first, no space) for CJK names."""
    first, last = people.text("first_name", rows), people.text("last_name", rows)
    return pc.if_else(_family_first(people, rows), join(last, first), join(first, last, separator=" "))


def latin_full_names(people: People, rows: np.ndarray) -> pa.Array:
    """ "Ann Lee", "Li Na" (pinyin keeps family name first), "Jose Muller"."""
    first, last = people.text("first_latin", rows), people.text("last_latin", rows)
    return pc.if_else(
        _family_first(people, rows),
        join(last, first, separator=" "),
        join(first, last, separator=" "),
    )


def last_first_names(people: People, rows: np.ndarray) -> pa.Array:
    """ "Lee, Ann" as CRM systems like to store it."""
    return join(people.text("last_latin", rows), people.text("first_latin", rows), separator=", ")
