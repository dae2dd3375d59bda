"""Table-driven checks of the portable macros on DuckDB and PostgreSQL.

Every case renders one macro call on a literal next to its expected value. All
cases go into ONE query per engine (a ``union all`` of rows), which dbt compiles
and runs through ``dbt show --inline``; the comparison happens in SQL with the
real types (``is not distinct from``), and each failing case is reported by id.
The session time zone is set to Asia/Shanghai first, so any macro that leaned
on the session zone would show up as a wrong UTC value.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

PROJECT_DIR = Path(__file__).parents[2]
SESSION_TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Case:
    case_id: str
    actual: str  # Jinja expression that renders the SQL under test
    check: str  # SQL boolean; {actual} stands for the rendered expression
    expected: str = "null"  # SQL shown next to the actual value on failure


# --- building blocks ----------------------------------------------------------


def sql_text(value: str | None) -> str:
    """SQL literal for a Python string; control characters become chr() calls."""
    if value is None:
        return "cast(null as varchar)"
    parts: list[str] = []
    plain = ""
    for char in value:
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            if plain:
                parts.append("'" + plain.replace("'", "''") + "'")
                plain = ""
            parts.append(f"chr({ord(char)})")
        else:
            plain += char
    if plain or not parts:
        parts.append("'" + plain.replace("'", "''") + "'")
    return "(" + " || ".join(parts) + ")"


def jinja_text(sql: str) -> str:
    """A Jinja string literal holding a piece of SQL."""
    return '"' + sql.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Jinja(str):
    """An argument that is already a Jinja expression (a nested macro call)."""


def call(macro: str, *sql_arguments: str, extra: str = "") -> str:
    """Jinja call of a project macro with SQL expressions (or Jinja) as arguments."""
    arguments = [
        argument if isinstance(argument, Jinja) else jinja_text(argument) for argument in sql_arguments
    ]
    if extra:
        arguments.append(extra)
    return f"customer360.{macro}({', '.join(arguments)})"


def equals(case_id: str, actual: str, expected_sql: str) -> Case:
    return Case(case_id, actual, "({actual}) is not distinct from (" + expected_sql + ")", expected_sql)


def typed(value: object, sql_type: str) -> str:
    if value is None:
        return f"cast(null as {sql_type})"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"cast('{value}' as {sql_type})"


def text_cases(macro: str, rows: list[tuple], *, extra: str = "") -> Iterator[Case]:
    for case_id, value, expected in rows:
        yield equals(f"{macro}:{case_id}", call(macro, sql_text(value), extra=extra), sql_text(expected))


def boolean_cases(macro: str, rows: list[tuple], *, extra: str = "") -> Iterator[Case]:
    for case_id, value, expected in rows:
        yield equals(
            f"{macro}:{case_id}", call(macro, sql_text(value), extra=extra), typed(expected, "boolean")
        )


# --- cases --------------------------------------------------------------------


def cast_or_null_cases() -> Iterator[Case]:
    rows = [
        # (case id, input, data_type, expected value, SQL type of the expected value)
        ("int_plain", "12", "integer", 12, "integer"),
        ("int_spaces", " 12 ", "integer", 12, "integer"),
        ("int_plus", "+12", "integer", 12, "integer"),
        ("int_negative", "-7", "integer", -7, "integer"),
        ("int_fraction", "12.5", "integer", None, "integer"),
        ("int_underscore", "1_000", "integer", None, "integer"),
        ("int_exponent", "1e3", "integer", None, "integer"),
        ("int_hex", "0x10", "integer", None, "integer"),
        ("int_max", "2147483647", "integer", 2147483647, "integer"),
        ("int_overflow", "2147483648", "integer", None, "integer"),
        ("int_word", "two", "integer", None, "integer"),
        ("int_empty", "", "integer", None, "integer"),
        ("int_null", None, "integer", None, "integer"),
        ("bigint_max", "9223372036854775807", "bigint", 9223372036854775807, "bigint"),
        ("bigint_overflow", "9223372036854775808", "bigint", None, "bigint"),
        ("double_plain", "1.5", "double", 1.5, "double precision"),
        ("double_exponent", "-2.5e3", "double", -2500, "double precision"),
        ("double_leading_dot", ".5", "double", 0.5, "double precision"),
        ("double_trailing_dot", "5.", "double", 5, "double precision"),
        ("double_nan", "NaN", "double", None, "double precision"),
        ("double_infinity", "Infinity", "double", None, "double precision"),
        ("double_overflow", "1e400", "double", None, "double precision"),
        ("double_word", "abc", "double", None, "double precision"),
        ("decimal_plain", "129.90", "decimal(10,2)", "129.90", "decimal(10,2)"),
        ("decimal_round_up", "1.005", "decimal(10,2)", "1.01", "decimal(10,2)"),
        ("decimal_round_negative", "-1.235", "decimal(10,2)", "-1.24", "decimal(10,2)"),
        ("decimal_largest", "99999999.99", "decimal(10,2)", "99999999.99", "decimal(10,2)"),
        ("decimal_too_wide", "100000000", "decimal(10,2)", None, "decimal(10,2)"),
        ("decimal_rounds_too_wide", "99999999.999", "decimal(10,2)", None, "decimal(10,2)"),
        ("decimal_exponent", "1e3", "decimal(10,2)", "1000.00", "decimal(10,2)"),
        ("decimal_spaced_type", "12.345", "numeric( 12 , 3 )", "12.345", "decimal(12,3)"),
        ("decimal_word", "abc", "decimal(10,2)", None, "decimal(10,2)"),
        ("decimal_nan", "NaN", "decimal(10,2)", None, "decimal(10,2)"),
        ("date_plain", "2026-02-28", "date", "2026-02-28", "date"),
        ("date_leap_day", "2024-02-29", "date", "2024-02-29", "date"),
        ("date_not_leap", "2026-02-29", "date", None, "date"),
        ("date_impossible", "2026-02-30", "date", None, "date"),
        ("date_month_13", "1985-13-45", "date", None, "date"),
        ("date_us_format", "07/14/1985", "date", None, "date"),
        ("date_short_parts", "1985-7-4", "date", None, "date"),
        ("date_slashes", "1985/07/14", "date", None, "date"),
        ("date_year_zero", "0000-01-01", "date", None, "date"),
        ("date_with_time", "2026-03-01 10:00:00", "date", None, "date"),
        ("ts_plain", "2026-03-01 10:00:00", "timestamp", "2026-03-01 10:00:00", "timestamp"),
        (
            "ts_t_separator",
            "2026-03-01T10:00:00.123456",
            "timestamp",
            "2026-03-01 10:00:00.123456",
            "timestamp",
        ),
        ("ts_millis", "2026-03-01 10:00:00.5", "timestamp", "2026-03-01 10:00:00.5", "timestamp"),
        ("ts_date_only", "2026-03-01", "timestamp", "2026-03-01 00:00:00", "timestamp"),
        ("ts_no_seconds", "2026-03-01 10:07", "timestamp", "2026-03-01 10:07:00", "timestamp"),
        (
            "ts_end_of_day",
            "2026-12-31 23:59:59.999999",
            "timestamp",
            "2026-12-31 23:59:59.999999",
            "timestamp",
        ),
        ("ts_hour_24", "2026-03-01 24:00:00", "timestamp", None, "timestamp"),
        ("ts_impossible_day", "2026-02-30 10:00:00", "timestamp", None, "timestamp"),
        ("ts_with_offset", "2026-03-01 10:00:00+08:00", "timestamp", None, "timestamp"),
        ("ts_nanoseconds", "2026-03-01 10:00:00.123456789", "timestamp", None, "timestamp"),
    ]
    for case_id, value, data_type, expected, expected_type in rows:
        yield equals(
            f"cast_or_null:{case_id}",
            call("cast_or_null", sql_text(value), extra=repr(data_type)),
            typed(expected, expected_type),
        )
    yield equals("cast_or_null:boolean", call("cast_or_null", sql_text(" Yes "), extra="'boolean'"), "true")
    yield equals("cast_or_null:text", call("cast_or_null", "12", extra="'text'"), "'12'")
    # pattern_checked skips only the pattern: text the caller has matched still
    # gives null for an impossible day and is trimmed like any other.
    for case_id, value, expected in [
        ("checked_valid", " 2026-03-01 10:07:00 ", "2026-03-01 10:07:00"),
        ("checked_impossible_day", "2026-02-30 10:00:00", None),
    ]:
        yield equals(
            f"cast_or_null:{case_id}",
            call("cast_or_null", sql_text(value), extra="'timestamp', pattern_checked=true"),
            typed(expected, "timestamp"),
        )


def parse_boolean_cases() -> Iterator[Case]:
    rows = [
        ("true", "true", True),
        ("t_upper", "T", True),
        ("yes_spaced", " yes ", True),
        ("y_upper", "Y", True),
        ("one", "1", True),
        ("true_mixed", "True", True),
        ("yes_tab", "yes\t", True),
        ("false", "false", False),
        ("f", "f", False),
        ("no_upper", "NO", False),
        ("n", "n", False),
        ("zero", "0", False),
        ("false_upper", "FALSE", False),
        ("maybe", "maybe", None),
        ("two", "2", None),
        ("empty", "", None),
        ("blank", "   ", None),
        ("null", None, None),
    ]
    yield from boolean_cases("parse_boolean", rows)


def parse_timestamp_utc_cases() -> Iterator[Case]:
    rows = [
        ("naive_is_utc", "2026-03-01 14:05:00", "2026-03-01 14:05:00"),
        ("t_separator", "2026-03-01T14:05:00", "2026-03-01 14:05:00"),
        ("zulu", "2026-03-01T14:05:00Z", "2026-03-01 14:05:00"),
        ("lower_case_t_z", "2026-03-01t14:05:00z", "2026-03-01 14:05:00"),
        ("plus_colon_offset", "2026-03-01T22:05:00+08:00", "2026-03-01 14:05:00"),
        ("plus_compact_offset", "2026-03-01T22:05:00+0800", "2026-03-01 14:05:00"),
        ("minus_compact_offset", "2026-03-01 09:05:00-0500", "2026-03-01 14:05:00"),
        ("minus_colon_offset", "2026-03-01 09:05:00-05:00", "2026-03-01 14:05:00"),
        ("half_hour_offset_previous_day", "2026-03-01 02:00:00+05:30", "2026-02-28 20:30:00"),
        ("negative_offset_next_day", "2026-03-01 23:30:00-01:00", "2026-03-02 00:30:00"),
        ("offset_across_year", "2027-01-01 07:59:59+08:00", "2026-12-31 23:59:59"),
        ("space_before_offset", "2026-03-01 22:05:00 +08:00", "2026-03-01 14:05:00"),
        ("millis", "2026-03-01 14:05:00.123", "2026-03-01 14:05:00.123"),
        ("millis_with_offset", "2026-03-01T22:05:00.250+08:00", "2026-03-01 14:05:00.25"),
        ("nanos_cut_to_micros", "2026-03-01 14:05:00.123456789", "2026-03-01 14:05:00.123456"),
        ("surrounding_spaces", "  2026-03-01 14:05:00  ", "2026-03-01 14:05:00"),
        ("leap_day", "2024-02-29 12:00:00", "2024-02-29 12:00:00"),
        ("future_still_parses", "2030-01-01 00:00:00", "2030-01-01 00:00:00"),
        ("impossible_day", "2026-02-30 10:00:00", None),
        ("not_leap_year", "2026-02-29 12:00:00", None),
        ("month_13", "2026-13-01 10:00:00", None),
        ("hour_24", "2026-03-01 24:00:00", None),
        ("minute_60", "2026-03-01 10:60:00", None),
        ("offset_too_large", "2026-03-01 14:05:00+15:00", None),
        ("day_first", "31/12/2026", None),
        ("garbage", "not a date", None),
        ("date_only", "2026-03-01", None),
        ("no_seconds", "2026-03-01 14:05", None),
        ("empty", "", None),
        ("null", None, None),
    ]
    for case_id, value, expected in rows:
        yield equals(
            f"parse_timestamp_utc:{case_id}",
            call("parse_timestamp_utc", sql_text(value)),
            typed(expected, "timestamp"),
        )


def parse_date_cases() -> Iterator[Case]:
    rows = [
        ("plain", "1985-07-14", "1985-07-14"),
        ("spaces", " 1985-07-14 ", "1985-07-14"),
        ("leap_day", "2024-02-29", "2024-02-29"),
        ("not_leap", "2023-02-29", None),
        ("impossible", "1985-13-45", None),
        ("us_format", "07/14/1985", None),
        ("with_time", "1985-07-14T00:00:00", None),
        ("garbage", "yesterday", None),
        ("empty", "", None),
        ("null", None, None),
    ]
    for case_id, value, expected in rows:
        yield equals(f"parse_date:{case_id}", call("parse_date", sql_text(value)), typed(expected, "date"))


def clock_cases() -> Iterator[Case]:
    now = datetime.now(UTC).replace(tzinfo=None)
    # compared with the test's own clock, which knows nothing of the session zone
    window = "({actual}) between cast('{low}' as timestamp) and cast('{high}' as timestamp)"
    low = (now - timedelta(minutes=5)).isoformat(sep=" ")
    high = (now + timedelta(minutes=5)).isoformat(sep=" ")
    check = window.replace("{low}", low).replace("{high}", high)
    yield Case(
        "current_timestamp_utc:is_utc_now", "customer360.current_timestamp_utc()", check, f"'{low} .. {high}'"
    )
    # the cutoff is measured from when a row was received, never from the clock
    received_at = "cast('2026-03-01 10:00:00' as timestamp)"
    yield equals(
        "future_cutoff:tolerance_after_receipt",
        call("future_cutoff", received_at),
        "cast('2026-03-02 10:00:00' as timestamp)",
    )
    # proves the cases above ran under a non-UTC session time zone
    yield equals(
        "session:time_zone_is_not_utc", jinja_text("current_setting('TimeZone')"), f"'{SESSION_TIME_ZONE}'"
    )


def clean_text_cases() -> Iterator[Case]:
    rows = [
        ("collapse_spaces", "  Ann   Lee  ", "Ann Lee"),
        ("tabs_newlines", "a\tb\nc\r\nd", "a b c d"),
        ("c0_control", "a\x01b\x1fc", "a b c"),
        ("delete_and_c1", "a\x7fb\x85c\x9fd", "a b c d"),
        ("no_break_space", "a\u00a0b", "a b"),
        ("ideographic_space", "李\u3000娜", "李 娜"),
        ("zero_width_space", "a\u200bb", "a b"),
        ("byte_order_mark", "\ufeffabc", "abc"),
        ("line_separator", "a\u2028b", "a b"),
        ("emoji_survive", " I ❤️ it 😀 👩‍👩‍👧 ", "I ❤️ it 😀 👩‍👩‍👧"),
        ("cjk_unchanged", "李娜", "李娜"),
        ("accents_unchanged", "José Ñúñez", "José Ñúñez"),
        ("formula_kept", '=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
        ("only_spaces", "   ", None),
        ("only_controls", "\t\n\r", None),
        ("empty", "", None),
        ("null", None, None),
    ]
    yield from text_cases("clean_text", rows)
    truncation_rows = [
        ("cut", "abcdef", "abc"),
        ("cut_then_trim", "ab cdef", "ab"),
        ("cut_after_cleaning", "  a  b  c  ", "a b"),
        ("short_kept", "ab", "ab"),
        ("cjk_counts_characters", "李娜李娜", "李娜李"),
        ("emoji_counts_code_points", "😀😀😀😀", "😀😀😀"),
    ]
    yield from text_cases("clean_text", [(f"max3_{c}", v, e) for c, v, e in truncation_rows], extra="3")


def is_text_truncated_cases() -> Iterator[Case]:
    rows = [
        ("longer", "abcdef", True),
        ("equal", "abc", False),
        ("shorter", "ab", False),
        ("cleaned_first", "  abc  ", False),
        ("inner_spaces_collapsed", "a    b", False),
        ("cjk", "李娜李娜", True),
        ("cjk_fits", "李娜李", False),
        ("null", None, False),
    ]
    yield from boolean_cases("is_text_truncated", rows, extra="3")


def has_formula_prefix_cases() -> Iterator[Case]:
    rows = [
        ("equals", "=SUM(A1:A9)", True),
        ("hyperlink", '=HYPERLINK("http://x","y")', True),
        ("plus_letter", "+cmd|' /C calc'!A0", True),
        ("minus_letter", "-cmd", True),
        ("at", "@SUM(A1)", True),
        ("plus_paren", "+(1+1)", True),
        ("leading_space", "  =1+1", True),
        ("leading_tab", "\t=1+1", True),
        ("phone", "+1 415 555 0134", False),
        ("phone_cn", "+86 138 0013 8000", False),
        ("negative_number", "-5", False),
        ("negative_decimal", "-12.5", False),
        ("plain_text", "Ann", False),
        ("equals_inside", "a=b", False),
        ("plus_space", "+ 1", False),
        ("empty", "", False),
        ("null", None, False),
    ]
    yield from boolean_cases("has_formula_prefix", rows)


def standardize_enum_cases() -> Iterator[Case]:
    rows = [
        ("spaces_and_case", " Page View ", "page_view"),
        ("hyphen", "PAGE-VIEW", "page_view"),
        ("non_binary", "Non-Binary", "non_binary"),
        ("inner_space_run", "web  form", "web_form"),
        ("spaced_hyphen", "Page - View", "page_view"),
        ("controls", "\tGold\n", "gold"),
        ("already_clean", "ios", "ios"),
        ("upper", "PLATINUM", "platinum"),
        ("empty", "", None),
        ("blank", "   ", None),
        ("null", None, None),
    ]
    yield from text_cases("standardize_enum", rows)


def email_cases() -> Iterator[Case]:
    yield from text_cases(
        "clean_email",
        [
            ("case_and_spaces", " Ann.Lee@Example.COM ", "ann.lee@example.com"),
            ("inner_space", "ann lee@x.com", "annlee@x.com"),
            ("tab_and_nbsp", "a\t b@x.com\u00a0", "ab@x.com"),
            ("newline", "ann@\nexample.com", "ann@example.com"),
            ("placeholder_kept", " N/A ", "n/a"),
            ("empty", "", None),
            ("blank", "   ", None),
            ("null", None, None),
        ],
    )
    yield from text_cases(
        "email_local_part",
        [
            ("plain", "ann.lee@example.com", "ann.lee"),
            ("last_at", '"a@b"@example.com', '"a@b"'),
            ("no_domain", "ann.lee@", "ann.lee"),
            ("no_local", "@example.com", None),
            ("no_at", "annlee", None),
            ("null", None, None),
        ],
    )
    yield from text_cases(
        "email_domain",
        [
            ("plain", "ann.lee@example.com", "example.com"),
            ("last_at", '"a@b"@example.com', "example.com"),
            ("no_domain", "ann.lee@", None),
            ("no_local", "@example.com", "example.com"),
            ("no_at", "annlee", None),
            ("null", None, None),
        ],
    )
    canonical_rows = [
        ("gmail_dots_and_tag", "a.n.n+promo", "gmail.com", "ann@gmail.com"),
        ("googlemail", "ann", "googlemail.com", "ann@gmail.com"),
        ("gmail_many_tags", "a.b.c+x+y", "gmail.com", "abc@gmail.com"),
        ("other_domain_tag_only", "ann.lee+news", "example.com", "ann.lee@example.com"),
        ("other_domain_unchanged", "ann.lee", "example.com", "ann.lee@example.com"),
        ("only_tag", "+tag", "gmail.com", None),
        ("null_local", None, "gmail.com", None),
        ("null_domain", "ann", None, None),
    ]
    for case_id, local_part, domain, expected in canonical_rows:
        yield equals(
            f"canonical_email:{case_id}",
            call("canonical_email", sql_text(local_part), sql_text(domain)),
            sql_text(expected),
        )
    clean = Jinja(call("clean_email", sql_text(" Ann.Lee+X@GoogleMail.com ")))
    yield equals(
        "canonical_email:composed_pipeline",
        call("canonical_email", Jinja(call("email_local_part", clean)), Jinja(call("email_domain", clean))),
        sql_text("annlee@gmail.com"),
    )
    yield from boolean_cases(
        "is_valid_email",
        [
            ("plain", "ann.lee@example.com", True),
            ("subdomains", "ann@mail.example.co.uk", True),
            ("plus_tag", "ann+tag@gmail.com", True),
            ("percent", "ann%x@example.com", True),
            ("no_domain", "ann.lee@", False),
            ("space", "ann lee", False),
            ("no_tld", "ann@example", False),
            ("one_letter_tld", "ann@example.c", False),
            ("double_at", "ann@@example.com", False),
            ("placeholder_na", "n/a", False),
            ("upper_case_not_clean", "Ann@Example.com", False),
            ("null", None, None),
        ],
    )


def phone_cases() -> Iterator[Case]:
    rows = [
        # (case id, phone, calling code, expected E.164)
        ("us_international", "+1 415 555 0134", "1", "+14155550134"),
        ("us_parentheses", "(415) 555-0134", "1", "+14155550134"),
        ("us_dots_extension", "415.555.0134 ext. 12", "1", "+14155550134"),
        ("us_x_extension", "415-555-0134 x12", "1", "+14155550134"),
        ("us_hash_extension", "415 555 0134 #7", "1", "+14155550134"),
        ("us_rfc3966_extension", "+1-415-555-0134;ext=99", "1", "+14155550134"),
        ("us_with_country_digit", "1-415-555-0134", "1", "+14155550134"),
        ("us_double_zero", "001 415 555 0134", "1", "+14155550134"),
        ("us_area_code_starts_1", "+1 115 555 0134", "1", None),
        ("us_area_code_starts_0", "(015) 555-0134", "1", None),
        ("us_too_short", "+1 415 555 013", "1", None),
        ("us_too_long", "+1 415 555 01345", "1", None),
        ("us_repeated_digit", "555-555-5555", "1", None),
        ("cn_international", "+86 138 0013 8000", "86", "+8613800138000"),
        ("cn_national_mobile", "13800138000", "86", "+8613800138000"),
        ("cn_carrying_code", "8613800138000", "86", "+8613800138000"),
        ("cn_double_zero", "0086 138 0013 8000", "1", "+8613800138000"),
        ("cn_international_with_us_default", "+86 138 0013 8000", "1", "+8613800138000"),
        ("cn_beijing_landline", "+86 10 6552 9988", "86", "+861065529988"),
        ("cn_landline_trunk_zero", "010 6552 9988", "86", "+861065529988"),
        ("cn_mobile_too_short", "+86 138 0013 800", "86", None),
        ("cn_mobile_too_long", "+86 138 0013 80001", "86", None),
        ("cn_code_with_plus", "13800138000", "+86", "+8613800138000"),
        ("uk_international", "+44 20 7946 0958", "44", "+442079460958"),
        ("uk_trunk_zero", "020 7946 0958", "44", "+442079460958"),
        ("de_short_number", "+49 30 123456", "49", "+4930123456"),
        ("ru_mobile", "+7 912 345 67 89", "7", "+79123456789"),
        ("ru_repeated_digit", "+7 999 999 99 99", "7", None),
        ("three_digit_code_repeated", "+852 0000 0000", "852", None),
        ("junk_zeros", "000-0000", "1", None),
        ("junk_sequence", "1234567", "1", None),
        ("junk_text", "n/a", "1", None),
        ("junk_words", "call me", "1", None),
        ("sixteen_digits", "+1234567890123456", "1", None),
        ("empty", "", "1", None),
        ("null_phone", None, "1", None),
        ("null_code_national", "4155550134", None, None),
        ("null_code_international", "+1 415 555 0134", None, "+14155550134"),
    ]
    for case_id, phone, code, expected in rows:
        yield equals(
            f"phone_to_e164:{case_id}",
            call("phone_to_e164", sql_text(phone), sql_text(code)),
            sql_text(expected),
        )
    yield from text_cases(
        "phone_extension",
        [
            ("ext_dot", "415.555.0134 ext. 12", "12"),
            ("x", "415-555-0134 x12", "12"),
            ("hash", "415 555 0134 #7", "7"),
            ("rfc3966", "+1-415-555-0134;ext=99", "99"),
            ("word", "+1 415 555 0134 extension 345", "345"),
            ("upper", "415 555 0134 EXT 8", "8"),
            ("none", "+1 415 555 0134", None),
            ("marker_without_digits", "415 555 0134 x", None),
            ("null", None, None),
        ],
    )


def initcap_cases() -> Iterator[Case]:
    rows = [
        ("apostrophe", "o'brien", "O'Brien"),
        ("hyphen", "mary-jane", "Mary-Jane"),
        ("accented_upper", "JOSÉ", "José"),
        ("cjk_untouched", "李娜", "李娜"),
        ("two_words", "ann lee", "Ann Lee"),
        ("all_upper", "ANN LEE", "Ann Lee"),
        ("inner_capital_lowered", "mcDonald", "Mcdonald"),
        ("accented_initial", "élodie", "Élodie"),
        ("polish", "łukasz żółć", "Łukasz Żółć"),
        ("spanish", "ÁNGEL GARCÍA", "Ángel García"),
        ("jean_luc", "jean-luc picard", "Jean-Luc Picard"),
        ("digits_continue_word", "3rd street", "3rd Street"),
        ("underscore_separates", "a_b", "A_B"),
        ("decomposed_accent", "jose\u0301 maria", "José Maria"),
        ("diaeresis", "zoë", "Zoë"),
        ("cyrillic", "иван петров", "Иван Петров"),
        ("greek", "αλέξης", "Αλέξης"),
        ("emoji_then_word", "👍ann", "👍Ann"),
        ("curly_apostrophe", "o\u2019neil", "O\u2019Neil"),
        ("empty", "", ""),
        ("null", None, None),
    ]
    yield from text_cases("initcap", rows)
    yield from text_cases(
        "normalize_person_name",
        [
            ("spaces_and_case", "  ann   LEE ", "Ann Lee"),
            ("controls", "mary\t jane", "Mary Jane"),
            ("cjk_spaced", "李  娜", "李 娜"),
            ("accents", "JOSÉ  GARCÍA", "José García"),
            ("apostrophe", "  o'BRIEN", "O'Brien"),
            ("blank", "  ", None),
            ("null", None, None),
        ],
    )


def regex_cases() -> Iterator[Case]:
    matches = [
        ("anchored", "abc123", "^[a-z]+[0-9]+$", True),
        ("case_sensitive", "ABC", "^[a-z]+$", False),
        ("partial_match", "xx42yy", "[0-9]+", True),
        ("bracket_dot", "a.b", "[.]", True),
        ("cjk_range", "李娜", "^[一-龥]+$", True),
        ("null", None, ".", None),
    ]
    for case_id, value, pattern, expected in matches:
        yield equals(
            f"regex_matches:{case_id}",
            call("regex_matches", sql_text(value), sql_text(pattern)),
            typed(expected, "boolean"),
        )
    replacements = [
        ("every_match", "a1b2c3", "[0-9]", "", "abc"),
        ("collapse", "a  b   c", " +", " ", "a b c"),
        ("no_match", "abc", "[0-9]", "#", "abc"),
        ("null", None, "x", "y", None),
    ]
    for case_id, value, pattern, replacement, expected in replacements:
        yield equals(
            f"regex_replace:{case_id}",
            call("regex_replace", sql_text(value), sql_text(pattern), sql_text(replacement)),
            sql_text(expected),
        )
    extracts = [
        ("group", "order SO-123 ok", "SO-([0-9]+)", "123"),
        ("no_match", "order", "SO-([0-9]+)", None),
        ("null", None, "SO-([0-9]+)", None),
    ]
    for case_id, value, pattern, expected in extracts:
        yield equals(
            f"regex_extract:{case_id}",
            call("regex_extract", sql_text(value), sql_text(pattern)),
            sql_text(expected),
        )


def hashing_cases() -> Iterator[Case]:
    def fingerprint(*values: str | None) -> str:
        columns = ", ".join(jinja_text(sql_text(value)) for value in values)
        return f"customer360.row_fingerprint([{columns}])"

    def digest_of(text: str) -> str:
        # the engine's md5 of Python's encoding: the JSON must match byte for byte
        return "{{ customer360.md5_digest(" + jinja_text(sql_text(text)) + ") }}"

    def encoded(*values: str | None) -> str:
        # the same compact JSON array the engines write: no spaces, UTF-8 kept, controls escaped
        return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))

    known = [
        ("single_value", ("a",)),
        ("null_in_middle", ("a", None, "b")),
        ("all_null", (None,)),
        ("empty_string", ("",)),
        ("cjk_kept_as_utf8", ("李娜",)),
        ("quote_and_backslash", ('say "hi" \\ now',)),
        ("control_characters", ("a\x01b\nc\td",)),
    ]
    for case_id, values in known:
        yield equals(f"row_fingerprint:{case_id}", fingerprint(*values), digest_of(encoded(*values)))
    different = [
        ("null_position", ("a", None), (None, "a")),
        ("separator_inside_value", ("a|b", "c"), ("a", "b|c")),
        ("null_vs_empty", ("",), (None,)),
        ("null_vs_marker", ("~",), (None,)),
        ("empty_vs_null_pair", ("", None), (None, "")),
        ("length_prefix_lookalike", ("1:a",), ("a",)),
    ]
    for case_id, left, right in different:
        yield Case(
            f"row_fingerprint:differs_{case_id}",
            fingerprint(*left),
            "({actual}) is distinct from ({{ " + fingerprint(*right) + " }})",
            "'a different fingerprint'",
        )
    yield equals(
        "row_fingerprint:same_input_same_hash", fingerprint("a", "b"), "{{ " + fingerprint("a", "b") + " }}"
    )
    yield equals(
        "row_fingerprint:single_column_as_string",
        "customer360.row_fingerprint(" + jinja_text(sql_text("a")) + ")",
        digest_of(encoded("a")),
    )
    for case_id, value in (("ascii", "abc"), ("empty", ""), ("cjk", "李娜")):
        expected = hashlib.sha256(value.encode()).hexdigest()
        yield equals(f"sha256_hex:{case_id}", call("sha256_hex", sql_text(value)), f"'{expected}'")
    yield equals("sha256_hex:null", call("sha256_hex", sql_text(None)), "cast(null as varchar)")


def not_null_columns_cases() -> Iterator[Case]:
    """The generic test's query on a literal table: one finding per column holding nulls."""
    table = (
        "(select * from (values (1, 'x', cast(null as varchar)), (2, cast(null as varchar), cast(null as varchar)))"
        " as rows_under_test(a, b, c)) as rows_under_test"
    )

    def findings(aggregate: str, columns: str) -> str:
        test_sql = call("default__test_not_null_columns", table, extra=columns)
        return f"{jinja_text(f'(select {aggregate} from (')} ~ {test_sql} ~ {jinja_text(') as findings)')}"

    for case_id, aggregate, columns, expected in [
        ("columns_with_nulls", "count(*)", "['a', 'b', 'c']", "2"),
        ("null_rows_per_column", "sum(null_row_count)", "['a', 'b', 'c']", "3"),
        ("first_failing_column", "min(column_name)", "['a', 'b', 'c']", "'b'"),
        ("no_nulls_no_finding", "count(*)", "['a']", "0"),
        ("single_column_as_string", "count(*)", "'c'", "1"),
    ]:
        yield equals(f"not_null_columns:{case_id}", findings(aggregate, columns), expected)


