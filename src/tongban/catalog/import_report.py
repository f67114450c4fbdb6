"""What a catalogue import reports (导入报告): the problems it found, what it counted, and its progress.

`ImportReport` is what `import_catalogue` returns to the CLI, the API and the console: the lines
read, whether anything was written (and why not), the created / updated / unchanged / deleted
counts of each kind, every error and warning as a `Problem` with its line and field, the lines
skipped with `skip_invalid`, and the regions the import had to create. `Progress` is the callback
both passes report their progress through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from tongban.catalog import import_guards

Progress = Callable[[str, int, int | None], None]
"""progress(phase, done, in all or None): "check" counts bytes of the file, "write" counts items."""

KINDS = ("department", "theme", "item", "bundle")
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class Problem:
    """One problem of the file, where it is and what to do about it."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        if not self.line:  # the whole file, not one line
            return f"{self.field}：{self.message}" if self.field else self.message
        where = f"第 {self.line} 行"
        return f"{where} {self.field}：{self.message}" if self.field else f"{where}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class ImportReport:
    """What an import found and did; `written` is False when errors stopped it."""

    lines: int = 0
    written: bool = False
    skip_invalid: bool = False
    prune: bool = False
    dry_run: bool = False
    reason: str = ""
    """Why nothing was written: "invalid", "empty" or "prune_unconfirmed" ("" when written or a dry run)."""
    prune_plan: import_guards.PrunePlan | None = None
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    regions_created: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "written": self.written,
            "skip_invalid": self.skip_invalid,
            "prune": self.prune,
            "dry_run": self.dry_run,
            "prune_plan": self.prune_plan.as_dict() if self.prune_plan is not None else None,
            "counts": {kind: vars(c).copy() for kind, c in self.counts.items()},
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
            "skipped": self.skipped,
            "regions_created": self.regions_created,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        names = {"department": "部门", "theme": "主题", "item": "事项", "bundle": "一件事"}
        parts = []
        for kind in KINDS:
            c = self.counts[kind]
            text = f"{names[kind]}：新增 {c.created}，更新 {c.updated}，未变 {c.unchanged}"
            if self.prune and kind != "department":
                text += f"，删除 {c.deleted}"
            parts.append(text)
        head = f"共 {self.lines} 行，用时 {self.seconds:.1f} 秒。"
        if self.dry_run and not self.reason:
            head += gettext("预览（dry run），未写入任何内容：")
        elif not self.written:
            return head + f"发现 {len(self.errors)} 处错误，未写入任何内容。"
        tail = f"跳过有误的 {len(self.skipped)} 行。" if self.skipped else ""
        return head + "；".join(parts) + "。" + tail
