"""Shared fixtures: a throwaway PostgreSQL server, fresh databases, and a dbt runner."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from c360.pg_server import RunningServer, throwaway_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[RunningServer]:
    """One PostgreSQL cluster on 127.0.0.1 for the whole session (installed if missing)."""
    with throwaway_server(databases=()) as server:
        yield server


@pytest.fixture
def postgres_env(postgres_server: RunningServer) -> dict[str, str]:
    """Environment pointing dbt and the loader at a brand-new, empty database."""
    database = f"c360_test_{os.getpid()}_{next(_database_numbers)}"
    connection = psycopg2.connect(
        host=postgres_server.host, port=postgres_server.port, user=postgres_server.user, dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'create database "{database}"')
    connection.close()
    return {**postgres_server.environment(database), "C360_TARGET": "postgres"}


def new_postgres_database(server: RunningServer, prefix: str) -> dict[str, str]:
    """Environment pointing dbt and the loader at a new, empty database (for module-scoped builds)."""
    name = f"{prefix}_{os.getpid()}_{next(_database_numbers)}"
    connection = psycopg2.connect(host=server.host, port=server.port, user=server.user, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'create database "{name}"')
    connection.close()
    return {**server.environment(name), "C360_TARGET": "postgres"}


def dbt_environment(extra: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # keyed hashes need a key; tests use their own throwaway one
        "C360_HASH_KEY": os.environ.get("C360_HASH_KEY", "c360-test-only-key"),
        **extra,
    }


def run_dbt(
    args: list[str], env: dict[str, str], work_dir: Path, *, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run one dbt command in its own process with private target and log folders."""
    command = [
        str(VENV_BIN / "dbt"),
        *args,
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=dbt_environment(env), capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
        )
    return result


def loader_target(env: dict[str, str]):
    """The loader's target for an environment built for ``run_dbt`` (DuckDB file or PostgreSQL database)."""
    from c360.targets import DuckDBTarget, PostgresTarget

    if env.get("C360_TARGET", "dev") == "dev":
        return DuckDBTarget(path=Path(env["C360_DUCKDB_PATH"]))
    return PostgresTarget(
        host=env["C360_PG_HOST"],
        port=int(env["C360_PG_PORT"]),
        user=env["C360_PG_USER"],
        password=env["C360_PG_PASSWORD"],
        database=env["C360_PG_DATABASE"],
    )
