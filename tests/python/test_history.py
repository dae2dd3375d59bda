"""History end to end on DuckDB and PostgreSQL: snapshots, deletes, late updates, UTC, invariants.

One module-scoped warehouse per engine goes through the days a pipeline would:

1. day 0 loaded and built, snapshots recorded at a fixed time (``C360_HISTORY_RECORDED_AT``);
2. day 1 loaded together with a hand-made batch (a late, older version of one web account,
   a newer version of another, a completed erasure request), and day 0's delivery of the only
   source record of a fourth customer delivered again without it; built and snapshotted on the
   wall clock with the process and the PostgreSQL session in America/Los_Angeles;
3. built again on unchanged data, with every pre-snapshot test, snapshot and history test.

The expected history is derived independently: the snapshot inputs are read after each build
and compared in Python (which customers changed, appeared, disappeared), and every new version
must carry the recording time of its run, in UTC. On DuckDB more runs show that a duplicated
snapshot key stops the snapshot before anything is written, that the SCD2 generic tests and the
as-of macro catch what they promise on hand-made histories, and that the project's staging query
of snapshot runs (macros/history/snapshot_staging_table.sql) writes exactly what dbt's own does.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest

from c360.generate.runner import generate_days
from c360.generate.writer import day_folder_name
from c360.load import load_batch
from c360.raw_tables import RAW_TABLES_BY_NAME
from conftest import PROJECT_ROOT, data_test_failures, loader_target, run_dbt, worker_postgres_database

pytestmark = pytest.mark.dbt

SEED = 20260303
CUSTOMERS = 300
DAY_0_RECORDED_AT = datetime(2026, 1, 1)
LOCAL_TIME_ZONE = "America/Los_Angeles"
# A newer version lands after every generated day-1 change; a late one 30 minutes before the current.
NEWER_UPDATED_AT = "2026-01-03 00:00:00"
LATE_BY = timedelta(minutes=30)
ERASURE_REQUEST_ID = "PR-900001"
# Tables whose records no other raw table points at: deleting one orphans nothing.
CHILDLESS_TABLES = ("crm_contacts", "social_interactions", "enrichment_profiles", "support_surveys")
SNAPSHOT_INPUTS = {
    "snp_customers": "int_customers_for_history",
    "snp_customer_consents": "int_customer_consents_resolved",
}
HISTORY_MARTS = {
    "snp_customers": "dim_customers_history",
    "snp_customer_consents": "dim_customer_consents_history",
}
BUILD_THROUGH_SNAPSHOTS = [
    "build",
    "--select",
    "+snp_customers",
    "+snp_customer_consents",
    # built run by run, so that the changes reach it incrementally
    "dim_customers_history",
    "--exclude",
    "resource_type:test",
    "resource_type:unit_test",
]
# The segment snapshot reads a mart, which this warehouse (built only up to the snapshots) lacks.
PIPELINE_AFTER_MODELS = [
    "build",
    "--select",
    "tag:pre_snapshot",
    "resource_type:snapshot+",
    "--exclude",
    "snp_segment_memberships+",
]


@dataclass
class Step:
    """What the snapshot inputs and snapshots held after one build, and when it ran (UTC)."""

    inputs: dict[str, dict[str, tuple]]
    snapshots: dict[str, list[dict[str, Any]]]
    started_at: datetime
    finished_at: datetime


@dataclass
class Scenario:
    late_customer: str
    newer_customer: str
    erased_customer: str
    gone_customer: str
    gone_table: str
    gone_record_id: str
    late_account: str
    newer_account: str
    late_gender: str
    newer_gender: str


@dataclass
class HistoryWarehouse:
    engine: str
    work_dir: Path
    env: dict[str, str]
    steps: dict[str, Step] = field(default_factory=dict)
    scenario: Scenario | None = None
    input_columns: dict[str, list[str]] = field(default_factory=dict)

    def schema(self, custom: str) -> str:
        return f"{'main' if self.engine == 'duckdb' else 'public'}_{custom}"

    def execute(self, *statements: str) -> None:
        if self.engine == "duckdb":
            with duckdb.connect(self.env["C360_DUCKDB_PATH"]) as connection:
                for statement in statements:
                    connection.execute(statement)
            return
        connection = psycopg2.connect(**loader_target(self.env).connect_kwargs())
        try:
            with connection, connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def dicts(self, sql: str) -> list[dict[str, Any]]:
        if self.engine == "duckdb":
            with duckdb.connect(self.env["C360_DUCKDB_PATH"], read_only=True) as connection:
                cursor = connection.execute(sql)
                names = [column[0] for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        connection = psycopg2.connect(**loader_target(self.env).connect_kwargs())
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                names = [column[0] for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            connection.close()

    def dbt(self, args: list[str], extra_env: dict[str, str] | None = None, *, check: bool = True):
        return run_dbt(args, {**self.env, **(extra_env or {})}, self.work_dir, check=check)

    def record(self, name: str, started_at: datetime) -> None:
        finished_at = utc_now()
        inputs = {}
        for snapshot, model in SNAPSHOT_INPUTS.items():
            rows = self.dicts(f"select * from {self.schema('intermediate')}.{model}")
            self.input_columns[snapshot] = list(rows[0]) if rows else self.input_columns.get(snapshot, [])
            inputs[snapshot] = {row["customer_id"]: tuple(row.values()) for row in rows}
        snapshots = {
            snapshot: self.dicts(f"select * from {self.schema('snapshots')}.{snapshot}")
            for snapshot in SNAPSHOT_INPUTS
        }
        self.steps[name] = Step(inputs, snapshots, started_at, finished_at)

    def build(self, name: str, args: list[str], extra_env: dict[str, str]) -> None:
        started_at = utc_now()
        self.dbt(args, extra_env)
        self.record(name, started_at)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def delivered_ids(folder: Path, table: str) -> set[str]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return set()
    with path.open(newline="", encoding="utf-8") as handle:
        return {(row[RAW_TABLES_BY_NAME[table].natural_key] or "").strip() for row in csv.DictReader(handle)}


def choose_scenario(warehouse: HistoryWarehouse, next_day: Path) -> Scenario:
    """Four distinct customers of day 0, each fit for its change."""
    stg, intermediate = warehouse.schema("staging"), warehouse.schema("intermediate")
    # One web account that decides the golden gender, changed more than an hour after it was created.
    web_customers = warehouse.dicts(
        f"""
        select masked.customer_id, bridge.source_record_id as account_id, masked.gender
        from {intermediate}.int_customers_masked as masked
        inner join {intermediate}.int_customer_records_assigned as bridge
            on masked.customer_id = bridge.customer_id and bridge.source_table = 'web_accounts'
        inner join {stg}.stg_web__accounts as accounts
            on bridge.source_record_id = accounts.account_id
        where masked.gender_source_table = 'web_accounts'
            and masked.gender in ('female', 'male')
            and accounts.updated_at > accounts.created_at + interval '2 hours'
            and masked.customer_id in (
                select customer_id from {intermediate}.int_customer_records_assigned
                where source_table = 'web_accounts' group by customer_id having count(*) = 1
            )
        order by masked.customer_id
        """
    )
    childless = ", ".join(f"'{table}'" for table in CHILDLESS_TABLES)
    single_record_customers = warehouse.dicts(
        f"""
        select
            bridge.customer_id,
            max(bridge.source_table) as source_table,
            max(bridge.source_record_id) as source_record_id
        from {intermediate}.int_customer_records_assigned as bridge
        inner join {intermediate}.int_customers_masked as masked
            on bridge.customer_id = masked.customer_id
        group by bridge.customer_id
        having count(*) = 1 and max(bridge.source_table) in ({childless})
        order by bridge.customer_id
        """
    )
    # Not delivered again the next day: the record must vanish from every delivery.
    gone_candidates = [
        row
        for row in single_record_customers
        if row["source_record_id"] not in delivered_ids(next_day, row["source_table"])
    ]
    assert len(web_customers) >= 3, f"need 3 web customers, found {len(web_customers)}"
    assert gone_candidates, "need a customer resting on a single source record"
    late, newer, erased = web_customers[:3]
    gone = gone_candidates[0]
    return Scenario(
        late_customer=late["customer_id"],
        newer_customer=newer["customer_id"],
        erased_customer=erased["customer_id"],
        gone_customer=gone["customer_id"],
        gone_table=gone["source_table"],
        gone_record_id=gone["source_record_id"],
        late_account=late["account_id"],
        newer_account=newer["account_id"],
        late_gender=other_gender(late["gender"]),
        newer_gender=other_gender(newer["gender"]),
    )


def other_gender(gender: str) -> str:
    return "male" if gender == "female" else "female"


def write_changes_batch(warehouse: HistoryWarehouse, scenario: Scenario, folder: Path) -> None:
    """A late older and a newer web account version, and an erasure request, as a raw batch."""
    staging = warehouse.schema("staging")
    accounts = {}
    for account_id in (scenario.late_account, scenario.newer_account):
        (row,) = warehouse.dicts(
            f"""
            select raw_rows.*, base.updated_at as parsed_updated_at
            from raw.web_accounts as raw_rows
            inner join {staging}.base_web__accounts as base
                on raw_rows._batch_id = base._batch_id and raw_rows._row_number = base._row_number
            where base.is_current_version and base.account_id = '{account_id}'
            """
        )
        accounts[account_id] = row
    late = dict(accounts[scenario.late_account])
    late["updated_at"] = str(late["parsed_updated_at"] - LATE_BY)
    late["gender"] = scenario.late_gender
    newer = dict(accounts[scenario.newer_account])
    newer["updated_at"] = NEWER_UPDATED_AT
    newer["gender"] = scenario.newer_gender
    (erased_account,) = warehouse.dicts(
        f"""
        select source_record_id from {warehouse.schema("intermediate")}.int_customer_records_assigned
        where customer_id = '{scenario.erased_customer}' and source_table = 'web_accounts'
        """
    )
    erasure = {
        "request_id": ERASURE_REQUEST_ID,
        "account_id": erased_account["source_record_id"],
        "request_type": "erasure",
        "purpose": "all",
        "request_channel": "web",
        "status": "completed",
        "requested_at": "2026-01-02 10:00:00",
        "processed_at": "2026-01-02 12:00:00",
    }
    folder.mkdir()
    for table, rows in (("web_accounts", [late, newer]), ("privacy_requests", [erasure])):
        columns = RAW_TABLES_BY_NAME[table].columns
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)


def redeliver_without(day_folder: Path, scenario: Scenario, folder: Path) -> Path:
    """The batch that delivered the record, delivered again without it (a source retracting it)."""
    table = scenario.gone_table
    key = RAW_TABLES_BY_NAME[table].natural_key
    with (day_folder / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        kept = [row for row in reader if (row[key] or "").strip() != scenario.gone_record_id]
    folder.mkdir()
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(kept)
    return folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("history_data")
    generate_days(data_dir, CUSTOMERS, SEED, (0, 1))
    return data_dir


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request, generated, tmp_path_factory) -> Iterator[HistoryWarehouse]:
    engine = request.param
    work_dir = tmp_path_factory.mktemp(f"history_{engine}")
    if engine == "duckdb":
        env = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(work_dir / "warehouse.duckdb")}
    else:
        env = worker_postgres_database(request.getfixturevalue("postgres_server"))
    env["C360_HASH_KEY"] = "history-test-key"
    warehouse = HistoryWarehouse(engine, work_dir, env)
    target = loader_target(env)

    load_batch(generated / day_folder_name(0), target, loaded_at=DAY_0_RECORDED_AT)
    warehouse.build(
        "day_0", BUILD_THROUGH_SNAPSHOTS, {"C360_HISTORY_RECORDED_AT": DAY_0_RECORDED_AT.isoformat(sep=" ")}
    )

    scenario = warehouse.scenario = choose_scenario(warehouse, generated / day_folder_name(1))
    write_changes_batch(warehouse, scenario, work_dir / "changes_0001")
    load_batch(generated / day_folder_name(1), target)
    load_batch(work_dir / "changes_0001", target)
    redelivery = redeliver_without(generated / day_folder_name(0), scenario, work_dir / "redelivery")
    load_batch(redelivery, target, batch_id=day_folder_name(0))
    # The wall clock, with the process and the PostgreSQL session (PGTZ) in a zone behind UTC.
    local_zone = {"TZ": LOCAL_TIME_ZONE, "PGTZ": LOCAL_TIME_ZONE}
    warehouse.build("changes", [*BUILD_THROUGH_SNAPSHOTS, "resource_type:seed"], local_zone)
    warehouse.build("rerun", PIPELINE_AFTER_MODELS, local_zone)
    yield warehouse


# --- helpers over recorded steps --------------------------------------------------------


def live_versions(rows: list[dict[str, Any]], columns: list[str]) -> dict[str, tuple]:
    """customer_id -> the values of its current, not deleted version, in the input's column order."""
    return {
        row["customer_id"]: tuple(row[column] for column in columns)
        for row in rows
        if row["dbt_valid_to"] is None and row["dbt_is_deleted"] == "False"
    }


