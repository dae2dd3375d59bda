"""``c360``: one command line for the warehouse's Python tooling.

Each subcommand lives in its own module, which provides ``add_parser(subparsers)``
and sets ``func`` on its parser; this file only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from c360.errors import C360Error

# Subcommand name -> module providing add_parser(subparsers).
SUBCOMMAND_MODULES = {
    "generate": "c360.generate.command",
    "load": "c360.load.command",
    "benchmark": "c360.benchmark",
    "accuracy": "c360.accuracy",
    "pipeline": "c360.pipeline.command",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="c360", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in SUBCOMMAND_MODULES.values():
        importlib.import_module(module_name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except C360Error as error:
        print(f"c360 {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
