"""Workflow engine cost per case: start_process + every task of single_review (approve path).

Run: TONGBAN_DATA_DIR=$(mktemp -d) .venv/bin/python bench/workflow.py [--runs 200]
Prints JSON (milliseconds, medians over the runs). The state makes a JSON round trip between
steps, as it does when the cases app stores it in a JSONField. Never asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tongban.workflow import engine
    from tongban.workflow.engine import ProcessState
    from tongban.workflow.services import ensure_builtin_processes

    ensure_builtin_processes()
    engine.start_process(key="single_review", data={})  # warm the spec cache

    data = {"item_code": "11440106MB2C94281X4440106001000", "applicant": "张三", "answers": {"shop_area": 42}}
    whole, starts, completes, sizes = [], [], [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        state = engine.start_process(key="single_review", data=data)
        stored = json.dumps(state.to_json())
        t1 = time.perf_counter()
        starts.append(t1 - t0)
        for outcome in ("accept", "pass", "approve"):
            t2 = time.perf_counter()
            state = ProcessState.from_json(json.loads(stored))
            task = engine.ready_tasks(state)[0]
            state = engine.complete_task(state, task_id=task.id, data={"outcome": outcome})
            engine.ready_tasks(state)
            stored = json.dumps(state.to_json())
            completes.append(time.perf_counter() - t2)
            sizes.append(len(stored.encode()))
        assert engine.result(state)["decision"] == "approved"
        whole.append(time.perf_counter() - t0)

    ms = 1000.0
    print(
        json.dumps(
            {
                "benchmark": "workflow single_review start + 3 tasks",
                "runs": args.runs,
                "database": django.conf.settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "case_median_ms": round(statistics.median(whole) * ms, 3),
                "case_p95_ms": round(sorted(whole)[int(len(whole) * 0.95) - 1] * ms, 3),
                "start_process_median_ms": round(statistics.median(starts) * ms, 3),
                "complete_task_median_ms": round(statistics.median(completes) * ms, 3),
                "cases_per_second_one_core": round(1 / statistics.median(whole), 1),
                "starts_per_second_one_core": round(1 / statistics.median(starts), 1),
                "state_bytes_median": int(statistics.median(sizes)),
                "python": sys.version.split()[0],
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