def new_rows(warehouse: HistoryWarehouse, snapshot: str, before: str, after: str) -> list[dict[str, Any]]:
    known = {row["dbt_scd_id"] for row in warehouse.steps[before].snapshots[snapshot]}
    return [row for row in warehouse.steps[after].snapshots[snapshot] if row["dbt_scd_id"] not in known]


def versions_of(warehouse: HistoryWarehouse, step: str, customer_id: str, snapshot="snp_customers"):
    rows = [row for row in warehouse.steps[step].snapshots[snapshot] if row["customer_id"] == customer_id]
    return sorted(rows, key=lambda row: row["dbt_valid_from"])


# --- tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("snapshot", list(SNAPSHOT_INPUTS))
def test_first_snapshot_holds_every_input_row_once_at_the_recording_time(warehouse, snapshot):
    step = warehouse.steps["day_0"]
    rows = step.snapshots[snapshot]
    assert rows, f"{snapshot} is empty"
    assert len(rows) == len(step.inputs[snapshot])
    assert {row["dbt_valid_from"] for row in rows} == {DAY_0_RECORDED_AT}
    assert all(row["dbt_valid_to"] is None and row["dbt_is_deleted"] == "False" for row in rows)
    assert live_versions(rows, warehouse.input_columns[snapshot]) == step.inputs[snapshot]


