"""How many records the generated world holds: channel coverage and activity.

Not defects, so kept apart from ``DefectRates``; tuned so that a million
customers give roughly fifteen million raw rows for the initial load.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Volumes:
    """Shares are per person; activity rates are per person per year."""

    # Customers who were already customers before the delivered history starts.
    share_before_history: float = 0.4
    account_share: float = 0.6
    second_account_share: float = 0.03
    loyalty_share: float = 0.35
    subscriber_share: float = 0.45
    crm_share: float = 0.08
    enrichment_share: float = 0.4
    social_share: float = 0.25
    alternate_email_share: float = 0.2

    orders_per_year: float = 1.2
    pos_share: float = 0.35
    guest_checkout_share: float = 0.15
    sessions_per_year_with_account: float = 1.5
    sessions_per_year_anonymous: float = 0.4
    email_events_per_year: float = 4.0
    interactions_per_year: float = 2.0
    tickets_per_year: float = 0.08
    csat_share_of_tickets: float = 0.4
    nps_per_year: float = 0.03
    review_share_of_orders: float = 0.06
    privacy_requests_per_year: float = 0.02

    # Day-to-day change, per person per day.
    new_customer_share_per_day: float = 0.002
    profile_change_share_per_day: float = 0.01
    products: int = 500
    stores: int = 40


VOLUMES = Volumes()
