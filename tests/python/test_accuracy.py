"""``c360 accuracy``: pairwise metrics, the evidence ceiling, splits and merges on tiny hand-made warehouses.

Every expected figure is worked out by hand in the test. The bridge, the
ground truth and the two intermediate identity tables are written directly;
dbt is never run here.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest

from c360.accuracy import AccuracyReport, count_pairs_in_components, measure_accuracy
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

# The evidence ceiling's warehouse: four persons, nine records.
# P1: a and b share an email, b and c a phone: one chain {a, b, c}; g shares nothing with them.
# P2: d and e share a phone. P3: f shares d's email and h shares d's phone, but f and h share
# nothing with each other: a chain through another person's record is no evidence.
# P4: i and j hold the same value, but as an account id and as a loyalty card: no match.
# True pairs: P1 4*3/2 = 6, P2 1, P3 1, P4 1 -> 9. Evidence pairs: {a, b, c} 3 + {d, e} 1 -> 4.
EVIDENCE_TRUTH = [
    ("web_accounts", "a", "P1"),
    ("shop_orders", "b", "P1"),
    ("web_accounts", "c", "P1"),
    ("crm_contacts", "g", "P1"),
    ("web_accounts", "d", "P2"),
    ("shop_orders", "e", "P2"),
    ("web_accounts", "f", "P3"),
    ("support_tickets", "h", "P3"),
    ("web_accounts", "i", "P4"),
    ("shop_orders", "j", "P4"),
]
EVIDENCE_IDENTIFIERS = [
    ("web_accounts", "a", "email", "x"),
    ("shop_orders", "b", "email", "x"),
    ("shop_orders", "b", "phone", "+1"),
    ("web_accounts", "c", "phone", "+1"),
    ("crm_contacts", "g", "email", "only-g"),
    ("web_accounts", "d", "email", "y"),
    ("web_accounts", "d", "phone", "+2"),
    ("shop_orders", "e", "phone", "+2"),
    ("web_accounts", "f", "email", "y"),
    ("support_tickets", "h", "phone", "+2"),
    ("web_accounts", "i", "account_id", "v"),
    ("shop_orders", "j", "loyalty_card_number", "v"),
]
# One customer per person.
EVIDENCE_PERFECT = [(f"C-{person}", table, record) for table, record, person in EVIDENCE_TRUTH]
# One customer per evidence chain, within persons: what the ceiling itself would resolve.
EVIDENCE_CHAINS = [
    ("C1", "web_accounts", "a"),
    ("C1", "shop_orders", "b"),
    ("C1", "web_accounts", "c"),
    ("C2", "crm_contacts", "g"),
    ("C3", "web_accounts", "d"),
    ("C3", "shop_orders", "e"),
    ("C4", "web_accounts", "f"),
    ("C5", "support_tickets", "h"),
    ("C6", "web_accounts", "i"),
    ("C7", "shop_orders", "j"),
]


def build_warehouse(
    connection,
    bridge,
    truth,
    *,
    marts_schema: str = "main_marts",
    identifiers=(),
    intermediate_schema: str = "main_intermediate",
) -> None:
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
    build_intermediate(
        connection, [(table, record) for _, table, record in bridge], identifiers, intermediate_schema
    )


def build_intermediate(connection, records, identifiers, schema: str = "main_intermediate") -> None:
    # As built by dbt, with a column the measure must ignore; the record key is the model's table:id.
    connection.execute(f"create schema if not exists {schema}")
    connection.execute(
        f"create table {schema}.int_identity_records_unioned "
        "(record_key varchar, source_table varchar, source_record_id varchar, email varchar)"
    )
    connection.execute(
        f"create table {schema}.int_identity_identifiers_unpivoted "
        "(record_key varchar, identifier_type varchar, identifier_value varchar, clear_value varchar)"
    )
    for table, record in records:
        connection.execute(
            f"insert into {schema}.int_identity_records_unioned values (?, ?, ?, null)",
            [f"{table}:{record}", table, record],
        )
    for table, record, identifier_type, value in identifiers:
        connection.execute(
            f"insert into {schema}.int_identity_identifiers_unpivoted values (?, ?, ?, ?)",
            [f"{table}:{record}", identifier_type, value, value],
        )


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


def measure(bridge, truth, identifiers=()) -> AccuracyReport:
    with duckdb.connect() as connection:
        build_warehouse(connection, bridge, truth, identifiers=identifiers)
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


def one_customer_and_person_of_3000_records(connection) -> None:
    """Web events E0..E2999, all of customer C1 and of person P1."""
    build_warehouse(connection, [], [])
    connection.execute(
        "insert into main_marts.bridge_customer_source_records "
        "select 'C1', 'k' || i, 'web_events', 'E' || i from range(3000) as numbers(i)"
    )
    connection.execute(
        "insert into ground_truth.source_records select 'web_events', 'E' || i, 'P1', 'day_0000' "
        "from range(3000) as numbers(i)"
    )


def test_pair_counts_are_exact_for_large_clusters():
    # One customer, one person, 3,000 records: 3000 * 2999 / 2 = 4,498,500 pairs, all true.
    with duckdb.connect() as connection:
        one_customer_and_person_of_3000_records(connection)
        report = measure_accuracy(connection)
    assert report.predicted_pairs == report.true_pairs == report.true_positive_pairs == 4_498_500
    # No identifiers at all: nothing is evidence.
    assert report.evidence_linked_pairs == 0
    assert report.evidence_recall == 0.0
    assert report.evidence_ceiling_reached is None


def test_evidence_pairs_are_exact_for_large_clusters():
    # 3,000 records of one person: E0 shares an email with every other, so one star of 2,999 edges.
    with duckdb.connect() as connection:
        one_customer_and_person_of_3000_records(connection)
        connection.execute(
            "insert into main_intermediate.int_identity_records_unioned "
            "select 'web_events:E' || i, 'web_events', 'E' || i, null from range(3000) as numbers(i)"
        )
        connection.execute(
            "insert into main_intermediate.int_identity_identifiers_unpivoted "
            "select 'web_events:E' || i, 'email', 'one@example.com', null from range(3000) as numbers(i)"
        )
        report = measure_accuracy(connection)
    assert report.evidence_linked_pairs == 4_498_500
    assert report.evidence_recall == report.evidence_ceiling_reached == 1.0


def test_the_evidence_ceiling_links_chains_within_a_person_only():
    report = measure(EVIDENCE_PERFECT, EVIDENCE_TRUTH, EVIDENCE_IDENTIFIERS)
    assert (report.records_compared, report.true_persons) == (10, 4)
    # A perfect clustering: recall 9/9, above the ceiling of 4/9 (the bridge linked more than evidence).
    assert (report.true_pairs, report.true_positive_pairs, report.evidence_linked_pairs) == (9, 9, 4)
    assert report.recall == 1.0
    assert report.evidence_recall == pytest.approx(4 / 9)
    assert report.evidence_ceiling_reached == pytest.approx(9 / 4)


def test_a_matcher_of_shared_identifiers_reaches_the_ceiling_exactly():
    # The bridge holds exactly the evidence chains: predicted = true positive = 3 + 1 = 4 = evidence pairs.
    report = measure(EVIDENCE_CHAINS, EVIDENCE_TRUTH, EVIDENCE_IDENTIFIERS)
    assert (report.predicted_pairs, report.true_positive_pairs, report.evidence_linked_pairs) == (4, 4, 4)
    assert report.precision == 1.0
    assert report.recall == report.evidence_recall == pytest.approx(4 / 9)
    assert report.evidence_ceiling_reached == 1.0


def test_a_guarded_matcher_stays_below_the_ceiling():
    # c is split off (a guard refused the phone): C1 = {a, b} 1 pair, C3 = {d, e} 1 pair.
    # Recall 2/9 < ceiling 4/9; half the ceiling reached.
    guarded = [row if row[2] != "c" else ("C8", "web_accounts", "c") for row in EVIDENCE_CHAINS]
    report = measure(guarded, EVIDENCE_TRUTH, EVIDENCE_IDENTIFIERS)
    assert (report.true_positive_pairs, report.evidence_linked_pairs) == (2, 4)
    assert report.evidence_recall >= report.recall == pytest.approx(2 / 9)
    assert report.evidence_ceiling_reached == 0.5


def test_the_evidence_ceiling_counts_only_compared_records():
    # x holds the email of a and b but has no truth (never made by the generator); k is P1's and holds
    # g's email but is not in the bridge (quarantined). Neither may join a chain: g stays apart.
    with duckdb.connect() as connection:
        build_warehouse(
            connection,
            [*EVIDENCE_CHAINS, ("C1", "web_accounts", "x")],
            [*EVIDENCE_TRUTH, ("web_accounts", "k", "P1")],
            identifiers=[
                *EVIDENCE_IDENTIFIERS,
                ("web_accounts", "x", "email", "x"),
                ("web_accounts", "k", "email", "only-g"),
            ],
        )
        connection.execute(
            "insert into main_intermediate.int_identity_records_unioned "
            "values ('web_accounts:k', 'web_accounts', 'k', null)"
        )
        report = measure_accuracy(connection)
    assert (report.true_pairs, report.evidence_linked_pairs) == (9, 4)


def test_repeated_identifier_rows_change_nothing():
    # The same identifier twice on a record, and a record holding two values shared with one other.
    identifiers = [*EVIDENCE_IDENTIFIERS, EVIDENCE_IDENTIFIERS[0], ("web_accounts", "a", "phone", "+1")]
    report = measure(EVIDENCE_CHAINS, EVIDENCE_TRUTH, identifiers)
    assert report.evidence_linked_pairs == 4


def test_components_need_several_rounds_on_a_long_path():
    # A path 0 - 1 - ... - 99 given from the far end, not a star: one component of 100 nodes, 4,950 pairs.
    # Plus a separate pair 200 - 201; the nodes in between are on no edge and have no pairs.
    sources = np.array([*range(99, 0, -1), 201])
    targets = np.array([*range(98, -1, -1), 200])
    assert count_pairs_in_components(sources, targets) == 4950 + 1
    assert count_pairs_in_components(np.array([], dtype=np.int64), np.array([], dtype=np.int64)) == 0


def test_components_agree_with_a_plain_union_find():
    generator = np.random.default_rng(7)
    for nodes, edges in ((50, 30), (1_000, 900), (5_000, 6_000)):
        sources = generator.integers(0, nodes, edges)
        targets = generator.integers(0, nodes, edges)
        assert count_pairs_in_components(sources, targets) == union_find_pairs(nodes, sources, targets)


def union_find_pairs(nodes: int, sources, targets) -> int:
    parents = list(range(nodes))

    def find(node: int) -> int:
        while parents[node] != node:
            node = parents[node]
        return node

    for source, target in zip(sources.tolist(), targets.tolist(), strict=True):
        parents[find(source)] = find(target)
    sizes = np.bincount([find(node) for node in range(nodes)])
    return int((sizes * (sizes - 1)).sum()) // 2


def test_a_measure_in_the_callers_transaction_sees_its_rows_and_leaves_it_open():
    with duckdb.connect() as connection:
        build_warehouse(connection, EVIDENCE_CHAINS, EVIDENCE_TRUTH, identifiers=EVIDENCE_IDENTIFIERS)
        assert measure_accuracy(connection).evidence_linked_pairs == 4
        # The measure's own snapshot is closed: a new transaction can start.
        connection.execute("begin transaction")
        connection.execute(
            "insert into main_intermediate.int_identity_identifiers_unpivoted "
            "values ('crm_contacts:g', 'phone', '+1', '+1')"
        )
        # g joins {a, b, c}: 4*3/2 + 1 = 7.
        assert measure_accuracy(connection).evidence_linked_pairs == 7
        connection.execute("rollback")
        assert measure_accuracy(connection).evidence_linked_pairs == 4


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


def test_missing_intermediate_tables_are_named():
    with duckdb.connect() as connection:
        build_warehouse(connection, PERFECT, TRUTH)
        connection.execute("drop table main_intermediate.int_identity_identifiers_unpivoted")
        with pytest.raises(C360Error) as raised:
            measure_accuracy(connection)
        assert str(raised.value).startswith(
            "main_intermediate.int_identity_identifiers_unpivoted not found: the evidence ceiling reads"
        )
        connection.execute("drop table main_intermediate.int_identity_records_unioned")
        with pytest.raises(
            C360Error, match=r"int_identity_records_unioned and main_intermediate\.int_identity_id"
        ):
            measure_accuracy(connection)


def test_the_intermediate_schema_can_be_named():
    with duckdb.connect() as connection:
        build_warehouse(
            connection,
            EVIDENCE_CHAINS,
            EVIDENCE_TRUTH,
            identifiers=EVIDENCE_IDENTIFIERS,
            intermediate_schema="dbt_alice_intermediate",
        )
        report = measure_accuracy(connection, intermediate_schema="dbt_alice_intermediate")
        assert report.evidence_linked_pairs == 4
        with pytest.raises(C360Error, match=r"main_intermediate\.int_identity_records_unioned and"):
            measure_accuracy(connection)
        with pytest.raises(C360Error, match="--intermediate-schema must be a plain schema name"):
            measure_accuracy(connection, intermediate_schema="x; drop table y")


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
    # No identifiers in this warehouse: a ceiling of 0, and no share of it to reach.
    assert any(line.split()[:4] == ["evidence", "linked", "pairs", "0"] for line in lines)
    assert any(line.split()[:3] == ["evidence", "ceiling", "0.0000"] for line in lines)
    assert any(line.split()[:4] == ["evidence", "ceiling", "reached", "n/a"] for line in lines)
    assert (figures["evidence_linked_pairs"], figures["evidence_recall"]) == (0, 0.0)
    assert figures["evidence_ceiling_reached"] is None


def test_the_command_takes_the_intermediate_schema(warehouse_file, tmp_path):
    with duckdb.connect(str(warehouse_file)) as connection:
        build_warehouse(
            connection,
            EVIDENCE_CHAINS,
            EVIDENCE_TRUTH,
            identifiers=EVIDENCE_IDENTIFIERS,
            intermediate_schema="dbt_bob_intermediate",
        )
    figures_path = tmp_path / "accuracy.json"
    arguments = ["accuracy", "--intermediate-schema", "dbt_bob_intermediate", "--json", str(figures_path)]
    assert cli_main(arguments) == 0
    figures = json.loads(figures_path.read_text())
    assert figures["evidence_linked_pairs"] == 4
    assert figures["evidence_recall"] == pytest.approx(4 / 9)


def test_the_command_reports_a_missing_bridge_in_one_line(warehouse_file, capsys):
    with duckdb.connect(str(warehouse_file)) as connection:
        build_truth(connection, TRUTH)
    assert cli_main(["accuracy"]) == 2
    error = capsys.readouterr().err
    assert (
        error
        == "c360 accuracy: error: main_marts.bridge_customer_source_records not found: run dbt build first\n"
    )


def build_postgres_warehouse(cursor, bridge, truth) -> None:
    """The bridge, the ground truth and the identity records and identifiers (EVIDENCE_IDENTIFIERS) on PostgreSQL."""
    cursor.execute("create schema public_marts")
    cursor.execute(
        "create table public_marts.bridge_customer_source_records "
        "(customer_id text, source_table text, source_record_id text)"
    )
    cursor.executemany("insert into public_marts.bridge_customer_source_records values (%s, %s, %s)", bridge)
    cursor.execute("create schema ground_truth")
    cursor.execute(
        "create table ground_truth.source_records (source_table text, source_record_id text, person_id text)"
    )
    cursor.executemany("insert into ground_truth.source_records values (%s, %s, %s)", truth)
    cursor.execute("create schema public_intermediate")
    cursor.execute(
        "create table public_intermediate.int_identity_records_unioned "
        "(record_key text, source_table text, source_record_id text)"
    )
    cursor.executemany(
        "insert into public_intermediate.int_identity_records_unioned values (%s, %s, %s)",
        [(f"{table}:{record}", table, record) for table, record, _ in EVIDENCE_TRUTH],
    )
    cursor.execute(
        "create table public_intermediate.int_identity_identifiers_unpivoted "
        "(record_key text, identifier_type text, identifier_value text)"
    )
    cursor.executemany(
        "insert into public_intermediate.int_identity_identifiers_unpivoted values (%s, %s, %s)",
        [(f"{table}:{record}", kind, value) for table, record, kind, value in EVIDENCE_IDENTIFIERS],
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
            build_postgres_warehouse(cursor, merged, TRUTH)
    finally:
        connection.close()
    report = measure_accuracy(target)
    assert (report.predicted_pairs, report.true_pairs, report.true_positive_pairs) == (6, 4, 4)
    assert (report.split_persons, report.merged_persons) == (0, 2)
    # TRUTH's records carry EVIDENCE_IDENTIFIERS: {a, b, c} chain (3 pairs), d and e share a phone (1).
    assert report.evidence_linked_pairs == 4
    assert report.evidence_recall == 1.0


@pytest.mark.postgres
def test_the_evidence_ceiling_on_postgresql_leaves_the_connection_as_it_was(postgres_env):
    import psycopg2
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    from conftest import loader_target

    target = loader_target(postgres_env)
    connection = psycopg2.connect(**target.connect_kwargs())
    try:
        with connection, connection.cursor() as cursor:
            build_postgres_warehouse(cursor, EVIDENCE_CHAINS, EVIDENCE_TRUTH)
        for autocommit in (False, True):
            connection.autocommit = autocommit
            report = measure_accuracy(connection)
            assert (report.true_positive_pairs, report.evidence_linked_pairs, report.true_pairs) == (4, 4, 9)
            assert connection.autocommit is autocommit
            assert connection.info.transaction_status == TRANSACTION_STATUS_IDLE
        # Inside the caller's transaction, its uncommitted rows count: g joins {a, b, c}, 6 + 1 = 7 pairs.
        connection.autocommit = False
        with connection.cursor() as cursor:
            cursor.execute(
                "insert into public_intermediate.int_identity_identifiers_unpivoted values ('crm_contacts:g', 'phone', '+1')"
            )
        assert measure_accuracy(connection).evidence_linked_pairs == 7
        connection.rollback()
        assert measure_accuracy(connection).evidence_linked_pairs == 4
    finally:
        connection.close()
