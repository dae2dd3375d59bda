"""Customer service: support_tickets and support_surveys (CSAT, NPS, reviews)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET, latin_of
from c360.generate.context import DayContext, People, draw, maybe, sample_activity
from c360.generate.identifiers import ids, optional_ids
from c360.generate.milestones import MOVING_STATUSES, NEVER, milestone_column, status_as_of
from c360.generate.sources.names import latin_full_names, native_full_names
from c360.generate.sources.text import locale_sentences
from c360.generate.strings import pick

TICKET_STATUSES = MOVING_STATUSES["support_tickets"]
CHANNELS = ("email", "phone", "chat", "web_form", "social")
CATEGORIES = ("delivery", "billing", "product_quality", "returns", "account", "other")
PRIORITIES = ("low", "normal", "high", "urgent")
SUBJECTS = (
    "Where is my order?",
    "Charged twice",
    "Item arrived damaged",
    "How do I return this?",
    "Cannot log in",
    "Question about my points",
    "订单还没到",
    "Wrong size delivered",
    "Refund not received",
    "Change my address",
)
HOUR, DAY = 3_600, 86_400


def ticket_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    """Tickets opened in ``window`` (status as of the extract time)."""
    rng = context.rng("support_tickets")
    rows, created = sample_activity(people, window, context.volumes.tickets_per_year, rng)
    count = len(rows)
    seq = context.counters.allocate("ticket", count)
    account = np.where(rng.random(count) < 0.6, people.num("account_seq")[rows], -1)
    email = pc.coalesce(
        maybe(people.text("alt_email", rows), rng.random(count) < 0.1), people.text("email", rows)
    )
    names = pc.if_else(
        pa.array(rng.random(count) < 0.6), native_full_names(people, rows), latin_full_names(people, rows)
    )
    table = pa.table(
        {
            "ticket_id": ids("ticket", seq),
            "account_id": optional_ids("account", account),
            "email": maybe(email, rng.random(count) < 0.9),
            "phone": maybe(people.text("phone", rows), rng.random(count) < 0.4),
            "requester_name": names,
            "channel": draw(rng, CHANNELS, (35, 20, 25, 15, 5), count),
            "category": draw(rng, CATEGORIES, (25, 15, 20, 20, 10, 10), count),
            "priority": draw(rng, PRIORITIES, (25, 55, 15, 5), count),
            "subject": pick(pa.array(SUBJECTS), rng.integers(0, len(SUBJECTS), count)),
            "description": locale_sentences(people, rows, rng, context, count=2),
            "created_at": pa.array(created),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            latin_of("requester_name"): latin_full_names(people, rows),
        }
    )
    for name, values in _ticket_milestones(created, rng).items():
        table = table.append_column(name, values)
    return ticket_status(table, context.extract_time)


def _ticket_milestones(created: np.ndarray, rng: np.random.Generator) -> dict[str, pa.Array]:
    count = len(created)
    pending = created + rng.integers(HOUR, DAY, count)
    waits = rng.random(count) < 0.5
    solved = np.where(waits, pending, created) + rng.integers(2 * HOUR, 7 * DAY, count)
    is_solved = rng.random(count) < 0.95
    closes = is_solved & (rng.random(count) < 0.8)
    return {
        milestone_column("pending"): pa.array(np.where(waits, pending, NEVER)),
        milestone_column("solved"): pa.array(np.where(is_solved, solved, NEVER)),
        milestone_column("closed"): pa.array(np.where(closes, solved + 3 * DAY, NEVER)),
    }


def ticket_status(tickets: pa.Table, moment: int) -> pa.Table:
    """Set status, resolved_at and updated_at as of ``moment``."""
    status, when = status_as_of(tickets, TICKET_STATUSES, "created_at", moment)
    solved = tickets[milestone_column("solved")].to_numpy()
    resolved = (solved != NEVER) & (solved <= moment)
    updates = {
        "status": status,
        "resolved_at": pa.array(solved, mask=~resolved),
        "updated_at": pa.array(when),
    }
    for name, values in updates.items():
        if name in tickets.column_names:
            tickets = tickets.set_column(tickets.schema.get_field_index(name), name, values)
        else:
            tickets = tickets.append_column(name, values)
    return tickets


def _scores(rng: np.random.Generator, weights: tuple[float, ...], count: int, lowest: int) -> np.ndarray:
    probabilities = np.array(weights) / sum(weights)
    return lowest + rng.choice(len(weights), count, p=probabilities)


def _survey_table(
    people: People,
    person_rows: np.ndarray,
    survey_type: str,
    score: np.ndarray,
    submitted: np.ndarray,
    links: dict[str, pa.Array],
    rng: np.random.Generator,
    context: DayContext,
) -> pa.Table:
    count = len(person_rows)
    none = pa.nulls(count, pa.string())
    return pa.table(
        {
            "ticket_id": links.get("ticket_id", none),
            "order_id": links.get("order_id", none),
            "product_id": links.get("product_id", none),
            "account_id": links.get("account_id", none),
            "email": links.get("email", none),
            "survey_type": pa.repeat(pa.scalar(survey_type), count),
            "score": pa.array(score.astype(np.int64)),
            "comment": maybe(locale_sentences(people, person_rows, rng, context), rng.random(count) < 0.5),
            "submitted_at": pa.array(submitted.astype(np.int64)),
            PERSON: pa.array(people.num("person_seq")[person_rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[person_rows]),
        }
    )


def _person_rows(people: People, person_seq: np.ndarray) -> np.ndarray:
    return np.searchsorted(people.num("person_seq"), person_seq)


def survey_rows(
    people: People,
    window: tuple[int, int],
    context: DayContext,
    solved_tickets: pa.Table,
    delivered_orders: pa.Table,
) -> pa.Table:
    """CSAT after solved tickets, reviews after delivered orders, NPS now and then."""
    rng = context.rng("support_surveys")
    latest = context.extract_time - 1
    parts = []
    asked = rng.random(solved_tickets.num_rows) < context.volumes.csat_share_of_tickets
    tickets = solved_tickets.filter(pa.array(asked))
    if tickets.num_rows:
        rows = _person_rows(people, tickets[PERSON].to_numpy())
        solved = tickets[milestone_column("solved")].to_numpy()
        submitted = np.minimum(solved + rng.integers(600, 2 * DAY, len(rows)), latest)
        links = {name: tickets[name].combine_chunks() for name in ("ticket_id", "account_id", "email")}
        parts.append(
            _survey_table(
                people,
                rows,
                "csat",
                _scores(rng, (5, 5, 15, 35, 40), len(rows), 1),
                submitted,
                links,
                rng,
                context,
            )
        )
    reviewed = rng.random(delivered_orders.num_rows) < context.volumes.review_share_of_orders
    orders = delivered_orders.filter(pa.array(reviewed))
    if orders.num_rows:
        rows = _person_rows(people, orders[PERSON].to_numpy())
        delivered = orders[milestone_column("delivered")].to_numpy()
        submitted = np.minimum(delivered + rng.integers(HOUR, 3 * DAY, len(rows)), latest)
        links = {
            "order_id": orders["order_id"].combine_chunks(),
            "product_id": orders["__first_product"].combine_chunks(),
            "account_id": orders["account_id"].combine_chunks(),
            "email": pc.coalesce(orders["guest_email"].combine_chunks(), people.text("email", rows)),
        }
        parts.append(
            _survey_table(
                people,
                rows,
                "review",
                _scores(rng, (6, 6, 13, 30, 45), len(rows), 1),
                submitted,
                links,
                rng,
                context,
            )
        )
    rows, submitted = sample_activity(people, window, context.volumes.nps_per_year, rng)
    if len(rows):
        has_account = people.num("account_seq")[rows] >= 0
        links = {
            "account_id": optional_ids("account", np.where(has_account, people.num("account_seq")[rows], -1)),
            "email": maybe(people.text("email", rows), ~has_account | (rng.random(len(rows)) < 0.5)),
        }
        weights = (2, 1, 1, 2, 2, 4, 6, 10, 18, 22, 22)
        parts.append(
            _survey_table(
                people, rows, "nps", _scores(rng, weights, len(rows), 0), submitted, links, rng, context
            )
        )
    if not parts:
        return pa.table({})
    surveys = pa.concat_tables(parts)
    surveys = surveys.take(pa.array(np.argsort(surveys["submitted_at"].to_numpy(), kind="stable")))
    seq = context.counters.allocate("survey", surveys.num_rows)
    return surveys.add_column(0, "survey_id", ids("survey", seq))
