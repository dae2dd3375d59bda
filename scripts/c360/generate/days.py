"""The ``--days`` option: ``N`` or ``A..B``."""

from __future__ import annotations

import argparse
import re

_SPEC = re.compile(r"^\s*(\d+)\s*(?:\.\.\s*(\d+)\s*)?$")


def parse_days(text: str) -> range:
    """``"3"`` -> range(3, 4); ``"0..30"`` -> range(0, 31) (both ends included)."""
    match = _SPEC.match(str(text))
    if not match:
        raise argparse.ArgumentTypeError(
            f"expected a day number N or a range A..B of day numbers (e.g. 0..30), got {text!r}"
        )
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) is not None else first
    if last < first:
        raise argparse.ArgumentTypeError(
            f"the range {text!r} ends before it starts; write the smaller day first (e.g. {last}..{first})"
        )
    return range(first, last + 1)
