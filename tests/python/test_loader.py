"""The loader: idempotent batches, replaced batches, kept malformed lines, clear errors."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import duckdb
import psycopg2
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c360.cli import main as cli_main
from c360.errors import C360Error
from c360.load import ExtractError, load_batch
from c360.raw_tables import RAW_TABLES_BY_NAME
from c360.targets import DuckDBTarget, resolve_target

ACCOUNT_COLUMNS = RAW_TABLES_BY_NAME["web_accounts"].columns


def write_accounts(batch_dir: Path, rows: list[dict[str, str]], columns=ACCOUNT_COLUMNS) -> Path:
    batch_dir.mkdir(parents=True, exist_ok=True)
    path = batch_dir / "web_accounts.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def account(account_id: str, **values: str) -> dict[str, str]:
    return {"account_id": account_id, "email": f"{account_id.lower()}@example.com", **values}


def duckdb_rows(target: DuckDBTarget, sql: str) -> list[tuple]:
    with duckdb.connect(str(target.path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def duckdb_target(tmp_path: Path) -> DuckDBTarget:
    return DuckDBTarget(path=tmp_path / "warehouse.duckdb")


def test_loading_the_same_batch_twice_adds_nothing(tmp_path, duckdb_target):
    write_accounts(tmp_path / "day_0000", [account("WA-1"), account("WA-2")])
    first = load_batch(tmp_path / "day_0000", duckdb_target)
    second = load_batch(tmp_path / "day_0000", duckdb_target)
    assert [table.outcome for table in first.tables] == ["loaded"]
    assert [table.outcome for table in second.tables] == ["unchanged"]
    assert duckdb_rows(duckdb_target, "select count(*) from raw.web_accounts") == [(2,)]


def test_every_row_carries_batch_row_number_and_load_time(tmp_path, duckdb_target):
    write_accounts(tmp_path / "day_0007", [account("WA-1"), account("WA-2"), account("WA-3")])
    loaded_at = datetime(2026, 3, 1, 12, 0, 0)
    load_batch(tmp_path / "day_0007", duckdb_target, loaded_at=loaded_at)
    rows = duckdb_rows(
        duckdb_target,
        "select account_id, _batch_id, _row_number, _loaded_at from raw.web_accounts order by 3",
    )
    assert rows == [(f"WA-{n}", "day_0007", n, loaded_at) for n in (1, 2, 3)]


def test_a_load_stamped_before_an_earlier_load_is_refused(tmp_path, duckdb_target):
    write_accounts(tmp_path / "day_0000", [account("WA-1")])
    write_accounts(tmp_path / "day_0001", [account("WA-2")])
    load_batch(tmp_path / "day_0000", duckdb_target, loaded_at=datetime(2026, 3, 2, 12, 0, 0))
    with pytest.raises(C360Error, match="a load of 2026-03-02 12:00:00 UTC is already in the warehouse"):
        load_batch(tmp_path / "day_0001", duckdb_target, loaded_at=datetime(2026, 3, 1, 12, 0, 0))
    assert duckdb_rows(duckdb_target, "select account_id from raw.web_accounts") == [("WA-1",)]
    load_batch(tmp_path / "day_0001", duckdb_target, loaded_at=datetime(2026, 3, 3, 12, 0, 0))
    assert duckdb_rows(duckdb_target, "select count(*) from raw.web_accounts") == [(2,)]


def test_a_changed_file_replaces_only_its_own_batch(tmp_path, duckdb_target):
    write_accounts(tmp_path / "day_0000", [account("WA-1"), account("WA-2")])
    write_accounts(tmp_path / "day_0001", [account("WA-3")])
    load_batch(tmp_path / "day_0000", duckdb_target)
    load_batch(tmp_path / "day_0001", duckdb_target)
    write_accounts(tmp_path / "day_0000", [account("WA-1", first_name="Changed")])
    report = load_batch(tmp_path / "day_0000", duckdb_target)
    assert [table.outcome for table in report.tables] == ["replaced"]
    rows = duckdb_rows(duckdb_target, "select account_id, first_name from raw.web_accounts order by 1")
    assert rows == [("WA-1", "Changed"), ("WA-3", None)]


def test_text_survives_as_delivered_and_empty_differs_from_missing(tmp_path, duckdb_target):
    tricky = '=HYPERLINK("x")\nsecond line, with comma 🎉 \x07'
    path = write_accounts(tmp_path / "day_0000", [account("WA-1", street_address=tricky)])
    # A quoted "" is an empty string; an unquoted empty field is missing.
    header, record = path.read_text().split("\n", 1)
    path.write_text(header + "\n" + record.replace(",,", ',"",', 1))
    load_batch(tmp_path / "day_0000", duckdb_target)
    rows = duckdb_rows(duckdb_target, "select street_address, phone, last_name from raw.web_accounts")
    assert rows == [(tricky, "", None)]


def test_malformed_lines_are_kept_and_counted_not_dropped(tmp_path, duckdb_target):
    path = write_accounts(tmp_path / "day_0000", [account("WA-1"), account("WA-3")])
    lines = path.read_text().splitlines()
    lines.insert(2, "WA-2,too,many," + "," * 20)
    path.write_text("\n".join(lines) + "\n")
    report = load_batch(tmp_path / "day_0000", duckdb_target)
    assert report.tables[0].row_count == 2
    assert report.tables[0].rejected_count == 1
    rejects = duckdb_rows(duckdb_target, "select table_name, line_text from raw._load_rejects")
    assert rejects == [("raw.web_accounts", lines[2])]
    ledger = duckdb_rows(duckdb_target, "select row_count, rejected_count from raw._load_batches")
    assert ledger == [(2, 1)]


def test_parquet_extracts_load_like_csv(tmp_path, duckdb_target):
    batch_dir = tmp_path / "day_0000"
    batch_dir.mkdir()
    columns = {name: [None, None] for name in ACCOUNT_COLUMNS}
    columns["account_id"] = ["WA-1", "WA-2"]
    columns["birth_date"] = [datetime(1990, 1, 2), None]
    pq.write_table(pa.table(columns), batch_dir / "web_accounts.parquet")
    load_batch(batch_dir, duckdb_target)
    rows = duckdb_rows(duckdb_target, "select account_id, birth_date from raw.web_accounts order by 1")
    assert rows == [("WA-1", "1990-01-02 00:00:00.000000"), ("WA-2", None)]


def test_missing_column_error_names_the_file_and_the_column(tmp_path, duckdb_target):
    columns = [name for name in ACCOUNT_COLUMNS if name != "phone"]
    path = write_accounts(tmp_path / "day_0000", [account("WA-1")], columns=columns)
    with pytest.raises(ExtractError) as error:
        load_batch(tmp_path / "day_0000", duckdb_target)
    assert str(path) in str(error.value)
    assert "phone" in str(error.value)
    assert not duckdb_target.path.exists() or duckdb_rows(
        duckdb_target, "select count(*) from information_schema.tables where table_name = 'web_accounts'"
    ) == [(0,)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b"\xff\xfe\x00\x00garbage\x00", "unreadable"),
    ],
)
def test_unreadable_files_give_a_clear_error(tmp_path, duckdb_target, content, expected):
    batch_dir = tmp_path / "day_0000"
    batch_dir.mkdir()
    (batch_dir / "web_accounts.csv").write_bytes(content)
    with pytest.raises(ExtractError, match=expected) as error:
        load_batch(batch_dir, duckdb_target)
    assert "web_accounts.csv" in str(error.value)


def test_a_folder_without_extracts_is_an_error(tmp_path, duckdb_target):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExtractError, match="no raw table files found"):
        load_batch(tmp_path / "empty", duckdb_target)


def test_command_line_reports_errors_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("C360_DUCKDB_PATH", str(tmp_path / "w.duckdb"))
    columns = [name for name in ACCOUNT_COLUMNS if name != "email"]
    write_accounts(tmp_path / "day_0000", [account("WA-1")], columns=columns)
    exit_code = cli_main(["load", str(tmp_path / "day_0000")])
    error_output = capsys.readouterr().err
    assert exit_code == 2
    assert "missing required column(s) email" in error_output
    assert "Traceback" not in error_output


def test_unknown_target_is_a_configuration_error(tmp_path):
    write_accounts(tmp_path / "day_0000", [account("WA-1")])
    with pytest.raises(ValueError, match="unknown target 'snowflake'"):
        load_batch(tmp_path / "day_0000", "snowflake")


@pytest.mark.postgres
def test_postgres_load_is_idempotent_and_replaces_changed_batches(tmp_path, postgres_env, monkeypatch):
    for key, value in postgres_env.items():
        monkeypatch.setenv(key, value)
    target = resolve_target("postgres")
    write_accounts(tmp_path / "day_0000", [account("WA-1"), account("WA-2", street_address="a\nb")])
    assert load_batch(tmp_path / "day_0000", target).tables[0].outcome == "loaded"
    assert load_batch(tmp_path / "day_0000", target).tables[0].outcome == "unchanged"
    write_accounts(tmp_path / "day_0000", [account("WA-2", street_address="a\nb")])
    assert load_batch(tmp_path / "day_0000", target).tables[0].outcome == "replaced"
    with psycopg2.connect(**target.connect_kwargs()) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select account_id, street_address, first_name, last_name, _row_number from raw.web_accounts"
        )
        assert cursor.fetchall() == [("WA-2", "a\nb", None, None, 1)]


@pytest.mark.postgres
def test_postgres_unreachable_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("C360_PG_PORT", "1")
    write_accounts(tmp_path / "day_0000", [account("WA-1")])
    with pytest.raises(ConnectionError, match=r"cannot connect to PostgreSQL at 127\.0\.0\.1:1\b"):
        load_batch(tmp_path / "day_0000", "postgres")


def test_placeholder_words_are_data_not_missing_values(tmp_path, duckdb_target):
    path = write_accounts(tmp_path / "day_0000", [account("WA-1")])
    header, record = path.read_text().split("\n", 1)
    path.write_text(header + "\n" + record.replace("wa-1@example.com,,", "n/a,NULL,", 1))
    load_batch(tmp_path / "day_0000", duckdb_target)
    assert duckdb_rows(duckdb_target, "select email, phone from raw.web_accounts") == [("n/a", "NULL")]
