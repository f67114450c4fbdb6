"""P1/P7: catalogue search over generated items (default 1,000,000): `python bench/search.py [--items N]`.

Runs `tongban migrate` and `tongban bench-search` in a fresh data folder (SQLite) unless
TONGBAN_DATA_DIR is set; prints the command's JSON line (search timings in-process, the raw tantivy
floor, and the RSS of a separate search-only worker process that opens the built index).

`--reuse DIR` keeps the data folder DIR: the items are generated and the index built only the first
time (or when the item count changed), so later runs measure query speed in seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

TONGBAN = str(Path(sys.executable).parent / "tongban")


def main() -> None:
    env = dict(os.environ)
    args = sys.argv[1:]
    if "--reuse" in args:
        at = args.index("--reuse")
        if at + 1 >= len(args):
            sys.exit("--reuse needs a folder")
        folder = Path(args[at + 1]).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        env["TONGBAN_DATA_DIR"] = str(folder)
        args = [*args[:at], "--reuse", *args[at + 2 :]]
    env.setdefault("TONGBAN_DATA_DIR", tempfile.mkdtemp(prefix="tongban-bench-search-"))
    if "--items" not in args:
        args = ["--items", "1000000", *args]
    subprocess.run([TONGBAN, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([TONGBAN, "bench-search", *args], env=env, check=True)


if __name__ == "__main__":
    main()
