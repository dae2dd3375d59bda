"""``c360 pipeline`` end to end: resumable days, idempotent reruns, failures that stop before the marts.

DuckDB: generated batches for days 0..1 of a small population are replayed
through one warehouse file at a fixed path (a fixed path keeps dbt's partial
parse valid from run to run). Copies of the warehouse and its pipeline state
are kept after day 0 and after an uninterrupted day 1, and each test starts
from the copy it needs. The kill test chooses the step to kill at from a
seeded random (``C360_PIPELINE_KILL_SEED`` picks another) and compares the
resumed warehouse with the uninterrupted one.

The PostgreSQL run is in ``test_pipeline_postgres.py``, so that the two
engines run on different pytest workers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from c360.generate.runner import generate_days
from c360.pipeline.dbt_session import DbtSession, summarise, wait_for_later_second
from c360.pipeline.progress import Progress
from c360.pipeline.run_log import RunLog, read_run_log
from c360.pipeline.runner import (
    Pipeline,
    PipelineOrderError,
    build_checked_through,
    check_order,
    history_checked_through,
    history_recorded_at,
)
from c360.pipeline.state import PipelineState, utc_now
from c360.pipeline.steps import PRE_SNAPSHOT_TAG, day_steps, steps_selecting_tests
from conftest import PROJECT_ROOT, VENV_BIN, dbt_environment, run_dbt

CUSTOMERS = 300
SEED = 20261201
KILL_SEED = int(os.environ.get("C360_PIPELINE_KILL_SEED", "3"))
# Columns stamped with the wall clock of the run that wrote them: they differ between any two
# runs, killed or not, and are left out of the comparison. History times are not among them:
# the pipeline records day N's changes at day N's own time.
WALL_CLOCK_COLUMNS = frozenset(
    {
        "customer_id_created_at",
        "assigned_at",
        "assigned_in_invocation_id",
        "_loaded_at",
        "loaded_at",
        "delivered_at",
        "customer_resolved_at",
        # when a row of a mart built by version was written, and when a row left dim_customers
        # (its deletion log)
        "built_at",
        "deleted_at",
        # digests that include one of the above: a customer's records carry when its id was
        # created, an order's version its delivery's _loaded_at, and so do a customer's
        # acquisition inputs (the deliveries of its records and web events) and affinity inputs
        # (the versions of its orders)
        "records_fingerprint",
        "order_version",
        "acquisition_inputs_fingerprint",
        "affinity_inputs_fingerprint",
    }
)
# What a day publishes (marts, history) and the warehouse's own memory of customer ids.
COMPARED_TABLES = """
    select table_schema, table_name
    from information_schema.tables
    where
        table_type = 'BASE TABLE'
        and (
            table_schema in ('main_marts', 'main_restricted', 'main_snapshots', 'raw')
            or table_name like 'int_identity_customer_id%'
        )
    order by 1, 2
