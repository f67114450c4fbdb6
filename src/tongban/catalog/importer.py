"""导入事项目录: `import_catalogue(stream=…)`, used by the CLI, the API and the demo loader.

Two passes, so a million lines never sit in memory at once:

1. *check*: every line is validated (pydantic, then the consistency rules); the codes seen and
   the references between entries are kept, and resolved against the file and the database
   once the whole file is read. Every problem is collected with its line and field.
2. *write*, in one transaction, only when there were no errors (or `skip_invalid`): regions
   that do not exist yet, departments, themes, then the items — read back from a temporary
   file of the records the check pass validated — written in batches (one upsert by code run
   with executemany), bundles, and with `prune` the deletion of what the
   file no longer holds. Entries whose content did not change are not touched, so importing
   the same file twice changes nothing; each created, changed or deleted item, theme and
   bundle gets a `CatalogChange` row.

Guards (import_guards): a file without one valid line writes nothing; a line too long or nested too
deep is an error of that line; a prune that would remove more than a share of the catalogue needs
the expected number confirmed; `dry_run` does everything and rolls it back, to show what would change.
"""

from __future__ import annotations

import json
import pickle
import struct
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext

from tongban.catalog import changes, import_guards, rules
from tongban.catalog.bulk import datetime_param, json_param, write_rows
from tongban.catalog.form_order import with_field_order, with_form_orders
from tongban.catalog.format import (
    LINE,
    BundleLine,
    DepartmentLine,
    ItemLine,
    MaterialLine,
    PydanticValidationError,
    ThemeLine,
    bundle_record,
    explain,
    record_hash,
    record_of,
    theme_record,
)
from tongban.catalog.models import (
    Bundle,
    BundleItem,
    CatalogChange,
    DepartmentExtra,
    ItemStatus,
    ItemTheme,
    Material,
    ServiceItem,
    Theme,
)
from tongban.catalog.permissions import administered_scopes, region_code_within
from tongban.core import audit
from tongban.core.validators import validate_credit_code
from tongban.orgs.models import Department, Region, RegionLevel
from tongban.orgs.services import upsert_region

Progress = Callable[[str, int, int | None], None]
"""progress(phase, done, in all or None): "check" counts bytes of the file, "write" counts items."""

KINDS = ("department", "theme", "item", "bundle")
ITEM_BATCH = 1000
QUERY_CHUNK = 500
PROGRESS_EVERY = 2000
BOM = b"\xef\xbb\xbf"
_SIZE = struct.Struct("<I")

ITEM_FIELDS = frozenset(ItemLine.model_fields) - {"type"}
MATERIAL_FIELDS = frozenset(MaterialLine.model_fields)


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


# --- reading the stream ---------------------------------------------------------------------------------


def _lines(stream: IO[Any]) -> Iterator[tuple[int, bytes, int, int]]:
    """(line number, raw bytes, bytes read so far, size) of a binary or text stream; see read_lines."""
    for number, raw, done, size in import_guards.read_lines(stream):
        if number == 1 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
            size -= len(BOM)
        yield number, raw, done, size


def _size(stream: IO[Any]) -> int | None:
    """Bytes left in a seekable stream (for the progress bar); None when it cannot tell."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(here)
        return end - here
    except (AttributeError, OSError, ValueError):
        return None


class _Records:
    """The valid items of the check pass, as canonical records, in a temporary file: the write
    pass reads them back without parsing and validating the file a second time."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.count = 0

    def add(self, line: int, record: dict[str, Any]) -> None:
        data = pickle.dumps((line, record), protocol=pickle.HIGHEST_PROTOCOL)
        self.file.write(_SIZE.pack(len(data)))
        self.file.write(data)
        self.count += 1

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        self.file.seek(0)
        read = self.file.read
        for _ in range(self.count):
            (size,) = _SIZE.unpack(read(_SIZE.size))
            yield pickle.loads(read(size))  # noqa: S301 - our own file, written just before

    def close(self) -> None:
        self.file.close()


def _is_content(raw: bytes) -> bool:
    stripped = raw.strip()
    return bool(stripped) and not stripped.startswith(b"//")


