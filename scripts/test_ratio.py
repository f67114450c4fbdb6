#!/usr/bin/env python3
"""Test code per source code, per app: lines of tests/<app> against lines of src/tongban/<app>.

    python scripts/test_ratio.py            # the table
    python scripts/test_ratio.py --min 0.8  # and exit 1 when an app is below 0.8

Lines are counted as `find src/tongban/<app> -name '*.py' -not -path '*/migrations/*' | xargs cat | wc -l`
counts them (every line, blank and comment lines included, migrations left out). Tests of an app are
tests/<app>/ plus tests/<app>_ui/ (the cases pages are tested there). Shared test code — tests/factories/,
tests/conftest.py, the cross-app tests at the top of tests/ and the browser tests in tests/e2e/ — counts
towards the total only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "tongban"
TESTS = ROOT / "tests"


def lines(folder: Path, *, skip_migrations: bool = False) -> int:
    if not folder.is_dir():
        return 0
    total = 0
    for path in sorted(folder.rglob("*.py")):
        if skip_migrations and "migrations" in path.relative_to(folder).parts:
            continue
        with path.open("rb") as fh:
            total += sum(1 for _ in fh)
    return total


def table() -> list[tuple[str, int, int]]:
    apps = sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.rglob("*.py")))
    return [
        (app, lines(SOURCE / app, skip_migrations=True), lines(TESTS / app) + lines(TESTS / f"{app}_ui"))
        for app in apps
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--min", type=float, default=0.0, help="exit 1 when an app's ratio is below this")
    args = parser.parse_args()
    rows = table()
    source_total = lines(SOURCE, skip_migrations=True)
    test_total = lines(TESTS)
    print(f"{'app':<12} {'source':>7} {'tests':>7} {'ratio':>6}")
    low = []
    for app, source, tests in rows:
        ratio = tests / source if source else 0.0
        mark = "" if ratio >= args.min else "  < " + format(args.min, ".1f")
        print(f"{app:<12} {source:>7} {tests:>7} {ratio:>6.2f}{mark}")
        if ratio < args.min:
            low.append(app)
    print(f"{'all':<12} {source_total:>7} {test_total:>7} {test_total / source_total:>6.2f}")
    print(
        f"(shared test code in tests/factories, tests/*.py and tests/e2e: {test_total - sum(t for *_, t in rows)} lines)"
    )
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
