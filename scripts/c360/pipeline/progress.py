"""Progress on the terminal: one line per step, e.g.

    day 3/30  [7/9] snapshots ... ok 2.1 s (2 snapshots, 22 tests passed, 120 versions recorded)

The step's name is printed when it starts and its outcome when it ends, so a
long step shows what is running. Failures are followed by one indented line
per failing node saying why.
"""

from __future__ import annotations

import sys
from typing import TextIO

# (resource type, status) -> words, in the order they are printed.
COUNT_WORDS = (
    ("seed", "success", "seeds loaded"),
    ("source", "pass", "sources fresh"),
    ("source", "warn", "sources late (warn)"),
    ("source", "error", "sources stale"),
    ("model", "success", "models"),
    ("snapshot", "success", "snapshots"),
    ("test", "pass", "tests passed"),
    ("test", "warn", "tests warned"),
    ("test", "fail", "tests failed"),
    ("test", "error", "tests errored"),
    ("model", "error", "models errored"),
    ("snapshot", "error", "snapshots errored"),
)


def describe_counts(counts: dict) -> str:
    """A short human summary of a step's counts (the run log keeps them all)."""
    parts = []
    if "tables_loaded" in counts:
        parts.append(f"{counts['rows_loaded']:,} rows into {counts['tables_loaded']} tables")
        if counts.get("tables_unchanged"):
            parts.append(f"{counts['tables_unchanged']} tables already loaded")
        if counts.get("rejected_lines"):
            parts.append(f"{counts['rejected_lines']:,} malformed lines kept aside")
    if "rows_generated" in counts:
        parts.append(f"{counts['rows_generated']:,} rows in {counts['tables']} tables")
    if counts.get("reason"):
        parts.append(counts["reason"])
    nodes = counts.get("nodes", {})
    for resource_type, status, words in COUNT_WORDS:
        number = nodes.get(resource_type, {}).get(status, 0)
        if number:
            parts.append(f"{number:,} {words}")
    skipped = sum(by_status.get("skipped", 0) for by_status in nodes.values())
    if skipped:
        parts.append(f"{skipped:,} skipped")
    if "versions_recorded" in counts:
        parts.append(f"{counts['versions_recorded']:,} versions recorded")
    return ", ".join(parts)


class Progress:
    def __init__(self, last_day: int, step_count: int, stream: TextIO | None = None) -> None:
        self.last_day = last_day
        self.step_count = step_count
        self.stream = stream or sys.stdout

    def _print(self, text: str, end: str = "\n") -> None:
        self.stream.write(text + end)
        self.stream.flush()

    def _prefix(self, day: int, index: int, label: str) -> str:
        return f"day {day}/{self.last_day}  [{index}/{self.step_count}] {label} ..."

    def day_already_done(self, day: int) -> None:
        self._print(f"day {day}/{self.last_day}  already complete, nothing to do")

    def step_started(self, day: int, index: int, label: str) -> None:
        self._print(self._prefix(day, index, label), end="")

    def step_skipped(self, day: int, index: int, label: str) -> None:
        self._print(f"{self._prefix(day, index, label)} done in an earlier run")

    def step_finished(self, status: str, seconds: float, counts: dict) -> None:
        summary = describe_counts(counts)
        self._print(f" {status} {seconds:.1f} s" + (f" ({summary})" if summary else ""))

    def step_failed(self, seconds: float, counts: dict, why: list[str]) -> None:
        self.step_finished("FAILED", seconds, counts)
        for line in why:
            self._print(f"    {line}")

    def day_finished(self, day: int, seconds: float) -> None:
        self._print(f"day {day}/{self.last_day}  complete in {seconds:.1f} s")

    def day_stopped(self, day: int, step_label: str) -> None:
        self._print(
            f"day {day}/{self.last_day}  stopped at {step_label}: later steps (marts included) "
            "were not run; fix the cause and run the same command again to resume"
        )

    def note_started(self, text: str) -> None:
        self._print(f"{text} ...", end="")

    def note(self, text: str) -> None:
        self._print(text)