@pytest.mark.parametrize("snapshot", list(SNAPSHOT_INPUTS))
def test_a_day_adds_a_version_exactly_for_what_changed(warehouse, snapshot):
    before, after = warehouse.steps["day_0"], warehouse.steps["changes"]
    old, new = before.inputs[snapshot], after.inputs[snapshot]
    changed = {key for key in old.keys() & new.keys() if old[key] != new[key]}
    appeared, disappeared = new.keys() - old.keys(), old.keys() - new.keys()
    added = new_rows(warehouse, snapshot, "day_0", "changes")
    live_added = {row["customer_id"] for row in added if row["dbt_is_deleted"] == "False"}
    deleted_added = {row["customer_id"] for row in added if row["dbt_is_deleted"] == "True"}
    closed = {
        row["customer_id"]
        for row in after.snapshots[snapshot]
        if row["dbt_valid_to"] is not None and row["dbt_valid_from"] == DAY_0_RECORDED_AT
    }
    assert live_added == changed | appeared
    assert deleted_added == disappeared
    assert closed == changed | disappeared
    assert len(added) == len(live_added) + len(deleted_added), "a customer got two versions in one run"
    assert live_versions(after.snapshots[snapshot], warehouse.input_columns[snapshot]) == new


def test_the_changes_reached_the_golden_record_history(warehouse):
    changes = warehouse.steps["changes"]
    scenario = warehouse.scenario
    old, new = warehouse.steps["day_0"].inputs["snp_customers"], changes.inputs["snp_customers"]
    assert scenario.newer_customer in new and old[scenario.newer_customer] != new[scenario.newer_customer]
    assert scenario.erased_customer not in new and scenario.gone_customer not in new
    latest = versions_of(warehouse, "changes", scenario.newer_customer)[-1]
    assert latest["gender"] == scenario.newer_gender and latest["dbt_valid_to"] is None


