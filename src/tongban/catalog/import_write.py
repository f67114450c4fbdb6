"""Pass 2 of the catalogue import (导入写入): regions, departments, themes, items, bundles, the prune.

`Write` writes what the check pass accepted, inside the transaction `importer._write` opens:
regions the file names but the database lacks (with their level and parent guessed from the
code), departments, themes, then the items read back from `Records` in batches (one upsert by
code run with executemany, with their materials and themes), bundles, and with a prune the
deletion of what the file no longer holds. Entries whose content did not change are not touched;
each created, changed or deleted entry gets a `CatalogChange` row.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from tongban.catalog import changes, import_guards
from tongban.catalog.bulk import datetime_param, json_param, write_rows
from tongban.catalog.form_order import with_form_orders
from tongban.catalog.format import bundle_record, record_hash, record_of, theme_record
from tongban.catalog.import_check import QUERY_CHUNK, Check
from tongban.catalog.import_report import PROGRESS_EVERY, ImportReport, Problem, Progress
from tongban.catalog.import_rows import ITEM_COLUMNS, MATERIAL_COLUMNS, item_values, material_values, same
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
from tongban.core.validators import validate_credit_code
from tongban.orgs.models import Department, Region, RegionLevel
from tongban.orgs.services import upsert_region

ITEM_BATCH = 1000


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


class Write:
    def __init__(self, check: Check, report: ImportReport, actor: Any) -> None:
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
            rows.append((*item_values(record, digest, self.json), 0, now, now))
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
            [values for r in touched for values in material_values(r, self.json)],
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
                if same(stored, record) and bundle.position == position:
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
