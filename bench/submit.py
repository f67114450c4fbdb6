"""P3: end-to-end case submissions on PostgreSQL (see `tongban bench-submit`).

Run: .venv/bin/python bench/submit.py [--cases 2000 --threads 8]
Creates (and afterwards keeps) the database `tongban_bench` on TONGBAN_BENCH_PG (default
postgres://postgres@127.0.0.1:5432), migrates it, and prints the command's JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    import psycopg

    server = os.environ.get("TONGBAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = 'tongban_bench'").fetchone():
            admin.execute("CREATE DATABASE tongban_bench")
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": server + "/tongban_bench",
        "TONGBAN_DATA_DIR": os.environ.get("TONGBAN_DATA_DIR") or tempfile.mkdtemp(prefix="tongban-bench-"),
        "TONGBAN_TASK_BACKEND": os.environ.get("TONGBAN_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
    tongban = str(ROOT / ".venv" / "bin" / "tongban")
    subprocess.run([tongban, "migrate", "-v0"], env=env, check=True)
    subprocess.run([tongban, "bench-submit", *sys.argv[1:]], env=env, check=True)


if __name__ == "__main__":
    main()
