"""导出事项目录: the whole catalogue as a tongban-catalogue/1 file, streamed in chunks.

Departments, themes, items and bundles, in that order; importing the file back into an empty
database gives the same catalogue (unknown fields included, from `extra`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db.models import Prefetch

from tongban.catalog.format import bundle_record, dump_line, item_record, material_record, theme_record
from tongban.catalog.models import Bundle, DepartmentExtra, ItemTheme, Material, ServiceItem, Theme
from tongban.orgs.models import Department

CHUNK = 2000

ExportProgress = Callable[[int, int], None]
"""progress(entries written, entries in all)."""


@dataclass
class ExportReport:
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _department_record(department: Department, extra: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"code": department.code, "name": department.name, "region": department.region.code}
    if department.parent is not None:
        record["parent"] = department.parent.code
    if department.phone:
        record["phone"] = department.phone
    record.update(extra)
    return record


def export_catalogue(*, stream: IO[Any], progress: ExportProgress | None = None) -> ExportReport:
    """Write every department, theme, item and bundle to `stream` (binary or text), one a line."""
    text = isinstance(stream, io.TextIOBase)

    def write(kind: str, record: dict[str, Any]) -> None:
        line = dump_line(kind, record) + "\n"
        stream.write(line if text else line.encode("utf-8"))

    report = ExportReport()
    departments = Department.objects.select_related("region", "parent").order_by("code")
    themes = Theme.objects.all()
    items = ServiceItem.objects.order_by("code").prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("position")),
        Prefetch("theme_links", queryset=ItemTheme.objects.order_by("pk")),
    )
    bundles = Bundle.objects.prefetch_related("themes", "bundle_items")
    total = departments.count() + themes.count() + items.count() + bundles.count()
    done = 0

    def tick(kind: str) -> None:
        nonlocal done
        done += 1
        report.counts[kind] = report.counts.get(kind, 0) + 1
        if progress is not None and (done % CHUNK == 0 or done == total):
            progress(done, total)

    extras: dict[str, dict[str, Any]] = {
        str(code): extra for code, extra in DepartmentExtra.objects.values_list("department_id", "extra")
    }
    for department in departments.iterator(chunk_size=CHUNK):
        write("department", _department_record(department, extras.get(department.code, {})))
        tick("department")
    for theme in themes:
        write("theme", theme_record(theme))
        tick("theme")
    for item in items.iterator(chunk_size=CHUNK):
        record = item_record(
            item,
            materials=[material_record(m) for m in item.materials.all()],
            theme_codes=[link.theme_id for link in item.theme_links.all()],
        )
        write("item", record)
        tick("item")
    for bundle in bundles:
        record = bundle_record(
            bundle,
            theme_codes=[t.code for t in bundle.themes.all()],
            item_codes=[bi.item_id for bi in bundle.bundle_items.all()],
        )
        write("bundle", record)
        tick("bundle")
    if progress is not None:
        progress(total, total)
    return report