"""
MARTS_AND_HISTORY = ("main_marts.", "main_restricted.", "main_snapshots.")
# The marts a day updates in place instead of rebuilding them.
INCREMENTAL_MARTS = "path:models/marts,config.materialized:incremental"


# --- the parts that need no warehouse ---------------------------------------------------------


def state_with(tmp_path: Path, complete: list[int], unfinished: list[int] = ()) -> PipelineState:
    state = PipelineState.open(tmp_path, "test-warehouse")
    for day in [*complete, *unfinished]:
        state.start_day(day, utc_now())
    for day in complete:
        state.day_complete(day, utc_now())
    return state


def test_days_run_in_order(tmp_path):
    state = state_with(tmp_path, complete=[0, 1])
    check_order(state, (0, 1, 2, 3), redo=False)
    check_order(state, (2,), redo=False)
    with pytest.raises(PipelineOrderError, match=re.escape("days 2..3 must run before day 4")):
        check_order(state, (4, 5), redo=False)


def test_redo_is_refused_for_days_history_has_moved_past(tmp_path):
    state = state_with(tmp_path, complete=[0, 1, 2])
    check_order(state, (2, 3), redo=True)
    with pytest.raises(PipelineOrderError, match="only run the last finished day"):
        check_order(state, (1, 2), redo=True)


def test_an_unfinished_day_must_run_before_later_ones(tmp_path):
    state = state_with(tmp_path, complete=[0], unfinished=[1])
    check_order(state, (1, 2), redo=False)
    with pytest.raises(PipelineOrderError, match="day 1 did not finish"):
        check_order(state, (2,), redo=False)


def test_history_counts_as_checked_through_the_last_completed_day_before_the_one_running():
    assert history_checked_through([], 0) == ""
    assert history_checked_through([0, 1], 2) == history_recorded_at(1)
    # a day run again (--redo) checks again everything it recorded the first time
    assert history_checked_through([0, 1], 1) == history_recorded_at(0)
    assert history_checked_through([0], 0) == ""


def test_built_rows_count_as_checked_through_the_end_of_the_last_completed_day_before_the_one_running(
    tmp_path,
):
    state = PipelineState.open(tmp_path, "test-warehouse")
    assert build_checked_through(state, 0) == ""
    for day, finished_at in [(0, "2026-01-01T10:00:59.999Z"), (1, "2026-01-01T10:05:00.001Z")]:
        state.start_day(day, utc_now())
        state.day_complete(day, datetime.fromisoformat(finished_at.replace("Z", "+00:00")))
    # rounded down: a dbt command starting in that second stamps its rows with it
    assert build_checked_through(state, 2) == "2026-01-01 10:05:00"
    # a day run again (--redo) checks again every row written since the day before it finished
    assert build_checked_through(state, 1) == "2026-01-01 10:00:59"
    assert build_checked_through(state, 0) == ""
    # a day that did not complete vouches for nothing
    state.start_day(2, utc_now())
    assert build_checked_through(state, 3) == "2026-01-01 10:05:00"


def test_a_writing_command_starts_in_a_later_second_than_the_one_before():
    previous = datetime(2026, 1, 1, 10, 0, 0, 700_000, tzinfo=UTC)
    slept = []
    # still in the previous command's second: wait for the next one, no longer
    same_second = previous + timedelta(seconds=0.2)
    waited = wait_for_later_second(previous, clock=lambda: same_second, sleep=slept.append)
    assert waited == pytest.approx(0.1) and slept == [pytest.approx(0.1)]
    # started the moment before the previous one's second ended: wait out that moment
    second_start, second_end = previous.replace(microsecond=0), previous.replace(microsecond=999_999)
    waited = wait_for_later_second(second_start, clock=lambda: second_end, sleep=slept.append)
    assert waited == pytest.approx(0.000_001)
    # a later second already, or no command before: no wait
    slept.clear()
    next_second = previous + timedelta(seconds=0.3)
    for earlier in (previous, None):
        assert wait_for_later_second(earlier, clock=lambda: next_second, sleep=slept.append) == 0
    assert slept == []


def test_state_is_kept_whole_when_a_save_is_cut_short(tmp_path, monkeypatch):
    state = state_with(tmp_path, complete=[0], unfinished=[1])
    before = (tmp_path / "state.json").read_text()

    def crash(*_):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        state.step_done(1, "load", utc_now(), {})
    assert (tmp_path / "state.json").read_text() == before
    assert not [path for path in tmp_path.iterdir() if path.name != "state.json"], (
        "temporary file left behind"
    )
    reopened = PipelineState.open(tmp_path, "test-warehouse")
    assert reopened.completed_days() == [0] and not reopened.is_step_done(1, "load")


class CountingSession:
    """A DbtSession's selection answers without dbt: every step selects a and b; c is left over."""

    def __init__(self, project_digest: str) -> None:
        self.digest = project_digest
        self.listings = 0

    def project_digest(self) -> str:
        return self.digest

    def data_tests(self, selection: tuple[str, ...] = ()) -> set[str]:
        self.listings += 1
        return {"a", "b"} if selection else {"a", "b", "c"}


