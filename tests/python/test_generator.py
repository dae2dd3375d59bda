"""Tests of the synthetic data generator (``c360 generate``).

Small worlds (a thousand or two customers) keep the suite fast; statistical
checks use tolerances of several standard deviations so they are stable for
the fixed seeds used here, yet fail when a defect is missing or mis-rated.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import math
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from c360.cli import main
from c360.generate import DefectRates, GenerationError, generate_days, load_rates
from c360.generate.batch import Batch
from c360.generate.config import DefectConfigError, defect_kinds
from c360.generate.defects.manifest import Manifest
from c360.generate.defects.values import EMAIL_PLACEHOLDERS, FORMULAS, PHONE_JUNK
from c360.generate.timeline import ANCHOR, day_window, format_timestamps_with_offset
from c360.raw_tables import GROUND_TRUTH_COLUMNS, RAW_TABLES, RAW_TABLES_BY_NAME

SEED = 7
CUSTOMERS = 1500
IDENTITY_TABLES = (
    "web_accounts",
    "shop_orders",
    "crm_contacts",
    "email_subscribers",
    "social_interactions",
    "support_tickets",
    "support_surveys",
    "loyalty_members",
    "enrichment_profiles",
    "privacy_requests",
)
# Defects that staging quarantines; by default they must stay a small minority.
QUARANTINE_KINDS = (
    "missing_natural_key",
    "invalid_timestamp",
    "future_timestamp",
    "invalid_amount",
    "invalid_quantity",
    "unknown_currency",
    "orphan_record",
    "invalid_score",
)
WELL_FORMED_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
OFFSET_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
CANONICAL_PHONE = re.compile(r"^\+\d{1,2}( \d+)+$")
CANONICAL_EMAIL = re.compile(r"^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$")
ENUMS = {
    ("web_events", "platform"): {"web", "ios", "android"},
    ("shop_orders", "sales_channel"): {"online", "pos"},
    ("shop_orders", "order_status"): {
        "placed", "paid", "shipped", "delivered", "cancelled", "returned",
    },
    ("shop_order_items", "item_status"): {"fulfilled", "cancelled", "returned"},
    ("support_surveys", "survey_type"): {"csat", "nps", "review"},
    ("loyalty_members", "tier"): {"bronze", "silver", "gold", "platinum"},
    ("privacy_requests", "request_type"): {
        "consent_granted", "consent_withdrawn", "access", "erasure",
    },
}  # fmt: skip


def read(folder: Path, name: str) -> pa.Table:
    """A CSV as text columns, with quoted newlines allowed (as the contract says)."""
    path = folder / name
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    return pa_csv.read_csv(
        path,
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={column: pa.string() for column in header},
            # Only an unquoted empty field is missing: "n/a" is a delivered placeholder.
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def day(folder: Path, number: int) -> Path:
    return folder / f"day_{number:04d}"


def counts(folder: Path, days: range) -> dict[str, tuple[int, int]]:
    """defect -> (eligible, injected) summed over ``days``."""
    total: dict[str, list[int]] = {}
    for number in days:
        for row in read(day(folder, number), "_defect_counts.csv").to_pylist():
            entry = total.setdefault(row["defect"], [0, 0])
            entry[0] += int(row["eligible"])
            entry[1] += int(row["injected"])
    return {kind: (eligible, injected) for kind, (eligible, injected) in total.items()}


def boosted_rates() -> DefectRates:
    """Every defect frequent enough to measure its rate in a small world."""
    return DefectRates(**dict.fromkeys(defect_kinds(), 0.04)).with_rates(
        crm_last_first=0.3, phone_format=0.2, timezone_offset=0.3, email_placeholder=0.0
    )


@pytest.fixture(scope="module")
def default_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default")
    generate_days(out, CUSTOMERS, SEED, "0..2")
    return out


@pytest.fixture(scope="module")
def boosted_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("boosted")
    generate_days(out, CUSTOMERS, SEED, "0..3", boosted_rates())
    return out


@pytest.fixture(scope="module")
def clean_world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    generate_days(out, 1000, SEED, "0..1", DefectRates.none())
    return out


# -- files and determinism ------------------------------------------------------


def test_every_day_has_one_csv_per_raw_table_with_the_contract_header(default_world):
    for number in range(3):
        folder = day(default_world, number)
        for table in RAW_TABLES:
            with (folder / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
                assert tuple(next(csv.reader(handle))) == table.columns, table.name
        with (folder / "ground_truth.csv").open(encoding="utf-8", newline="") as handle:
            assert tuple(next(csv.reader(handle))) == GROUND_TRUTH_COLUMNS


def test_csv_files_are_rfc4180_and_keep_newlines_and_quotes(boosted_world):
    folder = day(boosted_world, 0)
    seen_newline = seen_quote = False
    for table in RAW_TABLES:
        path = folder / f"{table.name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, strict=True))
        assert all(len(row) == len(table.columns) for row in rows), table.name
        assert len(rows) - 1 == read(folder, f"{table.name}.csv").num_rows
        values = [value for row in rows[1:] for value in row]
        seen_newline |= any("\n" in value for value in values)
        seen_quote |= any(value in FORMULAS and '"' in value for value in values)
    assert seen_newline, "free text with an embedded line break should survive the round trip"
    assert seen_quote, "formula text with embedded quotes should survive the round trip"


def test_same_seed_gives_identical_bytes_even_across_runs(tmp_path):
    in_one_run, day_by_day = tmp_path / "one", tmp_path / "several"
    generate_days(in_one_run, 800, SEED, "0..2")
    for number in range(3):
        generate_days(day_by_day, 800, SEED, number)
    for number in range(3):
        comparison = filecmp.dircmp(day(in_one_run, number), day(day_by_day, number))
        assert comparison.left_only == comparison.right_only == []
        _, mismatch, errors = filecmp.cmpfiles(
            day(in_one_run, number), day(day_by_day, number), comparison.common_files, shallow=False
        )
        assert mismatch == errors == [], f"day {number} differs: {mismatch}"


def test_another_seed_gives_other_data(tmp_path):
    generate_days(tmp_path / "a", 500, 1, 0)
    generate_days(tmp_path / "b", 500, 2, 0)
    for name in ("web_accounts.csv", "shop_orders.csv", "ground_truth.csv"):
        first = (day(tmp_path / "a", 0) / name).read_bytes()
        assert first != (day(tmp_path / "b", 0) / name).read_bytes(), name


def test_output_does_not_depend_on_the_wall_clock(default_world):
    accounts = read(day(default_world, 0), "web_accounts.csv")
    # Years from 2030 on are injected future timestamps.
    plausible = accounts.filter(pc.match_substring_regex(accounts["created_at"], r"^20[12]\d-"))
    assert pc.max(plausible["created_at"]).as_py() < "2026-01-01"
    history = read(day(default_world, 0), "shop_orders.csv")["ordered_at"]
    well_formed = history.filter(pc.match_substring_regex(history, WELL_FORMED_TIMESTAMP.pattern))
    assert pc.min(well_formed).as_py().startswith("2024-01")


# -- coverage and realism ---------------------------------------------------------


def test_people_appear_in_several_channels_under_varying_identifiers(default_world):
    truth = read(day(default_world, 0), "ground_truth.csv")
    channels = truth.group_by("person_id").aggregate([("source_table", "count_distinct")])
    spread = channels["source_table_count_distinct"].to_numpy()
    assert (spread >= 3).mean() > 0.3
    assert (spread == 1).mean() > 0.02, "some people should use a single channel only"
    orders = read(day(default_world, 0), "shop_orders.csv")
    guest = pc.and_(pc.is_null(orders["account_id"]), pc.is_valid(orders["guest_email"]))
    card_only = pc.and_(
        pc.is_valid(orders["loyalty_card_number"]),
        pc.and_(pc.is_null(orders["guest_email"]), pc.is_null(orders["guest_phone"])),
    )
    assert pc.sum(guest).as_py() > 50
    assert pc.sum(card_only).as_py() > 50
    contacts = read(day(default_world, 0), "crm_contacts.csv")["full_name"]
    assert pc.sum(pc.match_substring_regex(contacts, r"^[A-Za-z' -]+, [A-Za-z' -]+$")).as_py() > 5
    cjk = read(day(default_world, 0), "loyalty_members.csv")["last_name"]
    assert pc.sum(pc.match_substring_regex(cjk, r"^[\x{4e00}-\x{9fff}]+$")).as_py() > 20


def test_locale_mix_is_mostly_us_then_china(default_world):
    persons = pq.read_table(default_world / "_state" / "persons.parquet")
    share = pc.value_counts(persons["locale"]).to_pylist()
    by_locale = {entry["values"]: entry["counts"] / persons.num_rows for entry in share}
    assert 0.64 < by_locale[0] < 0.76
    assert 0.20 < by_locale[1] < 0.30
    assert 0.02 < 1 - by_locale[0] - by_locale[1] < 0.09


def test_enums_use_contract_values_up_to_case_and_spaces(default_world):
    folder = day(default_world, 0)
    for (table, column), allowed in ENUMS.items():
        values = read(folder, f"{table}.csv")[column].drop_null()
        normalised = set(pc.utf8_lower(pc.utf8_trim_whitespace(values)).to_pylist())
        assert normalised <= allowed, (table, column, normalised - allowed)


def test_survey_scores_fit_their_type_unless_marked_invalid(default_world):
    folder = day(default_world, 0)
    surveys = read(folder, "support_surveys.csv").to_pylist()
    invalid = {
        row["record_id"]
        for row in read(folder, "_defects.csv").to_pylist()
        if row["defect"] == "invalid_score"
    }
    ranges = {"csat": range(1, 6), "nps": range(0, 11), "review": range(1, 6)}
    for row in surveys:
        if row["survey_id"] in invalid or row["survey_id"] is None:
            continue
        kind = row["survey_type"].strip().lower()
        assert int(row["score"]) in ranges[kind], row


# -- defects ---------------------------------------------------------------------


def test_every_defect_kind_shows_up_at_its_configured_rate(boosted_world):
    rates = boosted_rates()
    measured = counts(boosted_world, range(4))
    for kind in defect_kinds():
        rate = getattr(rates, kind)
        eligible, injected = measured[kind]
        if rate == 0:
            assert injected == 0, kind
            continue
        assert eligible >= 50, f"{kind}: too few eligible units ({eligible}) to check"
        expected = eligible * rate
        tolerance = 5 * math.sqrt(expected * (1 - rate)) + 2
        assert abs(injected - expected) <= tolerance, (kind, eligible, injected, expected)


def test_manifest_points_at_the_defective_values(boosted_world):
    folder = day(boosted_world, 0)
    manifest = read(folder, "_defects.csv")
    checks = {
        "email_invalid": lambda value: not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value or ""),
        "timezone_offset": lambda value: bool(OFFSET_TIMESTAMP.match(value or "")),
        "phone_junk": lambda value: value in PHONE_JUNK,
        "spreadsheet_formula": lambda value: value in FORMULAS,
        "long_text": lambda value: len(value) > 4000,
        "unknown_currency": lambda value: value.strip().upper() not in {"USD", "CNY", "EUR", "GBP"},
        "missing_value": lambda value: value is None,
    }
    for kind, looks_right in checks.items():
        entries = manifest.filter(pc.equal(manifest["defect"], kind)).to_pylist()
        assert entries, kind
        for entry in entries[:200]:
            table = entry["table"]
            spec = RAW_TABLES_BY_NAME[table]
            rows = read(folder, f"{table}.csv")
            values = rows.filter(pc.equal(rows[spec.natural_key], entry["record_id"]))[
                entry["column"]
            ].to_pylist()
            assert any(looks_right(value) for value in values), (kind, entry, values[:3])


def test_initial_load_repeats_keys_only_for_duplicates_and_conflicting_versions(boosted_world):
    folder = day(boosted_world, 0)
    measured = counts(boosted_world, range(1))
    identical_repeats = versions = 0
    for table in RAW_TABLES:
        rows = _rows(folder, table.name)
        distinct = set(rows)
        identical_repeats += len(rows) - len(distinct)
        key = table.columns.index(table.natural_key)
        keyed = [row for row in distinct if row[key] is not None]
        versions += len(keyed) - len({row[key] for row in keyed})
    # Two genuinely identical lines (same product twice in an order) may add a repeat or two.
    assert 0 <= identical_repeats - measured["duplicate_row"][1] <= 2
    assert abs(versions - measured["conflicting_version"][1]) <= 3


def test_delivered_values_carry_defects_at_about_their_rates(default_world):
    """Measured on the CSVs alone, independently of the manifest."""
    rates = DefectRates()
    folder = day(default_world, 0)
    emails = pa.concat_arrays(
        [
            read(folder, f"{table}.csv")[column].combine_chunks().drop_null()
            for table, column in (
                ("web_accounts", "email"),
                ("loyalty_members", "email"),
                ("email_subscribers", "email"),
                ("support_tickets", "email"),
            )
        ]
    )
    placeholders = pc.sum(pc.is_in(emails, value_set=pa.array(EMAIL_PLACEHOLDERS))).as_py()
    assert_rate(placeholders, len(emails), rates.email_placeholder / (1 - rates.missing_value))
    times = read(folder, "web_events.csv")["occurred_at"].combine_chunks()
    offsets = pc.sum(pc.match_substring_regex(times, OFFSET_TIMESTAMP.pattern)).as_py()
    assert_rate(offsets, len(times), rates.timezone_offset)
    orders = read(folder, "shop_orders.csv")
    negative_or_zero = pc.match_substring_regex(orders["order_total"], r"^(-|0(\.00)?$)")
    unparseable = pc.invert(pc.match_substring_regex(orders["order_total"], r"^-?\d+(\.\d+)?$"))
    bad = pc.sum(pc.or_(negative_or_zero, unparseable)).as_py()
    assert_rate(bad, orders.num_rows, rates.invalid_amount, slack=6)


def assert_rate(observed: int, total: int, rate: float, slack: float = 5) -> None:
    expected = total * rate
    assert abs(observed - expected) <= slack * math.sqrt(expected * (1 - rate)) + 3, (
        observed,
        total,
        expected,
    )


def test_rate_zero_switches_a_defect_off(boosted_world):
    """email_placeholder is 0 in the boosted world while everything else is frequent."""
    assert counts(boosted_world, range(4))["email_placeholder"][1] == 0
    for number in range(4):
        for table in RAW_TABLES:
            rows = read(day(boosted_world, number), f"{table.name}.csv")
            for column in ("email", "guest_email"):
                if column in table.columns:
                    values = rows[column].combine_chunks()
                    placeholders = pc.is_in(values, value_set=pa.array(EMAIL_PLACEHOLDERS))
                    assert not pc.any(placeholders).as_py(), (table.name, column)


def _all_match(values: pa.Array, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(values, pattern)).as_py() is not False)


CLEAN_PATTERNS = {
    "email": CANONICAL_EMAIL.pattern,
    "guest_email": CANONICAL_EMAIL.pattern,
    "phone": CANONICAL_PHONE.pattern,
    "guest_phone": CANONICAL_PHONE.pattern,
    "currency": r"^(USD|CNY|EUR|GBP)$",
    "country": r"^(US|CN|DE|FR|GB)$",
    "birth_date": r"^(19|20)\d\d-\d\d-\d\d$",
}


def test_all_rates_zero_give_clean_data(clean_world):
    for number in range(2):
        folder = day(clean_world, number)
        extracted = dt.datetime.fromtimestamp(day_window(number)[1], dt.UTC)
        assert read(folder, "_defects.csv").num_rows == 0
        for table in RAW_TABLES:
            rows = read(folder, f"{table.name}.csv")
            assert rows.num_rows == len(set(zip(*rows.to_pydict().values(), strict=True)))
            keys = rows[table.natural_key]
            assert keys.null_count == 0
            if number == 0:  # no second versions before day 1
                assert pc.count_distinct(keys).as_py() == rows.num_rows, table.name
            for column in table.columns:
                values = rows[column].combine_chunks().drop_null()
                assert not pc.any(pc.match_substring_regex(values, r"[\x00-\x1f\x7f]")).as_py()
                pattern = CLEAN_PATTERNS.get(column)
                if column.endswith("_at"):
                    pattern = WELL_FORMED_TIMESTAMP.pattern
                    latest = pc.max(values).as_py()
                    assert latest is None or latest < extracted.strftime("%Y-%m-%d %H:%M:%S")
                assert pattern is None or _all_match(values, pattern), (table.name, column)


def test_quarantine_worthy_defects_are_a_small_minority_by_default(default_world):
    measured = counts(default_world, range(3))
    rows = measured["duplicate_row"][0]  # every delivered row is eligible for duplication
    quarantined = sum(measured[kind][1] for kind in QUARANTINE_KINDS)
    assert 0 < quarantined / rows < 0.03


def test_rates_come_from_one_toml_file(tmp_path):
    config = tmp_path / "rates.toml"
    config.write_text("[defect_rates]\nemail_placeholder = 0.2\ntimezone_offset = 0\n")
    rates = load_rates(config)
    assert rates.email_placeholder == 0.2
    assert rates.timezone_offset == 0.0
    assert rates.phone_junk == DefectRates().phone_junk
    config.write_text("emial_placeholder = 0.2\n")
    with pytest.raises(DefectConfigError, match="emial_placeholder"):
        load_rates(config)
    config.write_text("email_placeholder = 1.5\n")
    with pytest.raises(DefectConfigError, match="between 0 and 1"):
        load_rates(config)
    too_much = DefectRates().with_rates(email_variant=0.7, email_invalid=0.4)
    with pytest.raises(DefectConfigError, match="add up"):
        generate_days(tmp_path / "out", 100, SEED, 0, too_much)


# -- ground truth ----------------------------------------------------------------


def test_ground_truth_covers_every_identity_record_exactly_once(default_world):
    truth = pa.concat_tables([read(day(default_world, n), "ground_truth.csv") for n in range(3)])
    pairs = list(zip(truth["source_table"].to_pylist(), truth["source_record_id"].to_pylist(), strict=True))
    assert len(pairs) == len(set(pairs))
    assert set(truth["source_table"].to_pylist()) == set(IDENTITY_TABLES)
    delivered = set()
    for number in range(3):
        for table in IDENTITY_TABLES:
            key = RAW_TABLES_BY_NAME[table].natural_key
            ids = read(day(default_world, number), f"{table}.csv")[key].drop_null().to_pylist()
            delivered |= {(table, record_id) for record_id in ids}
    assert delivered == set(pairs)
    persons = pq.read_table(default_world / "_state" / "persons.parquet")["person_seq"]
    known = {f"PSN-{seq:07d}" for seq in persons.to_pylist()}
    assert set(truth["person_id"].to_pylist()) <= known


def test_ground_truth_never_leaks_into_raw_tables(default_world):
    for table in RAW_TABLES:
        text = (day(default_world, 0) / f"{table.name}.csv").read_text(encoding="utf-8")
        assert "PSN-" not in text, table.name


# -- delivering table by table ---------------------------------------------------


def _clean_rows(key: str, record_ids: list[str], persons: list[int]) -> pa.Table:
    return pa.table({key: record_ids, "__person": pa.array(persons, pa.int64())})


def test_a_completed_table_is_delivered_at_once_and_kept_in_the_ground_truth():
    delivered = []
    batch = Batch(deliver=lambda table, rows: delivered.append((table, rows.take(table).num_rows)))
    batch.add("support_surveys", _clean_rows("survey_id", ["SS-1", "SS-2"], [1, 2]))
    batch.add("privacy_requests", _clean_rows("request_id", ["PR-1"], [3]))
    batch.complete("support_surveys")
    assert delivered == [("support_surveys", 2)]
    assert "support_surveys" not in batch.pieces
    truth = batch.ground_truth()
    assert truth["source_table"].to_pylist() == ["support_surveys", "support_surveys", "privacy_requests"]
    assert truth["person_id"].to_pylist() == ["PSN-0000001", "PSN-0000002", "PSN-0000003"]
    with pytest.raises(ValueError, match="support_surveys"):
        batch.add("support_surveys", _clean_rows("survey_id", ["SS-3"], [4]))


def test_manifest_lists_sections_in_rank_order_whenever_they_are_noted():
    manifest = Manifest()
    with manifest.section(2):
        manifest.note("duplicate_row", "web_events", "", pa.array(["WE-2"]))
    with manifest.section(1):
        manifest.note("duplicate_row", "web_accounts", "", pa.array(["WA-1"]))
    manifest.note("shared_phone", "_persons", "phone", pa.array(["PSN-1"]))
    assert manifest.table()["record_id"].to_pylist() == ["PSN-1", "WA-1", "WE-2"]
    assert manifest.counts()["duplicate_row"] == (0, 2)


# -- increments ------------------------------------------------------------------


def _latest_by_key(rows: pa.Table, key: str, column: str) -> dict[str, str]:
    latest: dict[str, str] = {}
    for record_id, value in zip(rows[key].to_pylist(), rows[column].to_pylist(), strict=True):
        if record_id and value and WELL_FORMED_TIMESTAMP.match(value):
            latest[record_id] = max(latest.get(record_id, value), value)
    return latest


def _rows(folder: Path, table: str) -> list[tuple]:
    return [tuple(row.values()) for row in read(folder, f"{table}.csv").to_pylist()]


def test_later_days_bring_newer_versions_and_late_rows(boosted_world):
    newer = older = 0
    for table in ("web_accounts", "loyalty_members", "email_subscribers", "shop_orders"):
        key = RAW_TABLES_BY_NAME[table].natural_key
        before = _latest_by_key(read(day(boosted_world, 0), f"{table}.csv"), key, "updated_at")
        after = read(day(boosted_world, 1), f"{table}.csv")
        for record_id, stamp in _latest_by_key(after, key, "updated_at").items():
            if record_id in before:
                newer += stamp > before[record_id]
        for record_id, stamp in zip(after[key].to_pylist(), after["updated_at"].to_pylist(), strict=True):
            if record_id in before and stamp and WELL_FORMED_TIMESTAMP.match(stamp):
                older += stamp < before[record_id]
    assert newer > 10, "profile changes and order progress give newer versions"
    assert older > 0, "late rows carry an updated_at older than one already delivered"


def test_later_days_redeliver_rows_of_earlier_days_exactly(boosted_world):
    redelivered = 0
    for number in range(1, 4):
        for table in RAW_TABLES:
            earlier = set()
            for previous in range(number):
                earlier |= set(_rows(day(boosted_world, previous), table.name))
            redelivered += sum(row in earlier for row in _rows(day(boosted_world, number), table.name))
    assert redelivered > 0


def test_day_one_has_new_customers_and_activity_inside_its_window(default_world):
    truth = {
        n: set(read(day(default_world, n), "ground_truth.csv")["person_id"].to_pylist()) for n in range(2)
    }
    assert truth[1] - truth[0], "new customers appear on day 1"
    start, end = (dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M:%S") for t in day_window(1))
    events = read(day(default_world, 1), "web_events.csv")["occurred_at"].drop_null().to_pylist()
    plain = [value for value in events if WELL_FORMED_TIMESTAMP.match(value)]
    inside = sum(start <= value < end for value in plain)
    assert inside / len(plain) > 0.95


def test_offset_timestamps_denote_the_same_instant():
    instant = ANCHOR + 14 * 3600 + 5 * 60  # 2026-01-01 14:05 UTC
    text = format_timestamps_with_offset([instant] * 4, [480, 0, -300, 330]).to_pylist()
    assert text == [
        "2026-01-01T22:05:00+08:00",
        "2026-01-01T14:05:00Z",
        "2026-01-01T09:05:00-05:00",
        "2026-01-01T19:35:00+05:30",
    ]
    for value in text:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        assert parsed.timestamp() == instant


def test_offset_timestamps_in_the_data_fall_in_the_day_they_were_delivered(boosted_world):
    """What happened on day N is stamped inside day N, whatever offset it is shown in."""
    checked = 0
    for number in (1, 2, 3):
        start, end = day_window(number)
        folder = day(boosted_world, number)
        manifest = read(folder, "_defects.csv").to_pylist()
        # Late, conflicting and re-delivered rows carry other times on purpose.
        moved = {
            (row["table"], row["record_id"])
            for row in manifest
            if row["defect"] in ("late_arrival", "conflicting_version", "duplicate_row")
        }
        shown_with_offset = {
            (row["table"], row["record_id"], row["column"])
            for row in manifest
            if row["defect"] == "timezone_offset" and row["column"] in ("occurred_at", "updated_at")
        }
        for table, record_id, column in shown_with_offset:
            if (table, record_id) in moved:
                continue
            rows = read(folder, f"{table}.csv")
            key = RAW_TABLES_BY_NAME[table].natural_key
            for value in rows.filter(pc.equal(rows[key], record_id))[column].to_pylist():
                if value and OFFSET_TIMESTAMP.match(value):
                    instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
                    assert start <= instant < end, (table, record_id, value)
                    checked += 1
    assert checked >= 20


# -- state, API and CLI ----------------------------------------------------------


def test_asking_for_a_later_day_generates_the_missing_ones_first(tmp_path):
    report = generate_days(tmp_path, 300, SEED, 2)
    assert [entry.day for entry in report.generated] == [0, 1, 2]
    assert all(day(tmp_path, n).is_dir() for n in range(3))
    again = generate_days(tmp_path, 300, SEED, "0..2")
    assert again.generated == [] and again.already_present == [0, 1, 2]


def test_a_day_deleted_from_a_generated_folder_is_reported(tmp_path):
    generate_days(tmp_path, 300, SEED, "0..1")
    for path in day(tmp_path, 0).iterdir():
        path.unlink()
    day(tmp_path, 0).rmdir()
    with pytest.raises(GenerationError, match="lacks day_0000"):
        generate_days(tmp_path, 300, SEED, "0..2")


def test_a_folder_made_with_other_settings_is_refused(tmp_path):
    generate_days(tmp_path, 300, SEED, 0)
    with pytest.raises(GenerationError, match="seed"):
        generate_days(tmp_path, 300, SEED + 1, 1)
    with pytest.raises(GenerationError, match="customers"):
        generate_days(tmp_path, 301, SEED, 1)


def test_cli_generates_a_day(tmp_path, capsys):
    code = main(["generate", "--customers", "200", "--seed", "3", "--days", "0..1", "--out", str(tmp_path)])
    assert code == 0
    assert (day(tmp_path, 1) / "web_accounts.csv").exists()
    assert "day_0001" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("3..1", "ends before it starts"),
        ("abc", "expected a day number N or a range A..B"),
        ("-1", "expected a day number N or a range A..B"),
        ("1..", "expected a day number N or a range A..B"),
    ],
)
def test_cli_explains_a_bad_days_option(tmp_path, capsys, days, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "--days", days, "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "--days" in error and message in error
    assert not any(tmp_path.iterdir())


def test_cli_reports_a_bad_config_in_one_line(tmp_path, capsys):
    config = tmp_path / "rates.toml"
    config.write_text("phone_junk = 'lots'\n")
    code = main(["generate", "--customers", "50", "--out", str(tmp_path / "o"), "--config", str(config)])
    assert code == 2
    assert "phone_junk must be a number" in capsys.readouterr().err
