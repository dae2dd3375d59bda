"""Where a batch is written: DuckDB through Arrow, PostgreSQL through COPY.

A sink knows three things: how to create a raw table, what the load ledger says
about a (batch, table) pair, and how to replace one batch of one table
atomically. Everything else (reading, checking, deciding) is in ``batch.py``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

import pyarrow as pa
import pyarrow.csv as pa_csv

from c360.errors import C360Error
from c360.load.extracts import RejectedLine
from c360.raw_tables import RAW_SCHEMA
from c360.targets import DuckDBTarget, PostgresTarget

LEDGER_TABLE = f"{RAW_SCHEMA}._load_batches"
REJECTS_TABLE = f"{RAW_SCHEMA}._load_rejects"
REJECTS_COLUMNS = (
    "batch_id varchar not null, table_name varchar not null, file_name varchar not null, "
    "line_number bigint, reason varchar not null, line_text varchar, loaded_at timestamp not null"
)
LEDGER_COLUMNS = (
    "batch_id varchar not null, table_name varchar not null, file_name varchar not null, "
    "file_checksum varchar not null, row_count bigint not null, rejected_count bigint not null, "
    "loaded_at timestamp not null"
)


class TargetUnreachable(C360Error, ConnectionError):
    """The target database cannot be reached with the configured settings."""


class Sink(Protocol):
    def ensure_table(self, schema: str, table: str, columns: tuple[str, ...]) -> None: ...

    def loaded_checksum(self, batch_id: str, qualified_table: str) -> str | None: ...

    def latest_loaded_at(self) -> datetime | None: ...

    def replace_batch(
        self,
        qualified_table: str,
        columns: tuple[str, ...],
        batches: Iterable[pa.RecordBatch],
        *,
        batch_id: str,
        loaded_at: datetime,
        file_name: str,
        checksum: str,
        rejected: list[RejectedLine],
    ) -> int: ...

    def close(self) -> None: ...


def _table_definition(columns: tuple[str, ...]) -> str:
    business = ", ".join(f'"{column}" varchar' for column in columns)
    return (
        f"{business}, _batch_id varchar not null, _row_number bigint not null, _loaded_at timestamp not null"
    )


class DuckDBSink:
    """Writes Arrow record batches straight into DuckDB (no row-by-row work)."""

    def __init__(self, target: DuckDBTarget) -> None:
        import duckdb

        target.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = duckdb.connect(str(target.path))
        self.connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        self.connection.execute(f"create table if not exists {LEDGER_TABLE} ({LEDGER_COLUMNS})")
        self.connection.execute(f"create table if not exists {REJECTS_TABLE} ({REJECTS_COLUMNS})")

    def ensure_table(self, schema: str, table: str, columns: tuple[str, ...]) -> None:
        self.connection.execute(f"create schema if not exists {schema}")
        self.connection.execute(f"create table if not exists {schema}.{table} ({_table_definition(columns)})")
        existing = {
            row[0]
            for row in self.connection.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
        }
        for column in columns:
            if column not in existing:
                self.connection.execute(f'alter table {schema}.{table} add column "{column}" varchar')

    def loaded_checksum(self, batch_id: str, qualified_table: str) -> str | None:
        row = self.connection.execute(
            f"select file_checksum from {LEDGER_TABLE} where batch_id = ? and table_name = ?",
            [batch_id, qualified_table],
        ).fetchone()
        return row[0] if row else None

    def latest_loaded_at(self) -> datetime | None:
        return self.connection.execute(f"select max(loaded_at) from {LEDGER_TABLE}").fetchone()[0]

    def replace_batch(
        self,
        qualified_table,
        columns,
        batches,
        *,
        batch_id,
        loaded_at,
        file_name,
        checksum,
        rejected,
    ):
        column_list = ", ".join(f'"{column}"' for column in columns)
        insert = (
            f"insert into {qualified_table} ({column_list}, _batch_id, _row_number, _loaded_at) "
            f"select {column_list}, ?, _row_number, ? from incoming_batch"
        )
        row_count = 0
        self.connection.execute("begin transaction")
        try:
            _delete_batch(self.connection, "?", qualified_table, batch_id)
            for batch in batches:
                self.connection.register("incoming_batch", batch)
                self.connection.execute(insert, [batch_id, loaded_at])
                self.connection.unregister("incoming_batch")
                row_count += batch.num_rows
            _record_rejects(self.connection, "?", batch_id, qualified_table, file_name, rejected, loaded_at)
            _record_in_ledger(
                self.connection,
                "?",
                batch_id,
                qualified_table,
                file_name,
                checksum,
                row_count,
                len(rejected),
                loaded_at,
            )
            self.connection.execute("commit")
        except BaseException:
            self.connection.execute("rollback")
            raise
        return row_count

    def close(self) -> None:
        self.connection.close()


class PostgresSink:
    """Streams each record batch to PostgreSQL with ``COPY ... FROM STDIN``."""

    def __init__(self, target: PostgresTarget) -> None:
        import psycopg2

        try:
            self.connection = psycopg2.connect(**target.connect_kwargs(), connect_timeout=10)
        except psycopg2.OperationalError as error:
            raise TargetUnreachable(
                f"cannot connect to PostgreSQL at {target.host}:{target.port}/{target.database} "
                f"as {target.user}: {str(error).strip()}"
            ) from error
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
            cursor.execute(f"create table if not exists {LEDGER_TABLE} ({LEDGER_COLUMNS})")
            cursor.execute(f"create table if not exists {REJECTS_TABLE} ({REJECTS_COLUMNS})")

    def ensure_table(self, schema: str, table: str, columns: tuple[str, ...]) -> None:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {schema}")
            cursor.execute(f"create table if not exists {schema}.{table} ({_table_definition(columns)})")
            for column in columns:
                cursor.execute(f'alter table {schema}.{table} add column if not exists "{column}" varchar')

    def loaded_checksum(self, batch_id: str, qualified_table: str) -> str | None:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(
                f"select file_checksum from {LEDGER_TABLE} where batch_id = %s and table_name = %s",
                (batch_id, qualified_table),
            )
            row = cursor.fetchone()
        return row[0] if row else None

    def latest_loaded_at(self) -> datetime | None:
        with self.connection, self.connection.cursor() as cursor:
            cursor.execute(f"select max(loaded_at) from {LEDGER_TABLE}")
            return cursor.fetchone()[0]

    def replace_batch(
        self,
        qualified_table,
        columns,
        batches,
        *,
        batch_id,
        loaded_at,
        file_name,
        checksum,
        rejected,
    ):
        column_list = ", ".join(
            f'"{column}"' for column in ("_row_number", *columns, "_batch_id", "_loaded_at")
        )
        copy = f"copy {qualified_table} ({column_list}) from stdin with (format csv, header true)"
        loaded_at_text = loaded_at.isoformat(sep=" ")
        row_count = 0
        # One transaction: the old rows of this batch vanish only if the new ones all arrive.
        with self.connection, self.connection.cursor() as cursor:
            _delete_batch(cursor, "%s", qualified_table, batch_id)
            for batch in batches:
                constants = [
                    pa.array([batch_id] * batch.num_rows),
                    pa.array([loaded_at_text] * batch.num_rows),
                ]
                with_metadata = pa.RecordBatch.from_arrays(
                    [*batch.columns, *constants],
                    names=[*batch.schema.names, "_batch_id", "_loaded_at"],
                )
                buffer = io.BytesIO()
                pa_csv.write_csv(with_metadata, buffer)
                buffer.seek(0)
                cursor.copy_expert(copy, buffer)
                row_count += batch.num_rows
            _record_rejects(cursor, "%s", batch_id, qualified_table, file_name, rejected, loaded_at)
            _record_in_ledger(
                cursor,
                "%s",
                batch_id,
                qualified_table,
                file_name,
                checksum,
                row_count,
                len(rejected),
                loaded_at,
            )
        return row_count

    def close(self) -> None:
        self.connection.close()


def _delete_batch(executor, placeholder, qualified_table, batch_id):
    executor.execute(f"delete from {qualified_table} where _batch_id = {placeholder}", (batch_id,))
    for bookkeeping in (LEDGER_TABLE, REJECTS_TABLE):
        executor.execute(
            f"delete from {bookkeeping} where batch_id = {placeholder} and table_name = {placeholder}",
            (batch_id, qualified_table),
        )


def _record_rejects(executor, placeholder, batch_id, qualified_table, file_name, rejected, loaded_at):
    marks = ", ".join([placeholder] * 7)
    for line in rejected:
        executor.execute(
            f"insert into {REJECTS_TABLE} values ({marks})",
            (
                batch_id,
                qualified_table,
                file_name,
                line.line_number,
                line.reason,
                line.text,
                loaded_at,
            ),
        )


def _record_in_ledger(
    executor,
    placeholder,
    batch_id,
    qualified_table,
    file_name,
    checksum,
    row_count,
    rejected_count,
    loaded_at,
):
    marks = ", ".join([placeholder] * 7)
    executor.execute(
        f"insert into {LEDGER_TABLE} values ({marks})",
        (batch_id, qualified_table, file_name, checksum, row_count, rejected_count, loaded_at),
    )


def open_sink(target: DuckDBTarget | PostgresTarget) -> Sink:
    return DuckDBSink(target) if isinstance(target, DuckDBTarget) else PostgresSink(target)
