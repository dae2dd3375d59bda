"""``c360 benchmark``: generate, load and build a large warehouse, printing time and memory per step.

Each step runs in its own process so that its wall time, CPU time, disk reads
and peak resident memory (including every child it starts) are measured on
their own. Figures are printed, and written as JSON under
``benchmarks/results/``; nothing here asserts a target, the figures are for
people to read. The last step measures identity resolution against the
ground truth (``c360 accuracy``), and its figures go into the same JSON file.

Then the daily increment: on a second warehouse, ``c360 pipeline`` runs day 0
(the full build: load, seeds, every model, snapshots, every data test) and,
after generating day 1 of the same seed, day 1 (about 1% of customers changed)
through the same steps. Both days' durations come from the pipeline's run log
(the project is parsed once per process, outside the day), and their ratio is
printed: the target is an increment under a quarter of the full build. Last,
day 1 runs again (``--redo``), with nothing new to load: what a day costs
whatever changed, the part of the increment that grows with the warehouse
rather than with the day's changes.

The machines are shared, and the same unchanged step can take a third longer
from one run to the next. Two figures say how much of a step's time was the
machine's: a fixed DuckDB workload (``c360.speed_probe``) runs before the first
step and after the last, and each step reports the seconds in which every busy
task waited for storage (Linux pressure stall information).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from c360.errors import C360Error
from c360.targets import PROJECT_ROOT

BIN = Path(sys.executable).parent
WAREHOUSE_FILE = "benchmark.duckdb"
INCREMENT_WAREHOUSE_FILE = "increment.duckdb"
INCREMENT_STATE_DIR = "increment.pipeline"
ACCURACY_FILE = "accuracy.json"
# An increment should cost less than this share of a full build.
INCREMENT_TARGET_RATIO = 0.25
# The golden record hashes with a key; this one is for benchmark warehouses only.
BENCHMARK_HASH_KEY = "c360-benchmark-only-key"
# Steps that make the data; --skip-generate reuses their output.
DATA_STEPS = ("generate", "load", "seed")


@dataclass(frozen=True)
class StepResult:
    step: str
    seconds: float
    peak_memory_mib: float
    succeeded: bool
    # CPU time (user + system) and what was read from disk rather than from the page cache.
    # A step's wall time on these shared machines swings widely from run to run; the CPU
    # time says whether it did more work, the disk reads whether it waited on a warehouse
    # read back from a slow disk.
    cpu_seconds: float = 0.0
    disk_read_mib: float = 0.0
    # Seconds in which every busy task on the machine waited for storage (Linux pressure
    # stall information), the part of the wall time no CPU could use; None where unknown.
    io_stalled_seconds: float | None = None


# getrusage counts file system input in blocks of 512 bytes, whatever the device's block size.
RUSAGE_BLOCK_BYTES = 512
IO_PRESSURE_FILE = Path("/proc/pressure/io")
SPEED_PROBE_STEPS = ("machine speed probe (start)", "machine speed probe (end)")


def io_stalled_total(pressure_file: Path = IO_PRESSURE_FILE) -> float | None:
    """Seconds since boot in which all non-idle tasks stalled on I/O ("full" line), or None."""
    try:
        lines = pressure_file.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        kind, *fields = line.split()
        if kind == "full":
            values = dict(field.split("=", 1) for field in fields)
            if "total" in values:
                return int(values["total"]) / 1_000_000
    return None


def speed_probe_step(step: str) -> tuple[str, list[str]]:
    """The fixed workload of c360.speed_probe as a step, measured like every other."""
    return (step, [sys.executable, "-m", "c360.speed_probe"])


def measure(step: str, command: list[str], env: dict[str, str]) -> StepResult:
    """Run ``command``; return its wall time, CPU time, disk reads and peak RSS (it and its children)."""
    print(f"[{step}] {' '.join(command)}", flush=True)
    stalled_before = io_stalled_total()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stalled_after = io_stalled_total()
    io_stalled = None if stalled_before is None or stalled_after is None else stalled_after - stalled_before
    # Linux reports wait4's ru_maxrss in KiB as the larger of the step's own peak and
    # that of every descendant it reaped, so threads and worker processes are covered;
    # the times and block counts are summed over the same processes.
    result = StepResult(
        step,
        seconds,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status) == 0,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        disk_read_mib=usage.ru_inblock * RUSAGE_BLOCK_BYTES / 2**20,
        io_stalled_seconds=io_stalled,
    )
    print(
        f"[{step}] {'ok' if result.succeeded else 'FAILED'} in {seconds:,.1f} s"
        f" (CPU {result.cpu_seconds:,.1f} s, read from disk {result.disk_read_mib:,.0f} MiB,"
        f" I/O stalled {_seconds(result.io_stalled_seconds)}), peak {result.peak_memory_mib:,.0f} MiB",
        flush=True,
    )
    return result


def run(args: argparse.Namespace) -> int:
    work_dir = Path(args.work_dir).resolve()
    if args.skip_generate:
        if not (work_dir / WAREHOUSE_FILE).is_file():
            raise C360Error(f"--skip-generate: no {WAREHOUSE_FILE} in {work_dir}; run once without it first")
    elif work_dir.exists() and not args.keep:
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / ACCURACY_FILE).unlink(missing_ok=True)
    env = {
        **os.environ,
        "C360_TARGET": "dev",
        "C360_DUCKDB_PATH": str(work_dir / WAREHOUSE_FILE),
        "C360_HASH_KEY": os.environ.get("C360_HASH_KEY", BENCHMARK_HASH_KEY),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DO_NOT_TRACK": "1",
    }
    customers = args.customers
    steps = benchmark_steps(customers, work_dir)
    if args.skip_generate:
        customers = generated_customers(work_dir) or customers
        steps = [(step, command) for step, command in steps if step not in DATA_STEPS]
    start_probe, end_probe = (speed_probe_step(step) for step in SPEED_PROBE_STEPS)
    results = []
    for step, command in [start_probe, *steps]:
        results.append(measure(step, command, env))
        if not results[-1].succeeded:
            break
    increment = None
    if not args.skip_increment and all(result.succeeded for result in results):
        increment_results, increment = run_increment(customers, work_dir, env)
        results += increment_results
    results.append(measure(*end_probe, env))
    report(results, customers, work_dir, increment)
    return 0 if all(result.succeeded for result in results) else 1


def run_increment(
    customers: int, work_dir: Path, env: dict[str, str]
) -> tuple[list[StepResult], dict | None]:
    """Full build (pipeline day 0) and one daily increment (day 1) on a fresh second warehouse."""
    warehouse = work_dir / INCREMENT_WAREHOUSE_FILE
    state_dir = work_dir / INCREMENT_STATE_DIR
    warehouse.unlink(missing_ok=True)
    warehouse.with_suffix(".duckdb.wal").unlink(missing_ok=True)
    shutil.rmtree(state_dir, ignore_errors=True)
    increment_env = {**env, "C360_DUCKDB_PATH": str(warehouse)}
    # The first warehouse is done with; its pages, read again and again by the steps above, would
    # otherwise hold the OS page cache and push out the second warehouse between day 0 and day 1.
    release_page_cache(work_dir / WAREHOUSE_FILE)
    results = []
    for step, command in increment_steps(customers, work_dir):
        results.append(measure(step, command, increment_env))
        if not results[-1].succeeded:
            return results, None
    return results, day_durations(state_dir / "run_log.jsonl")


def release_page_cache(path: Path) -> None:
    """Ask the OS to drop ``path`` from its page cache (the file stays; a later read loads it again).

    Both warehouses of a 1,000,000-customer run hardly fit in the page cache of a 24 GiB machine
    together, and the 2-core machines the published figures come from read a warehouse file back
    from disk at about 70 MB/s: a day 1 that finds its warehouse pushed out of the cache spends
    minutes reading it (docs/pipeline.md, "A warehouse read back from disk").
    """
    if not path.is_file() or not hasattr(os, "posix_fadvise"):
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        # Only clean pages can be dropped: write any dirty ones out first.
        os.fsync(descriptor)
        os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(descriptor)


# The runs of the pipeline's days the benchmark compares: day 0, day 1, and day 1 run again.
MEASURED_RUNS = (("full_build_s", 0), ("increment_s", 1), ("nothing_new_s", 1))


def day_durations(run_log: Path) -> dict | None:
    """Seconds of day 0, day 1 and day 1 run again as the pipeline logged them, and each step's.

    A day's run ends with its first ``day_finished`` event of status complete; a resumed day
    logs a step once per attempt, and the last one before that event counts. The ratio is day
    1's to day 0's; day 1 run again (``--redo``) is optional.
    """
    from c360.pipeline.run_log import read_run_log

    pending = list(MEASURED_RUNS)
    seconds: dict[str, float] = {}
    step_seconds: dict[str, dict[str, float]] = {}
    # run -> step -> the dbt node seconds by kind of its counted attempt
    step_node_seconds: dict[str, dict[str, dict]] = {}
    for event in read_run_log(run_log):
        if not pending or event.get("day") != pending[0][1]:
            continue
        run_name = pending[0][0]
        if event["event"] == "step" and "duration_s" in event:
            step_seconds.setdefault(event["step"], {})[run_name] = event["duration_s"]
            by_kind = (event.get("counts") or {}).get("node_seconds", {})
            step_node_seconds.setdefault(run_name, {})[event["step"]] = by_kind
        elif event["event"] == "day_finished" and event.get("status") == "complete":
            seconds[run_name] = event["duration_s"]
            pending.pop(0)
    if "full_build_s" not in seconds or "increment_s" not in seconds:
        return None
    steps = [
        {"step": step, **{name: by_run.get(name) for name, _ in MEASURED_RUNS}}
        for step, by_run in step_seconds.items()
    ]
    return {
        **{name: seconds.get(name) for name, _ in MEASURED_RUNS},
        "ratio": seconds["increment_s"] / seconds["full_build_s"],
        "steps": steps,
        "node_seconds": node_seconds_by_kind(step_node_seconds),
    }


def node_seconds_by_kind(step_node_seconds: dict[str, dict[str, dict]]) -> list[dict]:
    """Each run's dbt node seconds summed over its steps, one entry per kind of node.

    ``{"kind": ..., "<run>": {"nodes": n, "seconds": s} or None}`` for every run, the kinds
    taking most of day 1 first: what a day costs by kind of work, against the full build.
    """
    totals: dict[str, dict[str, dict]] = {}
    for run_name, steps in step_node_seconds.items():
        for by_kind in steps.values():
            for kind, figures in by_kind.items():
                run_totals = totals.setdefault(kind, {}).setdefault(run_name, {"nodes": 0, "seconds": 0.0})
                run_totals["nodes"] += figures["nodes"]
                run_totals["seconds"] = round(run_totals["seconds"] + figures["seconds"], 2)

    def day_1_seconds(kind: str) -> float:
        return totals[kind].get("increment_s", {}).get("seconds", 0.0)

    return [
        {"kind": kind, **{name: totals[kind].get(name) for name, _ in MEASURED_RUNS}}
        for kind in sorted(totals, key=lambda kind: (-day_1_seconds(kind), kind))
    ]


def increment_steps(customers: int, work_dir: Path) -> list[tuple[str, list[str]]]:
    data_dir = work_dir / "data"
    pipeline = [
        str(BIN / "c360"),
        "pipeline",
        "--existing",
        "--data",
        str(data_dir),
        "--target",
        "dev",
        "--state-dir",
        str(work_dir / INCREMENT_STATE_DIR),
        "--dbt-target-path",
        str(work_dir / "target-increment"),
        "--dbt-log-path",
        str(work_dir / "logs"),
    ]
    generate_day_1 = [str(BIN / "c360"), "generate", "--customers", str(customers), "--seed", "42"]
    return [
        ("full build (pipeline day 0)", [*pipeline, "--days", "0"]),
        ("generate day 1", [*generate_day_1, "--days", "1", "--out", str(data_dir)]),
        ("daily increment (pipeline day 1)", [*pipeline, "--days", "1"]),
        ("day 1 again, nothing new (--redo)", [*pipeline, "--days", "1", "--redo"]),
    ]


def generated_customers(work_dir: Path) -> int | None:
    """The customer count the data in ``work_dir`` was generated with, if it says."""
    from c360.generate.state import read_meta

    meta = read_meta(work_dir / "data")
    return meta.get("customers") if meta else None


def side_by_side(command: list[str]) -> list[str]:
    """``command`` with DuckDB's threads per query set to the cores' share of each dbt thread.

    In a layer of many independent models dbt runs its threads' worth of models at once, and
    DuckDB would give each of them every core; on two cores that is four workers for two, and
    the switching cost the staging build 6 CPU s of 98 (docs/benchmark-notes.md). Printed as ``env
    C360_DUCKDB_THREADS=N dbt ...``, the command can be run as it reads.
    """
    threads = max(1, (os.cpu_count() or 1) // profile_dbt_threads())
    return ["env", f"C360_DUCKDB_THREADS={threads}", *command]


def profile_dbt_threads(target: str = "dev") -> int:
    """The models dbt runs at once on ``target``, as the project's profiles.yml says."""
    import yaml

    profile = yaml.safe_load((PROJECT_ROOT / "profiles.yml").read_text())
    return int(profile["customer360"]["outputs"][target]["threads"])


