"""End to end: three generated days, loaded and built once per engine, then checked row by row.

One module-scoped build per engine (DuckDB file, PostgreSQL database): generate
days 0..2 with a fixed seed and raised defect rates (so that every defect kind
shows up often enough to be checked on a small population), load the three
batches, load the generator's defect manifests into a side schema
(``test_manifest``, never ``raw``), ``dbt seed`` and ``dbt build``. The tests then
follow each injected defect (table, record id, column, kind) to where the raw
data contract says it must end up, recompute the reconciliation from the raw
rows, recompute the money and matching rules of the fact marts, and check that
the ground truth stays out of reach of every model.

Flag columns are looked up by pattern in the built relations (``formula``,
``truncat``), so a renamed flag is found as long as it keeps its meaning.
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import psycopg2
import psycopg2.extras
import pyarrow as pa
import pytest
import yaml

from c360.generate.columns import SPECS
from c360.generate.config import DefectRates
from c360.generate.defects.values import COUNTRY_ALIASES, FORMULAS, GENDER_ALIASES, PHONE_JUNK
from c360.generate.runner import generate_days
from c360.generate.writer import MANIFEST_FILE, day_folder_name
from c360.load import load_batch
from c360.raw_tables import (
    GROUND_TRUTH_SCHEMA,
    GROUND_TRUTH_TABLE,
    RAW_SCHEMA,
    RAW_TABLES,
    RAW_TABLES_BY_NAME,
)
from conftest import PROJECT_ROOT, loader_target, run_dbt, worker_postgres_database

pytestmark = pytest.mark.dbt

SEED = 20260301
CUSTOMERS = 1_200
DAYS = (0, 1, 2)
# Defaults keep rare defects to a handful on 1,200 customers; raised here so each kind is checkable.
RATES = DefectRates().with_rates(
    duplicate_row=0.02,
    conflicting_version=0.02,
    late_arrival=0.05,
    missing_natural_key=0.01,
    orphan_record=0.02,
    email_typo_domain=0.03,
    email_invalid=0.02,
    email_placeholder=0.02,
    phone_junk=0.03,
    invalid_birth_date=0.05,
    invalid_timestamp=0.01,
    future_timestamp=0.01,
    invalid_amount=0.01,
    invalid_quantity=0.02,
    unknown_currency=0.01,
    invalid_score=0.1,
    control_characters=0.03,
    spreadsheet_formula=0.05,
    long_text=0.03,
)
MANIFEST_SCHEMA = "test_manifest"
RAW_TABLE_NAMES = tuple(table.name for table in RAW_TABLES)
QUARANTINE_KINDS = (
    "missing_natural_key",
    "invalid_timestamp",
    "future_timestamp",
    "invalid_amount",
    "invalid_quantity",
    "unknown_currency",
    "invalid_score",
    "orphan_record",
)
# Child table -> (column naming the parent, parent table).
ORPHAN_PARENTS = {
    "shop_order_items": ("order_id", "shop_orders"),
    "email_events": ("subscriber_id", "email_subscribers"),
}
# Documented exception: a product with a bad price or currency is kept and flagged, not quarantined.
PRODUCT_FLAGS = {"invalid_amount": "has_invalid_list_price", "unknown_currency": "has_unknown_currency"}
VALID_EMAIL = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$")
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
TIME_WITH_OFFSET = re.compile(r"T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
GENDERS = {"female", "male", "non_binary", "unknown"}
# Share of manifest entries that must land exactly as documented where a second defect may win.
MAJORITY = 0.9


# --- the build ----------------------------------------------------------------------


class Defect(NamedTuple):
    batch_id: str
    table: str
    record_id: str
    column: str
    defect: str


@dataclass
class Warehouse:
    """One built warehouse and cached views of its relations (as lists of dicts)."""

    engine: str
    work_dir: Path
    data_dir: Path
    env: dict[str, str]
    connection: Any
    build: Any
    run_results: dict
    manifest: dict
    _cache: dict = field(default_factory=dict)

    @property
    def target_schema(self) -> str:
        return "main" if self.engine == "duckdb" else "public"

    def schema(self, custom: str) -> str:
        return f"{self.target_schema}_{custom}"

    def rows(self, sql: str) -> list[tuple]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def dicts(self, sql: str) -> list[dict[str, Any]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def cached(self, key: str, load) -> Any:
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def columns(self, schema: str, relation: str) -> dict[str, str]:
        """column name -> lower-case data type, in ordinal order."""

        def load() -> dict[str, str]:
            found = self.rows(
                "select column_name, data_type from information_schema.columns "
                f"where table_schema = '{schema}' and table_name = '{relation}' order by ordinal_position"
            )
            assert found, f"{schema}.{relation} does not exist on {self.engine}"
            return {name: data_type.lower() for name, data_type in found}

        return self.cached(f"columns:{schema}.{relation}", load)

    def base(self, table: str) -> list[dict[str, Any]]:
        """Every base row of ``table`` with the raw values it came from (as ``raw__<column>``)."""

        def load() -> list[dict[str, Any]]:
            raw_columns = ", ".join(
                f'raw_rows."{c}" as "raw__{c}"' for c in RAW_TABLES_BY_NAME[table].columns
            )
            return self.dicts(
                f"select base_rows.*, {raw_columns} "
                f"from {self.schema('staging')}.{model_name('base', table)} as base_rows "
                f"inner join {RAW_SCHEMA}.{table} as raw_rows "
                "on base_rows._batch_id = raw_rows._batch_id and base_rows._row_number = raw_rows._row_number"
            )

        return self.cached(f"base:{table}", load)

    def base_columns(self, table: str) -> dict[str, str]:
        return self.columns(self.schema("staging"), model_name("base", table))

    def stg(self, table: str) -> list[dict[str, Any]]:
        return self.cached(
            f"stg:{table}",
            lambda: self.dicts(f"select * from {self.schema('staging')}.{model_name('stg', table)}"),
        )

    def quarantine(self, table: str) -> list[dict[str, Any]]:
        return self.cached(
            f"quarantine:{table}",
            lambda: self.dicts(
                f"select * from {self.schema('quarantine')}.{model_name('stg', table)}_quarantine"
            ),
        )

    def raw(self, table: str) -> list[dict[str, Any]]:
        return self.cached(f"raw:{table}", lambda: self.dicts(f"select * from {RAW_SCHEMA}.{table}"))

    def defects(self) -> list[Defect]:
        return self.cached(
            "defects",
            lambda: [
                Defect(*row)
                for row in self.rows(
                    "select batch_id, table_name, record_id, column_name, defect "
                    f"from {MANIFEST_SCHEMA}.defects"
                )
            ],
        )

    def defects_of(self, kind: str, table: str | None = None) -> list[Defect]:
        return [d for d in self.defects() if d.defect == kind and (table is None or d.table == table)]

    def base_by_key(self, table: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """(batch id, key as delivered) -> base rows: how a manifest entry finds its rows."""

        def load() -> dict[tuple[str, str], list[dict[str, Any]]]:
            key = f"raw__{RAW_TABLES_BY_NAME[table].natural_key}"
            index = defaultdict(list)
            for row in self.base(table):
                index[(row["_batch_id"], row[key])].append(row)
            return dict(index)

        return self.cached(f"base_by_key:{table}", load)


def model_name(layer: str, table: str) -> str:
    source, entity = table.split("_", 1)
    return f"{layer}_{source}__{entity}"


def natural_key(table: str) -> str:
    return RAW_TABLES_BY_NAME[table].natural_key


def rows_of(warehouse: Warehouse, defect: Defect) -> list[dict[str, Any]]:
    return warehouse.base_by_key(defect.table).get((defect.batch_id, defect.record_id), [])


def read_defect_manifests(data_dir: Path) -> pa.Table:
    columns: dict[str, list[str]] = {name: [] for name in Defect._fields}
    for day in DAYS:
        folder = data_dir / day_folder_name(day)
        with (folder / MANIFEST_FILE).open(newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                columns["batch_id"].append(folder.name)
                columns["table"].append(record["table"])
                columns["record_id"].append(record["record_id"])
                columns["column"].append(record["column"])
                columns["defect"].append(record["defect"])
    return pa.table(columns)


MANIFEST_DDL = (
    f"create table {MANIFEST_SCHEMA}.defects (batch_id varchar, table_name varchar, "
    "record_id varchar, column_name varchar, defect varchar)"
)


def load_manifest_duckdb(path: Path, manifest: pa.Table) -> None:
    connection = duckdb.connect(str(path))
    try:
        connection.execute(f"create schema {MANIFEST_SCHEMA}")
        connection.execute(MANIFEST_DDL)
        connection.register("manifest_rows", manifest)
        connection.execute(f"insert into {MANIFEST_SCHEMA}.defects select * from manifest_rows")
    finally:
        connection.close()


def load_manifest_postgres(connect_kwargs: dict, manifest: pa.Table) -> None:
    connection = psycopg2.connect(**connect_kwargs)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f"create schema {MANIFEST_SCHEMA}")
            cursor.execute(MANIFEST_DDL)
            psycopg2.extras.execute_values(
                cursor,
                f"insert into {MANIFEST_SCHEMA}.defects values %s",
                list(zip(*(manifest[name].to_pylist() for name in Defect._fields), strict=True)),
                page_size=5_000,
            )
    finally:
        connection.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("e2e_data")
    generate_days(data_dir, CUSTOMERS, SEED, DAYS, RATES)
    return data_dir


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request, generated, tmp_path_factory) -> Iterator[Warehouse]:
    engine = request.param
    work_dir = tmp_path_factory.mktemp(f"e2e_{engine}")
    manifest_rows = read_defect_manifests(generated)
    if engine == "duckdb":
        env = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(work_dir / "warehouse.duckdb")}
    else:
        env = worker_postgres_database(request.getfixturevalue("postgres_server"))
    target = loader_target(env)
    for day in DAYS:
        load_batch(generated / day_folder_name(day), target)
    if engine == "duckdb":
        load_manifest_duckdb(target.path, manifest_rows)
    else:
        load_manifest_postgres(target.connect_kwargs(), manifest_rows)
    run_dbt(["seed"], env, work_dir)
    build = run_dbt(["build"], env, work_dir, check=False)
    artefacts = work_dir / "target"
    run_results = json.loads((artefacts / "run_results.json").read_text())
    manifest = json.loads((artefacts / "manifest.json").read_text())
    if engine == "duckdb":
        connection = duckdb.connect(str(target.path), read_only=True)
    else:
        connection = psycopg2.connect(**target.connect_kwargs())
        connection.autocommit = True
    yield Warehouse(engine, work_dir, generated, env, connection, build, run_results, manifest)
    connection.close()


def quarantine_precedence() -> list[str]:
    with (PROJECT_ROOT / "seeds" / "quarantine_reasons.csv").open(newline="", encoding="utf-8") as handle:
        return [record["reason_code"] for record in csv.DictReader(handle)]


def seed_rows(name: str) -> list[dict[str, str]]:
    with (PROJECT_ROOT / "seeds" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def max_text_length() -> int:
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return int(project["vars"]["max_text_length"])


def require(checked: int, minimum: int, what: str) -> None:
    """Guard against a check that passes because it looked at nothing."""
    assert checked >= minimum, f"only {checked} {what} to check (expected at least {minimum}): data too thin"


def examples(problems: list, count: int = 8) -> str:
    return "\n".join(repr(problem) for problem in problems[:count])


def is_usable(row: dict[str, Any]) -> bool:
    return row["quarantine_reason"] is None and not row["is_exact_duplicate"]


def change_time(table: str, row: dict[str, Any]) -> datetime | None:
    """The record's own change time: the table's version column; a privacy request changes when
    processed (documented in ``privacy_requests__processed_at``); order items have none."""
    if table == "privacy_requests":
        return row["processed_at"] or row["requested_at"]
    column = SPECS[table].version_column
    return row[column] if column else None


def version_order(table: str):
    """Sort key of the documented version rule: newest change time, then latest load, batch, row."""

    def key(row: dict[str, Any]) -> tuple:
        moment = change_time(table, row)
        return (moment or datetime.min, row["_loaded_at"], row["_batch_id"], row["_row_number"])

    return key


def as_utc_naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


# --- the build passed and every row is accounted for ---------------------------------


def test_build_passed_every_model_data_test_and_unit_test(warehouse):
    assert warehouse.build.returncode == 0, warehouse.build.stdout[-6000:]
    results = {result["unique_id"]: result for result in warehouse.run_results["results"]}
    nodes = warehouse.manifest["nodes"]
    unit_tests = warehouse.manifest.get("unit_tests", {})
    expected = {
        "model": [uid for uid, node in nodes.items() if node["resource_type"] == "model"],
        "test": [uid for uid, node in nodes.items() if node["resource_type"] == "test"],
        "unit_test": list(unit_tests),
    }
    for kind, unique_ids in expected.items():
        assert unique_ids, f"the project has no {kind}s"
        missing = [uid for uid in unique_ids if uid not in results]
        assert not missing, f"{kind}s not run by dbt build: {missing[:5]}"
    failed = []
    for uid, result in results.items():
        status = result["status"]
        if status in ("success", "pass"):
            continue
        if status == "no-op" and uid.startswith("exposure."):
            continue  # dbt build lists exposures, which have nothing to run
        severity = str(nodes.get(uid, {}).get("config", {}).get("severity", "error")).lower()
        if status == "warn" and severity == "warn":
            continue  # a test that is configured to warn only
        failed.append((uid, status, result.get("message")))
    assert not failed, f"{len(failed)} nodes did not pass:\n{examples(failed)}"


def test_marts_rebuilt_whole_carry_their_check_constraints(warehouse):
    """The value rules of the contracted marts rebuilt each run are check constraints that the
    engine holds (docs/marts.md, "Contracts"): a build that wrote a row breaking one fails."""
    declared = {}
    for node in warehouse.manifest["nodes"].values():
        if node["resource_type"] != "model" or node["config"]["materialized"] != "table":
            continue
        checks = [c for c in node["constraints"] if c["type"] == "check"]
        checks += [
            c for column in node["columns"].values() for c in column["constraints"] if c["type"] == "check"
        ]
        if checks:
            declared[(node["schema"], node["alias"])] = len(checks)
    assert len(declared) >= 10, f"only {len(declared)} marts declare check constraints"
    if warehouse.engine == "duckdb":
        held = warehouse.rows(
            "select schema_name, table_name, count(*) from duckdb_constraints()"
            " where constraint_type = 'CHECK' group by schema_name, table_name"
        )
    else:
        held = warehouse.rows(
            "select namespaces.nspname, tables.relname, count(*) from pg_constraint as constraints"
            " inner join pg_class as tables on constraints.conrelid = tables.oid"
            " inner join pg_namespace as namespaces on tables.relnamespace = namespaces.oid"
            " where constraints.contype = 'c' group by namespaces.nspname, tables.relname"
        )
    held_by_table = {(schema, table): count for schema, table, count in held}
    missing = {table: count for table, count in declared.items() if held_by_table.get(table, 0) < count}
    assert not missing, f"check constraints declared but not held (table: declared count): {missing}"


def test_every_description_is_the_comment_its_relation_holds(warehouse):
    """`persist_docs` (models and seeds): the catalog holds each relation's and column's
    description as written. On DuckDB through macros/storage/persist_docs.sql, which writes only
    what differs: the seeds, loaded by `dbt seed` and again by `dbt build`, are written once."""
    expected = {}
    for node in warehouse.manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed") or node["config"]["materialized"] == "ephemeral":
            continue
        comments = {None: node["description"]}
        comments.update({name: column["description"] for name, column in node["columns"].items()})
        expected[(node["schema"], node["alias"])] = comments
    assert len(expected) >= 100, f"only {len(expected)} models and seeds"
    if warehouse.engine == "duckdb":
        stored = warehouse.rows(
            "select schema_name, table_name, null, comment from duckdb_tables()"
            " union all select schema_name, view_name, null, comment from duckdb_views()"
            " union all select schema_name, table_name, column_name, comment from duckdb_columns()"
        )
    else:
        stored = warehouse.rows(
            "select namespaces.nspname, relations.relname, null, obj_description(relations.oid, 'pg_class')"
            " from pg_class as relations"
            " inner join pg_namespace as namespaces on relations.relnamespace = namespaces.oid"
            " where relations.relkind in ('r', 'v', 'p')"
            " union all"
            " select namespaces.nspname, relations.relname, columns.attname,"
            " col_description(relations.oid, columns.attnum)"
            " from pg_attribute as columns"
            " inner join pg_class as relations on columns.attrelid = relations.oid"
            " inner join pg_namespace as namespaces on relations.relnamespace = namespaces.oid"
            " where relations.relkind in ('r', 'v', 'p') and columns.attnum > 0 and not columns.attisdropped"
        )
    held = {}
    for schema, relation, column, comment in stored:
        held.setdefault((schema, relation), {})[column] = comment
    wrong = [
        (relation, part, held.get(relation, {}).get(part))
        for relation, comments in expected.items()
        for part, description in comments.items()
        if held.get(relation, {}).get(part) != description
    ]
    assert not wrong, (
        f"{len(wrong)} comments differ from their description (relation, column, held):\n{examples(wrong)}"
    )


def test_reconciliation_is_balanced_for_every_raw_table(warehouse):
    rows = warehouse.dicts(f"select * from {warehouse.schema('intermediate')}.int_source_rows_reconciled")
    by_table = {row["table_name"]: row for row in rows}
    assert sorted(by_table) == sorted(RAW_TABLE_NAMES)
    unbalanced = [row for row in rows if not row["is_balanced"] or row["rows_unaccounted"] != 0]
    assert not unbalanced, examples(unbalanced)
    assert all(row["rows_rejected_by_loader"] == 0 for row in rows)
    assert sum(row["rows_quarantined"] for row in rows) > 0
    assert sum(row["rows_duplicate"] for row in rows) > 0
    assert sum(row["rows_superseded"] for row in rows) > 0


def delivered_records(data_dir: Path, table: str) -> int:
    """Data records in the generated CSV files of ``table`` (quoted newlines stay inside a record)."""
    total = 0
    for day in DAYS:
        path = data_dir / day_folder_name(day) / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            total += sum(1 for _ in csv.reader(handle)) - 1
    return total


def recomputed_duplicates(warehouse: Warehouse, table: str) -> set[tuple[str, int]]:
    """(batch id, row number) of every raw row whose business values were delivered before."""

    def load() -> set[tuple[str, int]]:
        columns = RAW_TABLES_BY_NAME[table].columns
        ordered = sorted(
            warehouse.raw(table), key=lambda row: (row["_loaded_at"], row["_batch_id"], row["_row_number"])
        )
        seen: set[tuple] = set()
        duplicates = set()
        for row in ordered:
            values = tuple(row[column] for column in columns)
            if values in seen:
                duplicates.add((row["_batch_id"], row["_row_number"]))
            seen.add(values)
        return duplicates

    return warehouse.cached(f"duplicates:{table}", load)


def test_reconciliation_matches_counts_recomputed_from_raw(warehouse):
    """Every figure of the reconciliation, recomputed from the files, the raw rows and the quarantine."""
    reconciled = {
        row["table_name"]: row
        for row in warehouse.dicts(
            f"select * from {warehouse.schema('intermediate')}.int_source_rows_reconciled"
        )
    }
    unioned = Counter(
        table
        for (table,) in warehouse.rows(
            f"select table_name from {warehouse.schema('intermediate')}.int_quarantined_rows_unioned"
        )
    )
    for table in RAW_TABLE_NAMES:
        raw = warehouse.raw(table)
        duplicates = recomputed_duplicates(warehouse, table)
        quarantined = {(row["_batch_id"], row["_row_number"]) for row in warehouse.quarantine(table)}
        assert not quarantined & duplicates, f"{table}: a row is both quarantined and a duplicate"
        usable = [
            row for row in raw if (row["_batch_id"], row["_row_number"]) not in duplicates | quarantined
        ]
        served = len({row[natural_key(table)].strip() for row in usable})
        figures = reconciled[table]
        actual = {
            "rows_delivered": figures["rows_delivered"],
            "rows_duplicate": figures["rows_duplicate"],
            "rows_quarantined": figures["rows_quarantined"],
            "rows_served": figures["rows_served"],
            "rows_superseded": figures["rows_superseded"],
        }
        recomputed = {
            "rows_delivered": delivered_records(warehouse.data_dir, table),
            "rows_duplicate": len(duplicates),
            "rows_quarantined": unioned[table],
            "rows_served": served,
            "rows_superseded": len(usable) - served,
        }
        assert len(raw) == recomputed["rows_delivered"], f"{table}: raw rows differ from the files"
        assert actual == recomputed, table
        assert len(warehouse.stg(table)) == served, table


# --- duplicates, versions, late arrivals ----------------------------------------------


def test_exact_duplicates_are_flagged_counted_and_never_served(warehouse):
    checked = 0
    problems = []
    for table in RAW_TABLE_NAMES:
        expected = Counter((d.batch_id, d.record_id) for d in warehouse.defects_of("duplicate_row", table))
        for (batch_id, record_id), count in expected.items():
            rows = warehouse.base_by_key(table).get((batch_id, record_id), [])
            flagged = sum(1 for row in rows if row["is_exact_duplicate"])
            checked += 1
            if flagged < count:
                problems.append((table, batch_id, record_id, f"{flagged} of {count} flagged"))
        duplicate_rows = {
            (r["_batch_id"], r["_row_number"]) for r in warehouse.base(table) if r["is_exact_duplicate"]
        }
        assert duplicate_rows == recomputed_duplicates(warehouse, table), f"{table}: wrong rows flagged"
        served = {(r["_batch_id"], r["_row_number"]) for r in warehouse.stg(table)}
        assert not duplicate_rows & served, f"{table}: duplicates served"
        for row in warehouse.base(table):
            if row["is_exact_duplicate"]:
                assert row["version_number"] is None and not row["is_current_version"], (table, row)
    require(checked, 50, "re-delivered duplicates")
    assert not problems, examples(problems)


def test_every_key_serves_one_row_chosen_by_the_version_rule(warehouse):
    problems = []
    for table in RAW_TABLE_NAMES:
        usable = defaultdict(list)
        for row in warehouse.base(table):
            if is_usable(row):
                usable[row[natural_key(table)]].append(row)
        served = Counter(row[natural_key(table)] for row in warehouse.stg(table))
        assert all(count == 1 for count in served.values()), f"{table}: a key is served twice"
        assert set(served) == set(usable), f"{table}: served keys differ from usable keys"
        for row in warehouse.stg(table):
            versions = usable[row[natural_key(table)]]
            winner = max(versions, key=version_order(table))
            if (row["_batch_id"], row["_row_number"]) != (winner["_batch_id"], winner["_row_number"]):
                problems.append((table, row[natural_key(table)], "wrong version served"))
            if row["version_count"] != len(versions):
                problems.append((table, row[natural_key(table)], row["version_count"], len(versions)))
    assert not problems, examples(problems)


def test_conflicting_versions_are_all_kept_and_one_is_served(warehouse):
    entries = {(d.table, d.batch_id, d.record_id) for d in warehouse.defects_of("conflicting_version")}
    with_versions = []
    problems = []
    for table, batch_id, record_id in sorted(entries):
        served = [row for row in warehouse.stg(table) if row[natural_key(table)] == record_id.strip()]
        rows = warehouse.base_by_key(table).get((batch_id, record_id), [])
        usable = [row for row in rows if is_usable(row)]
        if len(usable) < 2:
            continue  # one of the two versions was quarantined or is missing its key
        with_versions.append(record_id)
        if len(served) != 1 or served[0]["version_count"] < 2:
            problems.append((table, record_id, [row["version_count"] for row in served]))
        numbers = sorted(row["version_number"] for row in usable)
        if len(set(numbers)) != len(numbers):
            problems.append((table, record_id, "version numbers repeat", numbers))
    require(len(with_versions), 50, "conflicting versions")
    # The rest lost a version to quarantine (each copy carries its own cell defects).
    assert len(with_versions) >= 0.8 * len(entries), (len(with_versions), len(entries))
    assert not problems, examples(problems)


def test_late_arrivals_with_an_older_version_time_do_not_become_current(warehouse):
    stale = 0
    late_events = 0
    problems = []
    for defect in warehouse.defects_of("late_arrival"):
        table = defect.table
        rows = rows_of(warehouse, defect)
        if not rows:
            problems.append((defect, "no delivered row"))
            continue
        late = min(rows, key=version_order(table))
        key = late[natural_key(table)]
        newer = [
            row
            for row in usable_versions(warehouse, table).get(key, [])
            if change_time(table, late) is not None and change_time(table, row) > change_time(table, late)
        ]
        if not newer:
            # An event that happened days before it was delivered: its only version, so served.
            late_events += 1
            if is_usable(late) and not late["is_current_version"]:
                problems.append((table, key, late["_batch_id"], "late event not served"))
            continue
        stale += 1
        if late["is_current_version"]:
            problems.append((table, key, late["_batch_id"], "late version became current"))
        if is_usable(late) and not (late["version_number"] or 0) > 1:
            problems.append((table, key, late["_batch_id"], "late version not kept as an older version"))
    require(stale, 30, "late versions")
    require(late_events, 5, "late events")
    assert not problems, examples(problems)


def usable_versions(warehouse: Warehouse, table: str) -> dict[str, list[dict[str, Any]]]:
    def load() -> dict[str, list[dict[str, Any]]]:
        index = defaultdict(list)
        for row in warehouse.base(table):
            if is_usable(row):
                index[row[natural_key(table)]].append(row)
        return dict(index)

    return warehouse.cached(f"usable_versions:{table}", load)


# --- quarantine -------------------------------------------------------------------


def quarantine_index(warehouse: Warehouse, table: str) -> dict[tuple[str, str | None], list[str]]:
    """(batch id, record id) -> reasons of the quarantined rows."""

    def load() -> dict[tuple[str, str | None], list[str]]:
        index = defaultdict(list)
        for row in warehouse.quarantine(table):
            index[(row["_batch_id"], row["record_id"])].append(row["quarantine_reason"])
        return dict(index)

    return warehouse.cached(f"quarantine_index:{table}", load)


def test_missing_natural_keys_are_quarantined_one_for_one(warehouse):
    expected = Counter((d.table, d.batch_id) for d in warehouse.defects_of("missing_natural_key"))
    actual = Counter(
        (table, row["_batch_id"])
        for table in RAW_TABLE_NAMES
        for row in warehouse.quarantine(table)
        if row["quarantine_reason"] == "missing_natural_key"
    )
    keyless = Counter(
        (table, row["_batch_id"])
        for table in RAW_TABLE_NAMES
        for row in warehouse.raw(table)
        if not (row[natural_key(table)] or "").strip()
    )
    require(sum(expected.values()), 50, "rows without a key")
    assert actual == expected
    assert keyless == expected
    for table in RAW_TABLE_NAMES:
        assert all(
            row["record_id"] is None
            for row in warehouse.quarantine(table)
            if row["quarantine_reason"] == "missing_natural_key"
        )


@pytest.mark.parametrize("kind", [kind for kind in QUARANTINE_KINDS if kind != "missing_natural_key"])
def test_each_quarantine_kind_lands_in_quarantine_with_its_reason(warehouse, kind):
    precedence = quarantine_precedence()
    assert kind in precedence, f"{kind} is not a reason code of the quarantine_reasons seed"
    rank = precedence.index(kind)
    entries = [
        d for d in warehouse.defects_of(kind) if not (d.table == "shop_products" and kind in PRODUCT_FLAGS)
    ]
    if kind == "invalid_amount":
        entries = [
            d for d in entries if not is_zero_amount(warehouse, d)
        ]  # checked on their own by test_zero_unit_price_is_quarantined_as_invalid_amount
    exact = 0
    problems = []
    for defect in entries:
        reasons = quarantine_index(warehouse, defect.table).get(
            (defect.batch_id, defect.record_id.strip()), []
        )
        if kind in reasons:
            exact += 1
        elif not any(precedence.index(reason) < rank for reason in reasons):
            problems.append((defect, reasons))
    require(len(entries), 10, f"{kind} rows")
    assert not problems, (
        f"{len(problems)} of {len(entries)} {kind} rows not quarantined as such:\n{examples(problems)}"
    )
    assert exact >= MAJORITY * len(entries), (exact, len(entries))


def is_zero_amount(warehouse: Warehouse, defect: Defect) -> bool:
    for row in rows_of(warehouse, defect):
        try:
            if Decimal(row[f"raw__{defect.column}"].strip()) == 0:
                return True
        except (InvalidOperation, AttributeError):
            continue
    return False


def test_zero_unit_price_is_quarantined_as_invalid_amount(warehouse):
    entries = [
        d for d in warehouse.defects_of("invalid_amount", "shop_order_items") if is_zero_amount(warehouse, d)
    ]
    require(len(entries), 3, "zero unit prices")
    served = [
        d
        for d in entries
        if any(
            row["is_current_version"] and is_zero_text(row["raw__unit_price"])
            for row in rows_of(warehouse, d)
        )
    ]
    assert not served, f"{len(served)} order items with a zero unit price are served:\n{examples(served)}"


def test_products_with_a_bad_price_or_currency_are_kept_and_flagged(warehouse):
    checked = 0
    problems = []
    for kind, flag in PRODUCT_FLAGS.items():
        for defect in warehouse.defects_of(kind, "shop_products"):
            rows = rows_of(warehouse, defect)
            checked += 1
            if not any(row[flag] for row in rows):
                problems.append((defect, flag))
        for row in warehouse.stg("shop_products"):
            if row["has_invalid_list_price"]:
                assert row["list_price"] is None
            else:
                assert row["list_price"] is None or row["list_price"] > 0
            if row["has_unknown_currency"]:
                assert row["currency_code"] is None
    require(checked, 5, "products with a bad price or currency")
    assert not problems, examples(problems)


def test_no_row_is_quarantined_without_a_cause(warehouse):
    """The reverse direction: every quarantined row traces back to an injected defect."""
    injected = {(d.table, d.batch_id, d.record_id.strip(), d.defect) for d in warehouse.defects()}
    served_keys = {
        table: {row[natural_key(table)] for row in warehouse.stg(table)} for table in RAW_TABLE_NAMES
    }
    unexplained = []
    for table in RAW_TABLE_NAMES:
        for row in warehouse.quarantine(table):
            reason = row["quarantine_reason"]
            if reason == "missing_natural_key":
                continue  # counted one for one above
            if (table, row["_batch_id"], row["record_id"], reason) in injected:
                continue
            if reason == "orphan_record":
                column, parent = ORPHAN_PARENTS[table]
                if (row[column] or "").strip() not in served_keys[parent]:
                    continue  # its parent is not served (quarantined, or never delivered)
            unexplained.append((table, row["_batch_id"], row["record_id"], reason))
    assert not unexplained, f"{len(unexplained)} quarantined rows without a cause:\n{examples(unexplained)}"


def test_served_children_have_a_served_parent(warehouse):
    for table, (column, parent) in ORPHAN_PARENTS.items():
        parents = {row[natural_key(parent)] for row in warehouse.stg(parent)}
        orphans = [row[natural_key(table)] for row in warehouse.stg(table) if row[column] not in parents]
        assert not orphans, f"{table}: {len(orphans)} served rows without a served parent: {orphans[:5]}"


# --- emails and phones ------------------------------------------------------------


def email_columns(table: str) -> list[str]:
    return [
        column for column in RAW_TABLES_BY_NAME[table].columns if SPECS[table].kinds.get(column) == "email"
    ]


def phone_columns(table: str) -> list[str]:
    return [
        column for column in RAW_TABLES_BY_NAME[table].columns if SPECS[table].kinds.get(column) == "phone"
    ]


def typo_domains() -> dict[str, str]:
    return {row["typo_domain"]: row["corrected_domain"] for row in seed_rows("email_domain_typos")}


def expected_email(raw: str, typos: dict[str, str]) -> str | None:
    """The contract's standard form: lower case, no blanks, typo domain fixed, no +tag, gmail without dots."""
    text = re.sub(r"[\s\x00-\x1f\x7f-\x9f]+", "", raw.lower())
    if "@" not in text:
        return None
    local, domain = text.rsplit("@", 1)
    domain = typos.get(domain, domain)
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    email = f"{local}@{domain}" if local else None
    return email if email and VALID_EMAIL.match(email) else None


