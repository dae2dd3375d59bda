"""Defect rates: the one place that says how dirty the generated data is.

Every rate is a probability in [0, 1] applied to an *eligible unit*, stated per
field below (a cell of a given kind, a row, a person). Rates that compete for
the same cell (for example the email defects) are mutually exclusive, so a cell
carries at most one of them and each kind shows up at exactly its own rate.
Defaults keep quarantine-worthy defects (marked *quarantine*) to a few percent.

Override any subset from a TOML file, either at top level or under
``[defect_rates]``::

    [defect_rates]
    email_placeholder = 0.02
    timezone_offset = 0.0
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from c360.errors import C360Error


class DefectConfigError(C360Error, ValueError):
    """A defect-rate configuration that cannot be used."""


@dataclass(frozen=True)
class DefectRates:
    """Probability of each injected defect, per eligible unit."""

    # -- whole rows --------------------------------------------------------
    duplicate_row: float = 0.01
    """Per delivered row: the exact row is delivered again (same batch, or on
    later days re-delivered from an earlier batch)."""
    conflicting_version: float = 0.005
    """Per row: a second row with the same key and different values."""
    late_arrival: float = 0.001
    """Days >= 1, per current versioned record (for event tables per event
    row): an older version (older ``updated_at``) or an event days late."""
    missing_natural_key: float = 0.002
    """Per row: an extra copy of the row with its key blank (*quarantine*)."""
    orphan_record: float = 0.003
    """Per order item and email event: its parent never arrives (*quarantine*)."""
    name_swapped: float = 0.01
    """Per row with first and last name: the two are swapped; CRM full names
    use "Last, First" at ``crm_last_first`` instead."""
    crm_last_first: float = 0.3
    """Per CRM contact: full name delivered as "Last, First"."""

    # -- identifiers ---------------------------------------------------------
    email_variant: float = 0.08
    """Per email cell: case, spaces, gmail dots, +tags or googlemail.com."""
    email_typo_domain: float = 0.01
    """Per email cell: typo domain (gmial.com, hotmial.com, yaho.com, ...)."""
    email_invalid: float = 0.005
    """Per email cell: not an address at all (``ann.lee@``, ``ann lee``)."""
    email_placeholder: float = 0.01
    """Per email cell: n/a, test@test.com, none@none.com, noemail@example.com."""
    phone_format: float = 0.2
    """Per phone cell: another notation (national, 00 prefix, (555) 123-4567,
    ``ext.``); the canonical one is ``+1 415 555 0134``."""
    phone_junk: float = 0.01
    """Per phone cell: junk such as 000-0000, 1234567, n/a."""
    card_format: float = 0.3
    """Per loyalty card cell: spaces or dashes between digit groups."""
    handle_case: float = 0.2
    """Per social handle cell: different letter case."""
    shared_phone: float = 0.03
    """Per new person: joins a household and shares its phone and address."""
    shared_store_email: float = 0.02
    """Per POS order: the store's generic receipt email instead of the buyer's."""

    # -- names, addresses, attributes ---------------------------------------
    name_variant: float = 0.05
    """Per name cell: case, extra spaces, nickname, pinyin, stripped accents."""
    missing_value: float = 0.03
    """Per optional identity or attribute cell (email, phone, name, address,
    birth date, gender, country): left empty."""
    invalid_birth_date: float = 0.005
    """Per birth date cell: impossible (1985-13-45), 07/14/1985, or future."""
    country_variant: float = 0.05
    """Per country cell: a name or alias (USA, China, 中国, Deutschland)."""
    gender_variant: float = 0.1
    """Per gender cell: F, M, Female, 女, 男."""
    enum_variant: float = 0.03
    """Per enum cell: case or surrounding-space variant."""
    boolean_variant: float = 0.1
    """Per boolean cell: yes/no, 1/0, Y/N, any case."""

    # -- times ----------------------------------------------------------------
    timezone_offset: float = 0.05
    """Per timestamp cell: ISO 8601 with an offset or Z (same instant)."""
    invalid_timestamp: float = 0.002
    """Per record timestamp cell: 2026-02-30 10:00:00, 31/12/2026, not a date
    (*quarantine*)."""
    future_timestamp: float = 0.001
    """Per record timestamp cell: year 2030 or later (*quarantine*)."""

    # -- money, quantities, scores -----------------------------------------
    invalid_amount: float = 0.002
    """Per amount cell: negative, zero or unparseable (*quarantine*)."""
    invalid_quantity: float = 0.002
    """Per order item quantity: zero, negative or unparseable (*quarantine*)."""
    currency_variant: float = 0.03
    """Per currency cell: lower case or surrounding spaces."""
    unknown_currency: float = 0.002
    """Per currency cell: XXX, RMB, US$ (*quarantine*)."""
    invalid_score: float = 0.002
    """Per survey score: outside its survey type's range (*quarantine*)."""

    # -- free text ----------------------------------------------------------
    control_characters: float = 0.005
    """Per free text, name or address cell: control characters embedded."""
    emoji: float = 0.02
    """Per free text cell: emoji appended."""
    spreadsheet_formula: float = 0.002
    """Per free text cell: =HYPERLINK(...), @SUM(...), +cmd ..."""
    long_text: float = 0.001
    """Per free text cell: more than 4,000 characters."""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise DefectConfigError(f"{field.name} must be a number, got {value!r}")
            if not 0.0 <= float(value) <= 1.0:
                raise DefectConfigError(f"{field.name} must be between 0 and 1, got {value}")

    def as_dict(self) -> dict[str, float]:
        return {name: float(value) for name, value in asdict(self).items()}

    @classmethod
    def none(cls) -> DefectRates:
        """Clean data: every rate zero."""
        return cls(**dict.fromkeys(defect_kinds(), 0.0))

    def with_rates(self, **rates: float) -> DefectRates:
        return replace(self, **rates)


def defect_kinds() -> tuple[str, ...]:
    """Every defect kind, in declaration order."""
    return tuple(field.name for field in fields(DefectRates))


def rates_from_mapping(mapping: dict[str, object]) -> DefectRates:
    """Defaults overridden by ``mapping``; unknown names are an error."""
    section = mapping.get("defect_rates", mapping)
    if not isinstance(section, dict):
        raise DefectConfigError("[defect_rates] must be a table of name = rate")
    unknown = sorted(set(section) - set(defect_kinds()))
    if unknown:
        raise DefectConfigError(
            f"unknown defect rate(s): {', '.join(unknown)}; known: {', '.join(defect_kinds())}"
        )
    return DefectRates(**section)


def load_rates(path: str | Path) -> DefectRates:
    """Rates from a TOML file (see the module docstring for the layout)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            mapping = tomllib.load(handle)
    except FileNotFoundError as error:
        raise DefectConfigError(f"config file not found: {path}") from error
    except tomllib.TOMLDecodeError as error:
        raise DefectConfigError(f"{path} is not valid TOML: {error}") from error
    return rates_from_mapping(mapping)