def test_a_late_older_update_leaves_history_unchanged(warehouse):
    scenario = warehouse.scenario
    assert versions_of(warehouse, "changes", scenario.late_customer) == versions_of(
        warehouse, "day_0", scenario.late_customer
    )
    (current,) = warehouse.dicts(
        f"select gender, version_count from {warehouse.schema('staging')}.stg_web__accounts "
        f"where account_id = '{scenario.late_account}'"
    )
    assert current["version_count"] >= 2, "the late version did not arrive as a version"
    assert current["gender"] != scenario.late_gender, "the late, older version became current"


@pytest.mark.parametrize("customer", ["erased_customer", "gone_customer"])
def test_a_customer_leaving_the_input_ends_with_a_deletion_version(warehouse, customer):
    customer_id = getattr(warehouse.scenario, customer)
    (before,) = versions_of(warehouse, "day_0", customer_id)
    last_live, deletion = versions_of(warehouse, "changes", customer_id)
    recorded_at = deletion["dbt_valid_from"]
    assert last_live["dbt_scd_id"] == before["dbt_scd_id"] and last_live["dbt_valid_to"] == recorded_at
    assert deletion["dbt_is_deleted"] == "True" and deletion["dbt_valid_to"] is None
    carried = [column for column in warehouse.input_columns["snp_customers"] if column != "customer_id"]
    assert all(deletion[column] == before[column] for column in carried), "deletion lost the last values"


def test_an_erasure_is_kept_in_the_consent_history(warehouse):
    scenario = warehouse.scenario
    *_, current = versions_of(warehouse, "changes", scenario.erased_customer, "snp_customer_consents")
    assert current["is_erased"] is True and current["erasure_request_id"] == ERASURE_REQUEST_ID
    assert current["dbt_valid_to"] is None and current["dbt_is_deleted"] == "False"


@pytest.mark.parametrize("snapshot", list(SNAPSHOT_INPUTS))
def test_recording_times_are_utc_under_a_local_time_zone(warehouse, snapshot):
    step = warehouse.steps["changes"]
    added = new_rows(warehouse, snapshot, "day_0", "changes")
    assert added, f"no new versions in {snapshot} to judge"
    recorded = {row["dbt_valid_from"] for row in added} | {
        row["dbt_valid_to"] for row in step.snapshots[snapshot] if row["dbt_valid_to"] is not None
    }
    assert len(recorded) == 1, f"one run, one recording time: {recorded}"
    (recorded_at,) = recorded
    slack = timedelta(seconds=2)
    # America/Los_Angeles is 8 hours behind UTC in January and December: a local time misses the window.
    assert step.started_at - slack <= recorded_at <= step.finished_at + slack


@pytest.mark.parametrize("snapshot", list(SNAPSHOT_INPUTS))
def test_a_rerun_on_unchanged_data_adds_no_rows(warehouse, snapshot):
    def by_version(step: str) -> list[dict[str, Any]]:
        return sorted(warehouse.steps[step].snapshots[snapshot], key=lambda row: row["dbt_scd_id"])

    assert by_version("rerun") == by_version("changes")


def test_history_answers_what_was_known_between_two_runs(warehouse):
    """Half-open windows read at an instant between the runs give the first run's golden records."""
    instant = DAY_0_RECORDED_AT + timedelta(hours=12)
    (changes_recorded_at,) = {
        row["dbt_valid_from"] for row in new_rows(warehouse, "snp_customers", "day_0", "changes")
    }
    rows = warehouse.dicts(
        f"select * from {warehouse.schema('marts')}.dim_customers_history "
        f"where valid_from <= cast('{instant}' as timestamp) "
        f"and (valid_to is null or valid_to > cast('{instant}' as timestamp))"
    )
    columns = warehouse.input_columns["snp_customers"]
    assert {row["customer_id"]: tuple(row[c] for c in columns) for row in rows} == (
        warehouse.steps["day_0"].inputs["snp_customers"]
    )
    assert changes_recorded_at > instant


def test_the_history_mart_built_run_by_run_equals_a_rebuild(warehouse):
    """dim_customers_history, updated after each snapshot run (closed, new and deletion versions),
    holds what a --full-refresh rebuild from the snapshot gives."""
    table = f"{warehouse.schema('marts')}.dim_customers_history"

    def rows() -> list[tuple]:
        return sorted((tuple(row.values()) for row in warehouse.dicts(f"select * from {table}")), key=repr)

    built = rows()
    deletions = warehouse.dicts(f"select count(*) as versions from {table} where is_deleted")
    assert deletions[0]["versions"] > 0, "the scenario's erased and gone customers end with deletion versions"
    warehouse.dbt(["run", "--full-refresh", "--select", "dim_customers_history"])
    assert rows() == built


