"""The machine-readable run log: one JSON object per line, appended and flushed as it happens.

Every event carries the run id, the event name and a UTC time. Step events
come in pairs, ``running`` when a step starts and ``ok``, ``failed`` or
``skipped`` when it ends (with its duration and counts), so a reader can tell
which step a killed run was in. Each line is written with a single
``write`` and flushed to disk before the step goes on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from c360.pipeline.state import as_text, utc_now


class RunLog:
    def __init__(self, path: Path, run_id: str) -> None:
        self.path = path
        self.run_id = run_id
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")

    def write(self, event: str, **fields) -> None:
        record = {"run_id": self.run_id, "event": event, "at": as_text(utc_now()), **fields}
        self._file.write(json.dumps(record, sort_keys=True, default=str) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()


def read_run_log(path: Path) -> list[dict]:
    """Every complete event in ``path`` (a line cut short by a crash is ignored)."""
    events = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events
