"""Pools of Faker values, drawn once per seed and then sampled with numpy.

Calling Faker per row would take hours for a million customers; a few thousand
values per locale give enough variety, and sampling them is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker
from text_unidecode import unidecode

from c360.generate.locales import LOCALES

NAME_POOL = 600
PLACE_POOL = 1500
TEXT_POOL = 1500


@dataclass(frozen=True)
class LocalePools:
    """Faker values for one locale; ``*_latin`` align with their native pool."""

    female_first: pa.Array
    female_first_latin: pa.Array
    male_first: pa.Array
    male_first_latin: pa.Array
    last: pa.Array
    last_latin: pa.Array
    street: pa.Array
    city: pa.Array
    postcode: pa.Array
    company: pa.Array
    job: pa.Array
    sentence: pa.Array


def latin(value: str, joined: bool) -> str:
    """Pinyin for CJK (李 -> Li), accents stripped otherwise (José -> Jose)."""
    text = unidecode(value).strip()
    if joined:
        # Pinyin syllables of one given name are written together: Xiu Ying -> Xiuying.
        return "".join(text.split()).capitalize()
    return " ".join(text.split())


def _draw(faker: Faker, method: str, count: int) -> list[str]:
    """``count`` Faker values on one line each (some locales break addresses over lines)."""
    function = getattr(faker, method)
    return [
        " ".join(function().split()) if method == "sentence" else function().replace("\n", ", ")
        for _ in range(count)
    ]


def _names(faker: Faker, method: str, cjk: bool) -> tuple[pa.Array, pa.Array]:
    native = _draw(faker, method, NAME_POOL)
    return pa.array(native, pa.string()), pa.array([latin(n, cjk) for n in native], pa.string())


def _locale_pools(seed: int, index: int) -> LocalePools:
    locale = LOCALES[index]
    faker = Faker(locale.faker_locale)
    faker.seed_instance(seed * 100 + index)
    cjk = locale.family_name_first
    female, female_latin = _names(faker, "first_name_female", cjk)
    male, male_latin = _names(faker, "first_name_male", cjk)
    last, last_latin = _names(faker, "last_name", cjk)
    return LocalePools(
        female_first=female,
        female_first_latin=female_latin,
        male_first=male,
        male_first_latin=male_latin,
        last=last,
        last_latin=last_latin,
        street=pa.array(_draw(faker, "street_address", PLACE_POOL), pa.string()),
        city=pa.array(_draw(faker, "city", PLACE_POOL // 3), pa.string()),
        postcode=pa.array(_draw(faker, "postcode", PLACE_POOL), pa.string()),
        company=pa.array(_draw(faker, "company", PLACE_POOL // 3), pa.string()),
        job=pa.array(_draw(faker, "job", PLACE_POOL // 5), pa.string()),
        sentence=pa.array(_draw(faker, "sentence", TEXT_POOL), pa.string()),
    )


@lru_cache(maxsize=4)
def locale_pools(seed: int) -> tuple[LocalePools, ...]:
    """One ``LocalePools`` per entry of ``LOCALES``, deterministic for ``seed``."""
    return tuple(_locale_pools(seed, index) for index in range(len(LOCALES)))


def lower_alnum(values: pa.Array) -> pa.Array:
    """Lower-case ASCII letters and digits only: the shape of an email local part."""
    return pc.replace_substring_regex(pc.utf8_lower(values), "[^a-z0-9]", "")
