"""Identifier formats of every record family (see docs/raw_data_contract.md)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from c360.generate.strings import format_ids

# family -> (prefix, minimum digits)
FORMATS: dict[str, tuple[str, int]] = {
    "person": ("PSN-", 7),
    "account": ("WA-", 7),
    "web_event": ("WE-", 9),
    "order": ("SO-", 8),
    "order_item": ("SOI-", 9),
    "product": ("P-", 5),
    "contact": ("CRM-", 6),
    "subscriber": ("ES-", 7),
    "email_event": ("EE-", 9),
    "campaign": ("CMP-", 4),
    "interaction": ("SI-", 8),
    "ticket": ("ST-", 7),
    "survey": ("SS-", 7),
    "member": ("LM-", 7),
    "profile": ("EP-", 7),
    "privacy_request": ("PR-", 6),
    "store": ("STORE-", 3),
}


def ids(family: str, seq: np.ndarray) -> pa.Array:
    """Formatted identifiers, e.g. ``ids("account", [1])`` -> ``["WA-0000001"]``."""
    prefix, width = FORMATS[family]
    return format_ids(prefix, np.asarray(seq, dtype=np.int64), width)


def optional_ids(family: str, seq: np.ndarray) -> pa.Array:
    """Like ``ids`` but -1 (no record) becomes null."""
    seq = np.asarray(seq, dtype=np.int64)
    present = seq >= 0
    formatted = ids(family, np.where(present, seq, 0))
    return pa.array(formatted.to_numpy(zero_copy_only=False), pa.string(), mask=~present)
