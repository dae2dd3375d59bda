"""How relations are stored on DuckDB: which models keep their text uncompressed
(``meta: compress_text``, macros/storage/create_table_as.sql), and how descriptions
become catalog comments (macros/storage/persist_docs.sql).

The macro that reads the setting is rendered through ``dbt show --inline`` with
the meta an inline query sets for itself. That the identity chain's tables are
stored as the setting says is checked on a built warehouse in test_identity.py.
The comments are checked on one seed loaded three times, with dbt's debug log
saying which ones each load wrote; test_end_to_end.py checks every model's.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from conftest import run_dbt

pytestmark = pytest.mark.dbt


def show_text_compression(meta: str, work_dir: Path) -> subprocess.CompletedProcess[str]:
    """``dbt show`` of is_text_compressed() in a query whose config sets ``meta`` (a Jinja dict, or empty)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(work_dir / "warehouse.duckdb")}
    config_call = f"{{{{ config(meta={meta}) }}}}" if meta else ""
    inline = f"{config_call} select {{{{ is_text_compressed() }}}} as compressed"
    return run_dbt(["show", "--output", "json", "--inline", inline], env, work_dir, check=False)


def is_text_compressed_with(meta: str, work_dir: Path) -> bool:
    result = show_text_compression(meta, work_dir)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    (shown,) = re.findall(r'^\{\s*"show".*?^\}', result.stdout, flags=re.DOTALL | re.MULTILINE)
    return json.loads(shown)["show"][0]["compressed"]


def test_text_is_compressed_unless_a_model_says_otherwise(tmp_path: Path) -> None:
    assert is_text_compressed_with("", tmp_path / "default") is True
    assert is_text_compressed_with("{'compress_text': false}", tmp_path / "off") is False
    assert is_text_compressed_with("{'compress_text': true}", tmp_path / "on") is True


def test_a_compress_text_that_is_not_true_or_false_stops_with_its_value(tmp_path: Path) -> None:
    result = show_text_compression("{'compress_text': 'no'}", tmp_path)
    assert result.returncode != 0
    assert "meta compress_text of inline_query must be true or false; it is 'no'" in result.stdout


# --- descriptions as catalog comments (macros/storage/persist_docs.sql) --------------------------


def stored_comments(warehouse: Path, table: str) -> dict[str | None, str | None]:
    """The comments DuckDB holds for ``table``: None for the table's own, else by column name."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        (table_comment,) = connection.execute(
            "select comment from duckdb_tables() where table_name = ?", [table]
        ).fetchone()
        columns = connection.execute(
            "select column_name, comment from duckdb_columns() where table_name = ?", [table]
        ).fetchall()
    finally:
        connection.close()
    return {None: table_comment, **dict(columns)}


def documented_comments(work_dir: Path, unique_id: str) -> dict[str | None, str]:
    node = json.loads((work_dir / "target" / "manifest.json").read_text())["nodes"][unique_id]
    return {
        None: node["description"],
        **{name: column["description"] for name, column in node["columns"].items()},
    }


def comment_statements(work_dir: Path) -> list[str]:
    """The ``comment on`` statements a dbt command with a debug file log ran, one per line."""
    log = (work_dir / "logs" / "dbt.log").read_text(encoding="utf-8", errors="replace")
    return re.findall(r"^[ \t]*(comment on [^\n]*)", log, flags=re.MULTILINE)


def test_descriptions_become_comments_and_only_changed_ones_are_written_again(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    env = {"C360_TARGET": "dev", "C360_DUCKDB_PATH": str(warehouse)}
    seed = ["seed", "--select", "currencies", "--log-level-file", "debug"]

    run_dbt(seed, env, tmp_path / "first")
    documented = documented_comments(tmp_path / "first", "seed.customer360.currencies")
    assert set(documented) == {None, "currency_code", "currency_name", "minor_units"}
    assert all(documented.values()), "every part of the seed is described"
    assert stored_comments(warehouse, "currencies") == documented
    assert len(comment_statements(tmp_path / "first")) == len(documented)

    # A seed run again keeps its table; make two of its comments stale, as a changed description would.
    connection = duckdb.connect(str(warehouse))
    connection.execute("comment on table main_reference.currencies is null")
    connection.execute("comment on column main_reference.currencies.minor_units is 'stale'")
    connection.close()

    run_dbt(seed, env, tmp_path / "second")
    assert stored_comments(warehouse, "currencies") == documented
    written = comment_statements(tmp_path / "second")
    assert len(written) == 2, written
    assert written[0].startswith('comment on table "warehouse"."main_reference"."currencies" is ')
    assert written[1].startswith(
        'comment on column "warehouse"."main_reference"."currencies"."minor_units" is '
    )

    run_dbt(seed, env, tmp_path / "third")
    assert comment_statements(tmp_path / "third") == []
