"""tongban export-catalogue FILE: write the whole catalogue as a tongban-catalogue/1 file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tongban.catalog.services import export_catalogue


class Command(BaseCommand):
    help = "Export the service catalogue (JSON Lines, tongban-catalogue/1). FILE '-' writes standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write, or - for standard output")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        err = Console(stderr=True, highlight=False)
        name = options["file"]
        to_stdout = name == "-"
        stream: IO[bytes] = sys.stdout.buffer if to_stdout else Path(name).open("wb")  # noqa: SIM115 - closed below
        show = not options["no_progress"] and options.get("verbosity", 1) > 0
        try:
            with Progress(
                TextColumn("导出"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                disable=not show,
                transient=True,
            ) as bar:
                task = bar.add_task("export", total=None)
                report = export_catalogue(
                    stream=stream, progress=lambda done, total: bar.update(task, completed=done, total=total)
                )
        finally:
            if to_stdout:
                stream.flush()
            else:
                stream.close()
        names = {"department": "部门", "theme": "主题", "item": "事项", "bundle": "一件事"}
        summary = "，".join(f"{names[k]} {report.counts.get(k, 0)}" for k in names)
        err.print(f"已导出 {report.total} 条：{summary}。")
