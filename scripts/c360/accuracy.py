"""``c360 accuracy``: measure identity resolution against the generator's ground truth.

The clusters of ``bridge_customer_source_records`` (one customer id per source
record) are compared with ``ground_truth.source_records`` (one person id per
source record), on the records present in both. Pairwise figures count pairs of
records per group, never enumerate them, so they scale to millions of records:

- predicted pairs = sum over customers of n(n-1)/2,
- true pairs = sum over persons of n(n-1)/2,
- true positive pairs = sum over (customer, person) groups of n(n-1)/2,
- precision = true positive / predicted, recall = true positive / true pairs.

Next to recall stands the evidence ceiling: the recall of a matcher that links
two records of one person whenever they share a cleaned identifier value
(``int_identity_identifiers_unpivoted``), directly or through a chain of such
records, with no guards and no fuzzy matching. SQL numbers the compared records
and lists star edges (each record to the smallest record sharing its person and
identifier value); connected components are found in numpy and their pairs
counted like the groups above. Every figure is read in one snapshot.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from c360.errors import C360Error
from c360.raw_tables import GROUND_TRUTH_SCHEMA, GROUND_TRUTH_TABLE
from c360.targets import DuckDBTarget, PostgresTarget, resolve_target

BRIDGE_TABLE = "bridge_customer_source_records"
RECORDS_TABLE = "int_identity_records_unioned"
IDENTIFIERS_TABLE = "int_identity_identifiers_unpivoted"
# dbt names custom schemas <target schema>_<custom schema>: main_marts on DuckDB, public_marts on PostgreSQL.
DEFAULT_MARTS_SCHEMAS = {"duckdb": "main_marts", "postgres": "public_marts"}
DEFAULT_INTERMEDIATE_SCHEMAS = {"duckdb": "main_intermediate", "postgres": "public_intermediate"}
# Rows per round trip when PostgreSQL streams the evidence edges through a server-side cursor.
_FETCH_ROWS = 100_000
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class AccuracyReport:
    """Counts measured in the warehouse; the ratios are derived from them (None where undefined)."""

    records_compared: int
    customers: int
    true_persons: int
    predicted_pairs: int
    true_pairs: int
    true_positive_pairs: int
    split_persons: int
    merged_persons: int
    bridge_records_without_truth: int
    truth_records_not_resolved: int
    evidence_linked_pairs: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.true_positive_pairs, self.predicted_pairs)

    @property
    def recall(self) -> float | None:
        return _ratio(self.true_positive_pairs, self.true_pairs)

    @property
    def f1(self) -> float | None:
        precision, recall = self.precision, self.recall
        if precision is None or recall is None:
            return None
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)

    @property
    def split_share(self) -> float | None:
        return _ratio(self.split_persons, self.true_persons)

    @property
    def merged_share(self) -> float | None:
        return _ratio(self.merged_persons, self.true_persons)

    @property
    def evidence_recall(self) -> float | None:
        """The evidence ceiling: the recall of linking every shared identifier value within a person."""
        return _ratio(self.evidence_linked_pairs, self.true_pairs)

    @property
    def evidence_ceiling_reached(self) -> float | None:
        """Recall over the evidence ceiling; above 1 where fuzzy or cross-person chains link more."""
        return _ratio(self.true_positive_pairs, self.evidence_linked_pairs)

    def to_dict(self) -> dict[str, int | float | None]:
        ratios = (
            "precision",
            "recall",
            "f1",
            "split_share",
            "merged_share",
            "evidence_recall",
            "evidence_ceiling_reached",
        )
        return {**asdict(self), **{name: getattr(self, name) for name in ratios}}


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# The records compared, as both statements below read them. Record ids are compared as text on both sides.
COMPARED_INPUTS_SQL = """
bridge as (

    select distinct
        cast(customer_id as varchar) as customer_id,
        cast(source_table as varchar) as source_table,
        cast(source_record_id as varchar) as source_record_id
    from {bridge}

),

truth as (

    select distinct
        cast(source_table as varchar) as source_table,
        cast(source_record_id as varchar) as source_record_id,
        cast(person_id as varchar) as person_id
    from {truth}

),