def literal_table(alias: str, columns: list[tuple[str, str]], rows: list[tuple]) -> str:
    """A table expression of typed literal rows, aliased (each value cast, so nulls type too)."""
    selects = [
        "select "
        + ", ".join(
            f"{typed(value, sql_type)} as {name}"
            for value, (name, sql_type) in zip(row, columns, strict=True)
        )
        for row in rows
    ]
    return f"({' union all '.join(selects)}) as {alias}"


def generic_test_findings(test_macro: str, model: str, extra: str, aggregate: str) -> str:
    """An aggregate over the rows a generic test's query returns for a literal model."""
    test_sql = call(test_macro, model, extra=extra)
    return f"{jinja_text(f'(select {aggregate} from (')} ~ {test_sql} ~ {jinja_text(') as findings)')}"


KNOWN_REASONS = literal_table(
    "known_reasons",
    [("reason_code", "varchar")],
    [("missing_natural_key",), ("orphan_record",), (None,)],
)


def base_rows_well_formed_cases() -> Iterator[Case]:
    """One finding per malformed base row (its first failed check) and per repeated load key."""
    columns = [
        ("_batch_id", "varchar"),
        ("_row_number", "integer"),
        ("row_fingerprint", "varchar"),
        ("is_exact_duplicate", "boolean"),
        ("is_current_version", "boolean"),
        ("_loaded_at", "timestamp"),
        ("built_at", "timestamp"),
        ("quarantine_reason", "varchar"),
        ("version_number", "integer"),
        ("version_count", "integer"),
    ]
    at = "2026-01-01 00:00:00"
    rows = [
        ("b1", 1, "f1", False, True, at, at, None, 1, 2),  # current version
        ("b1", 2, "f2", False, False, at, at, None, 2, 2),  # older version
        ("b1", 3, "f3", False, False, at, at, "missing_natural_key", None, None),  # quarantined
        ("b1", 4, "f1", True, False, at, at, None, None, None),  # exact duplicate
        ("b1", 5, None, False, False, at, at, "missing_natural_key", None, None),  # no fingerprint
        ("b1", 6, "f6", False, False, at, at, "made_up", None, None),  # unknown reason
        ("b1", 7, "f7", False, False, at, at, "missing_natural_key", 1, 1),  # quarantined with a version
        ("b1", 8, "f8", False, True, at, at, None, 2, 2),  # current but not the first version
        ("b1", 9, "f9", False, False, at, at, None, 3, 2),  # version beyond the count
        ("b2", 1, "g1", False, True, at, at, None, 1, 1),
        ("b2", 1, "g1", False, True, at, at, None, 1, 1),  # the load key again
    ]
    model = literal_table("base_rows", columns, rows)
    extra = jinja_text(KNOWN_REASONS)

    def findings(aggregate: str) -> str:
        return generic_test_findings("default__test_base_rows_well_formed", model, extra, aggregate)

    for case_id, aggregate, expected in [
        ("findings", "count(*)", "6"),
        ("failed_rows", "count(distinct _row_number) filter (where _batch_id = 'b1')", "5"),
        (
            "null_column",
            "max(failed_check) filter (where _row_number = 5)",
            "'a load, fingerprint or version flag column is null'",
        ),
        (
            "unknown_reason",
            "max(failed_check) filter (where _row_number = 6)",
            "'quarantine_reason is not in the quarantine_reasons seed'",
        ),
        ("versions_disagree", "count(*) filter (where failed_check like 'version_number%')", "3"),
        (
            "repeated_load_key",
            "max(failed_check) filter (where _batch_id = 'b2')",
            "'the load key (_batch_id, _row_number) repeats'",
        ),
    ]:
        yield equals(f"base_rows_well_formed:{case_id}", findings(aggregate), expected)


