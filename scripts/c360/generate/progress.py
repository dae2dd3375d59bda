"""Orders and tickets move on: new versions when their status changes."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.activity import reached_within
from c360.generate.milestones import status_as_of, still_moving
from c360.generate.sources.privacy import REQUEST_STATUSES, request_status
from c360.generate.sources.shop import ORDER_STATUSES, with_status
from c360.generate.sources.support import TICKET_STATUSES, ticket_status


def progress_orders(open_orders: pa.Table, window: tuple[int, int]) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(new versions, orders still moving, orders delivered in the window)."""
    before, _ = status_as_of(open_orders, ORDER_STATUSES, "ordered_at", window[0])
    now = with_status(open_orders, window[1])
    moved = pc.not_equal(now["order_status"], before)
    still = now.filter(pa.array(still_moving(now, ORDER_STATUSES, window[1])))
    return now.filter(moved), still, reached_within(open_orders, "delivered", window)


def progress_tickets(open_tickets: pa.Table, window: tuple[int, int]) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(new versions, tickets still moving, tickets solved in the window)."""
    before, _ = status_as_of(open_tickets, TICKET_STATUSES, "created_at", window[0])
    now = ticket_status(open_tickets, window[1])
    moved = pc.not_equal(now["status"], before)
    still = now.filter(pa.array(still_moving(now, TICKET_STATUSES, window[1])))
    return now.filter(moved), still, reached_within(open_tickets, "solved", window)


def progress_requests(open_requests: pa.Table, window: tuple[int, int]) -> tuple[pa.Table, pa.Table]:
    """(new versions, privacy requests still waiting to be processed)."""
    before, _ = status_as_of(open_requests, REQUEST_STATUSES, "requested_at", window[0])
    now = request_status(open_requests, window[1])
    moved = pc.not_equal(now["status"], before)
    still = now.filter(pa.array(still_moving(now, REQUEST_STATUSES, window[1])))
    return now.filter(moved), still