-- every record in both, with its customer and its person
resolved as (

    select
        bridge.customer_id,
        truth.person_id,
        truth.source_table,
        truth.source_record_id
    from bridge
    inner join truth
        on bridge.source_table = truth.source_table
        and bridge.source_record_id = truth.source_record_id

)
"""

# Every count but the evidence ceiling in one statement.
# sum(n * (n - 1)) is halved in Python, which keeps the arithmetic exact in both engines.
ACCURACY_SQL = (
    "with\n"
    + COMPARED_INPUTS_SQL
    + """,

customer_sizes as (

    select
        customer_id,
        count(*) as records,
        count(distinct person_id) as persons
    from resolved
    group by customer_id

),

person_sizes as (

    select
        person_id,
        count(*) as records,
        count(distinct customer_id) as customers
    from resolved
    group by person_id

),

overlap_sizes as (

    select count(*) as records
    from resolved
    group by customer_id, person_id

),

merged_persons as (

    select count(distinct resolved.person_id) as persons
    from resolved
    inner join customer_sizes
        on resolved.customer_id = customer_sizes.customer_id
    where customer_sizes.persons > 1

)

select
    (select count(*) from resolved) as records_compared,
    (select count(*) from customer_sizes) as customers,
    (select count(*) from person_sizes) as true_persons,
    (select coalesce(sum(records * (records - 1)), 0) from customer_sizes) as predicted_pairs_doubled,
    (select coalesce(sum(records * (records - 1)), 0) from person_sizes) as true_pairs_doubled,
    (select coalesce(sum(records * (records - 1)), 0) from overlap_sizes) as true_positive_pairs_doubled,
    (select count(*) from person_sizes where customers > 1) as split_persons,
    (select persons from merged_persons) as merged_persons,
    (
        select count(*) from (select distinct source_table, source_record_id from bridge) as bridge_keys
        where not exists (
            select 1 from truth
            where truth.source_table = bridge_keys.source_table
                and truth.source_record_id = bridge_keys.source_record_id
        )
    ) as bridge_records_without_truth,
    (
        select count(*) from (select distinct source_table, source_record_id from truth) as truth_keys
        where not exists (
            select 1 from bridge
            where bridge.source_table = truth_keys.source_table
                and bridge.source_record_id = truth_keys.source_record_id
        )
    ) as truth_records_not_resolved"""
)

# Star edges of the evidence graph: each compared record (a node numbered from 0) to the smallest node of
# the same person holding the same identifier value. Their connected components are what the ceiling links.
# A repeated record or identifier row only repeats an edge, which changes no component: no distinct before the end.
# Any numbering will do (record_nodes is read once), so the 4.6 M records are numbered without a sort.
EVIDENCE_EDGES_SQL = (
    "with\n"
    + COMPARED_INPUTS_SQL
    + """,

records as (

    select
        cast(record_key as varchar) as record_key,
        cast(source_table as varchar) as source_table,
        cast(source_record_id as varchar) as source_record_id
    from {records}

),

identifiers as (

    select
        cast(record_key as varchar) as record_key,
        cast(identifier_type as varchar) as identifier_type,
        cast(identifier_value as varchar) as identifier_value
    from {identifiers}
    where identifier_value is not null

),

compared_records as (

    select distinct
        person_id,
        source_table,
        source_record_id
    from resolved

),

record_nodes as (

    select
        person_id,
        source_table,
        source_record_id,
        row_number() over () - 1 as node
    from compared_records

),

node_identifiers as (

    select
        record_nodes.node,
        record_nodes.person_id,
        identifiers.identifier_type,
        identifiers.identifier_value
    from record_nodes
    inner join records
        on record_nodes.source_table = records.source_table
        and record_nodes.source_record_id = records.source_record_id
    inner join identifiers
        on records.record_key = identifiers.record_key

),

star_edges as (

    select
        node,
        min(node) over (partition by person_id, identifier_type, identifier_value) as root_node
    from node_identifiers

)

select distinct
    node,
    root_node