def quarantine_rows_well_formed_cases() -> Iterator[Case]:
    """One finding per malformed quarantined row and per repeated load key; the table's own reasons optional."""
    columns = [
        ("source_name", "varchar"),
        ("table_name", "varchar"),
        ("quarantine_reason", "varchar"),
        ("_batch_id", "varchar"),
        ("_row_number", "integer"),
        ("_loaded_at", "timestamp"),
    ]
    at = "2026-01-01 00:00:00"
    rows = [
        ("crm", "crm_contacts", "missing_natural_key", "b1", 1, at),
        ("shop", "crm_contacts", "missing_natural_key", "b1", 2, at),
        ("crm", "shop_orders", "missing_natural_key", "b1", 3, at),
        ("crm", "crm_contacts", "made_up", "b1", 4, at),
        ("crm", "crm_contacts", "orphan_record", "b1", 5, at),  # known, but not one this table gives
        ("crm", "crm_contacts", None, "b1", 6, at),
        ("crm", "crm_contacts", "missing_natural_key", "b2", 1, at),
        ("crm", "crm_contacts", "missing_natural_key", "b2", 1, at),
    ]
    model = literal_table("quarantined_rows", columns, rows)
    names = f"{jinja_text(KNOWN_REASONS)}, 'crm', 'crm_contacts'"

    def findings(aggregate: str, reasons: str = "none") -> str:
        return generic_test_findings(
            "default__test_quarantine_rows_well_formed", model, f"{names}, {reasons}", aggregate
        )

    only_missing_key = "['missing_natural_key']"
    for case_id, actual, expected in [
        ("findings_with_reasons", findings("count(*)", only_missing_key), "6"),
        ("findings_without_reasons", findings("count(*)"), "5"),
        (
            "other_source",
            findings("max(failed_check) filter (where _row_number = 2)"),
            "'source_name is not crm'",
        ),
        (
            "other_table",
            findings("max(failed_check) filter (where _row_number = 3)"),
            "'table_name is not crm_contacts'",
        ),
        (
            "unknown_reason",
            findings("max(failed_check) filter (where _row_number = 4)"),
            "'quarantine_reason is not in the quarantine_reasons seed'",
        ),
        (
            "reason_of_another_table",
            findings("max(failed_check) filter (where _row_number = 5)", only_missing_key),
            "'quarantine_reason is not one that crm_contacts gives'",
        ),
        (
            "null_reason",
            findings("max(failed_check) filter (where _row_number = 6)"),
            "'quarantine_reason or a load column is null'",
        ),
        (
            "repeated_load_key",
            findings("max(failed_check) filter (where _batch_id = 'b2')"),
            "'the load key (_batch_id, _row_number) repeats'",
        ),
    ]:
        yield equals(f"quarantine_rows_well_formed:{case_id}", actual, expected)


