"""tongban reindex: rebuild this server's search index from the catalogue tables (rich progress bar)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tongban.search import services


class Command(BaseCommand):
    help = "Rebuild the search index (derived from the catalogue tables) under DATA_DIR/search-index."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--changes", action="store_true", help="only apply pending catalogue changes")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["changes"]:
            applied = services.apply_catalogue_changes()
            self.stdout.write(f"applied {applied} catalogue changes in {time.perf_counter() - started:.1f} s")
            return
        columns = (TextColumn("索引"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task("index", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            count = services.rebuild_index(progress=progress)
        self.stdout.write(f"indexed {count} documents in {time.perf_counter() - started:.1f} s")