def _guess(raw: bytes) -> tuple[str, str]:
    """Type and code of a line that failed validation, for the list of skipped lines."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("type") or ""), str(data.get("code") or "")


def _existing(model: type[Model], field_name: str, codes: Iterable[str]) -> set[str]:
    """Which of `codes` already exist in the database."""
    wanted = list(dict.fromkeys(codes))
    found: set[str] = set()
    manager = model._default_manager
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start : start + QUERY_CHUNK]
        found.update(manager.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


# --- pass 1: check ------------------------------------------------------------------------------------


class _Check:
    """Validates every line and keeps what the write pass and the reference checks need."""

    def __init__(self, report: ImportReport, scopes: list[str] | None, records: _Records) -> None:
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
            kind, code = _guess(raw)
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


# --- pass 2: write -------------------------------------------------------------------------------------


def _region_level(code: str) -> int:
    if len(code) == 12:
        return RegionLevel.VILLAGE
    if len(code) == 9:
        return RegionLevel.TOWN
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def _parent_candidates(code: str) -> list[str]:
    if len(code) == 12:
        return [code[:9]]
    if len(code) == 9:
        return [code[:6]]
    level = _region_level(code)
    if level == RegionLevel.COUNTY:
        return [code[:4] + "00", code[:2] + "0000"]
    if level == RegionLevel.CITY:
        return [code[:2] + "0000"]
    return []


def _department_state(department: Department) -> tuple[Any, ...]:
    return (department.name, department.region_id, department.phone, department.credit_code)


def _credit_code(code: str) -> str | None:
    try:
        return validate_credit_code(code)
    except ValidationError:
        return None


class _Write:
    def __init__(self, check: _Check, report: ImportReport, actor: Any) -> None:
        self.check = check
        self.report = report
        self.actor = actor
        self.json = json_param()

    def regions(self) -> None:
        existing = {r.code: r for r in Region.objects.filter(code__in=self.check.regions)}
        missing = sorted(set(self.check.regions) - set(existing), key=lambda c: (_region_level(c), c))
        for code in missing:
            known = existing | {r.code: r for r in Region.objects.filter(code__in=_parent_candidates(code))}
            parent = next((known[p] for p in _parent_candidates(code) if p in known), None)
            existing[code] = upsert_region(
                code=code, name=code, level=_region_level(code), parent=parent, actor=self.actor
            )
            self.report.regions_created.append(code)

    def departments(self) -> None:
        lines = [line for _, line in sorted(self.check.departments.values(), key=lambda v: v[0])]
        codes = [line.code for line in lines]
        counts = self.report.counts["department"]
        current = {d.code: d for d in Department.objects.filter(code__in=codes)}
        extras = {e.department_id: e.extra for e in DepartmentExtra.objects.filter(department_id__in=codes)}
        region_ids = dict(Region.objects.filter(code__in=self.check.regions).values_list("code", "pk"))
        taken = set(
            Department.objects.filter(credit_code__in=codes)
            .exclude(code__in=codes)
            .values_list("credit_code", flat=True)
        )
        renamed: list[str] = []
        updated: set[str] = set()
        created: set[str] = set()
        for line in lines:
            department = current.get(line.code) or Department(code=line.code)
            before = _department_state(department)
            department.name = line.name
            department.region_id = region_ids[line.region]
            if line.phone is not None:
                department.phone = line.phone
            credit = _credit_code(line.code)
            if credit is not None and credit not in taken:
                department.credit_code = credit
            extra = line.model_extra or {}
            if department.pk is None:
                created.add(line.code)
                department.save()
                current[line.code] = department
            elif before != _department_state(department):
                updated.add(line.code)
                department.save()
                if before[0] != department.name:
                    renamed.append(line.code)
            elif extra != extras.get(line.code, {}):
                updated.add(line.code)
            if extra and extra != extras.get(line.code):
                DepartmentExtra.objects.update_or_create(department_id=line.code, defaults={"extra": extra})
            elif not extra and line.code in extras:
                DepartmentExtra.objects.filter(department_id=line.code).delete()
        parent_codes = {line.parent for line in lines if line.parent}
        parent_ids = {code: d.pk for code, d in current.items() if code in parent_codes}
        parent_ids.update(Department.objects.filter(code__in=parent_codes - set(parent_ids)).values_list("code", "pk"))
        for line in lines:
            department = current[line.code]
            if line.parent and department.parent_id != parent_ids[line.parent]:
                department.parent_id = parent_ids[line.parent]
                department.save(update_fields=["parent"])
                if line.code not in created:
                    updated.add(line.code)
        counts.created = len(created)
        counts.updated = len(updated)
        counts.unchanged = len(lines) - len(created) - len(updated)
        if renamed:
            # an item's page and search entry show its department's name
            item_codes = ServiceItem.objects.filter(department_id__in=renamed).values_list("code", flat=True)
            changes.record_changes(kind="item", codes=list(item_codes))

    def themes(self) -> None:
        counts = self.report.counts["theme"]
        current = {t.code: t for t in Theme.objects.filter(code__in=list(self.check.themes))}
        touched = []
        for position, (_, line) in enumerate(sorted(self.check.themes.values(), key=lambda v: v[0])):
            record = record_of(line)
            theme = current.get(line.code)
            if theme is not None and theme_record(theme) == record and theme.position == position:
                counts.unchanged += 1
                continue
            if theme is None:
                theme = Theme(code=line.code)
                counts.created += 1
            else:
                counts.updated += 1
            theme.name = line.name
            theme.audience = line.audience
            theme.phrase = line.phrase or ""
            theme.extra = line.model_extra or {}
            theme.position = position
            theme.save()
            touched.append(line.code)
        changes.record_changes(kind="theme", codes=touched)

    def items(self, progress: Progress | None) -> None:
        batch: list[tuple[dict[str, Any], str]] = []
        valid = self.check.items
        total = self.check.records.count
        for done, (number, record) in enumerate(self.check.records, 1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress("write", done, total)
            if valid.get(record["code"]) != number:
                continue  # found wrong once the whole file was read
            record = self.check.clean_references(record)
            batch.append((record, record_hash(record)))
            if len(batch) >= ITEM_BATCH:
                self._flush(batch)
                batch = []
        if batch:
            self._flush(batch)
        if progress is not None:
            progress("write", total, total)

    def _flush(self, batch: list[tuple[dict[str, Any], str]]) -> None:
        counts = self.report.counts["item"]
        hashes = dict(
            ServiceItem.objects.filter(code__in=[r["code"] for r, _ in batch]).values_list("code", "content_hash")
        )
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        rows: list[tuple[Any, ...]] = []
        now = datetime_param(timezone.now())
        for record, digest in batch:
            old = hashes.get(record["code"])
            if old == digest:
                counts.unchanged += 1
                continue
            (new if old is None else changed).append(record)
            rows.append((*_item_values(record, digest, self.json), 0, now, now))
        if not rows:
            return
        counts.created += len(new)
        counts.updated += len(changed)
        touched = new + changed
        changed_codes = [r["code"] for r in changed]
        write_rows(
            ServiceItem,
            [*ITEM_COLUMNS, "popularity", "created_at", "updated_at"],
            rows,
            conflict=["code"],
            update=[*ITEM_COLUMNS[1:], "updated_at"],
        )
        if changed_codes:
            ItemTheme.objects.filter(item_id__in=changed_codes).delete()
        write_rows(
            Material,
            MATERIAL_COLUMNS,
            [values for r in touched for values in _material_values(r, self.json)],
            conflict=["item", "position"],
            update=MATERIAL_COLUMNS[2:],
        )
        if changed_codes:
            sizes = {r["code"]: len(r.get("materials", [])) for r in changed}
            surplus = [
                pk
                for pk, item, position in Material.objects.filter(item_id__in=changed_codes).values_list(
                    "pk", "item_id", "position"
                )
                if position >= sizes[item]
            ]
            Material.objects.filter(pk__in=surplus).delete()
        write_rows(ItemTheme, ["item", "theme"], [(r["code"], t) for r in touched for t in r.get("themes", [])])
        write_rows(CatalogChange, ["kind", "code", "deleted", "at"], [("item", r["code"], False, now) for r in touched])

    def bundles(self) -> None:
        counts = self.report.counts["bundle"]
        current = {
            b.code: b
            for b in Bundle.objects.filter(code__in=list(self.check.bundles)).prefetch_related("themes", "bundle_items")
        }
        touched = []
        for position, (_, line) in enumerate(sorted(self.check.bundles.values(), key=lambda v: v[0])):
            record = record_of(line)
            bundle = current.get(line.code)
            if bundle is not None:
                stored = bundle_record(
                    bundle,
                    theme_codes=[t.code for t in bundle.themes.all()],
                    item_codes=[bi.item_id for bi in bundle.bundle_items.all()],
                )
                if _same(stored, record) and bundle.position == position:
                    counts.unchanged += 1
                    continue
                counts.updated += 1
            else:
                bundle = Bundle(code=line.code)
                counts.created += 1
            bundle.name = line.name
            bundle.aliases = line.aliases
            bundle.summary = line.summary or ""
            bundle.committed_days = line.committed_days
            bundle.extra = with_form_orders(line.model_extra or {})
            bundle.position = position
            bundle.save()
            BundleItem.objects.filter(bundle=bundle).delete()
            BundleItem.objects.bulk_create(
                [BundleItem(bundle=bundle, item_id=code, position=i) for i, code in enumerate(line.items)]
            )
            bundle.themes.set(list(Theme.objects.filter(code__in=line.themes)))
            touched.append(line.code)
        changes.record_changes(kind="bundle", codes=touched)

    def prune(self, plan: import_guards.PrunePlan) -> None:
        """Delete what the file does not hold (`plan_prune` chose it: never an entry the file still
        refers to, nor one whose line was only skipped for an error)."""
        deleted = self._delete_items(plan.removals["item"])
        self.report.counts["item"].deleted = len(deleted)
        changes.record_changes(kind="item", codes=deleted, deleted=True)
        for kind, model in (("bundle", Bundle), ("theme", Theme)):
            gone = plan.removals[kind]
            if gone:
                model._default_manager.filter(code__in=gone).delete()
            self.report.counts[kind].deleted = len(gone)
            changes.record_changes(kind=kind, codes=gone, deleted=True)

    def _delete_items(self, codes: list[str]) -> list[str]:
        """Delete items; one that something else still needs (a case, say) is suspended instead."""
        deleted: list[str] = []
        for start in range(0, len(codes), QUERY_CHUNK):
            chunk = codes[start : start + QUERY_CHUNK]
            try:
                with transaction.atomic():
                    ServiceItem.objects.filter(code__in=chunk).delete()
                deleted.extend(chunk)
                continue
            except ProtectedError:
                pass
            for code in chunk:
                try:
                    with transaction.atomic():
                        ServiceItem.objects.filter(code=code).delete()
                    deleted.append(code)
                except ProtectedError:
                    ServiceItem.objects.filter(code=code).update(status=ItemStatus.SUSPENDED)
                    self.report.warnings.append(Problem(0, "code", f"事项 {code} 仍被引用，已暂停而没有删除"))
        return deleted


def _same(stored: dict[str, Any], record: dict[str, Any]) -> bool:
    """Equal records; a bundle's themes are a set (they are stored in the themes' own order)."""
    return {**stored, "themes": sorted(stored.get("themes", []))} == {
        **record,
        "themes": sorted(record.get("themes", [])),
    }


ITEM_COLUMNS = [
    "code",
    "base_code",
    "name",
    "aliases",
    "kind",
    "department",
    "region",
    "audience",
    "summary",
    "conditions",
    "legal_basis",
    "handling",
    "statutory_days",
    "committed_days",
    "online_depth",
    "max_visits",
    "scope",
    "channels",
    "fee",
    "form",
    "process",
    "result",
    "status",
    "extra",
    "parent",
    "situation",
    "content_hash",
]
MATERIAL_COLUMNS = [
    "item",
    "position",
    "name",
    "required",
    "form",
    "copies",
    "source",
    "certificate_type",
    "note",
    "extra",
]


def _item_values(record: dict[str, Any], digest: str, json: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The parameters of ITEM_COLUMNS for a record; `json` turns a JSON value into a parameter."""
    get = record.get
    return (
        record["code"],
        get("base_code", ""),
        record["name"],
        json(get("aliases", [])),
        record["kind"],
        record["department"],
        record["region"],
        json(record["audience"]),
        get("summary", ""),
        get("conditions", ""),
        get("legal_basis", ""),
        record["handling"],
        get("statutory_days"),
        record["committed_days"],
        record["online_depth"],
        record["max_visits"],
        get("scope", ""),
        json(get("channels", [])),
        json(get("fee")),
        json(with_field_order(get("form"))),
        get("process", ""),
        json(get("result")),
        get("status", ItemStatus.ACTIVE),
        json({k: v for k, v in record.items() if k not in ITEM_FIELDS}),
        get("parent"),
        get("situation", ""),
        digest,
    )