# dbt orders the key test before the snapshot the same way on every engine: DuckDB alone shows it.
@pytest.mark.parametrize("warehouse", ["duckdb"], indirect=True)
def test_a_duplicated_snapshot_key_stops_the_snapshot(warehouse):
    # the table behind the snapshot's input (the view int_customers_for_history)
    table = f"{warehouse.schema('intermediate')}.int_customers_masked"
    some_customer = next(iter(warehouse.steps["rerun"].inputs["snp_customers"]))
    warehouse.execute(f"insert into {table} select * from {table} where customer_id = '{some_customer}'")
    try:
        result = warehouse.dbt(PIPELINE_AFTER_MODELS, check=False)
    finally:
        warehouse.execute(
            f"create temporary table kept as select distinct * from {table} where customer_id = '{some_customer}'",
            f"delete from {table} where customer_id = '{some_customer}'",
            f"insert into {table} select * from kept",
        )
    assert result.returncode != 0
    statuses = {
        item["unique_id"].split(".")[2]: item["status"]
        for item in json.loads((warehouse.work_dir / "target" / "run_results.json").read_text())["results"]
    }
    assert statuses["unique_int_customers_for_history_customer_id"] == "fail"
    assert statuses["snp_customers"] == "skipped"
    count = warehouse.dicts(f"select count(*) as n from {warehouse.schema('snapshots')}.snp_customers")
    assert count[0]["n"] == len(warehouse.steps["rerun"].snapshots["snp_customers"])


# --- the DuckDB staging query of snapshot runs against dbt's own ---------------------------

OVERRIDE_MACRO = Path("macros/history/snapshot_staging_table.sql")
# Three recording times after the fixture's runs: the first takes the segment snapshot, whose
# input the fixture lacks, for the first time; the second and third find changes.
EQUIVALENCE_RECORDED_AT = ("2027-01-01 00:00:00", "2027-01-02 00:00:00", "2027-01-03 00:00:00")
SNAPSHOT_KEYS = {
    "snp_customers": ["customer_id"],
    "snp_customer_consents": ["customer_id"],
    "snp_segment_memberships": ["customer_id", "segment_id"],
}
# Memberships made up from the golden record, two per customer, for the snapshot with a two-column key.
MEMBERSHIPS_SQL = """
create or replace table main_marts.fct_segment_memberships as
select customer_id, 'value_tier:' || tier as segment_id, 'value_tier' as segment_type, tier as segment_name
from (
    select customer_id, case when hash(customer_id) % 3 = 0 then 'vip' else 'regular' end as tier
    from main_intermediate.int_customers_masked
)
union all
select customer_id, 'lifecycle_stage:active', 'lifecycle_stage', 'active'
from main_intermediate.int_customers_masked
"""
# The same changes on both copies, by a fixed hash of the key: leavers, changed values, a value
# that becomes null, new keys, and (in the third round) keys that come back after their deletion.
CHANGES_SQL = (
    "delete from main_intermediate.int_customers_masked where hash(customer_id) % 9 = {round}",
    "update main_intermediate.int_customers_masked set city = coalesce(city, '') || '-moved' "
    "where hash(customer_id) % 7 = {round}",
    "update main_intermediate.int_customers_masked set postal_code = null where hash(customer_id) % 11 = {round}",
    "delete from main_intermediate.int_customer_consents_resolved where hash(customer_id) % 9 = {round}",
    "delete from main_marts.fct_segment_memberships where hash(customer_id || segment_id) % 9 = {round}",
    "update main_marts.fct_segment_memberships set segment_name = segment_name || ' (renamed)' "
    "where hash(customer_id || segment_id) % 7 = {round}",
    "insert into main_marts.fct_segment_memberships "
    "select customer_id, 'interest_group:books', 'interest_group', 'books' "
    "from main_intermediate.int_customers_masked where hash(customer_id) % 5 = {round}",
)
SNAPSHOT_INPUT_TABLES = {
    "snp_customers": "main_intermediate.int_customers_masked",
    "snp_customer_consents": "main_intermediate.int_customer_consents_resolved",
    "snp_segment_memberships": "main_marts.fct_segment_memberships",
}


def project_without_override(folder: Path) -> Path:
    """A copy of the dbt project in which snapshot runs use dbt's own staging query."""
    copy = folder / "project"
    shutil.copytree(
        PROJECT_ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "target", "logs", "data", "warehouse", "benchmarks", "scripts", "python", "*.duckdb*"
        ),
    )
    (copy / OVERRIDE_MACRO).unlink()
    return copy


def take_snapshots(database: Path, recorded_at: str, project: Path | None) -> str:
    """Run every snapshot on `database`, in this project or in `project`; return dbt's debug log."""
    work_dir = database.parent / f"{database.stem}_dbt"
    args = ["snapshot", "--log-level-file", "debug"]
    environment = {
        "C360_TARGET": "dev",
        "C360_DUCKDB_PATH": str(database),
        "C360_HISTORY_RECORDED_AT": recorded_at,
    }
    run_dbt(args, environment, work_dir, project_dir=project or PROJECT_ROOT)
    log = work_dir / "logs" / "dbt.log"
    text = log.read_text(encoding="utf-8")
    log.unlink()
    return text


