"""Value-level defects: each function turns clean values into defective ones.

Every function takes the clean values of the affected cells (already text,
except times, dates and numbers, which come as numbers so the defect can keep
the instant or amount), a random generator and the hidden helper columns of
those rows, and returns the delivered text.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.defects.variants import first_different, literal, map_values, one_of, regex
from c360.generate.strings import format_cents, join
from c360.generate.timeline import (
    SECONDS_PER_DAY,
    format_dates,
    format_timestamps,
    format_timestamps_with_offset,
)

Hidden = dict[str, pa.Array]

EMAIL_PLACEHOLDERS = ("n/a", "N/A", "test@test.com", "none@none.com", "noemail@example.com")
EMAIL_TYPOS = {
    "gmail.com": "gmial.com",
    "hotmail.com": "hotmial.com",
    "yahoo.com": "yaho.com",
    "outlook.com": "outlok.com",
}
PHONE_JUNK = ("000-0000", "1234567", "n/a", "0000000000", "N/A", "unknown", "111-111-1111")
PLUS_TAGS = ("shop", "news", "promo", "2025", "orders")
CONTROL_CHARACTERS = ("\x07", "\x0b", "\x1b", "\x7f", "\x08", "\t", "\r\n", "\x0c")
EMOJI = ("😀", "👍🏻", "🔥", "🎉", "😡", "❤️", "🙏", "🤔")
FORMULAS = (
    '=HYPERLINK("http://example.com/promo","Click here")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "=1+2",
    "-2+3+cmd|' /C calc'!A0",
)
LONG_TEXT_MIN = 4_001
NOT_A_DATE = ("not a date", "0000-00-00 00:00:00", "yesterday", "TBD")
UNKNOWN_CURRENCIES = ("XXX", "RMB", "US$")
INVALID_AMOUNTS = ("abc", "n/a", "#VALUE!")
INVALID_QUANTITIES = ("0", "-1", "two", "-3")
INVALID_SCORES = ("-1", "11", "42", "ten")
DEFAULT_OFFSETS = (-300, -480, 0, 60, 480)
YEAR = 365 * SECONDS_PER_DAY
FIRST_OF_2030 = 1_893_456_000

# Names and aliases staging must map back to ISO codes (see the contract's country row).
COUNTRY_ALIASES = {
    "us": ("USA", "United States", "us"),
    "cn": ("China", "中国", "PRC", "cn"),
    "de": ("Deutschland", "Germany", "de"),
    "fr": ("France", "fr"),
    "gb": ("United Kingdom", "UK", "gb"),
}
GENDER_ALIASES = {
    "female": ("F", "Female", "女", "f", "FEMALE"),
    "male": ("M", "Male", "男", "m", "MALE"),
    "non_binary": ("Non_Binary", "NON_BINARY"),
    "unknown": ("Unknown", "UNKNOWN"),
}
BOOLEAN_ALIASES = {
    "true": ("yes", "Y", "1", "TRUE", "True", "YES"),
    "false": ("no", "N", "0", "FALSE", "False", "NO"),
}
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Richard": "Rick",
    "James": "Jim",
    "Michael": "Mike",
    "Katherine": "Kate",
    "Jennifer": "Jen",
    "Christopher": "Chris",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Margaret": "Maggie",
    "Patricia": "Pat",
    "Jonathan": "Jon",
    "Andrew": "Andy",
    "Steven": "Steve",
    "Edward": "Ed",
    "Benjamin": "Ben",
    "Samuel": "Sam",
    "Alexander": "Alex",
    "Nicholas": "Nick",
    "Susan": "Sue",
    "Deborah": "Debbie",
    "Rebecca": "Becky",
    "Victoria": "Vicky",
    "Charles": "Charlie",
    "David": "Dave",
    "Jessica": "Jess",
    "Kimberly": "Kim",
    "Timothy": "Tim",
    "Gregory": "Greg",
    "Kenneth": "Ken",
    "Ronald": "Ron",
    "Donald": "Don",
    "Jacqueline": "Jackie",
    "Christina": "Tina",
    "Pamela": "Pam",
    "Zachary": "Zach",
    "Joshua": "Josh",
    "Nathaniel": "Nate",
    "Theodore": "Ted",
}


def _split_email(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    parts = pc.extract_regex(values, r"(?P<local>[^@]*)@(?P<domain>.*)")
    return pc.struct_field(parts, "local"), pc.struct_field(parts, "domain")


def _gmail_only(transform, fallback):
    def apply(values: pa.Array) -> pa.Array:
        is_gmail = pc.fill_null(pc.ends_with(pc.utf8_lower(values), "@gmail.com"), False)
        return pc.if_else(is_gmail, transform(values), fallback(values))

    return apply


def _toggle_dots(values: pa.Array) -> pa.Array:
    """Gmail ignores dots: j.smith -> jsmith, jsmith -> j.smith."""
    local, domain = _split_email(values)
    has_dot = pc.fill_null(pc.match_substring(local, "."), False)
    toggled = pc.if_else(
        has_dot, pc.replace_substring(local, ".", ""), pc.replace_substring_regex(local, "^(.)", r"\1.")
    )
    return join(toggled, domain, separator="@")


def email_variant(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    title = pc.utf8_title
    tag = literal(PLUS_TAGS, rng)
    return one_of(
        values,
        rng,
        [
            pc.utf8_upper,
            title,
            lambda v: join(" ", v, " "),
            lambda v: join(v, "  "),
            _gmail_only(_toggle_dots, title),
            lambda v: join(_split_email(v)[0], "+", tag(v), "@", _split_email(v)[1]),
            _gmail_only(regex("@gmail\\.com$", "@googlemail.com"), pc.utf8_upper),
        ],
    )


def email_typo_domain(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    local, domain = _split_email(values)
    typo = regex("^(.)", r"\1\1")(domain)  # doubled first letter as the generic typo
    for right, wrong in EMAIL_TYPOS.items():
        typo = pc.if_else(pc.equal(domain, right), pa.scalar(wrong), typo)
    return join(local, typo, separator="@")


def email_invalid(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return one_of(
        values,
        rng,
        [
            regex("@.*$", "@"),  # ann.lee@
            lambda v: pc.replace_substring_regex(_split_email(v)[0], "[._]", " "),  # ann lee
            regex("@", "@@"),
            regex("@", ""),
        ],
    )


def email_placeholder(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return literal(EMAIL_PLACEHOLDERS, rng)(values)


def _national(values: pa.Array) -> pa.Array:
    """+1 415 555 0134 -> 4155550134; +49 151 234 -> 0151 234 (trunk prefix)."""
    trunk = regex(r"^\+(?:49|33|44) ", "0")(values)
    bare = pc.replace_substring(regex(r"^\+(?:1|86) ", "")(values), " ", "")
    return pc.if_else(
        pc.starts_with(values, "+1 "), bare, pc.if_else(pc.starts_with(values, "+86 "), bare, trunk)
    )


def _local_style(us_pattern: str, cn_pattern: str, fallback):
    us = r"^\+1 (\d{3}) (\d{3}) (\d{4})$"
    cn = r"^\+86 (\d{3}) (\d{4}) (\d{4})$"

    def apply(values: pa.Array) -> pa.Array:
        styled = regex(cn, cn_pattern)(regex(us, us_pattern)(values))
        return pc.if_else(pc.equal(styled, values), fallback(values), styled)

    return apply


def phone_format(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    international_zeros = regex(r"^\+", "00")
    return one_of(
        values,
        rng,
        [
            _national,
            international_zeros,
            lambda v: pc.replace_substring(v, " ", ""),
            _local_style(r"(\1) \2-\3", r"\1-\2-\3", international_zeros),
            _local_style(r"\1.\2.\3 ext. 12", r"+86-\1-\2-\3", _national),
            _local_style(r"1-\1-\2-\3", r"(+86) \1 \2 \3", international_zeros),
        ],
    )


def phone_junk(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return literal(PHONE_JUNK, rng)(values)


def _nickname(values: pa.Array) -> pa.Array:
    parts = pc.extract_regex(values, r"(?P<first>\S+)(?P<rest>.*)")
    first, rest = pc.struct_field(parts, "first"), pc.struct_field(parts, "rest")
    keys = pa.array(list(NICKNAMES))
    nick = pa.array(list(NICKNAMES.values())).take(pc.index_in(first, value_set=keys))
    return join(nick, rest)


def name_variant(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    latin = hidden.get("latin")
    transforms = [
        pc.utf8_upper,
        pc.utf8_lower,
        _nickname,
        regex(r"^([^\x00-\x7f])([^\x00-\x7f])", r"\1 \2"),  # 王秀英 -> 王 秀英
    ]
    if latin is not None:
        # Pinyin for CJK names, stripped accents for accented ones, twice the weight.
        transforms += [lambda v: latin, lambda v: latin]
    transforms.append(lambda v: join(" ", pc.replace_substring(v, " ", "  "), " "))
    return first_different(values, rng, transforms)


def control_characters(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    character = literal(CONTROL_CHARACTERS, rng)
    return one_of(
        values,
        rng,
        [
            lambda v: join(character(v), v),
            lambda v: join(v, character(v)),
            lambda v: join(pc.utf8_slice_codeunits(v, 0, 1), character(v), pc.utf8_slice_codeunits(v, 1)),
        ],
    )


def emoji(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return join(values, literal(EMOJI, rng)(values), separator=" ")


def spreadsheet_formula(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return literal(FORMULAS, rng)(values)


def long_text(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    unit = join(values, " ")
    length = pc.utf8_length(unit).to_numpy(zero_copy_only=False).astype(np.int64)
    target = LONG_TEXT_MIN + rng.integers(0, 2_000, len(values))
    repeats = -(-target // np.maximum(length, 1))
    return pc.binary_repeat(unit, pa.array(repeats))


def timezone_offset(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    seconds = values.to_numpy(zero_copy_only=False)
    offsets = hidden.get("tz_offset")
    if offsets is None:
        minutes = np.array(DEFAULT_OFFSETS)[rng.integers(0, len(DEFAULT_OFFSETS), len(values))]
    else:
        minutes = offsets.to_numpy(zero_copy_only=False)
    return format_timestamps_with_offset(seconds, minutes)


def invalid_timestamp(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    text = format_timestamps(values.to_numpy(zero_copy_only=False))
    return one_of(
        text,
        rng,
        [
            regex(r"^(\d{4})-\d{2}-\d{2}", r"\1-02-30"),  # impossible day
            regex(r"^(\d{4})-\d{2}-(\d{2})", r"\1-13-\2"),  # impossible month
            regex(r"^(\d{4})-(\d{2})-(\d{2}).*$", r"\3/\2/\1"),  # 31/12/2026
            literal(NOT_A_DATE, rng),
        ],
    )


def future_timestamp(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return format_timestamps(FIRST_OF_2030 + rng.integers(0, 40 * YEAR, len(values)))


def invalid_birth_date(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    text = format_dates(values.to_numpy(zero_copy_only=False))
    first_future_day = FIRST_OF_2030 // SECONDS_PER_DAY
    return one_of(
        text,
        rng,
        [
            regex(r"^(\d{4})-(\d{2})-(\d{2})$", r"\1-13-45"),
            regex(r"^(\d{4})-(\d{2})-(\d{2})$", r"\1-02-31"),
            regex(r"^(\d{4})-(\d{2})-(\d{2})$", r"\2/\3/\1"),  # 07/14/1985
            lambda v: format_dates(first_future_day + rng.integers(0, 20 * 365, len(v))),
        ],
    )


def invalid_amount(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    cents = values.to_numpy(zero_copy_only=False)
    return one_of(
        pa.array(np.arange(len(cents))),
        rng,
        [
            lambda rows: format_cents(-np.maximum(cents[rows.to_numpy()], 1)),
            lambda rows: pa.array(["0.00"] * len(rows)),
            lambda rows: pa.array(["0"] * len(rows)),
            lambda rows: literal(INVALID_AMOUNTS, rng)(rows),
            lambda rows: pc.replace_substring(format_cents(cents[rows.to_numpy()]), ".", ","),
        ],
    )


def invalid_quantity(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return literal(INVALID_QUANTITIES, rng)(values)


def invalid_score(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return literal(INVALID_SCORES, rng)(values)


def currency_variant(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return one_of(values, rng, [pc.utf8_lower, lambda v: join(" ", v), lambda v: join(v, " "), pc.utf8_title])


def unknown_currency(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return literal(UNKNOWN_CURRENCIES, rng)(values)


def country_variant(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return map_values(COUNTRY_ALIASES, rng)(values)


def gender_variant(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return map_values(GENDER_ALIASES, rng)(values)


def boolean_variant(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    text = pc.if_else(values, pa.scalar("true"), pa.scalar("false"))
    return map_values(BOOLEAN_ALIASES, rng)(text)


def enum_variant(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return first_different(
        values,
        rng,
        [pc.utf8_upper, pc.utf8_title, lambda v: join(" ", v), lambda v: join(v, "  ")],
    )


def card_format(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    groups = r"^(\d{4})(\d{4})(\d{4})$"
    return one_of(values, rng, [regex(groups, r"\1 \2 \3"), regex(groups, r"\1-\2-\3")])


def handle_case(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return first_different(values, rng, [pc.utf8_title, pc.utf8_upper, pc.utf8_swapcase])


def missing_value(values: pa.Array, rng: np.random.Generator, hidden: Hidden) -> pa.Array:
    return pa.nulls(len(values), pa.string())


APPLIERS = {
    "email_variant": email_variant,
    "email_typo_domain": email_typo_domain,
    "email_invalid": email_invalid,
    "email_placeholder": email_placeholder,
    "phone_format": phone_format,
    "phone_junk": phone_junk,
    "name_variant": name_variant,
    "control_characters": control_characters,
    "emoji": emoji,
    "spreadsheet_formula": spreadsheet_formula,
    "long_text": long_text,
    "timezone_offset": timezone_offset,
    "invalid_timestamp": invalid_timestamp,
    "future_timestamp": future_timestamp,
    "invalid_birth_date": invalid_birth_date,
    "invalid_amount": invalid_amount,
    "invalid_quantity": invalid_quantity,
    "invalid_score": invalid_score,
    "currency_variant": currency_variant,
    "unknown_currency": unknown_currency,
    "country_variant": country_variant,
    "gender_variant": gender_variant,
    "boolean_variant": boolean_variant,
    "enum_variant": enum_variant,
    "card_format": card_format,
    "handle_case": handle_case,
    "missing_value": missing_value,
}
