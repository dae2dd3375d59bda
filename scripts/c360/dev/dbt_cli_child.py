"""dbt's command line in a process forked from a server: the child side of the tests' ``run_dbt``.

Starting Python and importing dbt costs about 2.6 s of CPU, and the suite runs
dbt some forty times per worker. ``run_dbt`` (tests/python/conftest.py)
starts each command in a child of a multiprocessing fork server that imported
this module, and with it dbt and both adapters, once. The server never opens a
database: a child forked from a process that holds a DuckDB database would
inherit the database without its threads, and crash.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback

# dbt would import its adapter on first use, in every child: import both once, here.
import dbt.adapters.duckdb
import dbt.adapters.postgres  # noqa: F401
from dbt.cli.main import cli


def run(
    args: list[str], cwd: str, environment: dict[str, str], output_paths: tuple[str, str], timeout_s: int
) -> None:
    """``dbt *args`` in ``cwd`` with exactly ``environment``; exits with dbt's exit code, output to two files."""
    exit_code = 2
    try:
        signal.alarm(timeout_s)  # a command that hangs must not hang the suite
        for descriptor, path in zip((1, 2), output_paths, strict=True):
            opened = os.open(path, os.O_WRONLY | os.O_TRUNC)
            os.dup2(opened, descriptor)
            os.close(opened)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environment)
        cli.main(args=args, prog_name="dbt", standalone_mode=True)
        exit_code = 0
    except SystemExit as exit_request:
        exit_code = exit_request.code if isinstance(exit_request.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exit_code)
