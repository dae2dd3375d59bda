"""``c360 benchmark``: what one step's measurement reports, on a tiny child process (no warehouse),
and how the days it compares are read from a pipeline's run log."""

from __future__ import annotations

import json
import os
import sys

from c360.benchmark import day_durations, io_stalled_total, measure
from c360.speed_probe import run_probe

# Busy for 0.4 s of user CPU, then holds 64 MiB, so every figure has something to show.
BUSY_CHILD = """
import os
while os.times().user < 0.4:
    for _ in range(100_000):  # pure computation between the clock's system calls
        pass
held = bytearray(64 * 2**20)
"""


def test_measure_reports_wall_cpu_memory_and_io_stall_of_the_child():
    result = measure("busy child", [sys.executable, "-c", BUSY_CHILD], dict(os.environ))

    assert result.succeeded
    assert result.cpu_seconds >= 0.4
    assert result.seconds >= result.cpu_seconds * 0.9
    assert result.peak_memory_mib >= 64
    assert result.disk_read_mib >= 0
    # the I/O stall time where the kernel tells it
    if io_stalled_total() is None:
        assert result.io_stalled_seconds is None
    else:
        assert 0 <= result.io_stalled_seconds <= result.seconds + 1


def test_measure_reports_a_failed_step():
    result = measure("failing child", [sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))

    assert not result.succeeded


def test_io_stall_total_reads_the_full_line_of_the_pressure_file(tmp_path):
    pressure = tmp_path / "io"
    pressure.write_text(
        "some avg10=0.59 avg60=0.34 avg300=0.28 total=46872409\n"
        "full avg10=0.44 avg60=0.30 avg300=0.22 total=34414842\n"
    )

    assert io_stalled_total(pressure) == 34.414842
    assert io_stalled_total(tmp_path / "missing") is None
    pressure.write_text("some avg10=0.59 avg60=0.34 avg300=0.28 total=46872409\n")
    assert io_stalled_total(pressure) is None


def test_speed_probe_does_the_same_work_for_the_same_rows():
    small = run_probe(rows=1_000)
    again = run_probe(rows=1_000)
    larger = run_probe(rows=200_000)

    # Every row counted once per bucket, plus one bucket row and one first-ranked digest per bucket.
    assert small["checksum"] == again["checksum"] == 1_000 + 2 * 1_000
    assert larger["checksum"] == 200_000 + 2 * 100_003
    assert small["seconds"] > 0


def step_event(day: int, step: str, seconds: float, node_seconds: dict | None = None) -> dict:
    event = {"event": "step", "day": day, "step": step, "status": "ok", "duration_s": seconds}
    if node_seconds is not None:
        event["counts"] = {"node_seconds": node_seconds}
    return event


def day_finished(day: int, seconds: float, status: str = "complete") -> dict:
    return {"event": "day_finished", "day": day, "status": status, "duration_s": seconds}


def test_days_compared_are_day_0_day_1_and_day_1_run_again(tmp_path):
    events = [
        step_event(0, "staging", 100.0),
        day_finished(0, 200.0),
        # day 1 killed after staging, then resumed: the resumed attempt's steps count
        step_event(1, "staging", 55.0),
        step_event(1, "staging", 50.0),
        step_event(1, "marts", 30.0),
        day_finished(1, 90.0),
        # day 1 again (--redo), nothing new
        step_event(1, "staging", 45.0),
        step_event(1, "marts", 28.0),
        day_finished(1, 80.0),
    ]
    run_log = tmp_path / "run_log.jsonl"
    run_log.write_text("\n".join(json.dumps(event) for event in events) + "\n", encoding="utf-8")
    figures = day_durations(run_log)
    assert (figures["full_build_s"], figures["increment_s"], figures["nothing_new_s"]) == (200.0, 90.0, 80.0)
    assert figures["ratio"] == 90.0 / 200.0
    assert figures["steps"] == [
        {"step": "staging", "full_build_s": 100.0, "increment_s": 50.0, "nothing_new_s": 45.0},
        {"step": "marts", "full_build_s": None, "increment_s": 30.0, "nothing_new_s": 28.0},
    ]


def test_node_seconds_add_up_over_a_days_steps_and_its_counted_attempts(tmp_path):
    def kinds(**figures: tuple[int, float]) -> dict:
        return {kind.replace("_", " "): {"nodes": n, "seconds": s} for kind, (n, s) in figures.items()}

    events = [
        step_event(0, "staging", 100.0, kinds(data_tests=(10, 20.0), incremental=(5, 60.0))),
        step_event(0, "marts", 80.0, kinds(data_tests=(4, 10.0), tables=(2, 50.0))),
        day_finished(0, 200.0),
        # killed after staging, then resumed: only the resumed attempt's figures count
        step_event(1, "staging", 55.0, kinds(data_tests=(10, 9.0), incremental=(5, 99.0))),
        step_event(1, "staging", 50.0, kinds(data_tests=(10, 8.0), incremental=(5, 12.0))),
        step_event(1, "marts", 30.0, kinds(data_tests=(4, 3.5), tables=(2, 15.25))),
        day_finished(1, 90.0),
    ]
    run_log = tmp_path / "run_log.jsonl"
    run_log.write_text("\n".join(json.dumps(event) for event in events) + "\n", encoding="utf-8")
    figures = day_durations(run_log)
    assert figures["node_seconds"] == [
        {
            "kind": "tables",
            "full_build_s": {"nodes": 2, "seconds": 50.0},
            "increment_s": {"nodes": 2, "seconds": 15.25},
            "nothing_new_s": None,
        },
        {
            "kind": "incremental",
            "full_build_s": {"nodes": 5, "seconds": 60.0},
            "increment_s": {"nodes": 5, "seconds": 12.0},
            "nothing_new_s": None,
        },
        {
            "kind": "data tests",
            "full_build_s": {"nodes": 14, "seconds": 30.0},
            "increment_s": {"nodes": 14, "seconds": 11.5},
            "nothing_new_s": None,
        },
    ]


def test_days_compared_need_day_0_and_day_1_but_not_the_run_again(tmp_path):
    run_log = tmp_path / "run_log.jsonl"
    run_log.write_text(
        "\n".join(json.dumps(event) for event in [day_finished(0, 200.0), day_finished(1, 90.0, "failed")]),
        encoding="utf-8",
    )
    assert day_durations(run_log) is None
    with run_log.open("a", encoding="utf-8") as log:
        log.write("\n" + json.dumps(day_finished(1, 95.0)) + "\n")
    figures = day_durations(run_log)
    assert (figures["increment_s"], figures["nothing_new_s"]) == (95.0, None)