def leftover_tests_of(state_dir: Path, session: CountingSession) -> list[str]:
    """The post_tests step's tests as a new pipeline process on this state finds them."""
    process = SimpleNamespace(
        dbt=session, state=PipelineState.open(state_dir, "test-warehouse"), _post_tests=None
    )
    return Pipeline._leftover_tests(process)


def test_leftover_tests_are_listed_again_only_when_the_project_changes(tmp_path):
    first = CountingSession("project-1")
    assert leftover_tests_of(tmp_path, first) == ["c"]
    assert first.listings == len(steps_selecting_tests()) + 1, "one dbt ls per step, and one of all tests"
    again = CountingSession("project-1")
    assert leftover_tests_of(tmp_path, again) == ["c"] and again.listings == 0, "kept in the state"
    changed = CountingSession("project-2")
    assert leftover_tests_of(tmp_path, changed) == ["c"] and changed.listings == first.listings


def test_project_digest_follows_what_selection_reads_not_where_dbt_writes(tmp_path):
    def digest_of(target: str = "dev", dbt_vars: dict | None = None, **paths: Path) -> str:
        session = DbtSession(target, dbt_vars=dbt_vars, **paths)
        # A parsed project stands in: the digest reads its files' checksums, here none.
        session._manifest = SimpleNamespace(files={})
        return session.project_digest()

    plain = digest_of()
    assert digest_of(target_path=tmp_path / "target", log_path=tmp_path / "logs") == plain, (
        "other target/ and log folders select the same nodes"
    )
    assert digest_of(target="postgres") != plain, "another target may select other nodes"
    assert digest_of(dbt_vars={"history_days": 3}) != plain, "so may other vars"


def test_state_of_another_warehouse_is_refused(tmp_path):
    state_with(tmp_path, complete=[0])
    with pytest.raises(Exception, match="belongs to warehouse"):
        PipelineState.open(tmp_path, "another-warehouse")


def test_run_log_ignores_a_line_cut_short_by_a_crash(tmp_path):
    log = RunLog(tmp_path / "run_log.jsonl", "run1")
    log.write("step", day=1, step="load", status="running")
    log.close()
    with (tmp_path / "run_log.jsonl").open("a") as handle:
        handle.write('{"run_id": "run1", "event": "st')
    events = read_run_log(tmp_path / "run_log.jsonl")
    assert [(e["event"], e["step"], e["status"]) for e in events] == [("step", "load", "running")]


def test_node_seconds_are_counted_by_materialization_and_quick_tests_apart():
    def result(resource_type: str, seconds: float, materialized: str | None = None) -> SimpleNamespace:
        config = SimpleNamespace(materialized=materialized)
        node = SimpleNamespace(name="node", resource_type=resource_type, config=config)
        return SimpleNamespace(node=node, status="success", message="OK", execution_time=seconds)

    execution = SimpleNamespace(
        results=[
            result("model", 2.5, "incremental"),
            result("model", 1.25, "incremental"),
            result("model", 3.0, "table"),
            result("test", 0.5),
            result("test", 0.1),
            result("test", 0.04),
            result("test", 0.03),
            result("operation", 0.01),
        ]
    )
    assert summarise(execution, manifest=None).node_seconds == {
        "models (incremental)": {"nodes": 2, "seconds": 3.75},
        "models (table)": {"nodes": 1, "seconds": 3.0},
        "data tests": {"nodes": 2, "seconds": 0.6},
        "data tests (under 0.1 s)": {"nodes": 2, "seconds": 0.07},
        "hooks": {"nodes": 1, "seconds": 0.01},
    }