def with_unique_ids(cases: list[Case]) -> list[Case]:
    """The cases, after checking that no two share an id (results are matched by id)."""
    ids = [case.case_id for case in cases]
    duplicates = {case_id for case_id in ids if ids.count(case_id) > 1}
    assert not duplicates, f"duplicate case ids: {sorted(duplicates)}"
    return cases


def all_cases() -> list[Case]:
    cases = [
        *cast_or_null_cases(),
        *parse_boolean_cases(),
        *parse_timestamp_utc_cases(),
        *parse_date_cases(),
        *clock_cases(),
        *clean_text_cases(),
        *is_text_truncated_cases(),
        *has_formula_prefix_cases(),
        *standardize_enum_cases(),
        *email_cases(),
        *phone_cases(),
        *initcap_cases(),
        *regex_cases(),
        *hashing_cases(),
        *not_null_columns_cases(),
        *base_rows_well_formed_cases(),
        *quarantine_rows_well_formed_cases(),
    ]
    return with_unique_ids(cases)


# --- running ------------------------------------------------------------------


def render_query(cases: list[Case]) -> str:
    """One query: a row per case with a match flag and both values as text."""
    setup = (
        "{% if execute %}"
        "{% set ddl = customer360.create_portable_functions() %}"
        "{% if ddl | trim %}{% do run_query(ddl) %}{% endif %}"
        f"{{% do run_query(\"set timezone = '{SESSION_TIME_ZONE}'\") %}}"
        "{% endif %}\n"
    )
    rows = []
    for case in cases:
        actual = "{{ " + case.actual + " }}"
        check = case.check.replace("{actual}", actual)
        rows.append(
            f"select '{case.case_id}' as case_id,"
            f" case when {check} then 1 else 0 end as is_match,"
            # brackets keep the text from being re-typed when dbt reads it back
            f" coalesce('[' || cast({actual} as varchar) || ']', 'null') as actual_text,"
            f" coalesce('[' || cast({case.expected} as varchar) || ']', 'null') as expected_text"
        )
    return setup + "\nunion all\n".join(rows)


