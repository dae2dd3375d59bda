"""Records whose status moves on over time (orders, tickets).

A record carries the planned time of each status (-1: never reached). What a
batch delivers is the status as of its extract time; later batches deliver a
new version when the status has moved on.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

NEVER = -1


def milestone_column(status: str) -> str:
    return f"__{status}_at"


def status_as_of(
    table: pa.Table, statuses: tuple[str, ...], first_time_column: str, moment: int
) -> tuple[pa.Array, np.ndarray]:
    """Status reached by ``moment`` and the time it was reached.

    ``statuses[0]`` is reached at ``first_time_column``; each later status at its
    milestone column. On a tie the later status in ``statuses`` wins.
    """
    times = np.stack(
        [table[first_time_column].to_numpy()]
        + [table[milestone_column(status)].to_numpy() for status in statuses[1:]],
        axis=1,
    )
    reached = np.where((times != NEVER) & (times <= moment), times, np.iinfo(np.int64).min)
    # argmax of the reversed columns picks the last status among equal times.
    latest = len(statuses) - 1 - np.argmax(reached[:, ::-1], axis=1)
    when = reached[np.arange(len(times)), latest]
    return pa.array(list(statuses)).take(pa.array(latest)), when


def still_moving(table: pa.Table, statuses: tuple[str, ...], moment: int) -> np.ndarray:
    """Rows with a status change still to come after ``moment``."""
    moving = np.zeros(table.num_rows, bool)
    for status in statuses[1:]:
        times = table[milestone_column(status)].to_numpy()
        moving |= times > moment
    return moving


# Statuses of each record family whose status moves on, in the order they are reached.
MOVING_STATUSES = {
    "shop_orders": ("placed", "paid", "shipped", "delivered", "cancelled", "returned"),
    "support_tickets": ("open", "pending", "solved", "closed"),
    "privacy_requests": ("received", "completed", "rejected"),
}


def still_open(opened: dict[str, pa.Table], moment: int) -> dict[str, pa.Table]:
    """The records of ``opened`` whose status still changes after ``moment``."""
    return {
        table: rows.filter(pa.array(still_moving(rows, MOVING_STATUSES[table], moment)))
        for table, rows in opened.items()
    }
