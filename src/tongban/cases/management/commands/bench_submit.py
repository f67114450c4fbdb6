"""tongban bench-submit: end-to-end submissions from concurrent clients (in-process service calls).

Clients are `--processes` worker processes (forked; each with its own database connection, so
they do not share one GIL) × `--threads` threads each. Every client goes through
`services.submit_application`, as the API and the portal do.

Each submission: answer validation, material check + SHA-256 + storage, case number, workflow
start, audit entry, notices (in-app + SMS queued). Prints JSON: cases_per_s, p50_ms, p99_ms, lost,
duplicated. Runs with DEBUG off (as in production) unless `--debug`. Meant for PostgreSQL (TONGBAN_DATABASE_URL); never asserts on time.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import statistics
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection, connections
from django.db.models import Count
from pypdf import PdfWriter


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Command(BaseCommand):
    help = "Benchmark end-to-end case submissions (prints JSON)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=2000)
        parser.add_argument("--threads", type=int, default=8, help="client threads per process")
        parser.add_argument("--processes", type=int, default=1, help="client processes (forked)")
        parser.add_argument("--item", default="THSJ-002")
        parser.add_argument("--no-files", action="store_true", help="skip the material uploads")
        parser.add_argument(
            "--debug", action="store_true", help="keep settings.DEBUG (per-query logging) as configured"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tongban.accounts.models import User
        from tongban.cases import services
        from tongban.cases.models import Case
        from tongban.catalog.models import ServiceItem
        from tongban.demo import catalog, orgs, people, workflow
        from tongban.demo.cases import ANSWERS, ITEM

        if not options["debug"]:
            settings.DEBUG = False  # as in production: no per-query logging in connection.queries

        class Quiet:
            def write(self, *a: Any, **k: Any) -> None:
                pass

        if not ServiceItem.objects.filter(code=options["item"]).exists():
            for module in (orgs, people, catalog, workflow):
                module.load(stdout=Quiet())
        item = ServiceItem.objects.select_related("department").get(code=options["item"])
        applicants = list(User.objects.filter(username__in=["zhangsan", "lisi", "wangfang"]))
        required = [m.name for m in item.materials.all() if m.required and not m.government_held]
        answers = dict(ANSWERS) if item.code == ITEM else {}  # the demo item's form as the demo fills it in
        content = _pdf()
        run = uuid.uuid4().hex[:8]
        keys = [f"bench-{run}-{i}" for i in range(options["cases"])]
        # warm the process spec cache and the connection
        services.submit_application(
            applicant=applicants[0],
            item=item,
            answers=answers,
            uploads=[(n, SimpleUploadedFile("m.pdf", content, "application/pdf")) for n in required],
            idempotency_key=f"bench-{run}-warm",
        )
        global _JOB
        _JOB = {
            "options": options,
            "item": item,
            "applicants": applicants,
            "required": required,
            "content": content,
            "answers": answers,
        }
        processes = max(1, options["processes"])
        chunks = [keys[p::processes] for p in range(processes)]
        started = time.perf_counter()
        if processes == 1:
            outcomes = [_client_process(chunks[0])]
        else:
            connections.close_all()  # each forked client opens its own connection
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                outcomes = pool.map(_client_process, chunks)
        wall = time.perf_counter() - started
        latencies: list[float] = [x for o in outcomes for x in o["latencies"]]
        acknowledged: dict[str, str] = {k: v for o in outcomes for k, v in o["acknowledged"].items()}
        errors: list[str] = [e for o in outcomes for e in o["errors"]]
        stored = dict(
            Case.objects.filter(idempotency_key__startswith=f"bench-{run}-", bundle_case__isnull=True)
            .exclude(idempotency_key=f"bench-{run}-warm")
            .values("idempotency_key")
            .annotate(n=Count("pk"))
            .values_list("idempotency_key", "n")
        )
        latencies.sort()
        result = {
            "database": connection.vendor,
            "debug": settings.DEBUG,
            "cases": len(acknowledged),
            "processes": processes,
            "threads": options["threads"],
            "files_per_case": 0 if options["no_files"] else len(required),
            "seconds": round(wall, 2),
            "cases_per_s": round(len(acknowledged) / wall, 1) if wall else 0,
            "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1) if latencies else None,
            "lost": sum(1 for k in acknowledged if k not in stored),
            "duplicated": sum(1 for n in stored.values() if n > 1),
            "errors": len(errors),
            "first_error": errors[0] if errors else "",
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))


_JOB: dict[str, Any] = {}


def _client_process(mine: list[str]) -> dict[str, Any]:
    """One client process: `--threads` threads submitting the keys given to it."""
    from tongban.cases import services

    options, item, applicants = _JOB["options"], _JOB["item"], _JOB["applicants"]
    required, content = _JOB["required"], _JOB["content"]
    latencies: list[float] = []
    acknowledged: dict[str, str] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def worker(keys: list[str]) -> None:
        try:
            for i, key in enumerate(keys):
                files = (
                    []
                    if options["no_files"]
                    else [(n, SimpleUploadedFile("m.pdf", content, "application/pdf")) for n in required]
                )
                t0 = time.perf_counter()
                case = services.submit_application(
                    applicant=applicants[i % len(applicants)],
                    item=item,
                    answers=_JOB["answers"],
                    uploads=files,
                    idempotency_key=key,
                )
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    acknowledged[key] = case.number
        except Exception as exc:
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(mine[t :: options["threads"]],)) for t in range(options["threads"])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "acknowledged": acknowledged, "errors": errors}
