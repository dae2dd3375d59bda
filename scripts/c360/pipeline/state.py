"""What the pipeline has finished on one warehouse, so that a rerun skips it and a crash resumes.

The state is one JSON file, rewritten whole after every step (written to a
temporary file, flushed to disk, then renamed over the old one), so it is
always either the state before a step or the state after it, never half of
each. A step is recorded only once it has finished: a step killed half-way is
not recorded and runs again, which is safe because every step is idempotent
(the loader keeps a ledger of batches, dbt rebuilds its tables, a snapshot of
unchanged data adds nothing).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from c360.errors import C360Error

FORMAT_VERSION = 1
STATE_FILE = "state.json"


class PipelineStateError(C360Error):
    """The state file cannot be used (unreadable, another format, or for another warehouse)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class PipelineState:
    path: Path
    data: dict

    @classmethod
    def open(cls, state_dir: Path, warehouse: str) -> PipelineState:
        """The state of ``warehouse`` kept in ``state_dir`` (empty if there is none yet)."""
        path = state_dir / STATE_FILE
        if not path.exists():
            return cls(path, {"format": FORMAT_VERSION, "warehouse": warehouse, "seeds": None, "days": {}})
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise PipelineStateError(f"{path} is not a readable pipeline state: {error}") from None
        if data.get("format") != FORMAT_VERSION:
            raise PipelineStateError(f"{path} has format {data.get('format')!r}, expected {FORMAT_VERSION}")
        if data.get("warehouse") != warehouse:
            raise PipelineStateError(
                f"{path} belongs to warehouse {data.get('warehouse')!r}, not {warehouse!r}; "
                "use another --state-dir"
            )
        return cls(path, data)

    # --- reading -------------------------------------------------------------------------

    def _day(self, day: int) -> dict:
        return self.data["days"].get(str(day), {})

    def completed_days(self) -> list[int]:
        return sorted(
            int(day) for day, entry in self.data["days"].items() if entry.get("status") == "complete"
        )

    def is_day_complete(self, day: int) -> bool:
        return self._day(day).get("status") == "complete"

    def finished_at(self, day: int) -> datetime | None:
        """When ``day`` last completed on this warehouse (UTC), or None."""
        text = self._day(day).get("finished_at") if self.is_day_complete(day) else None
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None

    def is_step_done(self, day: int, step: str) -> bool:
        return step in self._day(day).get("steps", {})

    @property
    def seeds_checksum(self) -> str | None:
        return self.data.get("seeds")

    # --- writing -------------------------------------------------------------------------

    def start_day(self, day: int, started_at: datetime) -> None:
        entry = self.data["days"].setdefault(str(day), {"steps": {}})
        entry.setdefault("started_at", as_text(started_at))
        entry["status"] = "running"
        self.save()

    def step_done(self, day: int, step: str, finished_at: datetime, counts: dict) -> None:
        self._day(day)["steps"][step] = {"finished_at": as_text(finished_at), "counts": counts}
        self.save()

    def step_failed(self, day: int, step: str, finished_at: datetime, why: list[str]) -> None:
        entry = self._day(day)
        entry["status"] = "failed"
        entry["failure"] = {"step": step, "at": as_text(finished_at), "why": why}
        self.save()

    def day_complete(self, day: int, finished_at: datetime) -> None:
        entry = self._day(day)
        entry["status"] = "complete"
        entry.pop("failure", None)
        entry["finished_at"] = as_text(finished_at)
        self.save()

    def forget_day(self, day: int) -> None:
        """Run ``day`` again from its first step (``--redo``)."""
        entry = self._day(day)
        if entry:
            entry["steps"] = {}
            entry["status"] = "running"
            self.save()

    def leftover_tests(self, selection_digest: str) -> list[str] | None:
        """The tests the post_tests step runs, if they were found for this digest of the project
        and the steps' selections (Pipeline._leftover_tests)."""
        found = self.data.get("leftover_tests")
        if isinstance(found, dict) and found.get("selection_digest") == selection_digest:
            tests = found.get("tests")
            if isinstance(tests, list) and all(isinstance(name, str) for name in tests):
                return list(tests)
        return None

    def set_leftover_tests(self, selection_digest: str, tests: list[str]) -> None:
        self.data["leftover_tests"] = {"selection_digest": selection_digest, "tests": sorted(tests)}
        self.save()

    def set_seeds_checksum(self, checksum: str) -> None:
        self.data["seeds"] = checksum
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.data, indent=2, sort_keys=True) + "\n"
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".state-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
