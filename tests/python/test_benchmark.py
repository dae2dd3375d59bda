"""``c360 benchmark``: what one step's measurement reports, on a tiny child process (no warehouse)."""

from __future__ import annotations

import os
import sys

from c360.benchmark import measure

# Busy for about 0.4 s of CPU, then holds 64 MiB, so every figure has something to show.
BUSY_CHILD = """
import time
started = time.process_time()
while time.process_time() - started < 0.4:
    pass
held = bytearray(64 * 2**20)
"""


def test_measure_reports_wall_cpu_and_memory_of_the_child():
    result = measure("busy child", [sys.executable, "-c", BUSY_CHILD], dict(os.environ))

    assert result.succeeded
    assert result.cpu_seconds >= 0.35
    assert result.seconds >= result.cpu_seconds * 0.9
    assert result.peak_memory_mib >= 64
    assert result.disk_read_mib >= 0


def test_measure_reports_a_failed_step():
    result = measure("failing child", [sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))

    assert not result.succeeded
