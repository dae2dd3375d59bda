"""The raw-layer contract: every table the generator writes and the loader accepts.

Raw tables hold the data as delivered: every business column is text, so that a
malformed value never fails a load. Staging casts, standardises and quarantines.
The loader adds three metadata columns to every row (see ``METADATA_COLUMNS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawTable:
    """One raw table: its source system, entity name, columns and natural key."""

    source: str
    entity: str
    columns: tuple[str, ...]
    natural_key: str

    @property
    def name(self) -> str:
        """Table name inside the ``raw`` schema, e.g. ``web_accounts``."""
        return f"{self.source}_{self.entity}"


# Added by the loader to every row; never present in an extract.
METADATA_COLUMNS: tuple[str, ...] = ("_batch_id", "_row_number", "_loaded_at")

RAW_SCHEMA = "raw"
GROUND_TRUTH_SCHEMA = "ground_truth"
GROUND_TRUTH_TABLE = "source_records"
GROUND_TRUTH_COLUMNS: tuple[str, ...] = ("source_table", "source_record_id", "person_id")

RAW_TABLES: tuple[RawTable, ...] = (
    RawTable(
        "web",
        "accounts",
        (
            "account_id",
            "email",
            "phone",
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "street_address",
            "city",
            "postal_code",
            "country",
            "preferred_language",
            "marketing_opt_in",
            "created_at",
            "updated_at",
        ),
        "account_id",
    ),
    RawTable(
        "web",
        "events",
        (
            "event_id",
            "account_id",
            "anonymous_id",
            "session_id",
            "platform",
            "event_type",
            "page_url",
            "product_id",
            "search_term",
            "referrer",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "occurred_at",
        ),
        "event_id",
    ),
    RawTable(
        "shop",
        "orders",
        (
            "order_id",
            "account_id",
            "guest_email",
            "guest_phone",
            "loyalty_card_number",
            "sales_channel",
            "store_id",
            "order_status",
            "currency",
            "order_total",
            "shipping_country",
            "shipping_postal_code",
            "ordered_at",
            "updated_at",
        ),
        "order_id",
    ),
    RawTable(
        "shop",
        "order_items",
        (
            "order_item_id",
            "order_id",
            "product_id",
            "quantity",
            "unit_price",
            "discount_amount",
            "currency",
            "item_status",
        ),
        "order_item_id",
    ),
    RawTable(
        "shop",
        "products",
        (
            "product_id",
            "sku",
            "product_name",
            "category",
            "subcategory",
            "brand",
            "list_price",
            "currency",
            "is_active",
            "updated_at",
        ),
        "product_id",
    ),
    RawTable(
        "crm",
        "contacts",
        (
            "contact_id",
            "full_name",
            "email",
            "phone",
            "company_name",
            "job_title",
            "city",
            "country",
            "lead_source",
            "lifecycle_status",
            "owner_name",
            "created_at",
            "updated_at",
        ),
        "contact_id",
    ),
    RawTable(
        "email",
        "subscribers",
        (
            "subscriber_id",
            "email",
            "first_name",
            "last_name",
            "subscription_status",
            "signup_source",
            "subscribed_at",
            "unsubscribed_at",
            "updated_at",
        ),
        "subscriber_id",
    ),
    RawTable(
        "email",
        "events",
        (
            "email_event_id",
            "subscriber_id",
            "campaign_id",
            "campaign_name",
            "event_type",
            "link_url",
            "occurred_at",
        ),
        "email_event_id",
    ),
    RawTable(
        "social",
        "interactions",
        (
            "interaction_id",
            "platform",
            "handle",
            "display_name",
            "email",
            "interaction_type",
            "content",
            "sentiment_label",
            "occurred_at",
        ),
        "interaction_id",
    ),
    RawTable(
        "support",
        "tickets",
        (
            "ticket_id",
            "account_id",
            "email",
            "phone",
            "requester_name",
            "channel",
            "category",
            "priority",
            "status",
            "subject",
            "description",
            "created_at",
            "resolved_at",
            "updated_at",
        ),
        "ticket_id",
    ),
    RawTable(
        "support",
        "surveys",
        (
            "survey_id",
            "ticket_id",
            "order_id",
            "product_id",
            "account_id",
            "email",
            "survey_type",
            "score",
            "comment",
            "submitted_at",
        ),
        "survey_id",
    ),
    RawTable(
        "loyalty",
        "members",
        (
            "member_id",
            "card_number",
            "email",
            "phone",
            "first_name",
            "last_name",
            "birth_date",
            "postal_code",
            "country",
            "tier",
            "points_balance",
            "enrolled_at",
            "updated_at",
        ),
        "member_id",
    ),
    RawTable(
        "enrichment",
        "profiles",
        (
            "profile_id",
            "email",
            "email_sha256",
            "full_name",
            "gender",
            "age_band",
            "income_band",
            "occupation",
            "interests",
            "city",
            "postal_code",
            "country",
            "provider",
            "refreshed_at",
        ),
        "profile_id",
    ),
    RawTable(
        "privacy",
        "requests",
        (
            "request_id",
            "account_id",
            "email",
            "phone",
            "request_type",
            "purpose",
            "request_channel",
            "status",
            "requested_at",
            "processed_at",
        ),
        "request_id",
    ),
)

RAW_TABLES_BY_NAME: dict[str, RawTable] = {table.name: table for table in RAW_TABLES}
