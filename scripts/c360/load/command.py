"""``c360 load``: load batch folders into the raw schema of a target."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from c360.errors import C360Error
from c360.load.batch import load_batch


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "load",
        help="load batch folders (one CSV or Parquet file per raw table) into the raw schema",
        description="Load batch folders into the raw schema. Re-loading an unchanged batch does nothing.",
    )
    parser.add_argument("batch_dirs", nargs="+", type=Path, help="batch folder(s), loaded in the order given")
    parser.add_argument("--target", default=None, help="dbt target: dev (DuckDB, default) or postgres")
    parser.add_argument("--batch-id", default=None, help="override the batch id (default: the folder name)")
    parser.add_argument(
        "--loaded-at",
        type=datetime.fromisoformat,
        default=None,
        help="stamp rows with this load time (ISO 8601, UTC if no offset) instead of now",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.batch_id and len(args.batch_dirs) > 1:
        raise C360Error("--batch-id can only be used with a single batch folder")
    for batch_dir in args.batch_dirs:
        report = load_batch(batch_dir, args.target, batch_id=args.batch_id, loaded_at=args.loaded_at)
        print(report.summary(), flush=True)
    return 0
