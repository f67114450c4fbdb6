"""tongban cleanup-uploads: remove uploaded files that no material row refers to (孤儿文件).

Submissions store their files before their transaction opens; if the process dies in between, the
file stays without a row. Such files older than `--older-than-hours` (default 24) are deleted;
younger ones may belong to a submission still in flight and are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from tongban.cases.models import DecisionDocument, MaterialFile

ROOT = "cases"
BATCH = 500


def _walk(path: str) -> Iterator[str]:
    if not default_storage.exists(path):
        return
    dirs, files = default_storage.listdir(path)
    for name in files:
        yield f"{path}/{name}"
    for name in dirs:
        yield from _walk(f"{path}/{name}")


def orphans(*, older_than: timedelta) -> Iterator[str]:
    """Stored names older than `older_than` that no MaterialFile (nor DecisionDocument) refers to."""
    cutoff = timezone.now() - older_than
    batch: list[str] = []

    def unreferenced(names: list[str]) -> list[str]:
        known = set(MaterialFile.objects.filter(file__in=names).values_list("file", flat=True))
        known |= set(DecisionDocument.objects.filter(file__in=names).values_list("file", flat=True))
        return [n for n in names if n not in known]

    for name in _walk(ROOT):
        if default_storage.get_modified_time(name) >= cutoff:
            continue
        batch.append(name)
        if len(batch) >= BATCH:
            yield from unreferenced(batch)
            batch = []
    if batch:
        yield from unreferenced(batch)


class Command(BaseCommand):
    help = "Delete uploaded files without a material row, older than a day (prints how many)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than-hours", type=int, default=24)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = 0
        for name in list(orphans(older_than=timedelta(hours=options["older_than_hours"]))):
            if not options["dry_run"]:
                default_storage.delete(name)
            removed += 1
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(f"{verb} {removed} orphan upload(s)")
