"""``c360 accuracy``: pairwise metrics, splits and merges on tiny hand-made warehouses.

Every expected figure is worked out by hand in the test. The bridge and the
ground truth are written directly; dbt is never run here.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from c360.accuracy import AccuracyReport, measure_accuracy
from c360.cli import main as cli_main
from c360.errors import C360Error
from c360.targets import DuckDBTarget

# Three persons, six web accounts and orders: P1 owns a, b, c; P2 owns d, e; P3 owns f.
# True pairs: P1 3*2/2 = 3, P2 2*1/2 = 1, P3 0 -> 4.
TRUTH = [
    ("web_accounts", "a", "P1"),
    ("shop_orders", "b", "P1"),
    ("web_accounts", "c", "P1"),
    ("web_accounts", "d", "P2"),
    ("shop_orders", "e", "P2"),
    ("web_accounts", "f", "P3"),
]
PERFECT = [
    ("C1", "web_accounts", "a"),
    ("C1", "shop_orders", "b"),
    ("C1", "web_accounts", "c"),
    ("C2", "web_accounts", "d"),
    ("C2", "shop_orders", "e"),
    ("C3", "web_accounts", "f"),
]


def build_warehouse(connection, bridge, truth, *, marts_schema: str = "main_marts") -> None:
    connection.execute(f"create schema if not exists {marts_schema}")
    connection.execute(
        f"create table {marts_schema}.bridge_customer_source_records "
        "(customer_id varchar, record_key varchar, source_table varchar, source_record_id varchar)"
    )
    for customer, table, record in bridge:
        connection.execute(
            f"insert into {marts_schema}.bridge_customer_source_records values (?, ?, ?, ?)",
            [customer, f"{table}|{record}", table, record],
        )
    build_truth(connection, truth)


def build_truth(connection, truth) -> None:
    # As loaded: text columns plus the loader's metadata, which the measure must ignore.
    connection.execute("create schema if not exists ground_truth")
    connection.execute(
        "create table ground_truth.source_records "
        "(source_table varchar, source_record_id varchar, person_id varchar, _batch_id varchar)"
    )
    for table, record, person in truth:
        connection.execute(
            "insert into ground_truth.source_records values (?, ?, ?, 'day_0000')", [table, record, person]
        )


def measure(bridge, truth) -> AccuracyReport:
    with duckdb.connect() as connection:
        build_warehouse(connection, bridge, truth)
        return measure_accuracy(connection)


def test_a_perfect_clustering_scores_one():
    report = measure(PERFECT, TRUTH)
    assert (report.records_compared, report.customers, report.true_persons) == (6, 3, 3)
    # predicted = true = true positive = 3 + 1 + 0
    assert (report.predicted_pairs, report.true_pairs, report.true_positive_pairs) == (4, 4, 4)
    assert (report.precision, report.recall, report.f1) == (1.0, 1.0, 1.0)
    assert (report.split_persons, report.merged_persons) == (0, 0)
    assert (report.split_share, report.merged_share) == (0.0, 0.0)
    assert (report.bridge_records_without_truth, report.truth_records_not_resolved) == (0, 0)


def test_a_wrong_merge_lowers_precision_only():
    # f (P3) joins C2 with d and e: C2 holds 3 records -> 3 predicted pairs, of which only d-e is true.
    # predicted = 3 (C1) + 3 (C2) = 6; true positive = 3 (C1, P1) + 1 (C2, P2) + 0 (C2, P3) = 4; true = 4.
    # precision 4/6 = 2/3, recall 4/4 = 1, F1 = 2 * (2/3) * 1 / (2/3 + 1) = 0.8.
    merged = [row if row[2] != "f" else ("C2", "web_accounts", "f") for row in PERFECT]
    report = measure(merged, TRUTH)
    assert (report.predicted_pairs, report.true_pairs, report.true_positive_pairs) == (6, 4, 4)
    assert report.precision == pytest.approx(2 / 3)
    assert report.recall == 1.0
    assert report.f1 == pytest.approx(0.8)
    # P2 and P3 share C2: 2 of 3 persons merged, none split.
    assert (report.customers, report.merged_persons, report.split_persons) == (2, 2, 0)
    assert report.merged_share == pytest.approx(2 / 3)


def test_a_split_person_lowers_recall_only():
    # c (P1) gets its own customer C4: C1 keeps a-b (1 pair), C2 d-e (1 pair), C3 and C4 none.
    # predicted = 2, true positive = 2, true = 4: precision 1, recall 1/2, F1 = 2 * 1 * 0.5 / 1.5 = 2/3.
    split = [row if row[2] != "c" else ("C4", "web_accounts", "c") for row in PERFECT]
    report = measure(split, TRUTH)
    assert (report.predicted_pairs, report.true_pairs, report.true_positive_pairs) == (2, 4, 2)
    assert report.precision == 1.0
    assert report.recall == 0.5
    assert report.f1 == pytest.approx(2 / 3)
    # P1 sits under C1 and C4: 1 of 3 persons split, none merged.
    assert (report.customers, report.split_persons, report.merged_persons) == (4, 1, 0)
    assert report.split_share == pytest.approx(1 / 3)


def test_a_split_and_a_merge_together():
    # C1 = {a, b} (P1), C2 = {c (P1), d, e (P2)}, C3 = {f} (P3).
    # predicted = 1 + 3 + 0 = 4; true positive = (C1,P1) 1 + (C2,P1) 0 + (C2,P2) 1 = 2; true = 4.
    # precision 2/4, recall 2/4; P1 split; P1 and P2 merged (they share C2).
    mixed = [row if row[2] != "c" else ("C2", "web_accounts", "c") for row in PERFECT]
    report = measure(mixed, TRUTH)
    assert (report.predicted_pairs, report.true_pairs, report.true_positive_pairs) == (4, 4, 2)
    assert (report.precision, report.recall, report.f1) == (0.5, 0.5, 0.5)
    assert (report.split_persons, report.merged_persons) == (1, 2)


def test_unmatched_records_are_counted_apart_from_the_metrics():
    # g was quarantined (truth only): not resolved, not an error. x is unknown to the generator
    # (bridge only). Neither enters the pairs: the figures stay those of the perfect clustering.
    bridge = [*PERFECT, ("C3", "web_accounts", "x")]
    truth = [*TRUTH, ("web_accounts", "g", "P3"), ("support_tickets", "h", "P4")]
    report = measure(bridge, truth)
    assert report.truth_records_not_resolved == 2
    assert report.bridge_records_without_truth == 1
    assert (report.records_compared, report.customers, report.true_persons) == (6, 3, 3)
    assert (report.precision, report.recall) == (1.0, 1.0)


def test_records_match_on_table_and_id_together():
    # The same id in two tables is two records; matched on the id alone, e would pair with the
    # web account "e" below and count wrong pairs.
    bridge = [*PERFECT, ("C3", "web_accounts", "e")]
    truth = [*TRUTH, ("web_accounts", "e", "P3")]
    report = measure(bridge, truth)
    # C3 = {f, web e}, both P3: predicted = 3 + 1 + 1 = 5, all true.
    assert (report.predicted_pairs, report.true_pairs, report.true_positive_pairs) == (5, 5, 5)


def test_a_record_delivered_twice_counts_once():
    report = measure(PERFECT, [*TRUTH, TRUTH[0]])
    assert report.records_compared == 6
    assert report.precision == report.recall == 1.0


def test_singletons_have_no_pairs_and_no_ratio():
    # One record per person and per customer: 0/0 pairs, reported as undefined rather than guessed.
    report = measure([("C1", "web_accounts", "a")], [("web_accounts", "a", "P1")])
    assert (report.predicted_pairs, report.true_pairs) == (0, 0)
    assert (report.precision, report.recall, report.f1) == (None, None, None)
    assert report.split_share == 0.0


def test_pair_counts_are_exact_for_large_clusters():
    # One customer, one person, 3,000 records: 3000 * 2999 / 2 = 4,498,500 pairs, all true.
    with duckdb.connect() as connection:
        build_warehouse(connection, [], [])
        connection.execute(
            "insert into main_marts.bridge_customer_source_records "
            "select 'C1', 'k' || i, 'web_events', 'E' || i from range(3000) as numbers(i)"
        )
        connection.execute(
            "insert into ground_truth.source_records select 'web_events', 'E' || i, 'P1', 'day_0000' "
            "from range(3000) as numbers(i)"
        )
        report = measure_accuracy(connection)
    assert report.predicted_pairs == report.true_pairs == report.true_positive_pairs == 4_498_500


def test_the_marts_schema_can_be_named():
    with duckdb.connect() as connection:
        build_warehouse(connection, PERFECT, TRUTH, marts_schema="dbt_alice_marts")
        assert measure_accuracy(connection, marts_schema="dbt_alice_marts").precision == 1.0
        with pytest.raises(C360Error, match=r"main_marts\.bridge_customer_source_records not found"):
            measure_accuracy(connection)
        with pytest.raises(C360Error, match="plain schema name"):
            measure_accuracy(connection, marts_schema="x; drop table y")


def test_a_missing_bridge_says_to_build():
    with duckdb.connect() as connection:
        build_truth(connection, TRUTH)
        with pytest.raises(C360Error) as raised:
            measure_accuracy(connection)
    assert str(raised.value) == "main_marts.bridge_customer_source_records not found: run dbt build first"


def test_a_missing_ground_truth_says_to_load():
    with duckdb.connect() as connection:
        build_warehouse(connection, PERFECT, TRUTH)
        connection.execute("drop table ground_truth.source_records")
        with pytest.raises(C360Error, match=r"ground_truth\.source_records not found: load generated data"):
            measure_accuracy(connection)


def test_a_missing_warehouse_file_is_a_clear_error(tmp_path):
    with pytest.raises(C360Error, match="no warehouse at"):
        measure_accuracy(DuckDBTarget(path=tmp_path / "absent.duckdb"))


@pytest.fixture
def warehouse_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("C360_DUCKDB_PATH", str(path))
    monkeypatch.setenv("C360_TARGET", "dev")
    return path


def test_the_command_prints_a_table_and_writes_json(warehouse_file, tmp_path, capsys):
    merged = [row if row[2] != "f" else ("C2", "web_accounts", "f") for row in PERFECT]
    with duckdb.connect(str(warehouse_file)) as connection:
        build_warehouse(connection, merged, TRUTH)
    figures_path = tmp_path / "out" / "accuracy.json"
    assert cli_main(["accuracy", "--target", "dev", "--json", str(figures_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:3] == ["pairwise", "precision", "0.6667"] for line in lines)
    assert any(line.split()[:3] == ["persons", "merged", "66.67%"] for line in lines)
    figures = json.loads(figures_path.read_text())
    assert figures["predicted_pairs"] == 6
    assert figures["precision"] == pytest.approx(2 / 3)
    assert figures["truth_records_not_resolved"] == 0


def test_the_command_reports_a_missing_bridge_in_one_line(warehouse_file, capsys):
    with duckdb.connect(str(warehouse_file)) as connection:
        build_truth(connection, TRUTH)
    assert cli_main(["accuracy"]) == 2
    error = capsys.readouterr().err
    assert (
        error
        == "c360 accuracy: error: main_marts.bridge_customer_source_records not found: run dbt build first\n"
    )


@pytest.mark.postgres
def test_the_same_figures_on_postgresql(postgres_env):
    import psycopg2

    from conftest import loader_target

    target = loader_target(postgres_env)
    merged = [row if row[2] != "f" else ("C2", "web_accounts", "f") for row in PERFECT]
    connection = psycopg2.connect(**target.connect_kwargs())
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("create schema public_marts")
            cursor.execute(
                "create table public_marts.bridge_customer_source_records "
                "(customer_id text, source_table text, source_record_id text)"
            )
            cursor.executemany(
                "insert into public_marts.bridge_customer_source_records values (%s, %s, %s)", merged
            )
            cursor.execute("create schema ground_truth")
            cursor.execute(
                "create table ground_truth.source_records (source_table text, source_record_id text, person_id text)"
            )
            cursor.executemany("insert into ground_truth.source_records values (%s, %s, %s)", TRUTH)
    finally:
        connection.close()
    report = measure_accuracy(target)
    assert (report.predicted_pairs, report.true_pairs, report.true_positive_pairs) == (6, 4, 4)
    assert (report.split_persons, report.merged_persons) == (0, 2)
