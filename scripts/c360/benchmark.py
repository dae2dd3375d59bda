"""``c360 benchmark``: generate, load and build a large warehouse, printing time and memory per step.

Each step runs in its own process so that its wall time and peak resident
memory (including every child it starts) are measured on their own. Figures
are printed, and written as JSON under ``benchmarks/results/``; nothing here
asserts a target, the figures are for people to read. The last step measures
identity resolution against the ground truth (``c360 accuracy``), and its
figures go into the same JSON file.
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
ACCURACY_FILE = "accuracy.json"
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


def measure(step: str, command: list[str], env: dict[str, str]) -> StepResult:
    """Run ``command`` and return its wall time and peak RSS (the largest of it and its children)."""
    print(f"[{step}] {' '.join(command)}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    # Linux reports wait4's ru_maxrss in KiB as the larger of the step's own peak and
    # that of every descendant it reaped, so threads and worker processes are covered.
    result = StepResult(step, seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status) == 0)
    print(
        f"[{step}] {'ok' if result.succeeded else 'FAILED'} in {seconds:,.1f} s, peak {result.peak_memory_mib:,.0f} MiB",
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
    results = []
    for step, command in steps:
        results.append(measure(step, command, env))
        if not results[-1].succeeded:
            break
    report(results, customers, work_dir)
    return 0 if all(result.succeeded for result in results) else 1


def generated_customers(work_dir: Path) -> int | None:
    """The customer count the data in ``work_dir`` was generated with, if it says."""
    from c360.generate.state import read_meta

    meta = read_meta(work_dir / "data")
    return meta.get("customers") if meta else None


def benchmark_steps(customers: int, work_dir: Path) -> list[tuple[str, list[str]]]:
    """(step name, command) in the order they run."""
    data_dir = work_dir / "data"
    dbt_paths = ["--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")]
    return [
        (
            "generate",
            [
                str(BIN / "c360"),
                "generate",
                "--customers",
                str(customers),
                "--seed",
                "42",
                "--days",
                "0",
                "--out",
                str(data_dir),
            ],
        ),
        ("load", [str(BIN / "c360"), "load", str(data_dir / "day_0000"), "--target", "dev"]),
        ("seed", [str(BIN / "dbt"), "seed", "--target", "dev", *dbt_paths]),
        (
            "staging build (models + tests)",
            [
                str(BIN / "dbt"),
                "build",
                "--select",
                "staging",
                "--exclude",
                "resource_type:unit_test",
                "--target",
                "dev",
                *dbt_paths,
            ],
        ),
        (
            "identity + golden record build",
            [
                str(BIN / "dbt"),
                "build",
                "--select",
                "intermediate.identity",
                "intermediate.customers",
                "marts.customers",
                "marts.restricted",
                "--exclude",
                "resource_type:unit_test",
                "--target",
                "dev",
                *dbt_paths,
            ],
        ),
        (
            "accuracy",
            [str(BIN / "c360"), "accuracy", "--target", "dev", "--json", str(work_dir / ACCURACY_FILE)],
        ),
    ]


def report(results: list[StepResult], customers: int, work_dir: Path) -> None:
    print(f"\nBenchmark: {customers:,} customers on DuckDB ({os.cpu_count()} cores)")
    print(f"{'step':<34} {'wall time':>12} {'peak memory':>14}")
    for result in results:
        status = "" if result.succeeded else "  FAILED"
        print(f"{result.step:<34} {result.seconds:>10.1f} s {result.peak_memory_mib:>10,.0f} MiB{status}")
    if any(r.step in ("generate", "load") for r in results):
        generate_and_load = sum(r.seconds for r in results if r.step in ("generate", "load"))
        print(f"{'generate + load':<34} {generate_and_load:>10.1f} s")
    results_dir = PROJECT_ROOT / "benchmarks" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {"customers": customers, "cores": os.cpu_count(), "steps": [asdict(r) for r in results]}
    accuracy_path = work_dir / ACCURACY_FILE
    if accuracy_path.is_file():
        payload["accuracy"] = json.loads(accuracy_path.read_text())
    (results_dir / f"benchmark-{stamp}.json").write_text(json.dumps(payload, indent=2))
    print(f"figures written to {results_dir / f'benchmark-{stamp}.json'}; warehouse in {work_dir}")


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
    parser.set_defaults(func=run)