def show(query: str, target: str, work_dir: Path, messages: list[str] | None = None):
    """``dbt show --inline`` in-process, artefacts kept away from the shared target/ and logs/ folders."""

    def collect(event) -> None:
        if messages is not None and event.info.level == "error":
            messages.append(event.info.msg)

    return dbtRunner(callbacks=[collect]).invoke(
        [
            "show",
            "--inline",
            query,
            "--limit",
            "-1",
            "--target",
            target,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
            "--quiet",
        ]
    )


def failing_cases(cases: list[Case], target: str, work_dir: Path) -> list[str]:
    """Run the cases on one target in one query; return a line per failing case."""
    result = show(render_query(cases), target, work_dir)
    assert result.success, f"dbt show failed on {target}: {result.exception}"
    table = result.result.results[0].agate_table
    seen = {row["case_id"]: row for row in table.rows}
    failures = [f"{case_id}: no result row" for case_id in (c.case_id for c in cases) if case_id not in seen]
    for case_id, row in seen.items():
        if int(row["is_match"]) != 1:
            failures.append(f"{case_id}: got {row['actual_text']}, expected {row['expected_text']}")
    return failures


def run_cases(target: str, work_dir: Path) -> list[str]:
    """Run every case on one target; return a line per failing case."""
    return failing_cases(all_cases(), target, work_dir)


