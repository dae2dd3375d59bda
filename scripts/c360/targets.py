"""Connection settings shared by the loader and dbt's ``profiles.yml``.

Both read the same environment variables with the same defaults, so that the
loader writes exactly where dbt reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from c360.errors import C360Error

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TARGET_NAMES = ("dev", "postgres")


class TargetConfigError(C360Error, ValueError):
    """A target is named or configured in a way that cannot work."""


@dataclass(frozen=True)
class DuckDBTarget:
    path: Path
    name: str = "dev"


@dataclass(frozen=True)
class PostgresTarget:
    host: str
    port: int
    user: str
    password: str
    database: str
    name: str = "postgres"

    def connect_kwargs(self) -> dict[str, object]:
        """Keyword arguments for ``psycopg2.connect`` (no string building, so empty values are safe)."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.database,
        }


def resolve_target(name: str | None = None) -> DuckDBTarget | PostgresTarget:
    """Return the settings of target ``name`` (default: ``C360_TARGET`` or ``dev``)."""
    name = name or os.environ.get("C360_TARGET", "dev")
    if name == "dev":
        raw_path = Path(os.environ.get("C360_DUCKDB_PATH", "warehouse/customer360.duckdb"))
        # profiles.yml resolves a relative path against the dbt project folder.
        path = raw_path if raw_path.is_absolute() else PROJECT_ROOT / raw_path
        return DuckDBTarget(path=path)
    if name == "postgres":
        port_text = os.environ.get("C360_PG_PORT", "5432")
        if not port_text.isdigit():
            raise TargetConfigError(f"C360_PG_PORT must be a port number, got {port_text!r}")
        return PostgresTarget(
            host=os.environ.get("C360_PG_HOST", "127.0.0.1"),
            port=int(port_text),
            user=os.environ.get("C360_PG_USER", "postgres"),
            password=os.environ.get("C360_PG_PASSWORD", ""),
            database=os.environ.get("C360_PG_DATABASE", "customer360"),
        )
    raise TargetConfigError(f"unknown target {name!r}: choose one of {', '.join(TARGET_NAMES)}")