def test_served_emails_are_standardised(warehouse):
    typos = typo_domains()
    checked = 0
    problems = []
    for table in RAW_TABLE_NAMES:
        for column in email_columns(table):
            for row in warehouse.stg(table):
                email = row[column]
                if email is None:
                    continue
                checked += 1
                local, _, domain = email.rpartition("@")
                if (
                    not VALID_EMAIL.match(email)
                    or email != email.lower()
                    or re.search(r"\s", email)
                    or "+" in local
                    or domain == "googlemail.com"
                    or (domain == "gmail.com" and "." in local)
                    or domain in typos
                ):
                    problems.append((table, column, email))
    require(checked, 1_000, "served emails")
    assert not problems, examples(problems)


@pytest.mark.parametrize("kind", ["email_variant", "email_typo_domain"])
def test_email_variants_and_known_typo_domains_are_standardised(warehouse, kind):
    typos = typo_domains()
    checked = 0
    problems = []
    for defect in warehouse.defects_of(kind):
        for row in rows_of(warehouse, defect):
            raw = row[f"raw__{defect.column}"]
            if raw is None:
                continue
            if kind == "email_typo_domain" and raw.strip().lower().rpartition("@")[2] not in typos:
                continue  # the other version of the key, or a typo outside the seed (checked by test_every_delivered_known_typo_domain_is_corrected)
            expected = expected_email(raw, typos)
            if expected is None:
                continue
            checked += 1
            if row[defect.column] != expected:
                problems.append((defect.table, raw, row[defect.column], expected))
    require(checked, 20, f"{kind} emails")
    assert not problems, examples(problems)