def _material_values(record: dict[str, Any], json: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
    return [
        (
            record["code"],
            position,
            m["name"],
            m["required"],
            m.get("form", ""),
            m.get("copies"),
            m.get("source", ""),
            m.get("certificate_type", ""),
            m.get("note", ""),
            json({k: v for k, v in m.items() if k not in MATERIAL_FIELDS}),
        )
        for position, m in enumerate(record.get("materials", []))
    ]


def item_from_record(record: dict[str, Any], digest: str) -> ServiceItem:
    """An unsaved item holding a record's values."""
    return ServiceItem(
        code=record["code"],
        base_code=record.get("base_code", ""),
        name=record["name"],
        aliases=record.get("aliases", []),
        kind=record["kind"],
        department_id=record["department"],
        region_id=record["region"],
        audience=record["audience"],
        summary=record.get("summary", ""),
        conditions=record.get("conditions", ""),
        legal_basis=record.get("legal_basis", ""),
        handling=record["handling"],
        statutory_days=record.get("statutory_days"),
        committed_days=record["committed_days"],
        online_depth=record["online_depth"],
        max_visits=record["max_visits"],
        scope=record.get("scope", ""),
        channels=record.get("channels", []),
        fee=record.get("fee"),
        form=with_field_order(record.get("form")),
        process=record.get("process", ""),
        result=record.get("result"),
        status=record.get("status", ItemStatus.ACTIVE),
        extra={k: v for k, v in record.items() if k not in ITEM_FIELDS},
        parent_id=record.get("parent"),
        situation=record.get("situation", ""),
        content_hash=digest,
    )


# --- the service ----------------------------------------------------------------------------------------


def import_catalogue(
    *,
    stream: IO[Any],
    actor: Any,
    skip_invalid: bool = False,
    prune: bool = False,
    confirm_prune: int | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a tongban-catalogue/1 file (JSON Lines) from `stream` (binary or text).

    `actor` is the administrator (None for the command line: everything allowed); an
    administrator can only import items and departments of the regions they look after.
    With errors nothing is written, unless `skip_invalid`: then the valid entries are — but a file
    without one valid line never writes anything.
    `prune` deletes the items, themes and bundles the file does not hold (an administrator's
    prune only reaches the items of their regions); when that is more than the configured share of
    a kind, only with `confirm_prune` equal to the number it removes (report.prune_plan tells it).
    `dry_run` checks and writes everything, then rolls it back: the report shows what would change.
    """
    started = time.perf_counter()
    report = ImportReport(skip_invalid=skip_invalid, prune=prune, dry_run=dry_run)
    scopes = administered_scopes(actor) if actor is not None else None
    records = _Records()
    check = _Check(report, scopes, records)
    total = _size(stream)
    try:
        for number, raw, done, size in _lines(stream):
            report.lines = number
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress("check", done, total)
            if _is_content(raw):
                check.line(number, raw, size)
        if progress is not None:
            progress("check", total or 0, total)
        check.resolve()
        report.errors.sort(key=lambda p: p.line)
        report.warnings.sort(key=lambda p: p.line)
        report.skipped = [
            {"line": line, "type": kind, "code": code} for line, (kind, code) in sorted(check.bad_lines.items())
        ]
        empty = not check.valid and (skip_invalid or not report.errors)
        if empty:  # an empty body or a wrong upload must never reach the prune
            message = gettext("文件是空的。") if not report.lines else gettext("文件中没有一行有效的内容。")
            report.errors.append(Problem(0, "", message + gettext("为防止误删，未写入任何内容。")))
        if report.errors and (not skip_invalid or empty):
            report.reason = "empty" if empty else "invalid"
            report.skipped = []
            return report
        _write(check, report, actor, scopes, confirm_prune, progress)
        return report
    finally:
        records.close()
        report.seconds = time.perf_counter() - started


def _write(
    check: _Check,
    report: ImportReport,
    actor: Any,
    scopes: list[str] | None,
    confirm_prune: int | None,
    progress: Progress | None,
) -> None:
    """Pass 2, in one transaction: the prune is planned (and refused) before anything is written."""
    write = _Write(check, report, actor)
    with transaction.atomic():
        if report.prune:
            plan = report.prune_plan = import_guards.plan_prune(check, scopes)
            refusal = import_guards.prune_refusal(plan, confirm=confirm_prune, share=import_guards.max_prune_share())
            if refusal is not None and not report.dry_run:
                report.errors.append(Problem(0, "prune", refusal))
                report.reason = "prune_unconfirmed"
                return
            if refusal is not None:
                report.warnings.insert(0, Problem(0, "prune", refusal))
        write.regions()
        write.departments()
        write.themes()
        write.items(progress)
        write.bundles()
        if report.prune_plan is not None:
            write.prune(report.prune_plan)
        if report.dry_run:
            transaction.set_rollback(True)  # a dry run: everything above is undone
            return
        changed = any(c.created or c.updated or c.deleted for c in report.counts.values())
        if changed or report.skipped:  # an import that changed nothing leaves no trace
            audit.record(
                actor=actor,
                action="catalog.import",
                details={
                    "lines": report.lines,
                    "counts": {kind: vars(c).copy() for kind, c in report.counts.items()},
                    "skipped": len(report.skipped),
                    "prune": report.prune,
                },
            )
    report.written = not report.dry_run
