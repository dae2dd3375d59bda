"""The fixed calendar of the generated world and fast timestamp rendering.

Output must not depend on the wall clock, so every time is anchored at
``ANCHOR``: day 0 is the initial load extracted at 2026-01-01 00:00 UTC with
about two years of history; day N holds what happened during the N-th day
after the anchor. Times are int64 seconds since the Unix epoch, UTC.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pyarrow as pa

from c360.generate.strings import fixed_width_strings

SECONDS_PER_DAY = 86_400
ANCHOR = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
HISTORY_DAYS = 730
HISTORY_START = ANCHOR - HISTORY_DAYS * SECONDS_PER_DAY
EPOCH = dt.date(1970, 1, 1)


def day_window(day: int) -> tuple[int, int]:
    """[start, end) of what day ``day`` delivers; day 0 is the whole history."""
    if day == 0:
        return HISTORY_START, ANCHOR
    return ANCHOR + (day - 1) * SECONDS_PER_DAY, ANCHOR + day * SECONDS_PER_DAY


def extract_time(day: int) -> int:
    """The moment day ``day``'s batch is extracted: the end of its window."""
    return day_window(day)[1]


@lru_cache(maxsize=1)
def _clock_faces() -> np.ndarray:
    """'HH:MM:SS' for every second of a day, as an (86400, 8) byte matrix."""
    text = "".join(
        f"{hour:02d}:{minute:02d}:{second:02d}"
        for hour in range(24)
        for minute in range(60)
        for second in range(60)
    )
    return np.frombuffer(text.encode(), np.uint8).reshape(-1, 8)


# Days covered by the cached calendar: 1900-01-01 .. 2199-12-31.
CALENDAR_FIRST = (dt.date(1900, 1, 1) - EPOCH).days
CALENDAR_LAST = (dt.date(2199, 12, 31) - EPOCH).days


def _calendar_pages(first_day: int, last_day: int) -> np.ndarray:
    """'YYYY-MM-DD' for each day number in [first_day, last_day] (days since epoch)."""
    text = "".join((EPOCH + dt.timedelta(days=day)).isoformat() for day in range(first_day, last_day + 1))
    return np.frombuffer(text.encode(), np.uint8).reshape(-1, 10)


@lru_cache(maxsize=1)
def _calendar() -> np.ndarray:
    return _calendar_pages(CALENDAR_FIRST, CALENDAR_LAST)


def date_matrix(days: np.ndarray) -> np.ndarray:
    """(n, 10) bytes 'YYYY-MM-DD' for day numbers since the epoch (years 1900-2199)."""
    days = np.asarray(days, dtype=np.int64)
    if len(days) and (days.min() < CALENDAR_FIRST or days.max() > CALENDAR_LAST):
        raise ValueError("dates outside 1900-2199 are not generated")
    return _calendar()[days - CALENDAR_FIRST]


def format_dates(days: np.ndarray) -> pa.Array:
    """'YYYY-MM-DD' strings for day numbers since the epoch."""
    return fixed_width_strings(date_matrix(days))


def timestamp_matrix(seconds: np.ndarray, separator: str = " ") -> np.ndarray:
    """(n, 19) bytes 'YYYY-MM-DD HH:MM:SS' for epoch seconds (UTC)."""
    days, second_of_day = np.divmod(np.asarray(seconds, dtype=np.int64), SECONDS_PER_DAY)
    matrix = np.empty((len(days), 19), np.uint8)
    matrix[:, :10] = date_matrix(days)
    matrix[:, 10] = ord(separator)
    matrix[:, 11:] = _clock_faces()[second_of_day]
    return matrix


def format_timestamps(seconds: np.ndarray) -> pa.Array:
    """The contract's well-formed timestamp: 'YYYY-MM-DD HH:MM:SS' in UTC."""
    return fixed_width_strings(timestamp_matrix(seconds))


def offset_suffix(offset_minutes: int) -> str:
    """'Z' for UTC, else '+08:00' style."""
    if offset_minutes == 0:
        return "Z"
    sign = "+" if offset_minutes > 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def format_timestamps_with_offset(seconds: np.ndarray, offset_minutes: np.ndarray) -> pa.Array:
    """ISO 8601 local time plus offset, denoting the same instant as ``seconds``.

    An instant at 14:05 UTC shown at +08:00 reads 22:05+08:00: local = UTC + offset.
    """
    seconds = np.asarray(seconds, dtype=np.int64)
    offset_minutes = np.asarray(offset_minutes, dtype=np.int64)
    local = timestamp_matrix(seconds + offset_minutes * 60, separator="T")
    offsets, which = np.unique(offset_minutes, return_inverse=True)
    suffixes = [offset_suffix(int(offset)).encode() for offset in offsets]
    width = max((len(suffix) for suffix in suffixes), default=1)
    # Suffixes differ in width ("Z" vs "+08:00"), so pad and trim afterwards.
    padded = np.frombuffer(b"".join(s.ljust(width, b"\0") for s in suffixes), np.uint8)
    matrix = np.concatenate([local, padded.reshape(-1, width)[which]], axis=1)
    lengths = 19 + np.array([len(s) for s in suffixes], dtype=np.int64)[which]
    return fixed_width_strings(matrix, lengths)
