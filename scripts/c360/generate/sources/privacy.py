"""Privacy desk: privacy_requests (consent granted/withdrawn, access, erasure)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET
from c360.generate.context import DayContext, People, draw, maybe, sample_activity
from c360.generate.identifiers import ids, optional_ids
from c360.generate.milestones import MOVING_STATUSES, NEVER, milestone_column, status_as_of

REQUEST_STATUSES = MOVING_STATUSES["privacy_requests"]
REQUEST_TYPES = ("consent_granted", "consent_withdrawn", "access", "erasure")
PURPOSES = ("marketing", "analytics", "profiling", "all")
REQUEST_CHANNELS = ("web", "email", "phone", "store")
DAY = 86_400


def request_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    rng = context.rng("privacy_requests")
    rows, requested = sample_activity(people, window, context.volumes.privacy_requests_per_year, rng)
    count = len(rows)
    kind = draw(rng, REQUEST_TYPES, (40, 35, 15, 10), count)
    about_everything = pc.is_in(kind, value_set=pa.array(["access", "erasure"]))
    purpose = pc.if_else(about_everything, pa.scalar("all"), draw(rng, PURPOSES, (55, 20, 15, 10), count))
    has_account = people.num("account_seq")[rows] >= 0
    by_account = has_account & (rng.random(count) < 0.5)
    by_phone = rng.random(count) < 0.3
    # Every request names at least one identifier: the email when nothing else.
    by_email = ~by_account | (rng.random(count) < 0.6)
    processed = requested + rng.integers(DAY // 24, 20 * DAY, count)
    rejected = rng.random(count) < 0.05
    seq = context.counters.allocate("privacy_request", count)
    requests = pa.table(
        {
            "request_id": ids("privacy_request", seq),
            "account_id": optional_ids("account", np.where(by_account, people.num("account_seq")[rows], -1)),
            "email": maybe(people.text("email", rows), by_email),
            "phone": maybe(people.text("phone", rows), by_phone),
            "request_type": kind,
            "purpose": purpose,
            "request_channel": draw(rng, REQUEST_CHANNELS, (50, 25, 10, 15), count),
            "requested_at": pa.array(requested),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            milestone_column("completed"): pa.array(np.where(rejected, NEVER, processed)),
            milestone_column("rejected"): pa.array(np.where(rejected, processed, NEVER)),
        }
    )
    return request_status(requests, context.extract_time)


def request_status(requests: pa.Table, moment: int) -> pa.Table:
    """Set status and processed_at as of ``moment``."""
    status, when = status_as_of(requests, REQUEST_STATUSES, "requested_at", moment)
    waiting = pc.equal(status, "received").to_numpy(zero_copy_only=False)
    updates = {"status": status, "processed_at": pa.array(when, mask=waiting)}
    for name, values in updates.items():
        if name in requests.column_names:
            requests = requests.set_column(requests.schema.get_field_index(name), name, values)
        else:
            requests = requests.append_column(name, values)
    return requests


def completed_erasures(requests: pa.Table, window: tuple[int, int]) -> np.ndarray:
    """person_seq of everyone whose erasure was carried out within ``window``."""
    done = requests[milestone_column("completed")].to_numpy()
    erasure = pc.equal(requests["request_type"], "erasure").to_numpy(zero_copy_only=False)
    hit = erasure & (done != NEVER) & (done >= window[0]) & (done < window[1])
    return requests[PERSON].to_numpy()[hit]