@pytest.mark.dbt
def test_macros_on_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C360_DUCKDB_PATH", str(tmp_path / "macros.duckdb"))
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    failures = run_cases("dev", tmp_path)
    assert not failures, f"{len(failures)} case(s) failed on DuckDB:\n" + "\n".join(failures)


@pytest.mark.dbt
@pytest.mark.postgres
def test_macros_on_postgres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from c360.pg_server import throwaway_server

    with contextlib.ExitStack() as stack:
        server = stack.enter_context(throwaway_server())
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("DO_NOT_TRACK", "1")
        failures = run_cases("postgres", tmp_path)
    assert not failures, f"{len(failures)} case(s) failed on PostgreSQL:\n" + "\n".join(failures)


def test_cases_render_as_one_statement() -> None:
    """The harness itself: one row per case, ids safe to embed in SQL."""
    cases = all_cases()
    assert render_query(cases).count("\nunion all\n") == len(cases) - 1
    assert all(re.fullmatch(r"[a-z0-9_]+:[a-z0-9_]+", case.case_id) for case in cases)


# --- uniqueness tests of incremental models and histories in the daily pipeline ------------------

# (key, second column, written at): k1 repeats through a row written on day 3, k2 through two rows
# of day 1, the keyless rows repeat on day 1, k3 is written once on day 3.
WRITTEN_ROWS = [
    ("k1", "x", "2026-01-01"), ("k1", "x", "2026-01-03"),
    ("k2", "y", "2026-01-01"), ("k2", "y", "2026-01-01"),
    (None, "n", "2026-01-01"), (None, "n", "2026-01-01"),
    ("k3", "z", "2026-01-03"),
]  # fmt: skip
UNIQUENESS_IMPLEMENTATIONS = {
    "dev": ["default__test_unique_combination_of_columns", "duckdb__test_unique_combination_of_columns"],
    "postgres": ["default__test_unique_combination_of_columns"],
}