@pytest.mark.parametrize("warehouse", ["duckdb"], indirect=True)
def test_snapshot_changes_found_with_one_join_equal_dbts_own(warehouse, tmp_path):
    ours, dbts = tmp_path / "ours" / "w.duckdb", tmp_path / "dbts" / "w.duckdb"
    for copy in (ours, dbts):
        copy.parent.mkdir()
        shutil.copyfile(warehouse.env["C360_DUCKDB_PATH"], copy)
        with duckdb.connect(str(copy)) as connection:
            connection.execute(MEMBERSHIPS_SQL)
    plain_dbt = project_without_override(tmp_path)

    for round_number, recorded_at in enumerate(EQUIVALENCE_RECORDED_AT):
        if round_number:
            for copy in (ours, dbts):
                with duckdb.connect(str(copy)) as connection:
                    for statement in CHANGES_SQL:
                        connection.execute(statement.format(round=round_number))
                    if round_number == 2:
                        for snapshot, table in SNAPSHOT_INPUT_TABLES.items():
                            snapshotted = {
                                row[0]
                                for row in connection.execute(
                                    f"describe main_snapshots.{snapshot}"
                                ).fetchall()
                            }
                            # the input's columns that the snapshot records (not what the input stores to rebuild itself)
                            columns = [
                                row[0]
                                for row in connection.execute(f"describe {table}").fetchall()
                                if row[0] in snapshotted
                            ]
                            connection.execute(
                                f"insert into {table} by name select {', '.join(columns)} "
                                f"from main_snapshots.{snapshot} where dbt_valid_to is null and dbt_is_deleted = 'True'"
                            )
        our_log = take_snapshots(ours, recorded_at, None)
        dbts_log = take_snapshots(dbts, recorded_at, plain_dbt)
        if round_number:
            assert "full outer join snapshotted_data" in our_log, "the override did not run"
            assert "full outer join snapshotted_data" not in dbts_log, "the copy still has the override"

    changes, deletions, returns = {}, {}, {}
    with duckdb.connect(str(ours), read_only=True) as connection:
        connection.execute(f"attach '{dbts}' as dbts (read_only)")
        for snapshot in SNAPSHOT_KEYS:
            table = f"main_snapshots.{snapshot}"
            differences = connection.execute(
                f"select count(*) from ((select * from {table} except all select * from dbts.{table}) "
                f"union all (select * from dbts.{table} except all select * from {table}))"
            ).fetchone()[0]
            assert differences == 0, f"{snapshot}: {differences} rows differ from dbt's own snapshot run"
            same_key = " and ".join(f"earlier.{key} = later.{key}" for key in SNAPSHOT_KEYS[snapshot])
            changes[snapshot], deletions[snapshot], returns[snapshot] = connection.execute(
                f"""
                select
                    count(*) filter (where later.dbt_valid_to = timestamp '{EQUIVALENCE_RECORDED_AT[1]}'),
                    count(*) filter (
                        where later.dbt_is_deleted = 'True' and later.dbt_valid_from > timestamp '2027-01-01'
                    ),
                    count(*) filter (
                        where later.dbt_is_deleted = 'False' and exists (
                            select 1 from {table} as earlier
                            where {same_key} and earlier.dbt_is_deleted = 'True'
                            and earlier.dbt_valid_to = later.dbt_valid_from
                        )
                    )
                from {table} as later
                """
            ).fetchone()
    # the comparison means something only where every kind of change happened: versions closed by a
    # change, deletion versions, and live versions after a deletion
    assert all(changes.values()) and all(deletions.values()) and all(returns.values()), (
        changes,
        deletions,
        returns,
    )


# Hand-made histories with one defect per customer: (customer, value, valid from day, valid to day).
DEFECTIVE_HISTORIES = [
    ("A", "a1", 1, 2), ("A", "a2", 2, None),  # sound
    ("B", "b1", 1, None), ("B", "b2", 2, None),  # two current versions
    ("C", "c1", 1, 2),  # no current version
    ("D", "d1", 1, 2), ("D", "d2", 3, None),  # a gap
    ("E", "e1", 1, 3), ("E", "e2", 2, None),  # an overlap
    ("F", "f1", 1, 2), ("F", "f1", 2, None),  # a version that changes nothing
    ("G", "g1", 1, 2), ("G", "g2", 1, None),  # two versions starting together
    ("H", None, 1, 2), ("H", "h1", 2, None),  # sound: a value where there was none
    ("I", None, 1, 2), ("I", None, 2, None),  # a version that changes nothing, both empty
]  # fmt: skip
# What the histories above were taken from, (customer, value), compared with their current versions:
# B's second current version is in no source row, D's source moved on, F's row is delivered twice
# (one current version for two rows), J never reached history; I matches although its value is null.
SNAPSHOT_INPUT = [
    ("A", "a2"), ("B", "b1"), ("D", "d3"), ("E", "e2"), ("F", "f1"), ("F", "f1"), ("G", "g2"),
    ("H", "h1"), ("I", None), ("J", "j1"),
]  # fmt: skip
FINDINGS_QUERY = """
{%- set changed_keys_only = CHANGED_KEYS_ONLY -%}
{%- set cases = api.Relation.create(database=target.database, schema='test_fixtures', identifier='scd2_cases') -%}
{%- set inputs = api.Relation.create(database=target.database, schema='test_fixtures', identifier='scd2_inputs') -%}
select 'one_current_row' as check_name, customer_id as finding
from ({{ customer360.default__test_scd2_one_current_row(
    cases, 'customer_id', 'dbt_valid_from', 'dbt_valid_to', changed_keys_only) }}) as failures
union all
select 'windows_contiguous', customer_id || ':' || problem
from ({{ customer360.default__test_scd2_windows_contiguous(
    cases, 'customer_id', 'dbt_valid_from', 'dbt_valid_to', changed_keys_only) }})
    as failures
union all
select 'versions_differ', customer_id
from ({{ customer360.default__test_scd2_versions_differ(
    cases, 'customer_id', 'dbt_valid_from', 'dbt_valid_to', ['dbt_valid_to'], changed_keys_only) }})
    as failures
union all
{#- both forms of the test: the portable one and DuckDB's, which counts rows by their hash first #}
{%- for check_name, implementation in [
    ('current_matches_source', customer360.default__test_scd2_current_matches_source),
    ('current_matches_source_by_digest', customer360.duckdb__test_scd2_current_matches_source),
] %}
select
    '{{ check_name }}',
    customer_id || ':' || coalesce(state_value, 'null') || ':'
    || case when problem like 'source row %' then 'not in history' else 'not in source' end
from ({{ implementation(cases, inputs, 'dbt_valid_to is null') }})
    as failures
union all
{%- endfor %}
select 'as_of_day_2', customer_id || ':' || coalesce(state_value, 'null')
from ({{ customer360.scd2_as_of(cases, "cast('2026-01-02' as timestamp)", 'dbt_valid_from', 'dbt_valid_to') }})
    as valid_rows
"""


