"""``c360 pipeline``: replay days of batches through the warehouse, resuming where it stopped."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from c360.generate.command import _positive_int, _seed
from c360.generate.config import DefectRates, load_rates
from c360.generate.days import parse_days
from c360.pipeline.runner import PipelineOptions, run_pipeline

EPILOG = """\
examples:
  c360 pipeline --customers 10000 --seed 42 --days 0..30 --data data/demo
  c360 pipeline --existing --days 4 --data data/demo --target postgres

Each day: generate (unless --existing), load, seeds (when changed), source
freshness, build staging + intermediate with their tests, snapshots (after the
tests their inputs must pass), build marts with their tests, post-snapshot
tests. Days already complete are skipped; a day that was interrupted resumes
at the step that did not finish. A failing step stops the day before the
marts and exits with 1.
"""


def _dbt_vars(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a JSON object, got {text!r}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"expected a JSON object, got {text!r}")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "pipeline",
        help="replay days: generate, load, freshness, dbt builds, snapshots and tests, resumable",
        description="Replay days of batches through the warehouse, one day at a time, resuming where it stopped.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--days", type=parse_days, required=True, metavar="N|A..B", help="day or inclusive range of days"
    )
    parser.add_argument(
        "--data", type=Path, default=Path("data/demo"), help="folder of day_NNNN batches (default data/demo)"
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="take the day folders already in --data instead of generating them",
    )
    parser.add_argument(
        "--customers", type=_positive_int, default=10_000, help="when generating (default 10000)"
    )
    parser.add_argument("--seed", type=_seed, default=42, help="when generating (default 42)")
    parser.add_argument("--config", type=Path, help="TOML file overriding defect rates, when generating")
    parser.add_argument("--target", default=None, help="dbt target: dev (DuckDB, default) or postgres")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="where progress is kept (default: next to the DuckDB file, or warehouse/pipeline-postgres-...)",
    )
    parser.add_argument(
        "--log", type=Path, default=None, help="run log, JSON lines (default: <state-dir>/run_log.jsonl)"
    )
    parser.add_argument(
        "--redo", action="store_true", help="run the last finished day again (changes nothing)"
    )
    parser.add_argument("--vars", type=_dbt_vars, default=None, help="dbt vars as a JSON object")
    parser.add_argument(
        "--threads", type=_positive_int, default=None, help="dbt threads (default: the profile's)"
    )
    parser.add_argument("--dbt-target-path", type=Path, default=None, help="dbt --target-path")
    parser.add_argument("--dbt-log-path", type=Path, default=None, help="dbt --log-path")
    parser.add_argument("--show-dbt-output", action="store_true", help="print dbt's own log lines too")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    options = PipelineOptions(
        days=tuple(args.days),
        data_dir=args.data,
        target=args.target,
        generate=not args.existing,
        customers=args.customers,
        seed=args.seed,
        rates=load_rates(args.config) if args.config else DefectRates(),
        state_dir=args.state_dir,
        log_path=args.log,
        dbt_target_path=args.dbt_target_path,
        dbt_log_path=args.dbt_log_path,
        dbt_vars=args.vars,
        threads=args.threads,
        redo=args.redo,
        show_dbt_output=args.show_dbt_output,
    )
    report = run_pipeline(options)
    print(f"run log: {report.log_path}")
    if not report.succeeded:
        print(f"day {report.failed_day} failed at step {report.failed_step}")
        return 1
    return 0