def repeated_keys(target: str, work_dir: Path, table: str, rows: str, columns: str, test_call: str) -> list:
    """The keys of the repeats a uniqueness test finds, as dbt runs it now: `rows` (SQL values, in
    `columns`) become the table `table`, which `test_call` (a macro call) names as `tested`."""
    query = (
        "{% set tested = api.Relation.create("
        f"database=target.database, schema=target.schema, identifier='{table}') %}}"
        "{% if execute %}"
        "{% do run_query('create schema if not exists ' ~ target.schema) %}"
        "{% do run_query('drop table if exists ' ~ tested) %}"
        f"{{% do run_query('create table ' ~ tested ~ \" as select * from (values {rows})"
        f' as {table}({columns})") %}}'
        "{% endif %}\n"
        "select coalesce(key_column, 'no key') as repeated_key from ("
        f"{{{{ {test_call} }}}}"
        ") as repeats"
    )
    messages: list[str] = []
    result = show(query, target, work_dir, messages)
    assert result.success, f"dbt show failed on {target}: {result.exception} {messages}"
    return sorted(row["repeated_key"] for row in result.result.results[0].agate_table.rows)


def repeats_found(target: str, work_dir: Path, implementation: str, written_at_column: str | None) -> list:
    """The keys of the repeats the uniqueness test finds in WRITTEN_ROWS."""
    rows = ", ".join(
        f"({sql_text(key)}, '{value}', cast('{written_at}' as timestamp))"
        for key, value, written_at in WRITTEN_ROWS
    )
    column_argument = "none" if written_at_column is None else f"'{written_at_column}'"
    test_call = f"customer360.{implementation}(tested, ['key_column', 'value_column'], {column_argument})"
    return repeated_keys(
        target, work_dir, "written_rows", rows, "key_column, value_column, written_at", test_call
    )


