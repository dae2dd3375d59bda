"""``c360 pipeline`` on PostgreSQL: two days, generating the batches on the way, every step passing.

Kept apart from ``test_pipeline.py`` (DuckDB) so that the two engines run on
different pytest workers.
"""

from __future__ import annotations

import subprocess

import psycopg2
import pytest

from c360.pipeline.run_log import read_run_log
from c360.pipeline.runner import history_recorded_at
from c360.pipeline.steps import day_steps
from conftest import PROJECT_ROOT, VENV_BIN, dbt_environment


@pytest.mark.dbt
@pytest.mark.postgres
def test_two_days_on_postgres(postgres_env, tmp_path):
    env = dbt_environment(postgres_env)
    env.pop("C360_HISTORY_RECORDED_AT", None)
    command = [
        str(VENV_BIN / "c360"),
        "pipeline",
        "--customers",
        "150",
        "--seed",
        "5",
        "--days",
        "0..1",
        "--data",
        str(tmp_path / "data"),
        "--target",
        "postgres",
        "--state-dir",
        str(tmp_path / "state"),
        "--dbt-target-path",
        str(tmp_path / "target"),
        "--dbt-log-path",
        str(tmp_path / "logs"),
    ]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    events = read_run_log(tmp_path / "state" / "run_log.jsonl")
    names = [step.name for step in day_steps(generate=True)]
    for day in (0, 1):
        assert [e["step"] for e in events if e.get("day") == day and e.get("status") == "ok"] == names
    connection = psycopg2.connect(
        host=env["C360_PG_HOST"],
        port=int(env["C360_PG_PORT"]),
        user=env["C360_PG_USER"],
        password=env["C360_PG_PASSWORD"],
        dbname=env["C360_PG_DATABASE"],
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "select to_char(dbt_valid_from, 'YYYY-MM-DD HH24:MI:SS'), count(*) "
                "from public_snapshots.snp_customers group by 1 order by 1"
            )
            versions = dict(cursor.fetchall())
            cursor.execute("select count(*) from public_marts.dim_customers")
            (customers,) = cursor.fetchone()
    finally:
        connection.close()
    assert set(versions) <= {history_recorded_at(0), history_recorded_at(1)}, versions
    assert versions.get(history_recorded_at(0), 0) > 0, versions
    assert customers > 0
