"""Shared fixtures: a throwaway PostgreSQL server, fresh databases, and a dbt runner."""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from c360.pg_server import RunningServer, throwaway_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# dbt parses the whole project again whenever a target folder has no saved
# manifest, about 30 s of CPU here; a new test folder reuses the one an earlier
# run saved for the same connection settings (this worker process only).
_PARSE_CACHE = Path(tempfile.mkdtemp(prefix="c360-dbt-parse-"))
atexit.register(shutil.rmtree, _PARSE_CACHE, ignore_errors=True)
# A dbt command of this suite takes seconds to a few minutes on small data:
# one that runs this long is stuck.
_DBT_CHILD_TIMEOUT_S = 20 * 60
# What dbt's saved manifest depends on besides the project files: the profile's
# connection settings and the --vars (other environment changes it re-parses itself).
_PARSE_SETTINGS = (
    "C360_TARGET",
    "C360_DUCKDB_PATH",
    "C360_DUCKDB_MEMORY_LIMIT",
    "C360_PG_HOST",
    "C360_PG_PORT",
    "C360_PG_USER",
    "C360_PG_PASSWORD",
    "C360_PG_DATABASE",
)


# Test files that take minutes, longest first (seconds on the 2-core CI machine).
# `make pytest` hands whole files to its two workers in collection order
# (--dist loadfile --no-loadscope-reorder): starting the long ones first keeps a
# worker from being handed a long file at the end while the other has nothing left.
LONG_FILES_FIRST = (
    "test_pipeline.py",  # ~390
    "test_end_to_end.py",  # ~380
    "test_pipeline_postgres.py",  # ~210
    "test_incremental_staging.py",  # ~200
    "test_history.py",  # ~180
    "test_identity.py",  # ~125
    "test_identity_macros.py",
    "test_source_freshness.py",
    "test_macros.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONG_FILES_FIRST.index(name) if name in LONG_FILES_FIRST else len(LONG_FILES_FIRST)

    items.sort(key=rank)  # stable: the tests of a file keep their order


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[RunningServer]:
    """One PostgreSQL cluster on 127.0.0.1 for the whole session (installed if missing)."""
    with throwaway_server(databases=()) as server:
        yield server


@pytest.fixture
def postgres_env(postgres_server: RunningServer) -> dict[str, str]:
    """Environment pointing dbt and the loader at a brand-new, empty database (see ``worker_postgres_database``)."""
    return worker_postgres_database(postgres_server)


def worker_postgres_database(server: RunningServer) -> dict[str, str]:
    """Environment pointing at this worker process's database, dropped if it exists and created anew, empty.

    Always the same name in one worker process, so that dbt's saved manifest
    stays valid from test to test and from module to module: see
    ``recreate_postgres_database``. A module-scoped build may keep it for its
    whole module: a worker runs one test at a time, and pytest finishes a
    module's fixtures before the next module's tests start.
    """
    return recreate_postgres_database(server, f"c360_test_{os.getpid()}")


def recreate_postgres_database(server: RunningServer, name: str, create_options: str = "") -> dict[str, str]:
    """Environment pointing at database ``name``, dropped if it exists and created anew, empty.

    Tests that take a fresh database under one name keep dbt's saved manifest
    valid from test to test: the database name is one of the connection
    settings the manifest is checked against, so a new name means a full parse.
    """
    connection = psycopg2.connect(host=server.host, port=server.port, user=server.user, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'drop database if exists "{name}" with (force)')
        cursor.execute(f'create database "{name}" {create_options}')
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
    args: list[str],
    env: dict[str, str],
    work_dir: Path,
    *,
    check: bool = True,
    project_dir: Path = PROJECT_ROOT,
) -> subprocess.CompletedProcess[str]:
    """Run one dbt command in its own process with private target and log folders.

    A DuckDB file is named relative to the folder dbt runs in (its own folder),
    so that tests with different folders share the connection settings and
    with them a saved manifest: see ``_PARSE_CACHE``. A test that runs a changed
    copy of the project passes ``project_dir``; its manifests are not shared.
    """
    environment = dbt_environment(env)
    run_dir = PROJECT_ROOT
    if environment.get("C360_TARGET", "dev") == "dev" and "C360_DUCKDB_PATH" in environment:
        warehouse = Path(environment["C360_DUCKDB_PATH"]).resolve()
        run_dir, environment["C360_DUCKDB_PATH"] = warehouse.parent, warehouse.name
    target_dir = work_dir / "target"
    dbt_args = [
        *args,
        "--project-dir",
        str(project_dir),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(work_dir / "logs"),
    ]
    saved_manifest = target_dir / "partial_parse.msgpack"
    settings = [f"{name}={environment.get(name, '')}" for name in _PARSE_SETTINGS]
    if "--vars" in args:
        settings.append(args[args.index("--vars") + 1])
    cached_manifest = _PARSE_CACHE / (hashlib.sha256("|".join(settings).encode()).hexdigest() + ".msgpack")
    shares_manifests = project_dir == PROJECT_ROOT
    if shares_manifests and cached_manifest.exists() and not saved_manifest.exists():
        target_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached_manifest, saved_manifest)
    result = _run_dbt_cli(dbt_args, run_dir, environment)
    if shares_manifests and saved_manifest.exists() and not cached_manifest.exists():
        shutil.copyfile(saved_manifest, cached_manifest)
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed:\n{result.stdout[-8000:]}\n{result.stderr[-4000:]}"
        )
    return result


def _run_dbt_cli(args: list[str], cwd: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``dbt *args`` as its command line runs it, in a new process; output captured as a subprocess's.

    The process is forked from a server that has dbt imported (see
    scripts/c360/dev/dbt_cli_child.py), which saves starting Python and
    importing dbt for every command.
    """
    from c360.dev import dbt_cli_child

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["c360.dev.dbt_cli_child"])
    with tempfile.TemporaryDirectory(prefix="c360-dbt-output-") as folder:
        output_paths = (str(Path(folder) / "stdout"), str(Path(folder) / "stderr"))
        for path in output_paths:
            Path(path).touch()
        process = context.Process(
            target=dbt_cli_child.run,
            args=(args, str(cwd), environment, output_paths, _DBT_CHILD_TIMEOUT_S),
        )
        process.start()
        process.join()
        stdout, stderr = (Path(path).read_text(encoding="utf-8", errors="replace") for path in output_paths)
    return subprocess.CompletedProcess(["dbt", *args], process.exitcode, stdout, stderr)


def data_test_failures(test_name: str, env: dict[str, str], work_dir: Path) -> int:
    """How many rows a data test returns on the warehouse `env` names: 0 when it passes."""
    result = run_dbt(["test", "--select", test_name], env, work_dir, check=False)
    if re.search(rf"\bPASS {test_name}\b", result.stdout):
        return 0
    failure = re.search(rf"Failure in test {test_name}.*?Got (\d+) results?", result.stdout, re.S)
    assert failure, f"no outcome of {test_name} in dbt's output:\n{result.stdout[-4000:]}"
    return int(failure.group(1))


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