def benchmark_steps(customers: int, work_dir: Path) -> list[tuple[str, list[str]]]:
    """(step name, command) in the order they run."""
    data_dir = work_dir / "data"
    dbt_paths = ["--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]

    def dbt_build(select: list[str], exclude: list[str]) -> list[str]:
        # Only the tests that read nothing but the selected models: a test that also reads a
        # layer this step does not build would see it missing or stale. Every test runs in the
        # full build through the pipeline below. --full-refresh: with --skip-generate the
        # incremental base models already hold every row, and an incremental build of nothing new
        # is not the figure wanted (the customer-id memory ignores it, as it does in every build).
        return [
            str(BIN / "dbt"),
            "build",
            "--full-refresh",
            "--select",
            *select,
            "--exclude",
            *exclude,
            "resource_type:unit_test",
            "--indirect-selection",
            "cautious",
            "--target",
            "dev",
            *dbt_paths,
        ]

    generate = [str(BIN / "c360"), "generate", "--customers", str(customers), "--seed", "42", "--days", "0"]
    golden_record_marts = ["dim_customers", "bridge_customer_source_records", "marts.restricted"]
    return [
        ("generate", [*generate, "--out", str(data_dir)]),
        ("load", [str(BIN / "c360"), "load", str(data_dir / "day_0000"), "--target", "dev"]),
        ("seed", [str(BIN / "dbt"), "seed", "--target", "dev", *dbt_paths]),
        ("staging build (models + tests)", side_by_side(dbt_build(["staging"], []))),
        (
            "identity + golden record build",
            # A chain: one model at a time, each on every core (DuckDB's default). Two at once
            # would share the cores and DuckDB's memory limit between the heaviest queries of the
            # build (the golden record's branches run side by side): 105.6 s against 93.4 s on
            # 2026-12-05 (docs/benchmark.md).
            [
                *dbt_build(["intermediate.identity", "intermediate.customers", *golden_record_marts], []),
                "--threads",
                "1",
            ],
        ),
        (
            "behaviour, segment and business marts",
            # The golden record was built above; history reads snapshots, which only the
            # pipeline takes (the full build below).
            side_by_side(dbt_build(["marts"], [*golden_record_marts, "resource_type:snapshot+"])),
        ),
        (
            "accuracy",
            [str(BIN / "c360"), "accuracy", "--target", "dev", "--json", str(work_dir / ACCURACY_FILE)],
        ),
    ]


def report(results: list[StepResult], customers: int, work_dir: Path, increment: dict | None = None) -> None:
    print(f"\nBenchmark: {customers:,} customers on DuckDB ({os.cpu_count()} cores)")
    width = max([34, *(len(result.step) for result in results)])
    print(
        f"{'step':<{width}} {'wall time':>12} {'CPU time':>12} {'disk reads':>12} {'I/O stalled':>12}"
        f" {'peak memory':>14}"
    )
    for result in results:
        status = "" if result.succeeded else "  FAILED"
        print(
            f"{result.step:<{width}} {result.seconds:>10.1f} s {result.cpu_seconds:>10.1f} s"
            f" {result.disk_read_mib:>8,.0f} MiB {_seconds(result.io_stalled_seconds):>12}"
            f" {result.peak_memory_mib:>10,.0f} MiB{status}"
        )
    probes = [r for r in results if r.step in SPEED_PROBE_STEPS and r.succeeded]
    if probes:
        print(
            "machine speed probe (the same DuckDB work each time; lower is faster): "
            + ", ".join(f"{r.seconds:.1f} s" for r in probes)
        )
    if any(r.step in ("generate", "load") for r in results):
        generate_and_load = sum(r.seconds for r in results if r.step in ("generate", "load"))
        print(f"{'generate + load':<{width}} {generate_and_load:>10.1f} s")
    if increment:
        verdict = "met" if increment["ratio"] < INCREMENT_TARGET_RATIO else "NOT met"
        print(
            f"\nfull build (day 0: load, seeds, build, snapshots, tests) {increment['full_build_s']:>10.1f} s\n"
            f"daily increment (day 1, same steps)                     {increment['increment_s']:>10.1f} s\n"
            f"increment / full build                                  {increment['ratio']:>10.2f}"
            f"   (target under {INCREMENT_TARGET_RATIO}: {verdict})"
        )
        if increment.get("nothing_new_s") is not None:
            print(
                f"day 1 again, nothing new to load (--redo)               {increment['nothing_new_s']:>10.1f} s"
                "   (what any day costs at this size)"
            )
        print(f"{'pipeline step':<34} {'day 0':>12} {'day 1':>12} {'day 1 again':>12}")
        for step in increment.get("steps", []):
            print(
                f"{step['step']:<34} {_seconds(step['full_build_s']):>12} {_seconds(step['increment_s']):>12}"
                f" {_seconds(step.get('nothing_new_s')):>12}"
            )
        if increment.get("node_seconds"):
            # dbt runs its threads' worth of nodes at once: node seconds add up to more than the steps.
            print(f"{'dbt node seconds (nodes)':<34} {'day 0':>16} {'day 1':>16} {'day 1 again':>16}")
            for kind in increment["node_seconds"]:
                print(
                    f"{kind['kind']:<34}"
                    + "".join(f" {_node_seconds(kind.get(name)):>16}" for name, _ in MEASURED_RUNS)
                )
    results_dir = PROJECT_ROOT / "benchmarks" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {"customers": customers, "cores": os.cpu_count(), "steps": [asdict(r) for r in results]}
    accuracy_path = work_dir / ACCURACY_FILE
    if accuracy_path.is_file():
        payload["accuracy"] = json.loads(accuracy_path.read_text())
    if increment:
        payload["increment"] = increment
    (results_dir / f"benchmark-{stamp}.json").write_text(json.dumps(payload, indent=2))
    print(f"figures written to {results_dir / f'benchmark-{stamp}.json'}; warehouse in {work_dir}")


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} s"


def _node_seconds(figures: dict | None) -> str:
    return "-" if figures is None else f"{figures['seconds']:,.1f} s ({figures['nodes']:,})"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "benchmark", help="time and measure generate, load, dbt builds and identity resolution accuracy"
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--work-dir", default=str(PROJECT_ROOT / "data" / "benchmark"))
    parser.add_argument("--keep", action="store_true", help="reuse the work folder instead of starting clean")
    parser.add_argument(
        "--skip-generate",
        action="store_true",
        help="reuse the data already generated, loaded and seeded in --work-dir (and its customer count); "
        "time only the dbt builds and accuracy",
    )
    parser.add_argument(
        "--skip-increment",
        action="store_true",
        help="leave out the full build and daily increment through the pipeline on a second warehouse",
    )
    parser.set_defaults(func=run)