def test_every_delivered_known_typo_domain_is_corrected(warehouse):
    known_typos = {row["typo_domain"] for row in seed_rows("email_domain_typos")}
    checked = 0
    problems = []
    for defect in warehouse.defects_of("email_typo_domain"):
        for row in rows_of(warehouse, defect):
            raw = (row[f"raw__{defect.column}"] or "").strip().lower()
            if raw.rpartition("@")[2] not in known_typos:
                continue  # another version of the key, or a typo the seed does not know
            checked += 1
            staged = row[defect.column]
            if staged and raw.rpartition("@")[2] == staged.rpartition("@")[2]:
                problems.append((defect.table, raw, staged))
    require(checked, 10, "known typo domains")
    assert not problems, f"{len(problems)} typo domains kept:\n{examples(problems)}"


def is_zero_text(value: str | None) -> bool:
    try:
        return value is not None and float(value.strip()) == 0
    except ValueError:
        return False


def test_invalid_emails_are_nulled_and_flagged(warehouse):
    checked = 0
    problems = []
    for defect in warehouse.defects_of("email_invalid"):
        rows = rows_of(warehouse, defect)
        checked += 1
        flag = f"has_invalid_{defect.column}"
        if not any(row[defect.column] is None and row[flag] for row in rows):
            problems.append((defect, [(row[f"raw__{defect.column}"], row[defect.column]) for row in rows]))
    require(checked, 30, "invalid emails")
    assert not problems, examples(problems)
    for table in RAW_TABLE_NAMES:
        for column in email_columns(table):
            for row in warehouse.stg(table):
                if row[f"has_invalid_{column}"]:
                    assert row[column] is None, (table, row)