from star_edges
where node <> root_node
"""
)

TABLE_EXISTS_SQL = """
select count(*) from information_schema.tables
where table_catalog = current_database() and table_schema = {mark} and table_name = {mark}
"""


def measure_accuracy(
    connection_or_target: object = None,
    *,
    marts_schema: str | None = None,
    intermediate_schema: str | None = None,
) -> AccuracyReport:
    """Compare the bridge's clusters with the ground truth and return the counts.

    ``connection_or_target`` is an open DuckDB or psycopg2 connection (left
    open), a ``DuckDBTarget``/``PostgresTarget``, a target name, or None for
    the default target (both opened and closed here). ``marts_schema`` defaults
    to ``main_marts`` on DuckDB and ``public_marts`` on PostgreSQL,
    ``intermediate_schema`` (identity records and identifiers, for the evidence
    ceiling) to ``main_intermediate`` and ``public_intermediate``.
    """
    if connection_or_target is None or isinstance(connection_or_target, str):
        connection_or_target = resolve_target(connection_or_target)
    if isinstance(connection_or_target, DuckDBTarget | PostgresTarget):
        connection = _connect(connection_or_target)
        try:
            return _measure(connection, _engine(connection), marts_schema, intermediate_schema)
        finally:
            connection.close()
    return _measure(connection_or_target, _engine(connection_or_target), marts_schema, intermediate_schema)


def _measure(
    connection, engine: str, marts_schema: str | None, intermediate_schema: str | None
) -> AccuracyReport:
    marts_schema = marts_schema or DEFAULT_MARTS_SCHEMAS[engine]
    intermediate_schema = intermediate_schema or DEFAULT_INTERMEDIATE_SCHEMAS[engine]
    for option, schema in (("--marts-schema", marts_schema), ("--intermediate-schema", intermediate_schema)):
        if not _IDENTIFIER.fullmatch(schema):
            raise C360Error(f"{option} must be a plain schema name, got {schema!r}")
    tables = {
        "bridge": f"{marts_schema}.{BRIDGE_TABLE}",
        "truth": f"{GROUND_TRUTH_SCHEMA}.{GROUND_TRUTH_TABLE}",
        "records": f"{intermediate_schema}.{RECORDS_TABLE}",
        "identifiers": f"{intermediate_schema}.{IDENTIFIERS_TABLE}",
    }
    with _snapshot(connection, engine):
        if not _table_exists(connection, engine, marts_schema, BRIDGE_TABLE):
            raise C360Error(f"{tables['bridge']} not found: run dbt build first")
        if not _table_exists(connection, engine, GROUND_TRUTH_SCHEMA, GROUND_TRUTH_TABLE):
            raise C360Error(f"{tables['truth']} not found: load generated data first (c360 load)")
        missing = [
            f"{intermediate_schema}.{table}"
            for table in (RECORDS_TABLE, IDENTIFIERS_TABLE)
            if not _table_exists(connection, engine, intermediate_schema, table)
        ]
        if missing:
            raise C360Error(
                f"{' and '.join(missing)} not found: the evidence ceiling reads the intermediate identity "
                "models; run dbt build first (or name their schema with --intermediate-schema)"
            )
        (
            records,
            customers,
            persons,
            predicted_doubled,
            true_doubled,
            true_positive_doubled,
            split,
            merged,
            without_truth,
            not_resolved,
        ) = (int(value) for value in _fetch_one(connection, engine, ACCURACY_SQL.format(**tables)))
        sources, targets = _fetch_edges(connection, engine, EVIDENCE_EDGES_SQL.format(**tables))
    return AccuracyReport(
        records_compared=records,
        customers=customers,
        true_persons=persons,
        predicted_pairs=predicted_doubled // 2,
        true_pairs=true_doubled // 2,
        true_positive_pairs=true_positive_doubled // 2,
        split_persons=split,
        merged_persons=merged,
        bridge_records_without_truth=without_truth,
        truth_records_not_resolved=not_resolved,
        # Evidence links only join records of one person, so each component lies within one person
        # and its pairs are the (person, component) pairs.
        evidence_linked_pairs=count_pairs_in_components(sources, targets),
    )


def count_pairs_in_components(sources: np.ndarray, targets: np.ndarray) -> int:
    """Pairs of nodes joined by a path of edges: the sum over connected components of n(n-1)/2.

    Nodes are numbered from 0; a node on no edge is a component of one, with no
    pairs, so the edges alone say everything. Each node holds a label no larger
    than itself, so following labels never loops and ends at a root. Hooking
    lowers the root of each edge's ends to the other end's root, pointer
    jumping then points every node straight at its root, until both ends of
    every edge share one: the roots then name the components.
    """
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    if sources.size == 0:
        return 0
    labels = np.arange(int(max(sources.max(), targets.max())) + 1, dtype=np.int64)
    while True:
        source_roots, target_roots = labels[sources], labels[targets]
        if np.array_equal(source_roots, target_roots):
            break
        np.minimum.at(labels, source_roots, target_roots)
        np.minimum.at(labels, target_roots, source_roots)
        while not np.array_equal(jumped := labels[labels], labels):
            labels = jumped
    sizes = np.bincount(labels)
    return int((sizes * (sizes - 1)).sum()) // 2


@contextmanager
def _snapshot(connection, engine: str) -> Iterator[None]:
    """Run the statements inside in one read-only snapshot, so that every count describes the same data.

    A transaction the caller already has open is used as it is (with its own isolation level).
    """
    if engine == "duckdb":
        # Outside a transaction every statement gets a new id; a failed "begin" would abort the caller's.
        ids = [connection.execute("select txid_current()").fetchone()[0] for _ in range(2)]
        began = ids[0] != ids[1]
        if began:
            connection.execute("begin transaction")
        try:
            yield
        finally:
            if began:
                connection.execute("rollback")
        return
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    if connection.info.transaction_status != TRANSACTION_STATUS_IDLE:  # the caller's transaction
        yield
        return
    autocommit = connection.autocommit
    connection.autocommit = False
    try:
        with connection.cursor() as cursor:
            # The first statement of the transaction psycopg2 opens: it sets that transaction only.
            cursor.execute("set transaction isolation level repeatable read, read only")
        yield
    finally:
        connection.rollback()
        connection.autocommit = autocommit


def _engine(connection) -> str:
    import duckdb

    return "duckdb" if isinstance(connection, duckdb.DuckDBPyConnection) else "postgres"


def _connect(target: DuckDBTarget | PostgresTarget):
    if isinstance(target, DuckDBTarget):
        import duckdb

        if not target.path.is_file():
            raise C360Error(f"no warehouse at {target.path}: load generated data and run dbt build first")
        try:
            return duckdb.connect(str(target.path), read_only=True)
        except duckdb.Error as error:
            raise C360Error(f"cannot open {target.path}: {str(error).splitlines()[0]}") from error
    import psycopg2

    from c360.load.sinks import TargetUnreachable

    try:
        return psycopg2.connect(**target.connect_kwargs(), connect_timeout=10)
    except psycopg2.OperationalError as error:
        raise TargetUnreachable(
            f"cannot connect to PostgreSQL at {target.host}:{target.port}/{target.database} "
            f"as {target.user}: {str(error).strip()}"
        ) from error


def _table_exists(connection, engine: str, schema: str, table: str) -> bool:
    sql = TABLE_EXISTS_SQL.format(mark="?" if engine == "duckdb" else "%s")
    return _fetch_one(connection, engine, sql, (schema, table))[0] > 0


def _fetch_one(connection, engine: str, sql: str, parameters: tuple | None = None) -> tuple:
    with _query_errors(engine):
        if engine == "duckdb":
            return connection.execute(sql, parameters).fetchone()
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            return cursor.fetchone()


def _fetch_edges(connection, engine: str, sql: str) -> tuple[np.ndarray, np.ndarray]:
    """The two node columns of a (node, node) query, as integer arrays."""
    with _query_errors(engine):
        if engine == "duckdb":
            columns = connection.execute(sql).fetchnumpy()
            return tuple(np.asarray(columns[name], dtype=np.int64) for name in ("node", "root_node"))
        # A server-side cursor streams the rows instead of holding them all in psycopg2's result.
        chunks = [np.empty((0, 2), dtype=np.int64)]
        with connection.cursor(name="c360_accuracy_evidence_edges", withhold=connection.autocommit) as cursor:
            cursor.itersize = _FETCH_ROWS
            cursor.execute(sql)
            while rows := cursor.fetchmany(_FETCH_ROWS):
                chunks.append(np.array(rows, dtype=np.int64))
    edges = np.concatenate(chunks)
    return edges[:, 0], edges[:, 1]


@contextmanager
def _query_errors(engine: str) -> Iterator[None]:
    if engine == "duckdb":
        import duckdb

        database_error: type[Exception] = duckdb.Error
    else:
        import psycopg2

        database_error = psycopg2.Error
    try:
        yield
    except database_error as error:
        raise C360Error(f"accuracy query failed: {str(error).strip().splitlines()[0]}") from error


def format_report(report: AccuracyReport) -> str:
    """A small aligned table for people."""

    def share(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.4f}"

    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2%}"

    rows = [
        ("records compared", f"{report.records_compared:,}", "in both the bridge and the ground truth"),
        ("customers", f"{report.customers:,}", "customer ids among them"),
        ("true persons", f"{report.true_persons:,}", "person ids among them"),
        ("predicted pairs", f"{report.predicted_pairs:,}", "record pairs under one customer id"),
        ("true pairs", f"{report.true_pairs:,}", "record pairs of one person"),
        ("true positive pairs", f"{report.true_positive_pairs:,}", "both"),
        ("pairwise precision", share(report.precision), "true positive / predicted pairs"),
        ("pairwise recall", share(report.recall), "true positive / true pairs"),
        ("pairwise F1", share(report.f1), ""),
        (
            "evidence linked pairs",
            f"{report.evidence_linked_pairs:,}",
            "true pairs joined by a chain of shared identifier values",
        ),
        (
            "evidence ceiling",
            share(report.evidence_recall),
            "recall if every shared value linked (no guards, no fuzzy)",
        ),
        (
            "evidence ceiling reached",
            share(report.evidence_ceiling_reached),
            "recall / ceiling: above 1 where fuzzy links add pairs",
        ),
        (
            "persons split",
            percent(report.split_share),
            f"{report.split_persons:,} under several customer ids",
        ),
        ("persons merged", percent(report.merged_share), f"{report.merged_persons:,} share a customer id"),
        (
            "bridge records not in truth",
            f"{report.bridge_records_without_truth:,}",
            "errors: records the generator never made",
        ),
        (
            "truth records not resolved",
            f"{report.truth_records_not_resolved:,}",
            "not in the bridge: naming nobody, quarantined (or not built)",
        ),
    ]
    width = max(len(row[1]) for row in rows)
    return "\n".join(f"{label:<28} {value:>{width}}   {note}".rstrip() for label, value, note in rows)


def run(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    report = measure_accuracy(
        target, marts_schema=args.marts_schema, intermediate_schema=args.intermediate_schema
    )
    where = (
        target.path if isinstance(target, DuckDBTarget) else f"{target.host}:{target.port}/{target.database}"
    )
    print(f"identity resolution accuracy on {target.name} ({where})")
    print(format_report(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_dict(), indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "accuracy",
        help="measure identity resolution (pairwise precision, recall, evidence ceiling, splits, merges) "
        "against the ground truth",
        description="Compare the clusters of bridge_customer_source_records with ground_truth.source_records.",
    )
    parser.add_argument("--target", default=None, help="dbt target: dev (DuckDB, default) or postgres")
    parser.add_argument(
        "--marts-schema",
        default=None,
        help="schema of bridge_customer_source_records (default: main_marts on DuckDB, public_marts on PostgreSQL)",
    )
    parser.add_argument(
        "--intermediate-schema",
        default=None,
        help="schema of int_identity_records_unioned and int_identity_identifiers_unpivoted, for the evidence "
        "ceiling (default: main_intermediate on DuckDB, public_intermediate on PostgreSQL)",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the figures here")
    parser.set_defaults(func=run)
