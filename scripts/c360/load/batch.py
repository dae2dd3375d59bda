"""Load one batch folder: check every file first, then write table by table.

Idempotent: a (batch, table) whose file checksum is already in the ledger is
left alone; a changed file replaces that batch's rows in one transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from c360.errors import C360Error
from c360.load.extracts import (
    Extract,
    RejectedLine,
    file_checksum,
    find_extracts,
    read_batches,
    read_header,
)
from c360.load.sinks import open_sink
from c360.targets import DuckDBTarget, PostgresTarget, resolve_target


@dataclass(frozen=True)
class TableLoad:
    table: str
    file_name: str
    outcome: str  # loaded | unchanged | replaced
    row_count: int | None
    rejected_count: int = 0


@dataclass
class LoadReport:
    batch_id: str
    target: str
    tables: list[TableLoad] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_loaded(self) -> int:
        return sum(table.row_count or 0 for table in self.tables if table.outcome != "unchanged")

    def summary(self) -> str:
        lines = [f"batch {self.batch_id} -> {self.target} ({self.seconds:.1f} s)"]
        for table in self.tables:
            rows = "" if table.row_count is None else f"{table.row_count:>12,} rows"
            if table.rejected_count:
                rows += f", {table.rejected_count:,} malformed lines kept in raw._load_rejects"
            lines.append(f"  {table.table:<32} {table.outcome:<10} {rows}")
        return "\n".join(lines)


def load_batch(
    batch_dir: Path | str,
    target: DuckDBTarget | PostgresTarget | str | None = None,
    *,
    batch_id: str | None = None,
    loaded_at: datetime | None = None,
) -> LoadReport:
    """Load every extract in ``batch_dir`` into ``target`` and report what happened."""
    started = time.perf_counter()
    batch_dir = Path(batch_dir)
    resolved = target if isinstance(target, DuckDBTarget | PostgresTarget) else resolve_target(target)
    batch_id = batch_id or batch_dir.name
    loaded_at = _as_naive_utc(loaded_at or datetime.now(UTC))
    extracts = find_extracts(batch_dir)
    # Check every header before writing anything, so a bad file stops the whole batch cleanly.
    for extract in extracts:
        read_header(extract)
    report = LoadReport(batch_id=batch_id, target=resolved.name)
    sink = open_sink(resolved)
    try:
        _check_load_comes_after_earlier_loads(sink, loaded_at)
        for extract in extracts:
            report.tables.append(_load_extract(sink, extract, batch_id, loaded_at))
    finally:
        sink.close()
    report.seconds = time.perf_counter() - started
    return report


def _check_load_comes_after_earlier_loads(sink, loaded_at: datetime) -> None:
    """Incremental models find what is new by comparing _loaded_at with the latest load they
    have built (docs/staging_pattern.md): a load stamped at or before an earlier one would
    never be seen by them."""
    latest = sink.latest_loaded_at()
    if latest is not None and loaded_at <= latest:
        raise C360Error(
            f"cannot stamp this load {loaded_at.isoformat(sep=' ')} UTC: a load of "
            f"{latest.isoformat(sep=' ')} UTC is already in the warehouse, and incremental builds "
            "find new rows by a later _loaded_at; give a later --loaded-at (or none: now)"
        )


def _as_naive_utc(moment: datetime) -> datetime:
    """Raw timestamps are stored without a zone and mean UTC; a naive input already means UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _load_extract(sink, extract: Extract, batch_id: str, loaded_at: datetime) -> TableLoad:
    sink.ensure_table(extract.schema, extract.table, extract.columns)
    checksum = file_checksum(extract.path)
    previous = sink.loaded_checksum(batch_id, extract.qualified_table)
    if previous == checksum:
        return TableLoad(extract.qualified_table, extract.path.name, "unchanged", None)
    rejected: list[RejectedLine] = []
    rows = sink.replace_batch(
        extract.qualified_table,
        extract.columns,
        read_batches(extract, rejected),
        batch_id=batch_id,
        loaded_at=loaded_at,
        file_name=extract.path.name,
        checksum=checksum,
        rejected=rejected,
    )
    outcome = "loaded" if previous is None else "replaced"
    return TableLoad(extract.qualified_table, extract.path.name, outcome, rows, len(rejected))