def test_placeholder_emails_are_flagged(warehouse):
    checked = 0
    problems = []
    placeholders = {row["placeholder_value"] for row in seed_rows("identifier_placeholders")}
    for defect in warehouse.defects_of("email_placeholder"):
        rows = rows_of(warehouse, defect)
        checked += 1
        flag = placeholder_flag(defect.column)
        if not any(row[flag] for row in rows):
            problems.append((defect, [row[f"raw__{defect.column}"] for row in rows]))
    require(checked, 30, "placeholder emails")
    assert not problems, examples(problems)
    for table in RAW_TABLE_NAMES:
        for column in email_columns(table):
            for row in warehouse.stg(table):
                if row[column] in placeholders:
                    assert row[placeholder_flag(column)], (table, column, row[column])


def placeholder_flag(column: str) -> str:
    return f"is_{column}_placeholder"


def national_digits(raw: str) -> str:
    """Digits of a delivered phone without extension, international prefix or trunk zero."""
    digits = re.sub(r"\D", "", re.split(r"(?i)ext|x|#", raw, maxsplit=1)[0])
    return digits[2:] if digits.startswith("00") else digits.lstrip("0")


def test_phone_formats_become_valid_e164(warehouse):
    checked = 0
    unresolved = []
    problems = []
    for defect in warehouse.defects_of("phone_format"):
        for row in rows_of(warehouse, defect):
            raw = row[f"raw__{defect.column}"]
            if not raw or raw in PHONE_JUNK:
                continue  # the other version of the key, delivered empty or as junk
            staged = row[defect.column]
            checked += 1
            if staged is None and re.match(r"^0[1-9]", raw.strip()) and row[f"has_invalid_{defect.column}"]:
                # A national number with a trunk 0 and no country on the row to say which: flagged, not lost.
                unresolved.append((defect.table, raw))
                continue
            if staged is None or not E164.match(staged) or not staged[1:].endswith(national_digits(raw)):
                problems.append((defect.table, raw, staged))
            if "ext" in raw.lower() and row.get(f"{defect.column}_extension") != raw.rsplit(" ", 1)[-1]:
                problems.append((defect.table, raw, "extension", row.get(f"{defect.column}_extension")))
    require(checked, 100, "reformatted phones")
    assert not problems, examples(problems)
    assert len(unresolved) <= 0.05 * checked, examples(unresolved)
    for table in RAW_TABLE_NAMES:
        for column in phone_columns(table):
            bad = [
                row[column]
                for row in warehouse.stg(table)
                if row[column] is not None and not E164.match(row[column])
            ]
            assert not bad, (table, column, bad[:5])


