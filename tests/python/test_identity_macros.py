"""Table-driven checks of the identity and privacy macros on DuckDB and PostgreSQL.

Same harness as ``test_macros.py`` (whose helpers are imported): every case
renders one macro call next to its expected value, all cases go into ONE query
per engine run through ``dbt show --inline``, and each failing case is reported
by id. Expected values come from Python (a reference Levenshtein, hashlib) or
are written out by hand, never from the SQL under test.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from c360.pg_server import RunningServer
from conftest import recreate_postgres_database
from test_macros import (
    PROJECT_DIR,
    Case,
    call,
    equals,
    failing_cases,
    render_query,
    show,
    sql_text,
    text_cases,
    with_unique_ids,
)

HASH_KEY_VARIABLE = "C360_HASH_KEY"
# a quote and a backslash: the key must reach the SQL as a properly quoted literal
TEST_HASH_KEY = "test-only 'key' \\ ü"
NAME_MATCH_KEY_MACRO = PROJECT_DIR / "macros" / "identity" / "name_match_key.sql"


# --- references -----------------------------------------------------------------


def levenshtein(left: str, right: str) -> int:
    """Edit distance in code points, the textbook dynamic programme."""
    previous = list(range(len(right) + 1))
    for left_index, left_character in enumerate(left, 1):
        current = [left_index]
        for right_index, right_character in enumerate(right, 1):
            current.append(
                min(
                    previous[right_index] + 1,
                    current[right_index - 1] + 1,
                    previous[right_index - 1] + (left_character != right_character),
                )
            )
        previous = current
    return previous[-1]


def similarity(left: str | None, right: str | None) -> float | None:
    if not left or not right:
        return None
    return 1 - levenshtein(left, right) / max(len(left), len(right))


def sql_double(value: float | None) -> str:
    # repr() round-trips, so the literal is the very double Python computed
    return "cast(null as double precision)" if value is None else f"cast('{value!r}' as double precision)"


def keyed_sha256(key: str, value: str) -> str:
    return hashlib.sha256(f"{key}:{value}".encode()).hexdigest()


def spark_accent_lists() -> tuple[str, str]:
    """The accented letters and their base letters listed in default__name_match_key."""
    text = NAME_MATCH_KEY_MACRO.read_text(encoding="utf-8")

    def joined(name: str) -> str:
        statement = re.search(r"\{%-? set " + name + r" = (.*?)-?%\}", text, re.S)
        assert statement, f"no '{name}' list in {NAME_MATCH_KEY_MACRO.name}"
        return "".join(re.findall(r"'([^']*)'", statement.group(1)))

    return joined("accented"), joined("unaccented")


# --- cases --------------------------------------------------------------------


def name_similarity_cases() -> Iterator[Case]:
    pairs = [
        ("identical", "ann", "ann"),
        ("identical_cjk", "李娜", "李娜"),
        ("cjk_one_substitution", "李娜", "李那"),
        ("cjk_vs_latin", "李娜", "lina"),
        ("one_insertion", "jon", "john"),
        ("one_deletion", "john", "jon"),
        ("one_substitution", "smith", "smyth"),
        ("transposition", "maria", "mraia"),
        ("adjacent_swap", "ab", "ba"),
        ("kitten_sitting", "kitten", "sitting"),
        ("nothing_in_common", "abc", "xyz"),
        ("case_counts", "Ann", "ann"),
        ("accent_counts", "josé", "jose"),
        ("mixed_script", "ann\u0430", "anna"),  # a Cyrillic last letter
        ("astral_characters", "😀a", "😀b"),
        ("single_characters", "a", "b"),
        ("long_over_255", "a" * 300 + "é", "a" * 300 + "e"),
        ("long_ascii", "ab" * 150, "ba" * 150),
        ("empty_left", "", "ann"),
        ("empty_right", "ann", ""),
        ("both_empty", "", ""),
        ("null_left", None, "ann"),
        ("null_right", "ann", None),
        ("both_null", None, None),
        ("null_and_empty", None, ""),
    ]
    for case_id, left, right in pairs:
        yield equals(
            f"name_similarity:{case_id}",
            call("name_similarity", sql_text(left), sql_text(right)),
            sql_double(similarity(left, right)),
        )
    # the macro as models use it: qualified columns of a relation (inside DuckDB's lambdas too)
    qualified = (
        '"(select " ~ customer360.name_similarity("pair.left_name", "pair.right_name")'
        " ~ \" from (select '李娜' as left_name, '李那' as right_name) as pair)\""
    )
    yield equals("name_similarity:qualified_columns", qualified, sql_double(similarity("李娜", "李那")))
    yield Case(
        "name_similarity:returns_double",
        call("name_similarity", sql_text("jon"), sql_text("john")),
        "{% if target.type == 'postgres' %}pg_typeof({actual})::text = 'double precision'"
        "{% else %}typeof({actual}) = 'DOUBLE'{% endif %}",
        "'double'",
    )
    distances = [
        ("kitten_sitting", "kitten", "sitting"),
        ("cjk", "李娜", "李那"),
        ("empty_left", "", "abc"),
        ("empty_right", "abc", ""),
        ("empty_cjk", "", "李娜"),
        ("identical", "ann", "ann"),
    ]
    for case_id, left, right in distances:
        yield equals(
            f"levenshtein_distance:{case_id}",
            call("levenshtein_distance", sql_text(left), sql_text(right)),
            str(levenshtein(left, right)),
        )
    yield equals(
        "levenshtein_distance:null",
        call("levenshtein_distance", sql_text(None), sql_text("abc")),
        "cast(null as integer)",
    )


def name_match_key_cases() -> Iterator[Case]:
    rows = [
        ("brief_example", "José  O'Brien", "joseobrien"),
        ("cjk_spaced", "李 娜", "李娜"),
        ("cjk_unchanged", "李娜", "李娜"),
        ("hangul", "김 민수", "김민수"),
        ("kana", "さとう ハナ", "さとうハナ"),
        ("upper_case", "ANN-MARIE", "annmarie"),
        ("accents", "Zoë Ñúñez", "zoenunez"),
        ("decomposed_accent", "Jose\u0301", "jose"),
        ("french", "Élodie Françoise", "elodiefrancoise"),
        ("polish", "Łukasz Żółć", "łukaszzołc"),
        ("letters_without_decomposition", "Søren Ærø Đorđe", "sørenærøđorđe"),
        ("sharp_s_kept", "Straße", "straße"),
        ("dotted_capital_i", "İpek", "ipek"),
        ("romanian_comma_below", "Ștefan Țară", "stefantara"),
        ("vietnamese", "Nguyễn Văn Đức", "nguyenvanđuc"),
        ("cyrillic", "Ёлкин Йордан", "елкиниордан"),
        ("greek_final_sigma", "ΟΔΥΣΣΕΥΣ", "οδυσσευσ"),
        ("greek_accent", "Οδυσσεύς", "οδυσσευσ"),
        ("digits_kept", "Anne 2nd", "anne2nd"),
        ("fullwidth_letters", "\uff2a\uff2f\uff28\uff2e", "\uff4a\uff4f\uff48\uff4e"),
        ("superscript_is_not_a_digit", "Ann²", "ann"),
        ("emoji_dropped", "Ann 😀", "ann"),
        # symbols and marks that a libc locale counts as alphabetic
        ("circled_letter_dropped", "\u24b6nn", "nn"),
        ("greek_iota_subscript", "\u1fb3", "\u03b1"),
        ("arabic_madda", "\u0622\u0645\u0646\u0629", "\u0627\u0645\u0646\u0629"),
        ("controls_and_symbols", "a\tb\u00a0c-d.e_f", "abcdef"),
        ("only_punctuation", "'-- .", None),
        ("blank", "   ", None),
        ("empty", "", None),
        ("null", None, None),
    ]
    yield from text_cases("name_match_key", rows)
    for case_id, left, right in (
        ("case_and_accents_ignored", "JOSÉ GARCÍA", "jose garcia"),
        ("punctuation_ignored", "O'Brien-Smith", "obriensmith"),
    ):
        left_key = call("name_match_key", sql_text(left))
        yield equals(
            f"name_match_key:{case_id}", left_key, "{{ " + call("name_match_key", sql_text(right)) + " }}"
        )
    # the letters Spark translates by list: DuckDB and PostgreSQL must agree with the list
    accented, unaccented = spark_accent_lists()
    yield equals(
        "name_match_key:agrees_with_spark_list",
        call("name_match_key", sql_text(accented)),
        sql_text(unaccented.lower().replace("\u03c2", "\u03c3")),  # final sigma folded
    )


def mask_email_cases() -> Iterator[Case]:
    yield from text_cases(
        "mask_email",
        [
            ("plain", "ann.lee@example.com", "a***@example.com"),
            ("subdomain", "bo@mail.example.co.uk", "b***@mail.example.co.uk"),
            ("one_character_local", "a@example.com", "a***@example.com"),
            ("cjk_local", "李娜@example.cn", "李***@example.cn"),
            ("last_at_splits", '"a@b"@example.com', '"***@example.com'),
            ("empty_local", "@example.com", "***@example.com"),
            ("empty_domain", "ann@", "a***@"),
            ("no_at", "annlee", "***"),
            ("empty", "", "***"),
            ("null", None, None),
        ],
    )


def mask_phone_cases() -> Iterator[Case]:
    yield from text_cases(
        "mask_phone",
        [
            ("us", "+14155550134", "+14*******34"),
            ("cn_mobile", "+8613800138000", "+86*********00"),
            ("de_short", "+4930123456", "+49******56"),
            ("six_characters", "+12345", "+12*45"),
            ("five_characters", "+1234", "***"),
            ("one_character", "+", "***"),
            ("empty", "", "***"),
            ("null", None, None),
        ],
    )


def keyed_hash_cases() -> Iterator[Case]:
    for case_id, value in (
        ("email", "ann.lee@example.com"),
        ("phone", "+14155550134"),
        ("cjk", "李娜"),
        ("empty_value", ""),
        ("quote_in_value", "o'brien"),
    ):
        yield equals(
            f"keyed_hash:{case_id}",
            call("keyed_hash", sql_text(value)),
            f"'{keyed_sha256(TEST_HASH_KEY, value)}'",
        )
    yield equals(
        "keyed_hash:number_as_text", call("keyed_hash", "12345"), f"'{keyed_sha256(TEST_HASH_KEY, '12345')}'"
    )
    yield equals("keyed_hash:null", call("keyed_hash", sql_text(None)), "cast(null as varchar)")
    # keyed: not the plain hash of the value
    yield Case(
        "keyed_hash:differs_from_unkeyed",
        call("keyed_hash", sql_text("ann")),
        "({actual}) <> '" + hashlib.sha256(b"ann").hexdigest() + "'",
        "'a different hash'",
    )


def all_cases() -> list[Case]:
    cases = [
        *name_similarity_cases(),
        *name_match_key_cases(),
        *mask_email_cases(),
        *mask_phone_cases(),
        *keyed_hash_cases(),
    ]
    return with_unique_ids(cases)


# --- running ------------------------------------------------------------------


def run_cases(target: str, work_dir: Path) -> list[str]:
    """Run every case on one target; return a line per failing case."""
    return failing_cases(all_cases(), target, work_dir)


def missing_key_error(target: str, work_dir: Path) -> str:
    """Compile a keyed_hash call; return dbt's error text (fails the test if dbt succeeds)."""
    messages: list[str] = []
    query = "select {{ " + call("keyed_hash", "'ann'") + " }} as hashed"
    result = show(query, target, work_dir, messages)
    assert not result.success, f"dbt show succeeded on {target} without {HASH_KEY_VARIABLE}"
    return "\n".join([str(result.exception), *messages])


