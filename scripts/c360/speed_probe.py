"""A fixed DuckDB workload that says how fast the machine is at the moment it runs.

The benchmark's machines are shared: the same unchanged staging models have
taken from 60 to 81 s to build on one day. ``c360 benchmark`` runs this probe before
its first step and after its last, so that a step's figure can be read against
the machine's speed at the time: a slow step on a slow-probing machine is the
machine; a slow step on a fast-probing one is the step.

The work is the kind the warehouse does (text digests, a regular expression,
a hash aggregate, a window over sorted partitions) on generated
rows, in memory, on two threads like the dbt profile. It must never change:
probes are only comparable if they did the same work. The checksum printed
with the time shows that it worked on the same rows.

    python -m c360.speed_probe [--rows N]
"""

from __future__ import annotations

import argparse
import json
import time

# Sized to take a few seconds on the 2-core machines the figures come from.
DEFAULT_ROWS = 4_000_000
# The cores of the machines the figures come from: the probe loads them as a build does.
PROBE_THREADS = 2

PROBE_QUERIES = (
    """
    create table probe_rows as
    select
        i as row_id,
        md5(cast(i as varchar)) as digest,
        i % 100003 as bucket
    from range($rows) as numbers(i)
    """,
    """
    create table probe_buckets as
    select
        bucket,
        count(*) as row_count,
        max(regexp_replace(digest, '[0-9]', '', 'g')) as max_letters
    from probe_rows
    group by bucket
    """,
    """
    create table probe_ranked as
    select
        bucket,
        digest,
        row_number() over (partition by bucket order by digest) as digest_rank
    from probe_rows
    """,
)

CHECKSUM_QUERY = """
select
    (select sum(row_count) + count(*) from probe_buckets)
    + (select count(*) from probe_ranked where digest_rank = 1)
"""


def run_probe(rows: int = DEFAULT_ROWS) -> dict:
    """Run the workload on ``rows`` generated rows; return its wall seconds and a checksum of the result."""
    import duckdb

    connection = duckdb.connect(config={"threads": PROBE_THREADS})
    try:
        started = time.perf_counter()
        for query in PROBE_QUERIES:
            connection.execute(query.replace("$rows", str(int(rows))))
        checksum = connection.execute(CHECKSUM_QUERY).fetchall()[0][0]
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    return {"rows": rows, "seconds": round(seconds, 3), "checksum": int(checksum)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    print(json.dumps(run_probe(args.rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