def test_junk_phones_are_nulled_and_flagged(warehouse):
    """Junk is nulled and flagged invalid, unless it reads as a listed placeholder number (then flagged so)."""
    checked = 0
    problems = []
    for defect in warehouse.defects_of("phone_junk"):
        rows = rows_of(warehouse, defect)
        checked += 1
        if not any(
            (row[defect.column] is None and row[f"has_invalid_{defect.column}"])
            or row[placeholder_flag(defect.column)]
            for row in rows
        ):
            problems.append((defect, [(row[f"raw__{defect.column}"], row[defect.column]) for row in rows]))
    require(checked, 30, "junk phones")
    assert not problems, examples(problems)


# --- countries, genders, birth dates, times --------------------------------------------


def test_country_names_and_aliases_map_to_iso_codes(warehouse):
    aliases = {alias.lower(): code.upper() for code, names in COUNTRY_ALIASES.items() for alias in names}
    known = {row["country_code"] for row in seed_rows("countries")}
    checked = 0
    problems = []
    for defect in warehouse.defects_of("country_variant"):
        for row in rows_of(warehouse, defect):
            raw = row[f"raw__{defect.column}"]
            if raw is None:
                continue
            checked += 1
            expected = aliases.get(raw.strip().lower(), raw.strip().upper())
            staged = row[f"{defect.column}_code"]
            if staged != expected:
                problems.append((defect.table, raw, staged, expected))
    require(checked, 50, "country variants")
    assert not problems, examples(problems)
    for table in RAW_TABLE_NAMES:
        for column in warehouse.columns(warehouse.schema("staging"), model_name("stg", table)):
            if column.endswith("country_code"):
                unknown = {row[column] for row in warehouse.stg(table)} - known - {None}
                assert not unknown, (table, column, unknown)


def test_gender_variants_map_to_the_four_values(warehouse):
    aliases = {alias: gender for gender, names in GENDER_ALIASES.items() for alias in names}
    checked = 0
    problems = []
    for defect in warehouse.defects_of("gender_variant"):
        for row in rows_of(warehouse, defect):
            raw = row[f"raw__{defect.column}"]
            if raw is None:
                continue
            checked += 1
            expected = aliases.get(raw.strip(), raw.strip().lower())
            if row["gender"] != expected:
                problems.append((defect.table, raw, row["gender"], expected))
    require(checked, 50, "gender variants")
    assert not problems, examples(problems)
    for table in ("web_accounts", "enrichment_profiles"):
        assert {row["gender"] for row in warehouse.stg(table)} - {None} <= GENDERS


def test_invalid_birth_dates_are_nulled_and_flagged(warehouse):
    checked = 0
    problems = []
    for defect in warehouse.defects_of("invalid_birth_date"):
        rows = rows_of(warehouse, defect)
        checked += 1
        if not any(row["birth_date"] is None and row["has_invalid_birth_date"] for row in rows):
            problems.append((defect, [(row["raw__birth_date"], row["birth_date"]) for row in rows]))
    require(checked, 20, "invalid birth dates")
    assert not problems, examples(problems)
    for table in ("web_accounts", "loyalty_members"):
        for row in warehouse.stg(table):
            if row["birth_date"] is not None:
                assert date(1900, 1, 1) <= row["birth_date"] <= date.today(), (table, row["birth_date"])


def test_times_with_offsets_are_converted_to_utc(warehouse):
    checked = 0
    problems = []
    for defect in warehouse.defects_of("timezone_offset"):
        for row in rows_of(warehouse, defect):
            raw = row[f"raw__{defect.column}"]
            if raw is None or not TIME_WITH_OFFSET.search(raw.strip()):
                continue  # the other version of the key, delivered without an offset
            checked += 1
            expected = as_utc_naive(datetime.fromisoformat(raw.strip().replace("Z", "+00:00")))
            staged = row[defect.column]
            if staged is None or as_utc_naive(staged) != expected:
                problems.append((defect.table, defect.column, raw, staged, expected))
    require(checked, 300, "times delivered with an offset")
    assert not problems, examples(problems)


# --- free text ----------------------------------------------------------------------


def text_columns(warehouse: Warehouse, schema: str, relation: str) -> list[str]:
    types = warehouse.columns(schema, relation)
    return [name for name, kind in types.items() if kind in ("varchar", "text", "character varying")]


def test_served_text_has_no_control_characters(warehouse):
    delivered = sum(
        1
        for defect in warehouse.defects_of("control_characters")
        for row in rows_of(warehouse, defect)
        if CONTROL_CHARACTER.search(row[f"raw__{defect.column}"] or "")
    )
    require(delivered, 50, "delivered values with control characters")
    problems = []
    for table in RAW_TABLE_NAMES:
        columns = text_columns(warehouse, warehouse.schema("staging"), model_name("stg", table))
        for row in warehouse.stg(table):
            for column in columns:
                if row[column] is not None and CONTROL_CHARACTER.search(row[column]):
                    problems.append((table, column, row[column][:80]))
    assert not problems, examples(problems)


def text_flag(warehouse: Warehouse, table: str, topic: str, column: str) -> str:
    """The base flag about ``topic`` for text ``column``: the column's own, else the table's only one."""
    flags = [
        name
        for name, kind in warehouse.base_columns(table).items()
        if topic in name and kind == "boolean" and name.startswith(("is_", "has_", "was_"))
    ]
    own = [name for name in flags if re.search(rf"(^|_){column}(_|$)", name)]
    if len(own) == 1:
        return own[0]
    assert len(flags) == 1, f"{table}: cannot tell which of {flags} flags {topic} in {column}"
    return flags[0]


def formula_cases(warehouse: Warehouse, minus_first: bool) -> Iterator[tuple[Defect, dict[str, Any]]]:
    for defect in warehouse.defects_of("spreadsheet_formula"):
        for row in rows_of(warehouse, defect):
            raw = row[f"raw__{defect.column}"] or ""
            if raw in FORMULAS and raw.startswith("-") == minus_first:
                yield defect, row


def test_spreadsheet_formulas_are_kept_and_flagged(warehouse):
    checked = 0
    problems = []
    for defect, row in formula_cases(warehouse, minus_first=False):
        checked += 1
        flag = text_flag(warehouse, defect.table, "formula", defect.column)
        if not row[flag] or row[defect.column] != row[f"raw__{defect.column}"]:
            problems.append((defect.table, row[f"raw__{defect.column}"], row[defect.column], flag, row[flag]))
    require(checked, 40, "formulas")
    assert not problems, examples(problems)


def test_formula_flags_have_no_false_positives(warehouse):
    injected = {(d.table, d.batch_id, d.record_id) for d in warehouse.defects_of("spreadsheet_formula")}
    problems = []
    flagged = 0
    for table in RAW_TABLE_NAMES:
        flags = [name for name in warehouse.base_columns(table) if "formula" in name]
        for row in warehouse.base(table):
            if any(row[flag] for flag in flags) and row[f"raw__{natural_key(table)}"] is not None:
                flagged += 1
                if (table, row["_batch_id"], row[f"raw__{natural_key(table)}"]) not in injected:
                    problems.append((table, row[f"raw__{natural_key(table)}"]))
    require(flagged, 40, "flagged formulas")
    assert not problems, examples(problems)


def test_formulas_starting_with_a_minus_sign_are_flagged(warehouse):
    cases = list(formula_cases(warehouse, minus_first=True))
    require(len(cases), 3, "formulas starting with '-'")
    missed = [
        (defect.table, row[f"raw__{defect.column}"])
        for defect, row in cases
        if not row[text_flag(warehouse, defect.table, "formula", defect.column)]
    ]
    assert not missed, examples(missed)


def test_long_text_is_truncated_and_flagged(warehouse):
    limit = max_text_length()
    checked = 0
    problems = []
    for defect in warehouse.defects_of("long_text"):
        for row in rows_of(warehouse, defect):
            raw = row[f"raw__{defect.column}"] or ""
            if len(raw) <= limit:
                continue
            checked += 1
            flag = text_flag(warehouse, defect.table, "truncat", defect.column)
            staged = row[defect.column] or ""
            # Cut at the limit; a blank left at the cut may be trimmed.
            if not row[flag] or not limit - 5 <= len(staged) <= limit or not raw.startswith(staged):
                problems.append((defect.table, defect.column, len(raw), len(staged), flag, row[flag]))
    require(checked, 30, "long texts")
    assert not problems, examples(problems)
    for table in RAW_TABLE_NAMES:
        for column in text_columns(warehouse, warehouse.schema("staging"), model_name("stg", table)):
            too_long = [row[column][:40] for row in warehouse.stg(table) if len(row[column] or "") > limit]
            assert not too_long, (table, column, too_long[:3])
        flags = [name for name in warehouse.base_columns(table) if "truncat" in name]
        injected = {(d.batch_id, d.record_id) for d in warehouse.defects_of("long_text", table)}
        spurious = [
            row[f"raw__{natural_key(table)}"]
            for row in warehouse.base(table)
            if any(row[flag] for flag in flags)
            and row[f"raw__{natural_key(table)}"] is not None  # keyless copies of injected rows
            and (row["_batch_id"], row[f"raw__{natural_key(table)}"]) not in injected
        ]
        assert not spurious, (table, spurious[:5])


