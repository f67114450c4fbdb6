"""tongban bench-deadlines: time the deadline scan queries over N generated cases (PostgreSQL).

Fills a table shaped like cases_case for the scan (status, clock_state, warn_on, due_on) with
generate_series — not the ORM — builds the same partial indexes as `Case.Meta.indexes`, and times
the two queries `scan_deadlines` runs (turning yellow, turning red). Prints JSON; never asserts.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

TABLE = "bench_case_deadlines"


class Command(BaseCommand):
    help = "Benchmark the due-soon / overdue scan over N cases (PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=10_000_000)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--keep", action="store_true", help="keep the table for another run")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench-deadlines needs PostgreSQL (TONGBAN_DATABASE_URL=postgres://…)")
        n = options["cases"]
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_class WHERE relname = %s", [TABLE])
            exists = cur.fetchone()[0] > 0
            if exists:
                cur.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
                exists = cur.fetchone()[0] == n
            fill = 0.0
            if not exists:
                cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
                t0 = time.perf_counter()
                # ~2 % of cases are running (the rest concluded), dates spread over ±40 days; clock_state is what
                # yesterday's scan left, so today's scan finds only today's transitions (as in production)
                cur.execute(
                    f"""CREATE UNLOGGED TABLE {TABLE} AS
                    SELECT g AS id,
                           CASE WHEN g %% 50 = 0 THEN (CASE WHEN g %% 100 = 0 THEN 'accepted' ELSE 'in_review' END)
                                ELSE 'approved' END AS status,
                           CASE WHEN (g %% 81) - 36 < -1 THEN 'red'
                                WHEN (g %% 81) - 40 <= -1 THEN 'yellow' ELSE 'green' END AS clock_state,
                           current_date + ((g %% 81) - 40) AS warn_on,
                           current_date + ((g %% 81) - 36) AS due_on
                    FROM generate_series(1, %s) AS g""",  # noqa: S608 - a constant table name
                    [n],
                )
                cur.execute(
                    f"CREATE INDEX {TABLE}_yellow ON {TABLE} (warn_on) "
                    "WHERE status IN ('accepted', 'in_review') AND clock_state = 'green'"
                )
                cur.execute(
                    f"CREATE INDEX {TABLE}_red ON {TABLE} (due_on) "
                    "WHERE status IN ('accepted', 'in_review') AND NOT clock_state = 'red'"
                )
                cur.execute(f"ANALYZE {TABLE}")
                fill = time.perf_counter() - t0
            queries = {
                "yellow": f"SELECT id FROM {TABLE} WHERE status IN ('accepted', 'in_review') "  # noqa: S608
                "AND clock_state = 'green' AND warn_on <= current_date",
                "red": f"SELECT id FROM {TABLE} WHERE status IN ('accepted', 'in_review') "  # noqa: S608
                "AND due_on < current_date AND NOT clock_state = 'red'",
            }
            timings: list[float] = []
            rows = 0
            for _ in range(options["runs"]):
                t0 = time.perf_counter()
                rows = 0
                for sql in queries.values():
                    cur.execute(sql)
                    rows += len(cur.fetchall())
                timings.append(time.perf_counter() - t0)
            cur.execute("EXPLAIN " + queries["yellow"])
            plan = " ".join(r[0].strip() for r in cur.fetchall())[:200]
            if not options["keep"]:
                cur.execute(f"DROP TABLE {TABLE}")
        self.stdout.write(
            json.dumps(
                {
                    "cases": n,
                    "fill_s": round(fill, 1),
                    "scan_ms_median": round(statistics.median(timings) * 1000, 1),
                    "scan_ms_max": round(max(timings) * 1000, 1),
                    "rows_returned": rows,
                    "plan": plan,
                }
            )
        )