ALL_FINDINGS = [
    ("one_current_row", "B"),
    ("one_current_row", "C"),
    ("windows_contiguous", "B:open_version_not_last"),
    ("windows_contiguous", "D:gap"),
    ("windows_contiguous", "E:overlap"),
    ("windows_contiguous", "G:shared_start"),
    ("windows_contiguous", "G:shared_start"),
    ("versions_differ", "F"),
    ("versions_differ", "I"),
    ("current_matches_source", "B:b2:not in source"),
    ("current_matches_source", "D:d2:not in source"),
    ("current_matches_source", "D:d3:not in history"),
    ("current_matches_source", "F:f1:not in history"),
    ("current_matches_source", "J:j1:not in history"),
    # DuckDB's form, which counts rows by their hash first, finds the same
    ("current_matches_source_by_digest", "B:b2:not in source"),
    ("current_matches_source_by_digest", "D:d2:not in source"),
    ("current_matches_source_by_digest", "D:d3:not in history"),
    ("current_matches_source_by_digest", "F:f1:not in history"),
    ("current_matches_source_by_digest", "J:j1:not in history"),
    # half-open windows: at the instant a version is replaced only the new one is valid
    ("as_of_day_2", "A:a2"),
    ("as_of_day_2", "B:b1"),
    ("as_of_day_2", "B:b2"),
    ("as_of_day_2", "E:e1"),
    ("as_of_day_2", "E:e2"),
    ("as_of_day_2", "F:f1"),
    ("as_of_day_2", "G:g2"),
    ("as_of_day_2", "H:h1"),
    ("as_of_day_2", "I:null"),
]
# The invariant checks that read only the keys with a version stamped after 2026-01-02: D (d2 from
# day 3) and E (e1 to day 3). Every other key passed, by assumption, when history was checked then.
INVARIANT_CHECKS = ("one_current_row", "windows_contiguous", "versions_differ")
FINDINGS_OF_KEYS_CHANGED_AFTER_DAY_2 = [
    ("windows_contiguous", "D:gap"),
    ("windows_contiguous", "E:overlap"),
    *[finding for finding in ALL_FINDINGS if finding[0] not in INVARIANT_CHECKS],
]


@pytest.fixture
def scd2_cases(warehouse) -> HistoryWarehouse:
    """The hand-made histories and snapshot input above, as tables in the warehouse."""

    def day(number: int | None) -> str:
        return "null" if number is None else f"timestamp '2026-01-0{number}'"

    def text(value: str | None) -> str:
        return "null" if value is None else f"'{value}'"

    rows = ", ".join(
        f"('{key}', {text(value)}, {day(start)}, {day(end)})"
        for key, value, start, end in DEFECTIVE_HISTORIES
    )
    inputs = ", ".join(f"('{key}', {text(value)})" for key, value in SNAPSHOT_INPUT)
    warehouse.execute(
        "create schema if not exists test_fixtures",
        "create or replace table test_fixtures.scd2_cases as select * from "
        f"(values {rows}) as cases(customer_id, state_value, dbt_valid_from, dbt_valid_to)",
        "create or replace table test_fixtures.scd2_inputs as select * from "
        f"(values {inputs}) as inputs(customer_id, state_value)",
    )
    return warehouse


def scd2_findings(
    warehouse: HistoryWarehouse, *, changed_keys_only: bool, checked_through: str = ""
) -> list[tuple[str, str]] | str:
    """What the SCD2 tests and scd2_as_of find in the hand-made cases; dbt's output if it failed."""
    query = FINDINGS_QUERY.replace("CHANGED_KEYS_ONLY", "true" if changed_keys_only else "false")
    result = warehouse.dbt(
        ["-q", "show", "--output", "json", "--limit", "100", "--inline", query],
        {"C360_HISTORY_CHECKED_THROUGH": checked_through},
        check=False,
    )
    if result.returncode != 0:
        return result.stdout + result.stderr
    return sorted(
        (row["check_name"], row["finding"])
        for row in json.loads(result.stdout[result.stdout.index("{") :])["show"]
    )


AS_OF_TEST = "assert_customer_state_as_of_picks_the_latest_known_version"


