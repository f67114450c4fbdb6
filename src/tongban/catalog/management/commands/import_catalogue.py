"""tongban import-catalogue FILE [--skip-invalid] [--prune]: import a tongban-catalogue/1 file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from tongban.catalog.services import import_catalogue

PHASES = {"check": "检查", "write": "写入"}
MAX_WARNINGS_SHOWN = 50


class Command(BaseCommand):
    help = "Import a service catalogue (JSON Lines, tongban-catalogue/1). FILE '-' reads standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the catalogue file, or - for standard input")
        parser.add_argument("--skip-invalid", action="store_true", help="import the valid lines, skip the others")
        parser.add_argument("--prune", action="store_true", help="delete items, themes and bundles not in the file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        err = Console(stderr=True, highlight=False)
        name = options["file"]
        stream: IO[bytes]
        if name == "-":
            stream = sys.stdin.buffer
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"找不到文件：{name}")
            stream = path.open("rb")
        show = not options["no_progress"] and options.get("verbosity", 1) > 0
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err,
                disable=not show,
                transient=True,
            ) as bar:
                tasks: dict[str, Any] = {}

                def progress(phase: str, done: int, total: int | None) -> None:
                    if phase not in tasks:
                        tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=total)
                    bar.update(tasks[phase], completed=done)

                report = import_catalogue(
                    stream=stream,
                    actor=None,
                    skip_invalid=options["skip_invalid"],
                    prune=options["prune"],
                    progress=progress,
                )
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        for problem in report.errors:
            err.print(f"[red]错误[/red] {escape(str(problem))}", soft_wrap=True)
        for problem in report.warnings[:MAX_WARNINGS_SHOWN]:
            err.print(f"[yellow]提示[/yellow] {escape(str(problem))}", soft_wrap=True)
        if len(report.warnings) > MAX_WARNINGS_SHOWN:
            err.print(f"[yellow]提示[/yellow] 另有 {len(report.warnings) - MAX_WARNINGS_SHOWN} 条提示未列出。")
        self.stdout.write(report.summary())
        if not report.written:
            raise CommandError(f"导入失败：{len(report.errors)} 处错误，未写入任何内容。", returncode=1)
