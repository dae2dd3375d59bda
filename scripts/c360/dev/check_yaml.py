"""Fail when a YAML file does not parse (pre-commit hook)."""

import sys

import yaml


def main(paths: list[str]) -> int:
    failures = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                list(yaml.safe_load_all(handle))
        except yaml.YAMLError as error:
            print(f"{path}: {error}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
