"""``meta: compress_text``: which models store their text uncompressed (macros/storage/create_table_as.sql).

The macro that reads the setting is rendered through ``dbt show --inline`` with
the meta an inline query sets for itself. That the identity chain's tables are
stored as the setting says is checked on a built warehouse in test_identity.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

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