def assert_repeats_read_since_the_check(target: str, work_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for implementation in UNIQUENESS_IMPLEMENTATIONS[target]:
        # Run by hand (no variable), every row is read.
        monkeypatch.delenv("C360_BUILD_CHECKED_THROUGH", raising=False)
        assert repeats_found(target, work_dir, implementation, "written_at") == ["k1", "k2", "no key"]
        # In the daily pipeline, the keys written since the last completed day, and keyless rows.
        monkeypatch.setenv("C360_BUILD_CHECKED_THROUGH", "2026-01-02 00:00:00")
        assert repeats_found(target, work_dir, implementation, "written_at") == ["k1", "no key"]
        # A row written at the very moment is read: stamps are rounded down to the second.
        monkeypatch.setenv("C360_BUILD_CHECKED_THROUGH", "2026-01-03")
        assert repeats_found(target, work_dir, implementation, "written_at") == ["k1", "no key"]
        monkeypatch.setenv("C360_BUILD_CHECKED_THROUGH", "2026-01-04")
        assert repeats_found(target, work_dir, implementation, "written_at") == ["no key"]
        # A test that names no stamp column reads every row whatever the variable says.
        assert repeats_found(target, work_dir, implementation, None) == ["k1", "k2", "no key"]


# (version id, valid from, valid to) of a history: v1 repeats through a version closed on day 3,
# v2 through two versions of day 1 (one closed on day 2), v4 through a version added on day 3; the
# keyless versions repeat on day 1, v3 is added once on day 3.
HISTORY_ROWS = [
    ("v1", "2026-01-01", "2026-01-03"), ("v1", "2026-01-01", "2026-01-02"),
    ("v2", "2026-01-01", "2026-01-02"), ("v2", "2026-01-01", None),
    ("v4", "2026-01-03", None), ("v4", "2026-01-01", "2026-01-02"),
    (None, "2026-01-01", None), (None, "2026-01-01", None),
    ("v3", "2026-01-03", None),
]  # fmt: skip


def history_repeats_found(target: str, work_dir: Path, implementation: str) -> list:
    """The keys of the repeats the uniqueness test with validity_columns finds in HISTORY_ROWS."""

    def stamp(day: str | None) -> str:
        return "cast(null as timestamp)" if day is None else f"cast('{day}' as timestamp)"

    rows = ", ".join(f"({sql_text(key)}, {stamp(start)}, {stamp(end)})" for key, start, end in HISTORY_ROWS)
    test_call = f"customer360.{implementation}(tested, ['key_column'], none, ['valid_from', 'valid_to'])"
    return repeated_keys(
        target, work_dir, "history_rows", rows, "key_column, valid_from, valid_to", test_call
    )


def assert_history_repeats_read_since_the_check(
    target: str, work_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for implementation in UNIQUENESS_IMPLEMENTATIONS[target]:
        # Run by hand (no variable), every version is read; the build's variable does not apply.
        monkeypatch.delenv("C360_HISTORY_CHECKED_THROUGH", raising=False)
        monkeypatch.setenv("C360_BUILD_CHECKED_THROUGH", "2026-01-04")
        assert history_repeats_found(target, work_dir, implementation) == ["no key", "v1", "v2", "v4"]
        # In the daily pipeline, the keys of versions added or closed after the recording time of the
        # last completed day, and keyless versions.
        monkeypatch.setenv("C360_HISTORY_CHECKED_THROUGH", "2026-01-02 00:00:00")
        assert history_repeats_found(target, work_dir, implementation) == ["no key", "v1", "v4"]
        # A version added or closed at that very time was checked with it.
        monkeypatch.setenv("C360_HISTORY_CHECKED_THROUGH", "2026-01-03")
        assert history_repeats_found(target, work_dir, implementation) == ["no key"]


@pytest.mark.dbt
def test_uniqueness_tests_read_the_keys_written_since_the_check_on_duckdb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("C360_DUCKDB_PATH", str(tmp_path / "uniqueness.duckdb"))
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    assert_repeats_read_since_the_check("dev", tmp_path, monkeypatch)
    assert_history_repeats_read_since_the_check("dev", tmp_path, monkeypatch)


@pytest.mark.dbt
@pytest.mark.postgres
def test_uniqueness_tests_read_the_keys_written_since_the_check_on_postgres(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from c360.pg_server import throwaway_server

    with contextlib.ExitStack() as stack:
        server = stack.enter_context(throwaway_server())
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("DO_NOT_TRACK", "1")
        assert_repeats_read_since_the_check("postgres", tmp_path, monkeypatch)
        assert_history_repeats_read_since_the_check("postgres", tmp_path, monkeypatch)
