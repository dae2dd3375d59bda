"""``C360_DUCKDB_THREADS``: the on-run-start hook that sets DuckDB's threads per query.

The hook's statement is read back from run_results.json (dbt records what each
hook ran); what DuckDB does with ``set threads`` is the engine's business.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_dbt

pytestmark = pytest.mark.dbt

# The smallest seed: enough for dbt to run the hooks, which it skips when nothing is selected.
SEED = ["seed", "--select", "value_tiers"]


def engine_threads_statement(env: dict[str, str], work_dir: Path) -> str:
    run_dbt(SEED, env, work_dir)
    results = json.loads((work_dir / "target" / "run_results.json").read_text())["results"]
    statements = [
        result["compiled_code"].strip()
        for result in results
        if result["unique_id"].startswith("operation.") and "threads" in (result.get("compiled_code") or "")
    ]
    assert len(statements) == 1, f"expected one hook that sets the engine's threads, found {statements}"
    return statements[0]


def test_engine_threads_follow_the_environment_and_reset_when_unset(tmp_path: Path) -> None:
    warehouse = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    assert (
        engine_threads_statement({**warehouse, "C360_DUCKDB_THREADS": " 1 "}, tmp_path / "one")
        == "set threads = 1"
    )
    assert engine_threads_statement({**warehouse, "C360_DUCKDB_THREADS": "12"}, tmp_path / "twelve") == (
        "set threads = 12"
    )
    # Unset (or empty) undoes what an earlier invocation in the same process set.
    assert (
        engine_threads_statement({**warehouse, "C360_DUCKDB_THREADS": ""}, tmp_path / "unset")
        == "reset threads"
    )


@pytest.mark.parametrize("value", ["two", "0", "1.5"])
def test_engine_threads_refuse_what_is_not_a_thread_count(tmp_path: Path, value: str) -> None:
    env = {
        "C360_TARGET": "dev",
        "C360_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "C360_DUCKDB_THREADS": value,
    }
    result = run_dbt(SEED, env, tmp_path, check=False)
    assert result.returncode != 0
    assert "C360_DUCKDB_THREADS must be a whole number of DuckDB threads per query, from 1" in result.stdout
    assert f"it is '{value}'" in result.stdout