def test_warned_nodes_are_named_on_the_terminal_and_failures_stay_apart():
    def result(name: str, resource_type: str, status: str, message: str) -> SimpleNamespace:
        node = SimpleNamespace(name=name, resource_type=resource_type, depends_on=SimpleNamespace(nodes=[]))
        return SimpleNamespace(node=node, status=status, message=message, execution_time=0.1)

    execution = SimpleNamespace(
        results=[
            result("stg_orders", "model", "success", "OK"),
            result("surveys_name_a_ticket", "test", "warn", "Got 2 results, configured to warn if != 0"),
            result("orders_are_unique", "test", "fail", "Got 1 result, configured to fail if != 0"),
            result("orders_have_a_customer", "test", "pass", "PASS"),
        ]
    )
    outcome = summarise(execution, manifest=None)
    assert [problem.name for problem in outcome.warnings] == ["surveys_name_a_ticket"]
    assert [problem.name for problem in outcome.problems] == ["orders_are_unique"]
    assert outcome.counts["test"] == {"fail": 1, "pass": 1, "warn": 1}

    printed = io.StringIO()
    counts = {"nodes": outcome.counts, "warnings": [problem.describe() for problem in outcome.warnings]}
    Progress(last_day=1, step_count=9, stream=printed).step_finished("ok", 1.5, counts)
    lines = printed.getvalue().splitlines()
    assert lines[0] == " ok 1.5 s (1 model, 1 test passed, 1 test warned, 1 test failed)"
    assert lines[1:] == [
        "    warning: test surveys_name_a_ticket: warn: Got 2 results, configured to warn if != 0"
    ]


# --- DuckDB ------------------------------------------------------------------------------------


@dataclass
class Run:
    returncode: int
    output: str
    events: list[dict]

    def steps(self, day: int, status: str) -> list[str]:
        return [
            e["step"]
            for e in self.events
            if e["event"] == "step" and e["day"] == day and e["status"] == status
        ]


