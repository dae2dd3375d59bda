"""Fail on trailing whitespace or a missing final newline (pre-commit hook)."""

import sys


def problems(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        return []
    found = [
        f"{path}:{number}: trailing whitespace"
        for number, line in enumerate(text.splitlines(), start=1)
        if line != line.rstrip()
    ]
    if text and not text.endswith("\n"):
        found.append(f"{path}: no newline at end of file")
    return found


def main(paths: list[str]) -> int:
    found = [problem for path in paths for problem in problems(path)]
    print("\n".join(found)) if found else None
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
