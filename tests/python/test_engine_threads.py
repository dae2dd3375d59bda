"""``C360_DUCKDB_THREADS``: the on-run-start hook that sets DuckDB's threads per query.

The hook's statement is read back from run_results.json (dbt records what each
hook ran); one test also asks DuckDB what it was told, in one process running
several invocations, as the pipeline does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT, dbt_environment, run_dbt

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


# Three pairs of invocations (seed, which runs the hooks, then show) in one process: DuckDB's own
# count first, then one more than that, then the variable unset again. Prints what DuckDB said.
THREADS_SEEN_IN_ONE_PROCESS = """
import json, os, sys
from dbt.cli.main import dbtRunner

runner = dbtRunner()
paths = sys.argv[1:]
seen = []
for step in ("engine default", "set", "unset again"):
    os.environ["C360_DUCKDB_THREADS"] = str(seen[0] + 1) if step == "set" else ""
    assert runner.invoke(["seed", "--select", "value_tiers", *paths]).success, step
    shown = runner.invoke(["show", "--inline", "select current_setting('threads') as threads", *paths])
    assert shown.success, step
    seen.append(int(shown.result.results[0].agate_table.rows[0][0]))
print("threads seen:", json.dumps(seen))
"""


def test_engine_threads_reach_duckdb_and_unset_restores_its_default_in_one_process(tmp_path: Path) -> None:
    environment = dbt_environment(
        {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    )
    paths = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    result = subprocess.run(
        [sys.executable, "-c", THREADS_SEEN_IN_ONE_PROCESS, *paths],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    seen_line = [line for line in result.stdout.splitlines() if line.startswith("threads seen:")]
    default, requested, after = json.loads(seen_line[-1].removeprefix("threads seen:"))
    assert (requested, after) == (default + 1, default)