# Every test of an engine runs dbt in the same folder (and on PostgreSQL in a
# database of the same name, made anew each time): dbt parses the project once
# per engine and later runs reuse the saved manifest, instead of a full parse
# per test.
@pytest.fixture(scope="module")
def duckdb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("identity_macros_duckdb")


@pytest.fixture(scope="module")
def postgres_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("identity_macros_postgres")


@pytest.fixture
def duckdb_target(duckdb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("C360_DUCKDB_PATH", str(duckdb_dir / "identity_macros.duckdb"))
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    return "dev"


def use_new_postgres_database(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch, create_options: str = ""
) -> str:
    database = f"c360_identity_macros_{os.getpid()}"
    for name, value in recreate_postgres_database(server, database, create_options).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    return "postgres"


@pytest.fixture
def postgres_target(postgres_server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> str:
    return use_new_postgres_database(postgres_server, monkeypatch)


@pytest.mark.dbt
def test_identity_macros_on_duckdb(
    duckdb_target: str, duckdb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HASH_KEY_VARIABLE, TEST_HASH_KEY)
    failures = run_cases(duckdb_target, duckdb_dir)
    assert not failures, f"{len(failures)} case(s) failed on DuckDB:\n" + "\n".join(failures)


@pytest.mark.dbt
@pytest.mark.postgres
def test_identity_macros_on_postgres(
    postgres_target: str, postgres_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HASH_KEY_VARIABLE, TEST_HASH_KEY)
    failures = run_cases(postgres_target, postgres_dir)
    assert not failures, f"{len(failures)} case(s) failed on PostgreSQL:\n" + "\n".join(failures)


@pytest.mark.dbt
@pytest.mark.postgres
def test_identity_macros_on_postgres_c_locale(
    postgres_server: RunningServer, postgres_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database whose locale knows only ASCII letters gives the same answers (ICU, not libc)."""
    target = use_new_postgres_database(
        postgres_server, monkeypatch, "template template0 encoding 'UTF8' locale 'C'"
    )
    connection = psycopg2.connect(
        host=os.environ["C360_PG_HOST"],
        port=int(os.environ["C360_PG_PORT"]),
        user=os.environ["C360_PG_USER"],
        password=os.environ["C360_PG_PASSWORD"],
        dbname=os.environ["C360_PG_DATABASE"],
    )
    with connection, connection.cursor() as cursor:
        cursor.execute("select datctype from pg_database where datname = current_database()")
        assert cursor.fetchone() == ("C",)
    connection.close()
    monkeypatch.setenv(HASH_KEY_VARIABLE, TEST_HASH_KEY)
    failures = run_cases(target, postgres_dir)
    assert not failures, f"{len(failures)} case(s) failed on PostgreSQL (C locale):\n" + "\n".join(failures)


@pytest.mark.dbt
@pytest.mark.parametrize("key_state", ["unset", "empty"])
def test_keyed_hash_without_key_fails_clearly_on_duckdb(
    duckdb_target: str, key_state: str, duckdb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if key_state == "unset":
        monkeypatch.delenv(HASH_KEY_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(HASH_KEY_VARIABLE, "")
    error = missing_key_error(duckdb_target, duckdb_dir)
    assert f"Set {HASH_KEY_VARIABLE}" in error, error


@pytest.mark.dbt
@pytest.mark.postgres
def test_keyed_hash_without_key_fails_clearly_on_postgres(
    postgres_target: str, postgres_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(HASH_KEY_VARIABLE, raising=False)
    error = missing_key_error(postgres_target, postgres_dir)
    assert f"Set {HASH_KEY_VARIABLE}" in error, error


def test_spark_accent_list_matches_unicode_decomposition() -> None:
    """Each listed letter maps to the first character of its canonical decomposition, and none is missing."""
    accented, unaccented = spark_accent_lists()
    assert len(accented) == len(unaccented) == len(set(accented))
    for letter, base in zip(accented, unaccented, strict=True):
        assert unicodedata.normalize("NFD", letter)[0] == base, f"{letter} (U+{ord(letter):04X}) -> {base}"
    blocks = [(0x00C0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x1E00, 0x1EFF)]
    expected = {
        chr(code)
        for low, high in blocks
        for code in range(low, high + 1)
        if unicodedata.category(chr(code)).startswith("L")
        and unicodedata.normalize("NFD", chr(code)) != chr(code)
    }
    assert set(accented) == expected


def test_references_are_right() -> None:
    """The Python references the cases are built from."""
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("李娜", "李那") == 1
    assert levenshtein("", "abc") == 3
    assert similarity("李娜", "李那") == 0.5
    assert similarity("", "a") is None
    assert keyed_sha256("k", "v") == hashlib.sha256(b"k:v").hexdigest()


def test_cases_render_as_one_statement() -> None:
    cases = all_cases()
    assert render_query(cases).count("\nunion all\n") == len(cases) - 1
    assert all(re.fullmatch(r"[a-z0-9_]+:[a-z0-9_]+", case.case_id) for case in cases)


# --- clusters: passes grow with the logarithm of a chain's length ---------------------------

# Join rounds per label pass of connected_components: one over the edges, two over the labels.
JOIN_ROUNDS_PER_PASS = 3
CHAIN_PASSES_TRIED = {64: 8, 1024: 12}


def chain_components_query() -> str:
    """Chains of 64 and 1,024 records, each linked only to the next, keys in shuffled order (md5 of
    the position); one row per chain and number of passes tried, with the clusters they give."""
    chains, counts = [], []
    for length, most_passes in CHAIN_PASSES_TRIED.items():

        def key(position: str, length: int = length) -> str:
            return f"md5('chain-{length}-' || cast({position} as varchar))"

        chains.append(
            f"chain_{length}_records as (select {key('position')} as record_key"
            f" from generate_series(0, {length - 1}) as positions (position))"
        )
        chains.append(
            f"chain_{length}_links as (select {key('position + 1')} as record_key,"
            f" {key('position')} as linked_record_key"
            f" from generate_series(0, {length - 2}) as positions (position))"
        )
        for passes in range(2, most_passes + 1):
            components = f"customer360.connected_components('chain_{length}_records', 'chain_{length}_links', {passes})"
            counts.append(
                f"select {length} as chain_length, {passes} as passes, count(*) as record_count,"
                " count(distinct cluster_key) as cluster_count,"
                " sum(case when is_label_settled then 0 else 1 end) as unsettled_count"
                f" from ({{{{ {components} }}}}) as components_{length}_{passes}"
            )
    return "with " + ",\n".join(chains) + "\n" + "\nunion all\n".join(counts)


def passes_to_one_cluster(target: str, work_dir: Path) -> dict[int, int]:
    """For each chain, the fewest passes after which all its records share one cluster."""
    result = show(chain_components_query(), target, work_dir)
    assert result.success, f"dbt show failed on {target}: {result.exception}"
    rows = [
        {
            column: int(value)
            for column, value in zip(
                ("length", "passes", "records", "clusters", "unsettled"), row, strict=True
            )
        }
        for row in result.result.results[0].agate_table.rows
    ]
    fewest = {}
    for length in CHAIN_PASSES_TRIED:
        tried = sorted((row for row in rows if row["length"] == length), key=lambda row: row["passes"])
        assert [row["records"] for row in tried] == [length] * len(tried), tried
        one_cluster = [row["passes"] for row in tried if row["clusters"] == 1]
        assert one_cluster, f"chain of {length} still split after {tried[-1]['passes']} passes: {tried}"
        fewest[length] = one_cluster[0]
        # more passes keep the one cluster, and one more pass finds every label settled
        assert all(row["clusters"] == 1 for row in tried if row["passes"] >= fewest[length]), tried
        assert all(row["unsettled"] == 0 for row in tried if row["passes"] > fewest[length]), tried
        # fewer passes than that leave the chain split: the count is what the chain needs
        assert all(row["clusters"] > 1 for row in tried if row["passes"] < fewest[length]), tried
    print(
        f"{target}: passes to one cluster "
        + ", ".join(f"chain of {n}: {p} ({p * JOIN_ROUNDS_PER_PASS} join rounds)" for n, p in fewest.items())
    )
    return fewest


def assert_passes_grow_with_the_logarithm(fewest: dict[int, int]) -> None:
    # Plain min-label propagation needs a pass per hop: 63 and 1,023.
    assert fewest[64] * JOIN_ROUNDS_PER_PASS <= 16, fewest
    assert fewest[1024] <= 2 * fewest[64], fewest
    # The model's passes settle both chains.
    project = (PROJECT_DIR / "dbt_project.yml").read_text()
    identity_label_passes = int(re.search(r"identity_label_passes:\s*(\d+)", project)[1])
    assert fewest[1024] < identity_label_passes, (fewest, identity_label_passes)


@pytest.mark.dbt
def test_long_chains_resolve_in_logarithmic_passes_on_duckdb(duckdb_target: str, duckdb_dir: Path) -> None:
    assert_passes_grow_with_the_logarithm(passes_to_one_cluster(duckdb_target, duckdb_dir))


@pytest.mark.dbt
@pytest.mark.postgres
def test_long_chains_resolve_in_logarithmic_passes_on_postgres(
    postgres_target: str, postgres_dir: Path
) -> None:
    assert_passes_grow_with_the_logarithm(passes_to_one_cluster(postgres_target, postgres_dir))
