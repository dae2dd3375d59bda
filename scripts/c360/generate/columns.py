"""What each raw column holds, which decides the defects it can carry.

The raw tables themselves (names, column order) come from ``c360.raw_tables``;
this module only adds the generator's view: the kind of every column, which
timestamp orders a table's versions, which columns a conflicting version may
change and which tables point at a parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from c360.raw_tables import RAW_TABLES_BY_NAME


class Kind(StrEnum):
    KEY = "key"  # the natural key
    REF = "ref"  # identifier of another record, delivered as is
    PLAIN = "plain"  # text delivered without injected defects (codes, urls)
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"
    GENDER = "gender"
    COUNTRY = "country"
    CURRENCY = "currency"
    ENUM = "enum"
    BOOLEAN = "boolean"
    RECORD_TIME = "record_time"  # the event or record timestamp staging validates
    TIME = "time"  # a secondary timestamp (resolved_at, processed_at)
    AMOUNT = "amount"  # money that must be positive
    DECIMAL = "decimal"  # money that may be zero (discounts)
    QUANTITY = "quantity"
    INTEGER = "integer"
    SCORE = "score"
    TEXT = "text"  # free text
    CARD = "card"  # loyalty card number
    HANDLE = "handle"  # social handle


@dataclass(frozen=True)
class TableSpec:
    name: str
    kinds: dict[str, Kind]
    # Column ordering versions of one key (None: load order decides).
    version_column: str | None
    # Columns in which a conflicting or stale version differs.
    mutable: tuple[str, ...]
    # (reference column, parent identifier family) for child tables.
    parent: tuple[str, str] | None = None
    identity_bearing: bool = True
    # When a versioned record came into being; no version may be older.
    created_column: str | None = None
    # Rows are events: on later days some arrive days after they happened.
    arrives_late: bool = False

    @property
    def key(self) -> str:
        return RAW_TABLES_BY_NAME[self.name].natural_key

    @property
    def columns(self) -> tuple[str, ...]:
        return RAW_TABLES_BY_NAME[self.name].columns


K = Kind

SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "web_accounts",
            {
                "account_id": K.KEY,
                "email": K.EMAIL,
                "phone": K.PHONE,
                "first_name": K.NAME,
                "last_name": K.NAME,
                "birth_date": K.BIRTH_DATE,
                "gender": K.GENDER,
                "street_address": K.ADDRESS,
                "city": K.ADDRESS,
                "postal_code": K.PLAIN,
                "country": K.COUNTRY,
                "preferred_language": K.PLAIN,
                "marketing_opt_in": K.BOOLEAN,
                "created_at": K.RECORD_TIME,
                "updated_at": K.RECORD_TIME,
            },
            "updated_at",
            ("phone", "street_address", "city", "postal_code", "marketing_opt_in"),
            created_column="created_at",
        ),
        TableSpec(
            "web_events",
            {
                "event_id": K.KEY,
                "account_id": K.REF,
                "anonymous_id": K.PLAIN,
                "session_id": K.PLAIN,
                "platform": K.ENUM,
                "event_type": K.ENUM,
                "page_url": K.PLAIN,
                "product_id": K.REF,
                "search_term": K.TEXT,
                "referrer": K.PLAIN,
                "utm_source": K.PLAIN,
                "utm_medium": K.PLAIN,
                "utm_campaign": K.PLAIN,
                "occurred_at": K.RECORD_TIME,
            },
            "occurred_at",
            ("platform", "page_url"),
            identity_bearing=False,
            arrives_late=True,
        ),
        TableSpec(
            "shop_orders",
            {
                "order_id": K.KEY,
                "account_id": K.REF,
                "guest_email": K.EMAIL,
                "guest_phone": K.PHONE,
                "loyalty_card_number": K.CARD,
                "sales_channel": K.ENUM,
                "store_id": K.PLAIN,
                "order_status": K.ENUM,
                "currency": K.CURRENCY,
                "order_total": K.AMOUNT,
                "shipping_country": K.COUNTRY,
                "shipping_postal_code": K.PLAIN,
                "ordered_at": K.RECORD_TIME,
                "updated_at": K.RECORD_TIME,
            },
            "updated_at",
            ("order_status", "shipping_postal_code"),
            created_column="ordered_at",
        ),
        TableSpec(
            "shop_order_items",
            {
                "order_item_id": K.KEY,
                "order_id": K.REF,
                "product_id": K.REF,
                "quantity": K.QUANTITY,
                "unit_price": K.AMOUNT,
                "discount_amount": K.DECIMAL,
                "currency": K.CURRENCY,
                "item_status": K.ENUM,
            },
            None,
            ("item_status",),
            parent=("order_id", "order"),
            identity_bearing=False,
        ),
        TableSpec(
            "shop_products",
            {
                "product_id": K.KEY,
                "sku": K.PLAIN,
                "product_name": K.PLAIN,
                "category": K.ENUM,
                "subcategory": K.PLAIN,
                "brand": K.PLAIN,
                "list_price": K.AMOUNT,
                "currency": K.CURRENCY,
                "is_active": K.BOOLEAN,
                "updated_at": K.RECORD_TIME,
            },
            "updated_at",
            ("list_price", "is_active"),
            identity_bearing=False,
        ),
        TableSpec(
            "crm_contacts",
            {
                "contact_id": K.KEY,
                "full_name": K.NAME,
                "email": K.EMAIL,
                "phone": K.PHONE,
                "company_name": K.PLAIN,
                "job_title": K.PLAIN,
                "city": K.ADDRESS,
                "country": K.COUNTRY,
                "lead_source": K.ENUM,
                "lifecycle_status": K.ENUM,
                "owner_name": K.PLAIN,
                "created_at": K.RECORD_TIME,
                "updated_at": K.RECORD_TIME,
            },
            "updated_at",
            ("lifecycle_status", "phone", "job_title"),
            created_column="created_at",
        ),
        TableSpec(
            "email_subscribers",
            {
                "subscriber_id": K.KEY,
                "email": K.EMAIL,
                "first_name": K.NAME,
                "last_name": K.NAME,
                "subscription_status": K.ENUM,
                "signup_source": K.ENUM,
                "subscribed_at": K.RECORD_TIME,
                "unsubscribed_at": K.TIME,
                "updated_at": K.RECORD_TIME,
            },
            "updated_at",
            ("subscription_status", "signup_source"),
            created_column="subscribed_at",
        ),
        TableSpec(
            "email_events",
            {
                "email_event_id": K.KEY,
                "subscriber_id": K.REF,
                "campaign_id": K.PLAIN,
                "campaign_name": K.PLAIN,
                "event_type": K.ENUM,
                "link_url": K.PLAIN,
                "occurred_at": K.RECORD_TIME,
            },
            "occurred_at",
            ("event_type",),
            parent=("subscriber_id", "subscriber"),
            identity_bearing=False,
            arrives_late=True,
        ),
        TableSpec(
            "social_interactions",
            {
                "interaction_id": K.KEY,
                "platform": K.ENUM,
                "handle": K.HANDLE,
                "display_name": K.NAME,
                "email": K.EMAIL,
                "interaction_type": K.ENUM,
                "content": K.TEXT,
                "sentiment_label": K.ENUM,
                "occurred_at": K.RECORD_TIME,
            },
            "occurred_at",
            ("sentiment_label", "interaction_type"),
            arrives_late=True,
        ),
        TableSpec(
            "support_tickets",
            {
                "ticket_id": K.KEY,
                "account_id": K.REF,
                "email": K.EMAIL,
                "phone": K.PHONE,
                "requester_name": K.NAME,
                "channel": K.ENUM,
                "category": K.ENUM,
                "priority": K.ENUM,
                "status": K.ENUM,
                "subject": K.TEXT,
                "description": K.TEXT,
                "created_at": K.RECORD_TIME,
                "resolved_at": K.TIME,
                "updated_at": K.RECORD_TIME,
            },
            "updated_at",
            ("priority", "category"),
            created_column="created_at",
        ),
        TableSpec(
            "support_surveys",
            {
                "survey_id": K.KEY,
                "ticket_id": K.REF,
                "order_id": K.REF,
                "product_id": K.REF,
                "account_id": K.REF,
                "email": K.EMAIL,
                "survey_type": K.ENUM,
                "score": K.SCORE,
                "comment": K.TEXT,
                "submitted_at": K.RECORD_TIME,
            },
            "submitted_at",
            ("comment",),
            arrives_late=True,
        ),
        TableSpec(
            "loyalty_members",
            {
                "member_id": K.KEY,
                "card_number": K.CARD,
                "email": K.EMAIL,
                "phone": K.PHONE,
                "first_name": K.NAME,
                "last_name": K.NAME,
                "birth_date": K.BIRTH_DATE,
                "postal_code": K.PLAIN,
                "country": K.COUNTRY,
                "tier": K.ENUM,
                "points_balance": K.INTEGER,
                "enrolled_at": K.RECORD_TIME,
                "updated_at": K.RECORD_TIME,
            },
            "updated_at",
            ("tier", "points_balance", "phone"),
            created_column="enrolled_at",
        ),
        TableSpec(
            "enrichment_profiles",
            {
                "profile_id": K.KEY,
                "email": K.EMAIL,
                "email_sha256": K.PLAIN,
                "full_name": K.NAME,
                "gender": K.GENDER,
                "age_band": K.ENUM,
                "income_band": K.ENUM,
                "occupation": K.PLAIN,
                "interests": K.PLAIN,
                "city": K.ADDRESS,
                "postal_code": K.PLAIN,
                "country": K.COUNTRY,
                "provider": K.PLAIN,
                "refreshed_at": K.RECORD_TIME,
            },
            "refreshed_at",
            ("income_band", "occupation"),
        ),
        TableSpec(
            "privacy_requests",
            {
                "request_id": K.KEY,
                "account_id": K.REF,
                "email": K.EMAIL,
                "phone": K.PHONE,
                "request_type": K.ENUM,
                "purpose": K.ENUM,
                "request_channel": K.ENUM,
                "status": K.ENUM,
                "requested_at": K.RECORD_TIME,
                "processed_at": K.TIME,
            },
            "requested_at",
            ("status", "request_channel"),
        ),
    )
}

# Hidden columns travel with clean rows but are never written to a raw table.
HIDDEN_PREFIX = "__"
PERSON = "__person"  # person_seq of the true person behind the row
TZ_OFFSET = "__tz_offset"  # minutes east of UTC to show times in, when offset


def latin_of(column: str) -> str:
    """Hidden column holding the pinyin / unaccented form of a name column."""
    return f"{HIDDEN_PREFIX}latin_{column}"
