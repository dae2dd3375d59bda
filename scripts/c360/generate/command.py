"""``c360 generate``: synthetic multi-channel raw data, one folder per day."""

from __future__ import annotations

import argparse
from pathlib import Path

from c360.generate.config import DefectRates, load_rates
from c360.generate.days import parse_days
from c360.generate.runner import DayReport, generate_days

EPILOG = """\
examples:
  c360 generate --customers 10000 --seed 42 --days 0 --out data/demo
  c360 generate --customers 10000 --seed 42 --days 0..30 --out data/demo --config rates.toml

Day 0 is the initial load (about two years of history); day N holds what
happened on the N-th day after it. Generating day N needs days before N in the
same folder; missing ones are generated first. Days already present are kept.
"""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "generate",
        help="generate synthetic raw data (one folder of CSVs per day)",
        description="Synthetic multi-channel raw data for the warehouse, one folder per day.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--customers", type=_positive_int, default=10_000, help="true persons on day 0 (default 10000)"
    )
    parser.add_argument(
        "--seed", type=_seed, default=42, help="random seed; same seed, same bytes (default 42)"
    )
    parser.add_argument(
        "--days",
        type=parse_days,
        default=range(0, 1),
        metavar="N|A..B",
        help="day or inclusive range of days (default 0)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("data/demo"), help="output folder (default data/demo)"
    )
    parser.add_argument(
        "--config", type=Path, help="TOML file overriding defect rates ([defect_rates] name = rate)"
    )
    parser.set_defaults(func=run)
    return parser


def _print_day(report: DayReport) -> None:
    print(
        f"{report.folder}: {report.total_rows:,} rows in {len(report.rows)} tables ({report.seconds:.1f} s)"
    )


def run(args: argparse.Namespace) -> int:
    rates = load_rates(args.config) if args.config else DefectRates()
    report = generate_days(args.out, args.customers, args.seed, args.days, rates, progress=_print_day)
    if report.already_present:
        days = ", ".join(str(day) for day in report.already_present)
        print(f"{args.out}: day(s) {days} already generated with these settings; left as they are")
    return 0