def copy_of_warehouse(warehouse: HistoryWarehouse, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the DuckDB warehouse to damage, and the dbt environment that names it."""
    copy = tmp_path / "warehouse.duckdb"
    for suffix in ("", ".wal"):  # changes not yet checkpointed are in the write-ahead log
        original = Path(f"{warehouse.env['C360_DUCKDB_PATH']}{suffix}")
        if original.exists():
            shutil.copyfile(original, f"{copy}{suffix}")
    return copy, {**warehouse.env, "C360_DUCKDB_PATH": str(copy)}


def history_test_failures(
    test_name: str, env: dict[str, str], work_dir: Path, checked_through: datetime | None
) -> int:
    """What a history test finds run by hand (None) or in the pipeline, checked through a time."""
    variable = "" if checked_through is None else checked_through.isoformat(sep=" ")
    return data_test_failures(test_name, {**env, "C360_HISTORY_CHECKED_THROUGH": variable}, work_dir)


@pytest.mark.parametrize("warehouse", ["duckdb"], indirect=True)
def test_the_as_of_check_reads_the_customers_recorded_after_the_check(warehouse, tmp_path):
    """An old fault is found by hand, not in the pipeline; the same fault recorded since, in both."""
    copy, env = copy_of_warehouse(warehouse, tmp_path)
    history = f"{warehouse.schema('marts')}.dim_customers_history"
    # checked through the middle of the first day: the versions of the later run are after it
    checked_through = DAY_0_RECORDED_AT + timedelta(hours=2)
    with duckdb.connect(str(copy)) as connection:
        # a customer with one version, from day 0, loses it before the later run's recording time
        (customer_id,) = connection.execute(
            f"select customer_id from {history} group by customer_id having count(*) = 1 "
            "order by customer_id limit 1"
        ).fetchone()
        connection.execute(
            f"update {history} set valid_to = ?, is_current = false where customer_id = ?",
            [DAY_0_RECORDED_AT + timedelta(hours=1), customer_id],
        )

    def problems(checked: datetime | None) -> int:
        return history_test_failures(AS_OF_TEST, env, tmp_path, checked)

    assert problems(None) == 1, "by hand, the version missing at the latest recording time is found"
    assert problems(checked_through) == 0, "closed before the check, it is not read in the pipeline"
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            f"update {history} set valid_to = ? where customer_id = ?",
            [checked_through + timedelta(hours=1), customer_id],
        )
    assert problems(checked_through) == 1, "closed after the check, it is read and found"


VERSION_ID_TEST = "unique_combination_of_columns_snp_customers_dbt_scd_id__dbt_valid_from__dbt_valid_to"


@pytest.mark.parametrize("warehouse", ["duckdb"], indirect=True)
def test_the_version_id_check_reads_the_versions_recorded_after_the_check(warehouse, tmp_path):
    """A repeated dbt_scd_id is found by hand, not in the pipeline once checked; recorded since, in both."""
    copy, env = copy_of_warehouse(warehouse, tmp_path)
    snapshot = f"{warehouse.schema('snapshots')}.snp_customers"
    checked_through = DAY_0_RECORDED_AT + timedelta(hours=2)
    with duckdb.connect(str(copy)) as connection:
        # a customer's day-0 version, still current, takes the id of another's
        (first_id, second_id) = connection.execute(
            f"select min(dbt_scd_id), max(dbt_scd_id) from {snapshot} "
            "where dbt_valid_from = ? and dbt_valid_to is null",
            [DAY_0_RECORDED_AT],
        ).fetchone()
        connection.execute(
            f"update {snapshot} set dbt_scd_id = ? where dbt_scd_id = ?", [first_id, second_id]
        )

    def problems(checked: datetime | None) -> int:
        return history_test_failures(VERSION_ID_TEST, env, tmp_path, checked)

    assert problems(None) == 1, "by hand, the repeated version id is found"
    assert problems(checked_through) == 0, "both versions recorded before the check: not read in the pipeline"
    with duckdb.connect(str(copy)) as connection:
        connection.execute(
            f"update {snapshot} set dbt_valid_to = ? where dbt_scd_id = ? and customer_id = "
            f"(select max(customer_id) from {snapshot} where dbt_scd_id = ?)",
            [checked_through + timedelta(hours=1), first_id, first_id],
        )
    assert problems(checked_through) == 1, "one of them closed after the check: read and found"


# The same SQL runs on PostgreSQL in the history build above: DuckDB alone reads the hand-made cases.
@pytest.mark.parametrize("warehouse", ["duckdb"], indirect=True)
def test_scd2_tests_and_as_of_catch_what_they_promise(scd2_cases):
    # A test that does not ask for changed keys only reads every key, whatever the variable says.
    assert scd2_findings(scd2_cases, changed_keys_only=False, checked_through="2026-01-02") == sorted(
        ALL_FINDINGS
    )


@pytest.mark.parametrize("warehouse", ["duckdb"], indirect=True)
def test_scd2_tests_of_changed_keys_read_the_keys_recorded_after_the_check(scd2_cases):
    # Outside the pipeline the variable is unset: every key is read.
    assert scd2_findings(scd2_cases, changed_keys_only=True) == sorted(ALL_FINDINGS)
    assert scd2_findings(scd2_cases, changed_keys_only=True, checked_through="2026-01-02") == sorted(
        FINDINGS_OF_KEYS_CHANGED_AFTER_DAY_2
    )
    # A time with an offset would be read in the session's time zone: it stops with the variable's name.
    failure = scd2_findings(scd2_cases, changed_keys_only=True, checked_through="2026-01-02T00:00:00+02:00")
    assert isinstance(failure, str) and "C360_HISTORY_CHECKED_THROUGH must be a UTC time" in failure
