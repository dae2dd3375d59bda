"""Progress on the terminal: one line per step, e.g.

    day 3/30  [7/9] snapshots ... ok 2.1 s (2 snapshots, 22 tests passed, 120 versions recorded)

The step's name is printed when it starts and its outcome when it ends, so a
long step shows what is running. Failures are followed by one indented line
per failing node saying why, and so are warnings (a test or a source at warn
severity), which do not stop the day but should not pass unseen.
"""

from __future__ import annotations

import sys
from typing import TextIO

# (resource type, status) -> (noun, verb), in the order they are printed.
COUNT_WORDS = (
    ("seed", "success", "seed", "loaded"),
    ("source", "pass", "source", "fresh"),
    ("source", "warn", "source", "late (warn)"),
    ("source", "error", "source", "stale"),
    ("model", "success", "model", ""),
    ("snapshot", "success", "snapshot", ""),
    ("test", "pass", "test", "passed"),
    ("test", "warn", "test", "warned"),
    ("test", "fail", "test", "failed"),
    ("test", "error", "test", "errored"),
    ("model", "error", "model", "errored"),
    ("snapshot", "error", "snapshot", "errored"),
)


def _many(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def describe_counts(counts: dict) -> str:
    """A short human summary of a step's counts (the run log keeps them all)."""
    parts = []
    if "tables_loaded" in counts:
        parts.append(f"{_many(counts['rows_loaded'], 'row')} into {_many(counts['tables_loaded'], 'table')}")
        if counts.get("tables_unchanged"):
            parts.append(f"{_many(counts['tables_unchanged'], 'table')} already loaded")
        if counts.get("rejected_lines"):
            parts.append(f"{_many(counts['rejected_lines'], 'malformed line')} kept aside")
    if "rows_generated" in counts:
        parts.append(f"{_many(counts['rows_generated'], 'row')} in {_many(counts['tables'], 'table')}")
    if counts.get("reason"):
        parts.append(counts["reason"])
    nodes = counts.get("nodes", {})
    for resource_type, status, noun, verb in COUNT_WORDS:
        number = nodes.get(resource_type, {}).get(status, 0)
        if number:
            parts.append(f"{_many(number, noun)} {verb}".rstrip())
    skipped = sum(by_status.get("skipped", 0) for by_status in nodes.values())
    if skipped:
        parts.append(f"{skipped:,} skipped")
    if "versions_recorded" in counts:
        parts.append(f"{_many(counts['versions_recorded'], 'version')} recorded")
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
        for line in counts.get("warnings", ()):
            self._print(f"    warning: {line}")

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
