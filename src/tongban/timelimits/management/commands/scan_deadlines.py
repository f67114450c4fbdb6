"""tongban scan-deadlines: run the daily time-limit scan now (also a django-tasks task)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from tongban.cases.services import scan_deadlines


class Command(BaseCommand):
    help = "Flag cases turning yellow or red, notify clerks, heads and supervisors; auto-accept overdue intake."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="scan as of this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = scan_deadlines(today=options["today"])
        self.stdout.write(json.dumps({k: len(v) for k, v in report.items()} | {"cases": report}, ensure_ascii=False))
