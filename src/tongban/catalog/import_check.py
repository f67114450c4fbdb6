"""Pass 1 of the catalogue import (导入检查): every line validated, the references resolved.

`Check` validates each line (pydantic, then the consistency rules of `rules`, the administrator's
regions), collects every problem with its line and field, and keeps what the write pass needs: the
departments, themes and bundles of the file, the codes of its valid items (their records go to
`Records`) and the references between entries. Once the whole file is read, `resolve` checks those
references against the file and the database: an unknown department makes an item wrong, an
unknown theme or parent is dropped with a warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from tongban.catalog import import_guards, rules
from tongban.catalog.format import (
    LINE,
    BundleLine,
    DepartmentLine,
    ItemLine,
    PydanticValidationError,
    ThemeLine,
    explain,
    record_of,
)
from tongban.catalog.import_reading import Records, guess
from tongban.catalog.import_report import ImportReport, Problem
from tongban.catalog.models import ServiceItem, Theme
from tongban.catalog.permissions import region_code_within
from tongban.orgs.models import Department

QUERY_CHUNK = 500


def _existing(model: type[Model], field_name: str, codes: Iterable[str]) -> set[str]:
    """Which of `codes` already exist in the database."""
    wanted = list(dict.fromkeys(codes))
    found: set[str] = set()
    manager = model._default_manager
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start : start + QUERY_CHUNK]
        found.update(manager.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


class Check:
    """Validates every line and keeps what the write pass and the reference checks need."""

    def __init__(self, report: ImportReport, scopes: list[str] | None, records: Records) -> None:
        self.report = report
        self.scopes = scopes
        self.records = records
        self.departments: dict[str, tuple[int, DepartmentLine]] = {}
        self.themes: dict[str, tuple[int, ThemeLine]] = {}
        self.bundles: dict[str, tuple[int, BundleLine]] = {}
        self.items: dict[str, int] = {}
        self.item_days: dict[str, int] = {}  # 承诺办结时限 of the file's items, for the bundle checks
        self.item_departments: dict[str, list[str]] = defaultdict(list)
        self.item_themes: dict[str, list[str]] = defaultdict(list)
        self.item_parents: list[tuple[str, str]] = []
        self.regions: set[str] = set()
        self.bad_lines: dict[int, tuple[str, str]] = {}
        self.bad_codes: dict[tuple[str, str], int] = {}
        self.unknown_themes: set[str] = set()
        self.unknown_parents: set[str] = set()

    # problems
    def error(self, line: int, field_name: str, message: str, *, kind: str = "", code: str = "") -> None:
        self.report.errors.append(Problem(line, field_name, message))
        if line not in self.bad_lines:
            self.bad_lines[line] = (kind, code)
        if kind and code:
            self.bad_codes.setdefault((kind, code), line)

    def warn(self, line: int, field_name: str, message: str) -> None:
        self.report.warnings.append(Problem(line, field_name, message))

    def _duplicate(self, line: int, kind: str, code: str, first: int | None) -> bool:
        if first is None:
            first = self.bad_codes.get((kind, code))
        if first is None:
            return False
        self.error(line, "code", f"编码 {code} 与第 {first} 行重复", kind=kind)
        return True

    def _in_scope(self, line: int, region: str, kind: str, code: str) -> bool:
        if self.scopes is None or any(region_code_within(region, scope) for scope in self.scopes):
            return True
        self.error(line, "region", f"行政区划 {region} 不在您管理的范围内", kind=kind, code=code)
        return False

    @property
    def valid(self) -> int:
        """How many entries passed every check."""
        return len(self.departments) + len(self.themes) + len(self.items) + len(self.bundles)

    # one line
    def line(self, number: int, raw: bytes, size: int) -> None:
        problem = import_guards.too_long(size) or import_guards.too_deep(raw)
        if problem is not None:
            self.error(number, "", problem)
            return
        try:
            entry = LINE.validate_json(raw)
        except PydanticValidationError as exc:
            kind, code = guess(raw)
            for field_name, message in explain(exc):
                self.error(number, field_name, message, kind=kind, code=code)
            return
        if isinstance(entry, ItemLine):
            self._item(number, entry)
        elif isinstance(entry, DepartmentLine):
            first = self._line_of(self.departments, entry.code)
            if not self._duplicate(number, "department", entry.code, first) and self._in_scope(
                number, entry.region, "department", entry.code
            ):
                self.departments[entry.code] = (number, entry)
                self.regions.add(entry.region)
        elif isinstance(entry, ThemeLine):
            if not self._duplicate(number, "theme", entry.code, self._line_of(self.themes, entry.code)):
                self.themes[entry.code] = (number, entry)
        elif not self._duplicate(number, "bundle", entry.code, self._line_of(self.bundles, entry.code)):
            self.bundles[entry.code] = (number, entry)

    @staticmethod
    def _line_of(entries: dict[str, tuple[int, Any]], code: str) -> int | None:
        found = entries.get(code)
        return found[0] if found else None

    def _item(self, number: int, item: ItemLine) -> None:
        code = item.code
        if self._duplicate(number, "item", code, self.items.get(code)):
            return
        if not self._in_scope(number, item.region, "item", code):
            return
        failed = False
        for issue in rules.check_item(
            kind=item.kind,
            handling=item.handling,
            statutory_days=item.statutory_days,
            committed_days=item.committed_days,
            online_depth=item.online_depth,
            max_visits=item.max_visits,
            fee=item.fee.model_dump() if item.fee else None,
            extra=item.model_extra,
        ):
            if issue.warning:
                self.warn(number, issue.field, issue.message)
            else:
                failed = True
                self.error(number, issue.field, issue.message, kind="item", code=code)
        if item.parent == code:
            failed = True
            self.error(number, "parent", "事项不能以自己为上级事项", kind="item", code=code)
        if failed:
            return
        self.items[code] = number
        self.item_days[code] = item.committed_days
        self.records.add(number, record_of(item))
        self.regions.add(item.region)
        self.item_departments[item.department].append(code)
        for theme in item.themes:
            self.item_themes[theme].append(code)
        if item.parent:
            self.item_parents.append((code, item.parent))

    # references, once the whole file is read
    def _drop_item(self, code: str, field_name: str, message: str) -> None:
        line = self.items.pop(code)
        self.error(line, field_name, message, kind="item", code=code)

    def _why_missing(self, kind: str, name: str, code: str) -> str:
        bad = self.bad_codes.get((kind, code))
        if bad is not None:
            return f"{name} {code} 在第 {bad} 行有误，未能导入"
        return f"{name} {code} 不存在：请在文件中加入它，或先导入它"

    def resolve(self) -> None:
        """Check the references once the whole file is read. An unknown department makes an item
        wrong; an unknown theme, parent item or parent department is only dropped, with a warning."""
        self._resolve_departments()
        in_db = _existing(Department, "code", [c for c in self.item_departments if c not in self.departments])
        for department, codes in self.item_departments.items():
            if department in self.departments or department in in_db:
                continue
            message = self._why_missing("department", "部门", department)
            for code in codes:
                if code in self.items:
                    self._drop_item(code, "department", message)
        in_db = _existing(Theme, "code", [c for c in self.item_themes if c not in self.themes])
        for theme, codes in self.item_themes.items():
            if theme in self.themes or theme in in_db:
                continue
            self.unknown_themes.add(theme)
            message = self._why_missing("theme", "主题", theme) + "；已忽略"
            for code in codes:
                if code in self.items:
                    self.warn(self.items[code], "themes", message)
        in_db = _existing(ServiceItem, "code", [p for _, p in self.item_parents if p not in self.items])
        for code, parent in self.item_parents:
            if code in self.items and parent not in self.items and parent not in in_db:
                self.unknown_parents.add(parent)
                self.warn(self.items[code], "parent", self._why_missing("item", "上级事项", parent) + "；已忽略")
        self._resolve_bundles()

    def _resolve_departments(self) -> None:
        parents = {line.parent for _, line in self.departments.values() if line.parent}
        in_db = _existing(Department, "code", [p for p in parents if p not in self.departments])
        for number, line in self.departments.values():
            if line.parent and line.parent not in self.departments and line.parent not in in_db:
                self.warn(number, "parent", self._why_missing("department", "上级部门", line.parent) + "；已忽略")
                line.parent = None

    def _resolve_bundles(self) -> None:
        item_refs = {c for _, line in self.bundles.values() for c in line.items if c not in self.items}
        items_in_db = _existing(ServiceItem, "code", item_refs)
        theme_refs = {c for _, line in self.bundles.values() for c in line.themes if c not in self.themes}
        themes_in_db = _existing(Theme, "code", theme_refs)
        days_in_db = dict(ServiceItem.objects.filter(code__in=items_in_db).values_list("code", "committed_days"))
        for code, (number, line) in list(self.bundles.items()):
            missing = [c for c in line.items if c not in self.items and c not in items_in_db]
            if missing:
                self.error(number, "items", "以下事项不存在或有误：" + "、".join(missing), kind="bundle", code=code)
                del self.bundles[code]
                continue
            unknown = [c for c in line.themes if c not in self.themes and c not in themes_in_db]
            if unknown:
                self.warn(number, "themes", "以下主题不存在，已忽略：" + "、".join(unknown))
                line.themes = [c for c in line.themes if c not in unknown]
            days = {c: self.item_days[c] if c in self.item_days else days_in_db.get(c, 0) for c in line.items}
            for issue in rules.check_bundle(committed_days=line.committed_days, items=days, extra=line.model_extra):
                self.warn(number, issue.field, issue.message)

    def clean_references(self, record: dict[str, Any]) -> dict[str, Any]:
        """Drop the references `resolve` found nowhere (already warned about)."""
        if self.unknown_themes and record.get("themes"):
            themes = [t for t in record["themes"] if t not in self.unknown_themes]
            if themes:
                record["themes"] = themes
            else:
                del record["themes"]
        if record.get("parent") in self.unknown_parents:
            del record["parent"]
        return record
