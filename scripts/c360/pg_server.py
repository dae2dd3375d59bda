"""A throwaway PostgreSQL cluster on 127.0.0.1 for tests and local trials.

PostgreSQL refuses to run as root, so when the caller is root the cluster is
created and started as the ``postgres`` system user. Where the server binaries
are missing they are installed from Debian's packages.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from c360.errors import C360Error

SEARCH_DIRS = (
    "/usr/local/bin",
    *sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin")), reverse=True),
)


class PostgresUnavailable(C360Error, RuntimeError):
    """The PostgreSQL server binaries could not be found or installed."""


def find_binary(name: str) -> str | None:
    for folder in SEARCH_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def ensure_server_binaries() -> tuple[str, str]:
    """Return paths of ``initdb`` and ``pg_ctl``, installing PostgreSQL if needed."""
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    if os.geteuid() != 0:
        raise PostgresUnavailable("initdb/pg_ctl not found; install the 'postgresql' package")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "postgresql"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    global SEARCH_DIRS
    SEARCH_DIRS = (
        "/usr/local/bin",
        *sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin")), reverse=True),
    )
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
        raise PostgresUnavailable("installed 'postgresql' but initdb/pg_ctl are still missing")
    return initdb, pg_ctl


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class RunningServer:
    host: str
    port: int
    user: str
    data_dir: Path

    def environment(self, database: str = "customer360") -> dict[str, str]:
        """Variables that point profiles.yml and the loader at this server."""
        return {
            "C360_PG_HOST": self.host,
            "C360_PG_PORT": str(self.port),
            "C360_PG_USER": self.user,
            "C360_PG_PASSWORD": "",
            "C360_PG_DATABASE": database,
        }


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` run as the ``postgres`` system user when we are root: PostgreSQL refuses root."""
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable(
            "running as root, the server must run as the 'postgres' user, and 'runuser' (util-linux) "
            "is not on PATH; add /usr/sbin to PATH or run as another user"
        )
    return [runuser, "-u", "postgres", "--", *command]


@contextlib.contextmanager
def throwaway_server(databases: tuple[str, ...] = ("customer360",)) -> Iterator[RunningServer]:
    """Start a fresh cluster listening only on 127.0.0.1 and remove it afterwards."""
    initdb, pg_ctl = ensure_server_binaries()
    base_dir = Path(tempfile.mkdtemp(prefix="c360-pg-"))
    data_dir = base_dir / "data"
    # Removed whatever happens below, a failed start included.
    try:
        yield from _serve(initdb, pg_ctl, base_dir, data_dir, databases)
    finally:
        shutil.rmtree(base_dir, ignore_errors=True)


def _serve(
    initdb: str, pg_ctl: str, base_dir: Path, data_dir: Path, databases: tuple[str, ...]
) -> Iterator[RunningServer]:
    base_dir.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base_dir, user="postgres", group="postgres")
    port = free_port()
    subprocess.run(
        _as_server_user(
            [
                initdb,
                "-D",
                str(data_dir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base_dir} "
        "-c timezone=UTC -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c shared_buffers=256MB -c work_mem=64MB -c max_connections=50"
    )
    subprocess.run(
        _as_server_user(
            [
                pg_ctl,
                "-D",
                str(data_dir),
                "-o",
                options,
                "-l",
                str(base_dir / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    server = RunningServer(host="127.0.0.1", port=port, user="postgres", data_dir=data_dir)
    try:
        import psycopg2

        for database in databases:
            connection = psycopg2.connect(host=server.host, port=port, user="postgres", dbname="postgres")
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'create database "{database}"')
            connection.close()
        yield server
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data_dir), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )


def main() -> None:
    """Run a throwaway server in the foreground until interrupted (for local trials)."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--database", default="customer360")
    args = parser.parse_args()
    with throwaway_server((args.database,)) as server:
        print(
            "export "
            + " ".join(f"{key}={value}" for key, value in server.environment(args.database).items()),
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
