"""Static facts about the markets the generated customers live in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    """One market: Faker locale, country, language, money, time and phone habits."""

    faker_locale: str
    country: str
    share: float
    language: str
    currency: str
    utc_offsets_minutes: tuple[int, ...]
    # Canonical phone template: D any digit, N 2-9, M 3-9; other characters literal.
    phone_template: str
    email_domains: tuple[tuple[str, float], ...]
    # Family name first, no space (李娜), as CJK names are written.
    family_name_first: bool = False


LOCALES: tuple[Locale, ...] = (
    Locale(
        "en_US",
        "US",
        0.70,
        "en",
        "USD",
        (-300, -360, -420, -480),
        "+1 NDD NDD DDDD",
        (
            ("gmail.com", 0.45),
            ("yahoo.com", 0.14),
            ("hotmail.com", 0.1),
            ("outlook.com", 0.12),
            ("icloud.com", 0.1),
            ("aol.com", 0.04),
            ("comcast.net", 0.05),
        ),
    ),
    Locale(
        "zh_CN",
        "CN",
        0.25,
        "zh",
        "CNY",
        (480,),
        "+86 1MD DDDD DDDD",
        (
            ("qq.com", 0.35),
            ("163.com", 0.25),
            ("126.com", 0.1),
            ("gmail.com", 0.1),
            ("sina.com", 0.08),
            ("outlook.com", 0.07),
            ("hotmail.com", 0.05),
        ),
        family_name_first=True,
    ),
    Locale(
        "de_DE",
        "DE",
        0.02,
        "de",
        "EUR",
        (60, 120),
        "+49 15N DDDDDDD",
        (("gmail.com", 0.3), ("gmx.de", 0.3), ("web.de", 0.25), ("outlook.com", 0.15)),
    ),
    Locale(
        "fr_FR",
        "FR",
        0.015,
        "fr",
        "EUR",
        (60, 120),
        "+33 6 DD DD DD DD",
        (("gmail.com", 0.4), ("orange.fr", 0.25), ("free.fr", 0.15), ("hotmail.fr", 0.2)),
    ),
    Locale(
        "en_GB",
        "GB",
        0.015,
        "en",
        "GBP",
        (0, 60),
        "+44 7DDD DDDDDD",
        (("gmail.com", 0.4), ("hotmail.co.uk", 0.2), ("yahoo.co.uk", 0.2), ("outlook.com", 0.2)),
    ),
)

LOCALE_SHARES = tuple(locale.share for locale in LOCALES)
COUNTRIES = tuple(locale.country for locale in LOCALES)
CURRENCIES = tuple(locale.currency for locale in LOCALES)
LANGUAGES = tuple(locale.language for locale in LOCALES)
CN = COUNTRIES.index("CN")

# Price of one US dollar in each market's currency, for catalogue prices.
PER_DOLLAR = {"USD": 1.0, "CNY": 7.1, "EUR": 0.92, "GBP": 0.79}
