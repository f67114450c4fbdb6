"""What an import leaves in the tables: departments and their extras, themes in order, bundles,
materials and theme links of changed items, the change log and the audit entry; the bulk writer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.catalog.conftest import bundle, department, item, stream, theme
from tongban.catalog.bulk import json_param, write_rows
from tongban.catalog.changes import record_change, record_changes
from tongban.catalog.importer import Problem
from tongban.catalog.models import (
    Bundle,
    CatalogChange,
    DepartmentExtra,
    ItemTheme,
    Material,
    ServiceItem,
    Theme,
)
from tongban.catalog.services import import_catalogue
from tongban.core.models import AuditEntry
from tongban.orgs.models import Department, Region, RegionLevel

pytestmark = pytest.mark.django_db
DEPT = department()["code"]


def run(*lines: dict[str, Any] | str, **kwargs: Any) -> Any:
    report = import_catalogue(stream=stream(*lines), actor=None, **kwargs)
    assert report.written, [str(p) for p in report.errors]
    return report


def changes_of(code: str) -> int:
    return CatalogChange.objects.filter(code=code).count()


def test_department_extras_are_kept_changed_and_dropped() -> None:
    run(department(website="https://ga.example", hours="9:00–17:00"))
    assert DepartmentExtra.objects.get(department_id=DEPT).extra == {
        "website": "https://ga.example",
        "hours": "9:00–17:00",
    }
    report = run(department(website="https://new.example"))
    assert report.counts["department"].updated == 1
    assert DepartmentExtra.objects.get(department_id=DEPT).extra == {"website": "https://new.example"}
    run(department())
    assert not DepartmentExtra.objects.filter(department_id=DEPT).exists()


def test_a_renamed_department_is_counted_as_updated() -> None:
    run(department())
    report = run(department(name="广州市公安局（新）", phone="020-110"))
    assert report.counts["department"].updated == 1
    changed = Department.objects.get(code=DEPT)
    assert (changed.name, changed.phone) == ("广州市公安局（新）", "020-110")


def test_a_department_gets_its_parent_from_the_file_or_the_database() -> None:
    run(department("PARENT-1", name="市政府"), department(parent="PARENT-1"))
    assert Department.objects.get(code=DEPT).parent.code == "PARENT-1"
    report = run(department("CHILD-2", name="分局", parent="NOWHERE"))
    assert Department.objects.get(code="CHILD-2").parent is None
    assert [(w.field, "NOWHERE" in w.message) for w in report.warnings] == [("parent", True)]


def test_regions_below_a_county_are_created_with_their_levels() -> None:
    run(
        department(),
        department("COUNTY-1", name="区政府", region="440106"),
        department("TOWN-1", name="街道办", region="440106005"),
        department("VILLAGE-1", name="居委会", region="440106005001"),
    )
    town, village = Region.objects.get(code="440106005"), Region.objects.get(code="440106005001")
    assert (town.level, village.level) == (RegionLevel.TOWN, RegionLevel.VILLAGE)
    assert village.parent == town and town.parent.code == "440106"
    assert village.path.endswith("440106/440106005/440106005001")


def test_themes_keep_the_order_of_the_last_file() -> None:
    run(theme("a", name="甲"), theme("b", name="乙"), theme("c", name="丙"))
    assert list(Theme.objects.values_list("code", flat=True)) == ["a", "b", "c"]
    report = run(theme("c", name="丙"), theme("a", name="甲"), theme("b", name="乙"))
    assert list(Theme.objects.values_list("code", flat=True)) == ["c", "a", "b"]
    assert report.counts["theme"].updated == 3  # their place changed


def test_a_changed_item_gets_its_new_materials_and_theme_links_only() -> None:
    run(department(), theme(), theme("yibao", name="医保"), item())
    assert Material.objects.filter(item_id="440100-GA-001").count() == 2
    run(
        department(),
        theme(),
        theme("yibao", name="医保"),
        item(themes=["yibao"], materials=[{"name": "申请表", "required": True}]),
    )
    assert list(Material.objects.filter(item_id="440100-GA-001").values_list("name", flat=True)) == ["申请表"]
    assert list(ItemTheme.objects.filter(item_id="440100-GA-001").values_list("theme_id", flat=True)) == ["yibao"]


def test_only_created_or_changed_items_are_logged_for_the_search_index() -> None:
    run(department(), theme(), item(), item("440100-GA-009", name="户口迁移"))
    assert changes_of("440100-GA-001") == 1 and changes_of("440100-GA-009") == 1
    run(department(), theme(), item(), item("440100-GA-009", name="户口迁移（新）"))
    assert changes_of("440100-GA-001") == 1 and changes_of("440100-GA-009") == 2


def test_an_import_is_audited_and_an_import_that_changes_nothing_is_not() -> None:
    lines = (department(), theme(), item())
    run(*lines)
    entries = AuditEntry.objects.filter(action="catalog.import")
    assert entries.count() == 1
    assert entries.get().details["counts"]["item"]["created"] == 1
    run(*lines)
    assert entries.count() == 1


def test_a_bundle_update_replaces_its_items_and_themes() -> None:
    run(
        department(),
        theme(),
        theme("yibao", name="医保"),
        item(),
        item("I-2", name="医保参保"),
        bundle(items=["440100-GA-001"]),
    )
    report = run(
        department(), theme(), theme("yibao", name="医保"), item(), item("I-2", name="医保参保"),
        bundle(items=["I-2", "440100-GA-001"], themes=["yibao"], committed_days=3),
    )  # fmt: skip
    assert report.counts["bundle"].updated == 1
    saved = Bundle.objects.get(code="birth-bundle")
    assert [bi.item_id for bi in saved.bundle_items.all()] == ["I-2", "440100-GA-001"]
    assert [t.code for t in saved.themes.all()] == ["yibao"] and saved.committed_days == 3
    assert changes_of("birth-bundle") == 2


def test_a_byte_order_mark_and_comment_lines_are_ignored() -> None:
    text = "\ufeff" + "// 目录导出\n" + '{"type": "theme", "code": "t", "name": "主题", "audience": "person"}\n\n'
    import io

    report = import_catalogue(stream=io.BytesIO(text.encode("utf-8")), actor=None)
    assert report.written and report.lines == 3
    assert Theme.objects.filter(code="t").exists()


def test_an_item_cannot_be_its_own_parent() -> None:
    report = import_catalogue(stream=stream(department(), theme(), item(parent="440100-GA-001")), actor=None)
    assert not report.written
    assert [(p.line, p.field) for p in report.errors] == [(3, "parent")]
    assert not ServiceItem.objects.exists()


def test_problems_read_as_sentences() -> None:
    assert str(Problem(3, "name", "不能为空")) == "第 3 行 name：不能为空"
    assert str(Problem(3, "", "不是有效的 JSON")) == "第 3 行：不是有效的 JSON"
    assert Problem(2, "code", "重复").as_dict() == {"line": 2, "field": "code", "message": "重复"}


def test_the_report_as_a_dict_has_counts_per_kind() -> None:
    report = run(department(), theme(), item())
    data = report.as_dict()
    assert data["written"] is True and data["lines"] == 3
    assert data["counts"]["item"] == {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0}
    assert data["errors"] == [] and report.ok


# --- the change log and the bulk writer -----------------------------------------------------------------


def test_the_change_log_keeps_one_row_per_change_in_order() -> None:
    first = record_change(kind="item", code="A")
    assert record_changes(kind="theme", codes=["t1", "t2"]) == 2
    record_change(kind="bundle", code="b", deleted=True)
    rows = list(CatalogChange.objects.values_list("kind", "code", "deleted"))
    assert rows == [("item", "A", False), ("theme", "t1", False), ("theme", "t2", False), ("bundle", "b", True)]
    assert str(first) == f"#{first.pk} item A"
    assert str(CatalogChange.objects.last()).endswith("bundle b deleted")
    assert record_changes(kind="item", codes=[]) == 0


def test_write_rows_inserts_and_on_a_clash_updates_or_leaves_alone() -> None:
    json = json_param()
    write_rows(
        Theme, ["code", "name", "audience", "phrase", "extra", "position"], [("w1", "一", "person", "", json({}), 0)]
    )
    write_rows(
        Theme,
        ["code", "name", "audience", "phrase", "extra", "position"],
        [("w1", "二", "person", "", json({"k": 1}), 5), ("w2", "三", "legal_person", "", json({}), 1)],
        conflict=["code"],
        update=["name", "extra"],
    )
    one = Theme.objects.get(code="w1")
    assert (one.name, one.extra, one.position) == ("二", {"k": 1}, 0)  # position was not to be updated
    write_rows(
        Theme,
        ["code", "name", "audience", "phrase", "extra", "position"],
        [("w2", "改不了", "person", "", json({}), 9)],
        conflict=["code"],
    )
    assert Theme.objects.get(code="w2").name == "三"
    write_rows(Theme, ["code"], [])  # nothing to write: no statement
    assert json(None) is None