# --- ground truth ---------------------------------------------------------------------


def test_ground_truth_is_loaded_apart_and_no_model_reads_it(warehouse):
    relations = warehouse.rows(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in ('{RAW_SCHEMA}', '{GROUND_TRUTH_SCHEMA}')"
    )
    raw_relations = {name for schema, name in relations if schema == RAW_SCHEMA}
    assert set(RAW_TABLE_NAMES) <= raw_relations
    assert not {name for name in raw_relations if "truth" in name or name == GROUND_TRUTH_TABLE}
    assert (GROUND_TRUTH_SCHEMA, GROUND_TRUTH_TABLE) in relations
    truth_rows = warehouse.rows(f"select count(*) from {GROUND_TRUTH_SCHEMA}.{GROUND_TRUTH_TABLE}")[0][0]
    assert truth_rows > 0, "the ground truth was not loaded, so this test would prove nothing"
    person_columns = warehouse.rows(
        "select table_schema, table_name from information_schema.columns "
        f"where column_name = 'person_id' and table_schema <> '{GROUND_TRUTH_SCHEMA}'"
    )
    assert not person_columns, person_columns

    manifest = warehouse.manifest
    truth_sources = [
        uid
        for uid, source in manifest["sources"].items()
        if source["schema"] in (GROUND_TRUTH_SCHEMA, MANIFEST_SCHEMA)
        or GROUND_TRUTH_TABLE in (source.get("identifier") or source["name"])
    ]
    assert not truth_sources, truth_sources
    readers = []
    source_reads = Counter()
    for uid, node in itertools.chain(manifest["nodes"].items(), manifest.get("unit_tests", {}).items()):
        code = (node.get("raw_code") or "") + (node.get("compiled_code") or "")
        if re.search(rf"\b({GROUND_TRUTH_SCHEMA}|{MANIFEST_SCHEMA})\b", code, re.IGNORECASE):
            readers.append((uid, "names the schema"))
        for parent in node.get("depends_on", {}).get("nodes", []):
            if parent.startswith("source."):
                schema = manifest["sources"][parent]["schema"]
                source_reads[schema] += 1
                if schema != RAW_SCHEMA:
                    readers.append((uid, parent))
    assert not readers, readers
    # Every raw table is read by some node, so a reader of anything else would have been seen.
    read_tables = {
        manifest["sources"][parent]["identifier"]
        for node in manifest["nodes"].values()
        for parent in node.get("depends_on", {}).get("nodes", [])
        if parent.startswith("source.")
    }
    assert set(RAW_TABLE_NAMES) <= read_tables
    assert set(source_reads) == {RAW_SCHEMA}


# --- fact marts -----------------------------------------------------------------------
# The money and matching rules of the facts, recomputed here in Python from the raw rows
# that staging served, the staged lines and the seed file itself, on each engine.

CENT = Decimal("0.01")
FACTS = ("fct_orders", "fct_order_items", "fct_customer_interactions")


def mart(warehouse: Warehouse, relation: str) -> list[dict[str, Any]]:
    return warehouse.cached(
        f"mart:{relation}",
        lambda: warehouse.dicts(f"select * from {warehouse.schema('marts')}.{relation}"),
    )


def served_raw_rows(warehouse: Warehouse, table: str) -> dict[str, dict[str, Any]]:
    """Natural key -> the raw row (as delivered, text) of the version staging serves."""
    raw = {(row["_batch_id"], row["_row_number"]): row for row in warehouse.raw(table)}
    return {
        row[natural_key(table)]: raw[(row["_batch_id"], row["_row_number"])] for row in warehouse.stg(table)
    }


