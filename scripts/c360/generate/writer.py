"""Write a day's folder: one RFC 4180 CSV per raw table plus side files.

Files go to a temporary folder first and are moved into place at the end, so
a crash never leaves a half-written day behind.
"""

from __future__ import annotations

import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv

GROUND_TRUTH_FILE = "ground_truth.csv"
MANIFEST_FILE = "_defects.csv"
COUNTS_FILE = "_defect_counts.csv"


def day_folder_name(day: int) -> str:
    return f"day_{day:04d}"


def write_csv(table: pa.Table, path: Path) -> None:
    """Every value as text; quoting keeps commas, quotes and newlines intact."""
    table = table.cast(pa.schema([pa.field(name, pa.string()) for name in table.column_names]))
    options = pa_csv.WriteOptions(include_header=True, quoting_style="needed")
    pa_csv.write_csv(table, path, options)


class DayWriter:
    """Collects a day's files in ``<out>/.day_NNNN.tmp`` and publishes them at once.

    Files are written on a background thread (Arrow's CSV writer releases the
    GIL), so the next table is prepared while the previous one is written.
    Used as a context manager: the folder is published only if all went well.
    """

    def __init__(self, out_dir: Path, day: int) -> None:
        self.final = out_dir / day_folder_name(day)
        self.staging = out_dir / f".{day_folder_name(day)}.tmp"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="csv-writer")
        self._pending: list[Future] = []

    def __enter__(self) -> DayWriter:
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        return self

    def write(self, name: str, table: pa.Table) -> None:
        self._pending.append(self._pool.submit(write_csv, table, self.staging / name))
        # At most one table waiting: bounds the memory held by queued tables.
        while len(self._pending) > 1:
            self._pending.pop(0).result()

    def __exit__(self, error_type, error, traceback) -> None:
        try:
            for pending in self._pending:
                # After a failure elsewhere, wait without masking the original error.
                pending.result() if error_type is None else pending.exception()
        finally:
            self._pool.shutdown(wait=True)
        if error_type is None:
            self._publish()

    def _publish(self) -> None:
        if self.final.exists():
            shutil.rmtree(self.final)
        self.staging.rename(self.final)
