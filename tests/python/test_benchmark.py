"""``c360 benchmark``: what one step's measurement reports, on a tiny child process (no warehouse)."""

from __future__ import annotations

import os
import sys

from c360.benchmark import measure

# Busy for 0.4 s of user CPU, then holds 64 MiB, so every figure has something to show.
BUSY_CHILD = """
import os
while os.times().user < 0.4:
    for _ in range(100_000):  # pure computation between the clock's system calls
        pass
held = bytearray(64 * 2**20)
"""


def test_measure_reports_wall_cpu_and_memory_of_the_child():
    result = measure("busy child", [sys.executable, "-c", BUSY_CHILD], dict(os.environ))

    assert result.succeeded
    assert result.cpu_seconds >= 0.4
    assert result.seconds >= result.cpu_seconds * 0.9
    assert result.peak_memory_mib >= 64
    assert result.disk_read_mib >= 0


def test_measure_reports_a_failed_step():
    result = measure("failing child", [sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))

    assert not result.succeeded
