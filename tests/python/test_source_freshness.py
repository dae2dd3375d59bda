"""``dbt source freshness`` on the raw tables: fresh right after a load, an error once the data is old.

Every channel source says ``warn_after: 26 hours, error_after: 50 hours`` on
``_loaded_at``; the loader stamps that column (``loaded_at=``), so a batch
stamped three days ago is exactly what a stalled pipeline looks like.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from c360.generate.runner import generate_days
from c360.generate.writer import day_folder_name
from c360.load import load_batch
from c360.raw_tables import RAW_TABLES
from conftest import loader_target, run_dbt

pytestmark = pytest.mark.dbt

RAW_TABLE_NAMES = {table.name for table in RAW_TABLES}
THREE_DAYS_AGO = timedelta(days=3)


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> Path:
    """Day 0 (every table) and day 1 (a small increment that leaves some tables without rows)."""
    out = tmp_path_factory.mktemp("freshness_data")
    generate_days(out, customers=150, seed=11, days=[0, 1])
    return out


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request, tmp_path) -> dict[str, str]:
    if request.param == "duckdb":
        return {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    return request.getfixturevalue("postgres_env")


def freshness(env: dict[str, str], work_dir: Path) -> tuple[int, dict[str, str], str]:
    """(exit code, raw table -> freshness status, dbt output)."""
    result = run_dbt(["source", "freshness"], env, work_dir, check=False)
    sources = work_dir / "target" / "sources.json"
    assert sources.is_file(), f"dbt wrote no sources.json:\n{result.stdout[-4000:]}"
    statuses = {}
    for entry in json.loads(sources.read_text())["results"]:
        _, _, source_name, table_name = entry["unique_id"].split(".")
        statuses[f"{source_name}_{table_name}"] = entry["status"]
    return result.returncode, statuses, result.stdout[-6000:]


def rows_per_table(batch_dir: Path) -> dict[str, int]:
    counts = {}
    for table in RAW_TABLE_NAMES:
        with (batch_dir / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            counts[table] = sum(1 for _ in csv.reader(handle)) - 1
    return counts


def test_fresh_load_passes(env, batches, tmp_path):
    load_batch(batches / day_folder_name(0), loader_target(env))
    code, statuses, output = freshness(env, tmp_path / "run")
    assert code == 0, output
    assert set(statuses) == RAW_TABLE_NAMES, output
    assert set(statuses.values()) == {"pass"}, statuses


def test_batch_loaded_three_days_ago_is_an_error(env, batches, tmp_path):
    load_batch(batches / day_folder_name(0), loader_target(env), loaded_at=datetime.now(UTC) - THREE_DAYS_AGO)
    code, statuses, output = freshness(env, tmp_path / "run")
    assert code != 0, output
    assert set(statuses) == RAW_TABLE_NAMES, output
    assert set(statuses.values()) == {"error"}, statuses


def test_only_tables_without_new_rows_go_stale(batches, tmp_path):
    """Day 0 three days ago, day 1 now: tables with rows in day 1 are fresh, the others are errors."""
    env = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    target = loader_target(env)
    load_batch(batches / day_folder_name(0), target, loaded_at=datetime.now(UTC) - THREE_DAYS_AGO)
    load_batch(batches / day_folder_name(1), target)
    rows = rows_per_table(batches / day_folder_name(1))
    stale = {table for table, count in rows.items() if count == 0}
    assert stale and stale != RAW_TABLE_NAMES, f"day 1 should refresh some tables but not all: {rows}"
    code, statuses, output = freshness(env, tmp_path / "run")
    assert code != 0, output
    assert {table for table, status in statuses.items() if status == "error"} == stale
    assert {table for table, status in statuses.items() if status == "pass"} == RAW_TABLE_NAMES - stale


def test_a_day_and_a_half_old_load_only_warns(batches, tmp_path):
    env = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    load_batch(
        batches / day_folder_name(0), loader_target(env), loaded_at=datetime.now(UTC) - timedelta(hours=36)
    )
    code, statuses, output = freshness(env, tmp_path / "run")
    assert code == 0, output
    assert set(statuses) == RAW_TABLE_NAMES
    assert set(statuses.values()) == {"warn"}, statuses
