"""Find and read the extract files of one batch, with clear errors.

Every extract is read as text columns in record batches, so that a malformed
value never fails a load and memory stays flat however large the file is.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from c360.errors import C360Error
from c360.raw_tables import (
    GROUND_TRUTH_COLUMNS,
    GROUND_TRUTH_SCHEMA,
    GROUND_TRUTH_TABLE,
    RAW_SCHEMA,
    RAW_TABLES,
)

SUPPORTED_SUFFIXES = (".csv", ".parquet")
# Large blocks keep the per-batch overhead of the database inserts small.
CSV_BLOCK_BYTES = 64 * 1024 * 1024
PARQUET_BATCH_ROWS = 500_000


class ExtractError(C360Error, ValueError):
    """An extract cannot be loaded; the message names the file and the problem."""


@dataclass(frozen=True)
class Extract:
    """One file of a batch and the table it loads into."""

    path: Path
    schema: str
    table: str
    columns: tuple[str, ...]

    @property
    def qualified_table(self) -> str:
        return f"{self.schema}.{self.table}"


def find_extracts(batch_dir: Path) -> list[Extract]:
    """Return the extracts present in ``batch_dir``, in contract order."""
    if not batch_dir.is_dir():
        raise ExtractError(f"{batch_dir}: batch folder not found")
    wanted = [(RAW_SCHEMA, table.name, table.columns) for table in RAW_TABLES]
    wanted.append((GROUND_TRUTH_SCHEMA, GROUND_TRUTH_TABLE, GROUND_TRUTH_COLUMNS))
    file_stems = {RAW_SCHEMA: None, GROUND_TRUTH_SCHEMA: "ground_truth"}
    extracts = []
    for schema, table, columns in wanted:
        stem = file_stems[schema] or table
        found = [batch_dir / f"{stem}{suffix}" for suffix in SUPPORTED_SUFFIXES]
        present = [path for path in found if path.is_file()]
        if len(present) > 1:
            raise ExtractError(f"{batch_dir}: both {present[0].name} and {present[1].name} found; keep one")
        if present:
            extracts.append(Extract(present[0], schema, table, columns))
    if not any(extract.schema == RAW_SCHEMA for extract in extracts):
        expected = ", ".join(f"{table.name}.csv" for table in RAW_TABLES[:3])
        raise ExtractError(f"{batch_dir}: no raw table files found (expected names such as {expected}, ...)")
    return extracts


def file_checksum(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "blake2b").hexdigest()


def read_header(extract: Extract) -> list[str]:
    """Column names of the file, checked against the contract."""
    path = extract.path
    try:
        if path.suffix == ".parquet":
            header = pq.read_schema(path).names
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error, pa.ArrowException) as error:
        raise ExtractError(f"{path}: unreadable: {error}") from error
    if not header:
        raise ExtractError(f"{path}: empty file, expected a header line with the column names")
    header = [name.strip() for name in header]
    missing = [column for column in extract.columns if column not in header]
    if missing:
        raise ExtractError(
            f"{path}: missing required column(s) {', '.join(missing)} for table {extract.qualified_table}"
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise ExtractError(f"{path}: column(s) {', '.join(duplicated)} appear more than once")
    return header


@dataclass(frozen=True)
class RejectedLine:
    """A CSV record that could not be split into the header's columns."""

    line_number: int | None
    reason: str
    text: str


def read_batches(extract: Extract, rejected: list[RejectedLine] | None = None) -> Iterator[pa.RecordBatch]:
    """Yield the contract columns as text, with ``_row_number`` (1-based, file order) first.

    Records with the wrong number of fields are not loaded but appended to
    ``rejected`` (so they are counted and kept, never dropped silently).
    """
    header = read_header(extract)
    rejected = rejected if rejected is not None else []
    next_row_number = 1
    for batch in _raw_batches(extract, header, rejected):
        row_numbers = pa.array(range(next_row_number, next_row_number + batch.num_rows), pa.int64())
        next_row_number += batch.num_rows
        columns = [_as_text(batch.column(batch.schema.get_field_index(name))) for name in extract.columns]
        yield pa.RecordBatch.from_arrays([row_numbers, *columns], names=["_row_number", *extract.columns])


def _raw_batches(
    extract: Extract, header: list[str], rejected: list[RejectedLine]
) -> Iterator[pa.RecordBatch]:
    path = extract.path
    try:
        if path.suffix == ".parquet":
            yield from pq.ParquetFile(path).iter_batches(batch_size=PARQUET_BATCH_ROWS)
            return
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(block_size=CSV_BLOCK_BYTES, column_names=header, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True,
                invalid_row_handler=lambda row: _reject(row, rejected),
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                # An unquoted empty field is missing; a quoted "" is an empty string.
                strings_can_be_null=True,
                # Only an empty field is missing: "n/a", "NULL" or "NaN" are data staging must see.
                null_values=[""],
                quoted_strings_can_be_null=False,
            ),
        )
        yield from reader
    except pa.ArrowInvalid as error:
        raise ExtractError(f"{path}: unreadable: {error}") from error


def _reject(row: pa_csv.InvalidRow, rejected: list[RejectedLine]) -> str:
    reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
    rejected.append(RejectedLine(row.number, reason, row.text))
    return "skip"


def _as_text(column: pa.Array) -> pa.Array:
    # Parquet extracts may carry typed columns; raw keeps every value as text.
    return column if pa.types.is_string(column.type) else column.cast(pa.string())