@dataclass
class DuckDBWarehouse:
    """One warehouse path reused by every run; saved copies are restored into it."""

    root: Path
    data_dir: Path

    @property
    def path(self) -> Path:
        return self.root / "active" / "warehouse.duckdb"

    @property
    def state_dir(self) -> Path:
        return self.root / "active" / "warehouse.pipeline"

    def env(self) -> dict[str, str]:
        env = dbt_environment({"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(self.path)})
        env.pop("C360_HISTORY_RECORDED_AT", None)
        return env

    def command(self, days: str, *extra: str) -> list[str]:
        return [
            str(VENV_BIN / "c360"),
            "pipeline",
            "--existing",
            "--data",
            str(self.data_dir),
            "--days",
            days,
            "--dbt-target-path",
            str(self.root / "target"),
            "--dbt-log-path",
            str(self.root / "logs"),
            *extra,
        ]

    def run(self, days: str, *extra: str) -> Run:
        offset = self._log_length()
        result = subprocess.run(
            self.command(days, *extra), cwd=PROJECT_ROOT, env=self.env(), capture_output=True, text=True
        )
        return Run(result.returncode, result.stdout + result.stderr, self.events_since(offset))

    def _log_length(self) -> int:
        log = self.state_dir / "run_log.jsonl"
        return len(read_run_log(log)) if log.exists() else 0

    def events_since(self, offset: int) -> list[dict]:
        log = self.state_dir / "run_log.jsonl"
        return read_run_log(log)[offset:] if log.exists() else []

    def save(self, name: str) -> None:
        shutil.copytree(self.root / "active", self.root / name)

    def restore(self, name: str) -> None:
        shutil.rmtree(self.root / "active", ignore_errors=True)
        shutil.copytree(self.root / name, self.root / "active")

    def fingerprint(self) -> dict[str, tuple[int, str]]:
        """Table -> (rows, hash of its rows without wall-clock columns)."""
        connection = duckdb.connect(str(self.path), read_only=True)
        try:
            found = {}
            for schema, table in connection.execute(COMPARED_TABLES).fetchall():
                columns = [
                    name
                    for (name,) in connection.execute(
                        "select column_name from information_schema.columns "
                        "where table_schema = ? and table_name = ? order by ordinal_position",
                        [schema, table],
                    ).fetchall()
                    if name not in WALL_CLOCK_COLUMNS
                ]
                selected = ", ".join(f'"{name}"' for name in columns)
                rows = connection.execute(f'select {selected} from "{schema}"."{table}"').fetchall()
                digest = hashlib.sha256("\n".join(sorted(repr(row) for row in rows)).encode()).hexdigest()
                found[f"{schema}.{table}"] = (len(rows), digest)
            return found
        finally:
            connection.close()

    def query(self, sql: str) -> list[tuple]:
        connection = duckdb.connect(str(self.path), read_only=True)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()


def day_status(warehouse: DuckDBWarehouse, day: int) -> str | None:
    state = json.loads((warehouse.state_dir / "state.json").read_text())
    return state["days"].get(str(day), {}).get("status")


def published(fingerprint: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    return {table: value for table, value in fingerprint.items() if table.startswith(MARTS_AND_HISTORY)}


def without_deletion_logs(fingerprint: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """Leaves out the deletion logs: they hold what each build deleted, which a rebuild never does."""
    return {table: value for table, value in fingerprint.items() if not table.endswith("__deletions")}


def differences(left: dict, right: dict) -> list[str]:
    return [
        f"{table}: {left.get(table)} != {right.get(table)}"
        for table in sorted(set(left) | set(right))
        if left.get(table) != right.get(table)
    ]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> DuckDBWarehouse:
    root = tmp_path_factory.mktemp("pipeline")
    generate_days(root / "data", customers=CUSTOMERS, seed=SEED, days=[0, 1])
    return DuckDBWarehouse(root=root, data_dir=root / "data")


@pytest.fixture(scope="module")
def after_day_0(warehouse) -> Run:
    run = warehouse.run("0")
    assert run.returncode == 0, run.output
    warehouse.save("after_day_0")
    return run


@pytest.fixture(scope="module")
def reference(warehouse, after_day_0) -> tuple[Run, dict]:
    """Day 1 run without interruption after day 0, and the fingerprint of the result."""
    warehouse.restore("after_day_0")
    run = warehouse.run("1")
    assert run.returncode == 0, run.output
    warehouse.save("reference")
    return run, warehouse.fingerprint()


@pytest.mark.dbt
def test_a_day_runs_every_step_in_order_and_logs_it(warehouse, reference):
    run, fingerprint = reference
    names = [step.name for step in day_steps(generate=False)]
    assert run.steps(1, "running") == names
    assert run.steps(1, "ok") == names
    finished = [e for e in run.events if e["event"] == "step" and e["status"] == "ok"]
    assert all(e["duration_s"] >= 0 and e["started_at"] <= e["finished_at"] for e in finished)
    load = next(e for e in finished if e["step"] == "load")
    assert load["counts"]["rows_loaded"] > 0
    staging = next(e for e in finished if e["step"] == "staging")
    assert staging["counts"]["nodes"]["test"]["pass"] > 100, staging
    # Where the step's time went: its slowest nodes, longest first, all of them built or run by it.
    slowest = staging["counts"]["slowest_nodes"]
    seconds = [node["seconds"] for node in slowest]
    assert 0 < len(slowest) <= 10 and seconds == sorted(seconds, reverse=True), slowest
    assert {node["resource_type"] for node in slowest} <= {"model", "test"}, slowest
    # ... and all of it by kind of node: every node the step ran, each counted once.
    by_kind = staging["counts"]["node_seconds"]
    assert sum(kind["nodes"] for kind in by_kind.values()) == sum(
        sum(statuses.values()) for statuses in staging["counts"]["nodes"].values()
    ), by_kind
    assert {"models (incremental)", "models (table)", "models (view)"} <= set(by_kind), by_kind
    test_kinds = ("data tests", "data tests (under 0.1 s)")
    test_nodes = sum(by_kind[kind]["nodes"] for kind in test_kinds if kind in by_kind)
    assert test_nodes == sum(staging["counts"]["nodes"]["test"].values()), by_kind
    assert sum(kind["seconds"] for kind in by_kind.values()) >= sum(seconds) - 0.1, by_kind
    # dbt's own node-by-node log is kept in the log folder although its terminal output is off.
    assert "OK created" in (warehouse.root / "logs" / "dbt.log").read_text(), "dbt.log has no node lines"
    assert f"day 1/1  [{names.index('snapshot') + 1}/{len(names)}] snapshots ... ok" in run.output
    # History is stamped with each day's own time, so it reads as if built day by day.
    recorded = {
        row[0].strftime("%Y-%m-%d %H:%M:%S")
        for row in warehouse.query("select distinct dbt_valid_from from main_snapshots.snp_customers")
    }
    assert recorded == {history_recorded_at(0), history_recorded_at(1)}, recorded
    assert fingerprint["main_marts.dim_customers"][0] > 0


@pytest.mark.dbt
def test_rerunning_finished_days_changes_nothing(warehouse, reference):
    _, expected = reference
    warehouse.restore("reference")
    run = warehouse.run("0..1")
    assert run.returncode == 0, run.output
    assert "day 0/1  already complete" in run.output and "day 1/1  already complete" in run.output
    assert not [e for e in run.events if e["event"] == "step"], "a finished day ran a step again"
    assert differences(warehouse.fingerprint(), expected) == []


@pytest.mark.dbt
def test_days_replayed_in_one_process_build_what_a_process_a_day_builds(warehouse, reference):
    """`make demo` replays every day in one process: the loader opens the warehouse file while
    dbt's connection to it is still open, so both must open it alike (DuckDB refuses a second
    connection to a file with another configuration)."""
    _, expected = reference
    shutil.rmtree(warehouse.root / "active", ignore_errors=True)
    run = warehouse.run("0..1")
    assert run.returncode == 0, run.output
    names = [step.name for step in day_steps(generate=False)]
    assert run.steps(0, "ok") == names and run.steps(1, "ok") == names
    assert differences(without_deletion_logs(warehouse.fingerprint()), without_deletion_logs(expected)) == []


def kill_during_a_step(warehouse: DuckDBWarehouse, rng: random.Random) -> tuple[str, Run]:
    """Start day 1, SIGKILL it shortly after the randomly chosen step starts; return that step."""
    names = [step.name for step in day_steps(generate=False)]
    victim = names[rng.randrange(len(names))]
    delay = rng.uniform(0.0, 0.5)
    offset = warehouse._log_length()
    process = subprocess.Popen(
        warehouse.command("1"),
        cwd=PROJECT_ROOT,
        env=warehouse.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and process.poll() is None:
        started = {e["step"] for e in warehouse.events_since(offset) if e.get("status") == "running"}
        if victim in started:
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    output, _ = process.communicate(timeout=60)
    return victim, Run(process.returncode, output, warehouse.events_since(offset))


@pytest.mark.dbt
def test_a_day_killed_at_a_random_step_resumes_to_the_same_warehouse(warehouse, after_day_0, reference):
    _, expected = reference
    warehouse.restore("after_day_0")
    victim, killed = kill_during_a_step(warehouse, random.Random(KILL_SEED))
    assert killed.returncode == -signal.SIGKILL, (
        f"the run ended before it was killed in {victim}:\n{killed.output}"
    )
    finished_before = killed.steps(1, "ok")
    assert day_status(warehouse, 1) != "complete"

    # Resumed on one dbt thread: the result must not depend on it, and every step (post_tests'
    # `dbt ls` among them) must take the option.
    resumed = warehouse.run("1", "--threads", "1")
    assert resumed.returncode == 0, resumed.output
    assert resumed.steps(1, "skipped") == finished_before, "finished steps must not run again"
    assert resumed.steps(1, "ok")[0] not in finished_before
    # The deletion logs are left out: a resumed step builds its models again, and a model that
    # rewrites rows again logs them again.
    assert (
        differences(without_deletion_logs(warehouse.fingerprint()), without_deletion_logs(expected)) == []
    ), f"killed during {victim}"


@pytest.mark.dbt
def test_marts_built_day_by_day_equal_a_rebuild(warehouse, reference):
    """After day 1, a --full-refresh of the incremental marts changes nothing in the warehouse."""
    _, expected = reference
    warehouse.restore("reference")
    # Day 1 adds versions to both history marts (test_history.py also closes and deletes some).
    added = warehouse.query(
        "select (select count(*) from main_marts.dim_customers_history where valid_from > "
        "(select min(valid_from) from main_marts.dim_customers_history)), "
        "(select count(*) from main_marts.fct_segment_memberships_history where valid_from > "
        "(select min(valid_from) from main_marts.fct_segment_memberships_history))"
    )
    assert all(count > 0 for count in added[0]), f"day 1 added no versions: {added}"
    result = run_dbt(
        ["run", "--full-refresh", "--select", INCREMENTAL_MARTS], warehouse.env(), warehouse.root
    )
    for mart in ("fct_customer_interactions", "dim_customers_history", "fct_segment_memberships_history"):
        assert f"incremental model main_marts.{mart} " in result.stdout, result.stdout[-2000:]
    assert differences(without_deletion_logs(warehouse.fingerprint()), without_deletion_logs(expected)) == []


@pytest.mark.dbt
def test_a_failing_test_stops_the_day_before_the_marts(warehouse, after_day_0):
    """A row duplicated into each base table fails its primary-key test in the staging + intermediate step.

    The tables are incremental, so the bad rows stay there when day 1 is built.
    Every other staging and intermediate model reads a base table, so dbt skips
    them and the test stays short (with one bad table, the rest of the step ran).
    The copy is stamped later than the original, as a faulty build would write
    it: in the pipeline the uniqueness tests read the keys of the rows written
    since the last completed day.
    """
    warehouse.restore("after_day_0")
    before = published(warehouse.fingerprint())
    connection = duckdb.connect(str(warehouse.path))
    base_tables = [
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main_staging' and table_name like 'base\\_%' escape '\\'"
        ).fetchall()
        if not name.endswith("__deletions")  # the deletion logs beside some base tables
    ]
    assert "base_web__accounts" in base_tables, base_tables
    for table in base_tables:
        connection.execute(
            f"insert into main_staging.{table} "
            f"select * replace (built_at + interval 1 day as built_at) from main_staging.{table} limit 1"
        )
    connection.close()

    run = warehouse.run("1")
    assert run.returncode == 1, run.output
    assert run.steps(1, "failed") == ["staging"]
    for later in ("snapshot", "marts", "post_tests"):
        assert later not in run.steps(1, "running")
    failure = next(e for e in run.events if e["event"] == "step" and e["status"] == "failed")
    assert failure["counts"]["nodes"]["test"]["fail"] >= 1, failure
    assert any(line.startswith("test ") and "base_web__accounts" in line for line in failure["why"]), failure
    # the failing test names the models it reads: the base model, and the seed of quarantine reasons
    assert "FAILED" in run.output and "base_web__accounts): fail:" in run.output, run.output
    assert published(warehouse.fingerprint()) == before, "marts or history changed on a failed day"
    assert day_status(warehouse, 1) == "failed"


@pytest.mark.dbt
def test_each_data_test_runs_in_exactly_one_step(warehouse, after_day_0, monkeypatch):
    """The steps' selections do not overlap, so no test runs twice a day; post_tests takes the rest."""
    for name, value in warehouse.env().items():
        monkeypatch.setenv(name, value)
    session = DbtSession("dev", target_path=warehouse.root / "target", log_path=warehouse.root / "logs")
    selected = {step.name: session.data_tests(step.selection_args) for step in steps_selecting_tests()}
    names = list(selected)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            assert not selected[first] & selected[second], f"{first} and {second} both run these"
    pre_snapshot = session.data_tests(("--select", f"tag:{PRE_SNAPSHOT_TAG}"))
    assert pre_snapshot, "no test is tagged to run before the snapshots"
    assert pre_snapshot <= selected["snapshot"], "the snapshot step must run the tests its inputs must pass"
    assert any(name.startswith("scd2_") for name in selected["snapshot"]), (
        "SCD2 invariants must gate the marts"
    )
    assert len(set().union(*selected.values())) > 0.9 * len(session.data_tests())
