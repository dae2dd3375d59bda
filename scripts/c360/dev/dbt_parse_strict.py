"""Run ``dbt parse`` and fail on any warning, so deprecations never pile up (pre-commit hook)."""

import os
import sys

from dbt.cli.main import dbtRunner

from c360.targets import PROJECT_ROOT


def main() -> int:
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_ROOT))
    os.environ.setdefault("DO_NOT_TRACK", "1")
    warnings: list[str] = []

    def collect(event) -> None:
        if event.info.level in ("warn", "error"):
            warnings.append(event.info.msg)

    result = dbtRunner(callbacks=[collect]).invoke(
        ["parse", "--project-dir", str(PROJECT_ROOT), "--no-partial-parse", "--quiet"]
    )
    for message in warnings:
        print(message)
    return 0 if result.success and not warnings else 1


if __name__ == "__main__":
    sys.exit(main())
