"""Social networks: social_interactions, identified by handle (email via social login)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.columns import PERSON, TZ_OFFSET, latin_of
from c360.generate.context import DayContext, People, draw, maybe, sample_activity
from c360.generate.identifiers import ids
from c360.generate.persons import SOCIAL_PLATFORMS
from c360.generate.sources.names import latin_full_names, native_full_names
from c360.generate.sources.text import locale_sentences

INTERACTIONS = ("follow", "like", "comment", "share", "mention", "direct_message")
SENTIMENTS = ("positive", "neutral", "negative")


def interaction_rows(people: People, window: tuple[int, int], context: DayContext) -> pa.Table:
    rng = context.rng("social_interactions")
    social = people.num("social_platform") >= 0
    rows, occurred = sample_activity(people, window, context.volumes.interactions_per_year, rng, social)
    count = len(rows)
    kind = draw(rng, INTERACTIONS, (15, 35, 20, 10, 10, 10), count)
    wrote = pc.is_in(kind, value_set=pa.array(["comment", "mention", "direct_message"]))
    style = rng.random(count)
    native, latin = native_full_names(people, rows), latin_full_names(people, rows)
    display = pc.if_else(pa.array(style < 0.5), native, latin)
    display = pc.if_else(pa.array(style > 0.85), people.text("first_name", rows), display)
    seq = context.counters.allocate("interaction", count)
    platform = people.num("social_platform")[rows].astype(np.int64)
    return pa.table(
        {
            "interaction_id": ids("interaction", seq),
            "platform": pa.array(list(SOCIAL_PLATFORMS)).take(pa.array(platform)),
            "handle": people.text("handle", rows),
            "display_name": display,
            "email": maybe(people.text("email", rows), rng.random(count) < 0.25),
            "interaction_type": kind,
            "content": maybe(
                locale_sentences(people, rows, rng, context), wrote.to_numpy(zero_copy_only=False)
            ),
            "sentiment_label": draw(rng, SENTIMENTS, (50, 35, 15), count),
            "occurred_at": pa.array(occurred),
            PERSON: pa.array(people.num("person_seq")[rows]),
            TZ_OFFSET: pa.array(people.tz_offsets[rows]),
            latin_of("display_name"): pc.if_else(
                pa.array(style > 0.85), people.text("first_latin", rows), latin
            ),
        }
    )
