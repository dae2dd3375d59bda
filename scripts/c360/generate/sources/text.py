"""Free text in the customer's language, sampled from Faker sentence pools."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from c360.generate.context import DayContext, People
from c360.generate.locales import LOCALES
from c360.generate.strings import assemble_by_group, join, pick


def locale_sentences(
    people: People, rows: np.ndarray, rng: np.random.Generator, context: DayContext, count: int = 1
) -> pa.Array:
    """``count`` sentences per row in the person's language."""
    locale = people.num("locale")[rows]

    def build(index: int, positions: np.ndarray) -> pa.Array:
        pool = context.pools[index].sentence
        parts = [pick(pool, rng.integers(0, len(pool), len(positions))) for _ in range(count)]
        return parts[0] if count == 1 else join(*parts, separator=" ")

    return assemble_by_group(locale, len(LOCALES), build)