@functools.cache
def exchange_rates() -> dict[str, list[tuple[date, date | None, Decimal]]]:
    """Currency -> periods and rates into the project's reporting currency, read from the seed file."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    reporting = project["vars"]["reporting_currency"]
    periods = defaultdict(list)
    for row in seed_rows("finance/exchange_rates"):
        if row["reporting_currency_code"] == reporting:
            valid_to = date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
            periods[row["currency_code"]].append(
                (date.fromisoformat(row["valid_from"]), valid_to, Decimal(row["exchange_rate"]))
            )
    return dict(periods)


def rate_on(currency: str, day: date) -> Decimal:
    found = [
        rate
        for valid_from, valid_to, rate in exchange_rates().get(currency, [])
        if valid_from <= day and (valid_to is None or day < valid_to)
    ]
    assert len(found) == 1, f"{currency} on {day}: {len(found)} rates in the seed file"
    return found[0]


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def reporting_parts(
    gross: Decimal, cancelled: Decimal, returned: Decimal, rate: Decimal
) -> dict[str, Decimal]:
    """The documented conversion: parts rounded cumulatively so that they add up to the gross."""
    given_back = cents((cancelled + returned) * rate)
    return {
        "gross_amount_reporting": cents(gross * rate),
        "cancelled_amount_reporting": cents(cancelled * rate),
        "returned_amount_reporting": given_back - cents(cancelled * rate),
        "net_amount_reporting": cents(gross * rate) - given_back,
    }


def test_fct_orders_reconcile_with_the_raw_rows_served(warehouse):
    """Order count and revenue per currency, and in the reporting currency, straight from the raw text."""
    orders = {row["order_id"]: row for row in mart(warehouse, "fct_orders")}
    raw_orders = served_raw_rows(warehouse, "shop_orders")
    assert set(orders) == set(raw_orders), "fct_orders does not hold exactly the orders staging serves"
    expected: Counter = Counter()
    actual: Counter = Counter()
    for order_id, raw in raw_orders.items():
        order = orders[order_id]
        currency = raw["currency"].strip().upper()
        total = cents(Decimal(raw["order_total"].strip()))
        expected.update({(currency, "orders"): 1, (currency, "gross"): total})
        expected[(currency, "gross_reporting")] += cents(total * rate_on(currency, order["ordered_date"]))
        actual.update(
            {(order["currency_code"], "orders"): 1, (order["currency_code"], "gross"): order["gross_amount"]}
        )
        actual[(order["currency_code"], "gross_reporting")] += order["gross_amount_reporting"]
    assert actual == expected
    require(len({currency for currency, _ in expected}), 2, "currencies")
    require(sum(order["is_cancelled"] for order in orders.values()), 1, "cancelled orders")
    require(sum(order["is_returned"] for order in orders.values()), 1, "returned orders")


def test_line_and_order_money_rules_recomputed(warehouse):
    """Every line's and every order's gross, cancelled, returned and net amounts, in both currencies."""
    orders = {row["order_id"]: row for row in mart(warehouse, "fct_orders")}
    staged_items = {row["order_item_id"]: row for row in warehouse.stg("shop_order_items")}
    items = mart(warehouse, "fct_order_items")
    assert {row["order_item_id"] for row in items} == set(staged_items)
    given_back_by_order: dict[str, Counter] = defaultdict(Counter)
    problems = []
    for item in items:
        staged, order = staged_items[item["order_item_id"]], orders[item["order_id"]]
        subtotal = staged["quantity"] * staged["unit_price"]
        gross = max(subtotal - (staged["discount_amount"] or 0), Decimal(0))
        statuses = (order["order_status"], staged["item_status"])
        status = next((s for s in ("cancelled", "returned") if s in statuses), staged["item_status"])
        cancelled = gross if status == "cancelled" else Decimal(0)
        returned = gross if status == "returned" else Decimal(0)
        expected = {
            "customer_id": order["customer_id"],
            "item_status": status,
            "gross_amount": gross,
            "cancelled_amount": cancelled,
            "returned_amount": returned,
            "net_amount": gross - cancelled - returned,
            "exchange_rate": order["exchange_rate"],
            **reporting_parts(gross, cancelled, returned, order["exchange_rate"]),
        }
        if {key: item[key] for key in expected} != expected:
            problems.append((item["order_item_id"], expected))
        given_back_by_order[item["order_id"]][staged["item_status"]] += gross
    for order in orders.values():
        total, lines = order["gross_amount"], given_back_by_order[order["order_id"]]
        rate = rate_on(order["currency_code"], order["ordered_date"])
        if order["order_status"] == "cancelled":
            cancelled, returned = total, Decimal(0)
        else:
            cancelled = min(total, lines["cancelled"])
            returned = (
                total - cancelled
                if order["order_status"] == "returned"
                else min(total - cancelled, lines["returned"])
            )
        expected = {
            "cancelled_amount": cancelled,
            "returned_amount": returned,
            "net_amount": total - cancelled - returned,
            "exchange_rate": rate,
            **reporting_parts(total, cancelled, returned, rate),
        }
        if {key: order[key] for key in expected} != expected:
            problems.append((order["order_id"], expected))
    assert not problems, f"{len(problems)} rows break the documented rules:\n{examples(problems)}"


def test_web_events_find_their_customer_as_documented(warehouse):
    """Signed-in account first, else a device seen signed in with one customer only, else unmatched (kept)."""
    bridge = mart(warehouse, "bridge_customer_source_records")
    accounts = {
        row["source_record_id"]: row["customer_id"] for row in bridge if row["source_table"] == "web_accounts"
    }
    events = warehouse.stg("web_events")
    device_customers = defaultdict(set)
    for event in events:
        if event["account_id"] in accounts and event["anonymous_id"]:
            device_customers[event["anonymous_id"]].add(accounts[event["account_id"]])
    touches = {
        row["source_record_id"]: (row["customer_id"], row["customer_match_method"])
        for row in mart(warehouse, "fct_customer_interactions")
        if row["source_table"] == "web_events"
    }
    expected = {}
    for event in events:
        device = device_customers.get(event["anonymous_id"], set())
        if event["account_id"] in accounts:
            expected[event["event_id"]] = (accounts[event["account_id"]], "web_account")
        elif len(device) == 1:
            expected[event["event_id"]] = (next(iter(device)), "anonymous_id")
        else:
            expected[event["event_id"]] = (None, "unmatched")
    assert touches == expected
    methods = Counter(method for _, method in expected.values())
    require(methods["anonymous_id"], 1, "web events matched through their device")
    require(methods["unmatched"], 1, "unmatched web events (kept with a null customer)")


def loyalty_changes(warehouse: Warehouse) -> Counter:
    """Tier and points changes between consecutive usable versions of each member."""
    versions = defaultdict(list)
    for row in warehouse.base("loyalty_members"):
        if row["version_number"] is not None:
            versions[row["member_id"]].append(row)
    changes: Counter = Counter()
    for rows in versions.values():
        rows.sort(key=lambda row: -row["version_number"])
        for before, after in itertools.pairwise(rows):
            if after["tier"] != before["tier"]:
                changes["loyalty_tier_changed"] += 1
            elif after["points_balance"] != before["points_balance"]:
                changes["loyalty_points_changed"] += 1
    return changes


def test_every_served_touch_is_in_the_timeline_once(warehouse):
    touches = mart(warehouse, "fct_customer_interactions")
    assert len({row["interaction_id"] for row in touches}) == len(touches)
    found = Counter((row["source_table"], row["interaction_type"]) for row in touches)
    expected: Counter = Counter()
    for event in warehouse.stg("web_events"):
        expected[("web_events", event["event_type"])] += 1
    for order in warehouse.stg("shop_orders"):
        expected[("shop_orders", "order_placed")] += 1
        if order["order_status"] in ("cancelled", "returned"):
            expected[("shop_orders", f"order_{order['order_status']}")] += 1
    for event in warehouse.stg("email_events"):
        expected[("email_events", f"email_{event['event_type']}")] += 1
    for interaction in warehouse.stg("social_interactions"):
        expected[("social_interactions", f"social_{interaction['interaction_type']}")] += 1
    for ticket in warehouse.stg("support_tickets"):
        expected[("support_tickets", "ticket_opened")] += 1
        expected[("support_tickets", "ticket_resolved")] += ticket["resolved_at"] is not None
    for survey in warehouse.stg("support_surveys"):
        kind = (
            "review_submitted"
            if survey["survey_type"] == "review"
            else f"{survey['survey_type']}_survey_submitted"
        )
        expected[("support_surveys", kind)] += 1
    expected[("loyalty_members", "loyalty_enrolled")] += len(warehouse.stg("loyalty_members"))
    for kind, count in loyalty_changes(warehouse).items():
        expected[("loyalty_members", kind)] += count
    assert found == +expected


def test_every_fact_customer_is_a_dim_customer(warehouse):
    """A fact row has a customer of dim_customers, unless its order names nobody (anonymous)."""
    customers = {row["customer_id"] for row in mart(warehouse, "dim_customers")}
    order_identifiers = ("account_id", "guest_email", "guest_phone", "loyalty_card_number")
    anonymous_orders = {
        order["order_id"]
        for order in warehouse.stg("shop_orders")
        if all(order[column] is None for column in order_identifiers)
    }
    require(len(anonymous_orders), 20, "anonymous orders")
    for fact in FACTS:
        rows = mart(warehouse, fact)
        unknown = {row["customer_id"] for row in rows if row["customer_id"] is not None} - customers
        assert not unknown, (
            f"{fact}: {len(unknown)} customers missing from dim_customers: {sorted(unknown)[:5]}"
        )
        missing = [row for row in rows if row["customer_id"] is None]
        if fact == "fct_customer_interactions":
            assert all(row["customer_match_method"] == "unmatched" for row in missing)
        else:
            without_customer = {row["order_id"] for row in missing}
            with_customer = {row["order_id"] for row in rows if row["customer_id"] is not None}
            assert without_customer <= anonymous_orders, (
                f"{fact}: orders with an identifier but no customer: {sorted(without_customer - anonymous_orders)[:5]}"
            )
            assert not with_customer & anonymous_orders, f"{fact}: anonymous orders given a customer"


# --- business marts -------------------------------------------------------------------
# The headline figures and the consent-gated cross-sell list, recomputed here from the rows
# staging served (raw NPS scores, privacy requests), the facts and the seed files, on each engine.


EPOCH = datetime(1970, 1, 1)


def project_var(name: str) -> Any:
    return yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"][name]


def nps(promoters: int, detractors: int, answers: int) -> Decimal | None:
    """% promoters - % detractors, to cents, halves away from zero; None without answers."""
    if not answers:
        return None
    return (Decimal(100 * (promoters - detractors)) / answers).quantize(CENT, rounding=ROUND_HALF_UP)


def test_north_star_orders_revenue_and_nps_per_day_recomputed(warehouse):
    """Orders and net revenue per day from fct_orders; NPS per day and over the trailing window
    from the raw scores of the NPS answers staging served."""
    metrics = {row["kpi_date"]: row for row in mart(warehouse, "fct_north_star_metrics_daily")}
    days = sorted(metrics)
    assert days == [days[0] + timedelta(days=offset) for offset in range(len(days))], "days have gaps"
    orders: dict[date, list] = defaultdict(lambda: [0, Decimal(0)])
    for order in mart(warehouse, "fct_orders"):
        orders[order["ordered_date"]][0] += 1
        orders[order["ordered_date"]][1] += order["net_amount_reporting"]
    assert set(orders) <= set(metrics), "order dates outside the days of the headline figures"
    found = {day: [row["order_count"], row["net_revenue_reporting"]] for day, row in metrics.items()}
    assert found == {day: orders.get(day, [0, Decimal(0)]) for day in days}

    raw_surveys = served_raw_rows(warehouse, "support_surveys")
    scores = defaultdict(list)
    for survey in warehouse.stg("support_surveys"):
        if survey["survey_type"] == "nps":
            day = as_utc_naive(survey["submitted_at"]).date()
            scores[day].append(int(raw_surveys[survey["survey_id"]]["score"].strip()))
    require(sum(len(day_scores) for day_scores in scores.values()), 20, "NPS answers")
    window = project_var("business_nps_trailing_days")
    problems = []
    for day in days:
        trailing = [
            score for offset in range(window) for score in scores.get(day - timedelta(days=offset), [])
        ]
        expected = []
        for answers in (scores.get(day, []), trailing):
            promoters = sum(score >= 9 for score in answers)
            detractors = sum(score <= 6 for score in answers)
            expected.append((len(answers), nps(promoters, detractors, len(answers))))
        row = metrics[day]
        actual = [
            (row["nps_response_count"], row["nps_score"]),
            (row["nps_trailing_response_count"], row["nps_score_trailing"]),
        ]
        if actual != expected:
            problems.append((day, actual, expected))
    assert not problems, examples(problems)


def test_north_star_active_churned_and_reactivated_customers_recomputed(warehouse):
    """Active: an order, not cancelled, in the last business_active_days days; churned the day that
    stops being true, reactivated the day it becomes true again."""
    window = project_var("business_active_days")
    purchase_days = defaultdict(set)
    for order in mart(warehouse, "fct_orders"):
        # an anonymous order (no customer) makes nobody active
        if not order["is_cancelled"] and order["customer_id"] is not None:
            purchase_days[order["customer_id"]].add(order["ordered_date"])
    purchases = {customer: sorted(found) for customer, found in purchase_days.items()}

    def active(days: list[date], day: date) -> bool:
        return bisect.bisect_right(days, day) > bisect.bisect_left(days, day - timedelta(days=window - 1))

    metrics = sorted(mart(warehouse, "fct_north_star_metrics_daily"), key=lambda row: row["kpi_date"])
    previous: set[str] = set()
    problems = []
    for row in metrics:
        day = row["kpi_date"]
        now = {customer for customer, days in purchases.items() if active(days, day)}
        churned = len(previous - now)
        reactivated = sum(purchases[customer][0] < day for customer in now - previous)
        rate = (
            (Decimal(churned) / len(previous)).quantize(Decimal("0.000001"), ROUND_HALF_UP)
            if previous
            else None
        )
        expected = (len(now), churned, reactivated, rate)
        actual = (
            row["active_customer_count"],
            row["churned_customer_count"],
            row["reactivated_customer_count"],
            row["churn_rate"],
        )
        if actual != expected:
            problems.append((day, actual, expected))
        previous = now
    assert not problems, examples(problems)
    require(sum(row["churned_customer_count"] for row in metrics), 10, "churned customers")
    require(sum(row["reactivated_customer_count"] for row in metrics), 1, "reactivated customers")


def marketable_customers(warehouse: Warehouse) -> set[str]:
    """Customers whose privacy requests, replayed from the rows staging served, leave marketing
    granted: a grant counts once completed, a withdrawal from when it is made, the latest decision
    wins (at the same instant the withdrawal, then the greater request id); no completed erasure."""
    request_customers = {
        row["source_record_id"]: row["customer_id"]
        for row in mart(warehouse, "bridge_customer_source_records")
        if row["source_table"] == "privacy_requests"
    }
    decisions = defaultdict(list)
    erased = set()
    for request in warehouse.stg("privacy_requests"):
        customer = request_customers.get(request["request_id"])
        kind, status = request["request_type"], request["status"]
        if customer is None:
            continue
        if kind == "erasure" and status == "completed":
            erased.add(customer)
        if request["purpose"] not in ("marketing", "all"):
            continue
        if kind == "consent_granted" and status == "completed":
            moment = request["processed_at"] or request["requested_at"]
            decisions[customer].append((moment, 0, request["request_id"], "granted"))
        elif kind == "consent_withdrawn" and status in ("received", "completed"):
            decisions[customer].append((request["requested_at"], 1, request["request_id"], "withdrawn"))
    return {
        customer
        for customer, made in decisions.items()
        if customer not in erased and max(made)[3] == "granted"
    }


def test_cross_sell_candidates_recomputed_from_consent_interests_and_purchases(warehouse):
    """The whole candidate list: marketable customers only, web interest in the lookback window and
    third-party interests weighted by the seed, categories never bought left out, threshold, rank."""
    marketable = marketable_customers(warehouse)
    require(len(marketable), 3, "customers whose consent allows marketing")
    as_of = mart(warehouse, "dim_customer_segments")[0]["segments_as_of_date"]
    first_day = as_of - timedelta(days=project_var("cross_sell_lookback_days") - 1)
    weights = {
        row["interest_signal"]: Decimal(row["signal_weight"])
        for row in seed_rows("business/cross_sell_signal_weights")
    }
    categories = {
        row["product_id"]: row["category"] for row in mart(warehouse, "dim_products") if row["category"]
    }
    interests: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"product_view": 0, "add_to_cart": 0, "declared_interest": 0, "last": None}
    )
    for touch in mart(warehouse, "fct_customer_interactions"):
        kind, customer = touch["interaction_type"], touch["customer_id"]
        if (
            kind in ("product_view", "add_to_cart")
            and customer in marketable
            and touch["product_id"] in categories
            and first_day <= touch["occurred_date"] <= as_of
        ):
            interest = interests[(customer, categories[touch["product_id"]])]
            interest[kind] += 1
            interest["last"] = max(filter(None, (interest["last"], touch["occurred_at"])))
    profiles = {row["profile_id"]: row["interests"] for row in warehouse.stg("enrichment_profiles")}
    known_categories = set(categories.values())
    for row in mart(warehouse, "bridge_customer_source_records"):
        if row["source_table"] == "enrichment_profiles" and row["customer_id"] in marketable:
            for category in set((profiles.get(row["source_record_id"]) or "").split(";")) & known_categories:
                interests[(row["customer_id"], category)]["declared_interest"] = 1
    bought = {
        (item["customer_id"], categories.get(item["product_id"]))
        for item in mart(warehouse, "fct_order_items")
        if item["item_status"] != "cancelled"
    }
    ranked = defaultdict(list)
    for (customer, category), interest in interests.items():
        score = sum(weights[signal] * interest[signal] for signal in weights)
        if (customer, category) not in bought and score >= project_var("cross_sell_min_interest_score"):
            latest = (interest["last"] - EPOCH).total_seconds() if interest["last"] else float("-inf")
            ranked[customer].append((-score, -latest, category))
    expected = {
        (customer, category, rank)
        for customer, candidates in ranked.items()
        for rank, (_, _, category) in enumerate(sorted(candidates), start=1)
        if rank <= project_var("cross_sell_max_candidates")
    }
    found = {
        (row["customer_id"], row["category"], row["candidate_rank"])
        for row in mart(warehouse, "fct_cross_sell_candidates")
    }
    assert found == expected
    require(len(found), 1, "cross-sell candidates")
    interested = {customer for customer, _ in interests}
    assert {
        row["customer_id"] for row in mart(warehouse, "fct_cross_sell_candidates")
    } <= marketable & interested


# --- segments -------------------------------------------------------------------------
# The inputs of the segments and the documented formulas, recomputed here from the facts.

RFM_SCORES = ("rfm_recency_score", "rfm_frequency_score", "rfm_monetary_score")
SEGMENT_MARTS = (
    "dim_customer_segments",
    "fct_customer_channel_engagements",
    "fct_customer_category_affinities",
    "fct_segment_memberships",
)


def test_every_segment_customer_is_a_dim_customer_and_every_customer_has_segments(warehouse):
    customers = {row["customer_id"] for row in mart(warehouse, "dim_customers")}
    for relation in SEGMENT_MARTS:
        unknown = {row["customer_id"] for row in mart(warehouse, relation)} - customers
        assert not unknown, (
            f"{relation}: {len(unknown)} customers not in dim_customers: {sorted(unknown)[:5]}"
        )
    segments = [row["customer_id"] for row in mart(warehouse, "dim_customer_segments")]
    assert sorted(segments) == sorted(customers), "dim_customer_segments is not one row per customer"


def test_segment_inputs_and_rfm_scores_recomputed_from_the_facts(warehouse):
    """As-of date, order counts, net revenue, order dates, recency and RFM scores (rank formula) per
    customer, from fct_orders and fct_customer_interactions."""
    buckets = int(project_var("rfm_score_buckets"))
    orders = mart(warehouse, "fct_orders")
    as_of = max(
        max(order["ordered_date"] for order in orders),
        max(touch["occurred_date"] for touch in mart(warehouse, "fct_customer_interactions")),
    )
    purchases = defaultdict(list)
    for order in orders:
        # an anonymous order (no customer) is nobody's purchase
        if not order["is_cancelled"] and order["ordered_date"] <= as_of and order["customer_id"] is not None:
            purchases[order["customer_id"]].append(order)
    expected = {}
    for customer, found in purchases.items():
        dates = [order["ordered_date"] for order in found]
        expected[customer] = {
            "order_count": len(found),
            "net_revenue_reporting": sum(order["net_amount_reporting"] for order in found),
            "first_order_date": min(dates),
            "last_order_date": max(dates),
            "recency_days": (as_of - max(dates)).days,
        }
    # Rank from worst to best, ties sharing the lowest rank: 1 + the number of buyers strictly worse.
    for score, metric, higher_is_better in (
        ("rfm_recency_score", "recency_days", False),
        ("rfm_frequency_score", "order_count", True),
        ("rfm_monetary_score", "net_revenue_reporting", True),
    ):
        values = sorted(row[metric] for row in expected.values())
        for row in expected.values():
            if higher_is_better:
                worse = bisect.bisect_left(values, row[metric])
            else:
                worse = len(values) - bisect.bisect_right(values, row[metric])
            row[score] = 1 if len(values) == 1 else min(buckets, 1 + buckets * worse // (len(values) - 1))
    require(sum(row["order_count"] > 1 for row in expected.values()), 50, "customers with several orders")
    problems = []
    for row in mart(warehouse, "dim_customer_segments"):
        assert row["segments_as_of_date"] == as_of
        wanted = expected.get(row["customer_id"])
        if wanted is None:
            wanted = dict.fromkeys(
                ("first_order_date", "last_order_date", "recency_days", *RFM_SCORES), None
            ) | {"order_count": 0, "net_revenue_reporting": Decimal(0)}
            if row["lifecycle_stage"] != "prospect" or row["rfm_segment"] != "prospect":
                problems.append((row["customer_id"], "no purchase but not a prospect"))
        found = {key: row[key] for key in wanted}
        if found != wanted:
            problems.append((row["customer_id"], found, wanted))
    assert not problems, examples(problems)


def test_churn_risk_and_lifetime_value_follow_their_formulas(warehouse):
    """Each published value recomputed from the published inputs of its row, to the documented
    rounding (halves up)."""
    horizon = Decimal(str(project_var("clv_horizon_years")))
    margin = Decimal(str(project_var("clv_margin_rate")))

    def rounded(value: Decimal, places: str) -> Decimal:
        return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)

    problems = []
    checked = 0
    for row in mart(warehouse, "dim_customer_segments"):
        if row["order_count"] == 0:
            continue
        checked += 1
        risk = rounded(
            Decimal(1 - math.exp(-row["recency_days"] / float(row["expected_gap_days"]))), "0.0001"
        )
        per_year = rounded(Decimal(365) / row["expected_gap_days"], "0.0001")
        years = rounded((1 - risk) * horizon, "0.0001")
        average = rounded(row["net_revenue_reporting"] / row["order_count"], "0.01")
        value = rounded(average * per_year * years * margin, "0.01")
        found = (
            row["churn_risk_score"],
            row["expected_orders_per_year"],
            row["expected_lifetime_years"],
            row["average_order_value_reporting"],
            row["expected_lifetime_value_reporting"],
        )
        if found != (risk, per_year, years, average, value):
            problems.append((row["customer_id"], found, (risk, per_year, years, average, value)))
    require(checked, 100, "customers with a purchase")
    assert not problems, examples(problems)


def test_migration_matrix_of_a_single_recording_is_its_diagonal(warehouse):
    """History recorded once: every customer stays where it is, and each family counts every
    customer of dim_customer_segments exactly once."""
    customers = len(mart(warehouse, "dim_customer_segments"))
    cells = mart(warehouse, "fct_segment_migrations")
    totals = Counter()
    for cell in cells:
        assert cell["from_segment"] == cell["to_segment"] and not cell["has_moved"], cell
        totals[cell["segment_type"]] += cell["customer_count"]
    assert totals == dict.fromkeys(("rfm_segment", "value_tier", "lifecycle_stage"), customers)
