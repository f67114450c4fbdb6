"""`make bench`: run every benchmark at the sizes of quality.md and print their JSON lines.

`make bench-quick` (`--quick`) runs them at small sizes in a few minutes, to check they work.

Larger runs are opt-in with each script's own options, e.g.
  .venv/bin/tongban bench-search --items 1000000
  TONGBAN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/tongban bench-submit
Figures and the commands that produced them are recorded in docs/performance.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# script, arguments of the full run (the sizes in quality.md), arguments of `--quick`
SCRIPTS = [
    ("login.py", [], []),
    ("workflow.py", [], ["--runs", "50"]),
    ("catalog_import.py", ["--items", "100000"], ["--items", "10000"]),
    ("search.py", ["--items", "1000000"], ["--items", "20000", "--queries", "300"]),
    ("submit.py", ["--cases", "2000"], ["--cases", "200"]),
    ("deadlines.py", ["--cases", "10000000"], ["--cases", "200000"]),
]


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    failed = []
    for name, full_args, quick_args in SCRIPTS:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        env = {**os.environ}
        env.setdefault("TONGBAN_DATA_DIR", tempfile.mkdtemp(prefix="tongban-bench-"))
        args = quick_args if quick else full_args
        result = subprocess.run([sys.executable, str(script), *args], env=env, check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print("benchmarks that did not finish: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
