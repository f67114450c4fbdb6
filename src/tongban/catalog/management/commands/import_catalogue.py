"""tongban import-catalogue FILE [--skip-invalid] [--prune [--confirm-prune N]] [--dry-run]: import a
tongban-catalogue/1 file.

A file without one valid line writes nothing. `--prune` removing more than the configured share of
the catalogue (10 %) stops and names the number to confirm with `--confirm-prune N`; `--dry-run`
shows what would change and writes nothing.
"""

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
        parser.add_argument(
            "--confirm-prune",
            type=int,
            metavar="N",
            help="with --prune: the number of entries you expect it to remove (needed above the share limit)",
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
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
                    confirm_prune=options["confirm_prune"],
                    dry_run=options["dry_run"],
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
        if report.prune_plan is not None and (report.dry_run or report.reason):
            self.stdout.write(_plan_text(report.prune_plan.as_dict()))
        if report.reason == "prune_unconfirmed":
            raise CommandError(
                f"导入已停止，未写入任何内容：--prune 将删除 {report.prune_plan.count if report.prune_plan else 0} 条。"
                "核对上面的清单后，用 --confirm-prune 加上这个数目重新运行（可先加 --dry-run 预览）。",
                returncode=1,
            )
        if report.reason:
            raise CommandError(f"导入失败：{len(report.errors)} 处错误，未写入任何内容。", returncode=1)


def _plan_text(plan: dict[str, Any]) -> str:
    names = {"item": "事项", "theme": "主题", "bundle": "一件事"}
    lines = [f"--prune 将删除 {plan['count']} 条："]
    for kind, removed in plan["removes"].items():
        if removed:
            examples = "、".join(plan["examples"][kind])
            more = " …" if removed > len(plan["examples"][kind]) else ""
            lines.append(f"  {names[kind]} {removed} / 现有 {plan['existing'][kind]}：{examples}{more}")
    return "\n".join(lines)
