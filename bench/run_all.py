"""`make bench`: run every benchmark with its default (modest) size and print their JSON lines.

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
SCRIPTS = ["login.py", "workflow.py", "catalog_import.py", "search.py", "submit.py", "deadlines.py"]


def main() -> int:
    failed = []
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        env = {**os.environ}
        env.setdefault("TONGBAN_DATA_DIR", tempfile.mkdtemp(prefix="tongban-bench-"))
        result = subprocess.run([sys.executable, str(script)], env=env, check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print("benchmarks that did not finish: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
