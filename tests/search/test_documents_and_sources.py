"""What gets indexed: documents from catalogue records and from the database, and the change log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import BundleFactory, DepartmentFactory, ServiceItemFactory, ThemeFactory
from tongban.catalog.models import CatalogChange, ServiceItem
from tongban.search.documents import ListSource, SearchDocument, documents_from_records, read_jsonl
from tongban.search.sources import DatabaseSource

RECORDS = [
    {"type": "department", "code": "D1", "name": "广州市公安局", "region": "440100"},
    {"type": "theme", "code": "hukou", "name": "户籍办理", "phrase": "我要办户口", "audience": "person"},
    {
        "type": "item",
        "code": "GA-1",
        "name": "出生登记",
        "aliases": ["报户口"],
        "summary": "新生儿落户。",
        "department": "D1",
        "region": "440100",
        "audience": ["person"],
        "themes": ["hukou", "unknown"],
        "materials": [{"name": "出生医学证明"}, {"name": "户口簿"}],
        "result": {"name": "居民户口簿"},
        "online_depth": 4,
        "popularity": 7,
        "kind": "confirmation",
    },
    {
        "type": "item",
        "code": "YB-1",
        "name": "医保参保",
        "department": "NOWHERE",
        "region": "440106",
        "audience": ["person", "legal_person"],
        "online_depth": 2,
        "popularity": 30,
    },
    {"type": "item", "code": "OLD-1", "name": "暂停的事项", "status": "suspended", "department": "D1"},
    {"type": "bundle", "code": "birth", "name": "出生一件事", "items": ["GA-1", "YB-1", "GONE"], "themes": ["hukou"]},
]


def by_key(docs: list[SearchDocument]) -> dict[str, SearchDocument]:
    return {d.key: d for d in docs}


def test_documents_from_records_resolve_departments_themes_and_results() -> None:
    docs = by_key(documents_from_records(RECORDS))
    birth = docs["item:GA-1"]
    assert birth.department_name == "广州市公安局"
    assert birth.theme_text == ["户籍办理", "我要办户口"]  # an unknown theme adds no text
    assert birth.themes == ["hukou", "unknown"]
    assert birth.materials == ["出生医学证明", "户口簿"]
    assert (birth.result, birth.item_kind, birth.online_depth, birth.popularity) == ("居民户口簿", "confirmation", 4, 7)
    assert docs["item:YB-1"].department_name == ""  # an unknown department: no name, still indexed


def test_suspended_items_are_not_indexed() -> None:
    assert "item:OLD-1" not in by_key(documents_from_records(RECORDS))


def test_a_bundle_document_sums_up_its_members() -> None:
    bundle = by_key(documents_from_records(RECORDS))["bundle:birth"]
    assert bundle.members == ["出生登记", "医保参保"]  # a missing member is skipped
    assert bundle.audience == ["legal_person", "person"]
    assert bundle.online_depth == 2  # the least online member decides
    assert bundle.popularity == 30  # the most used member
    assert bundle.theme_text == ["户籍办理", "我要办户口"]
    assert bundle.item_kind == ""


def test_jsonl_reading_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('// a comment\n\n{"type": "theme", "code": "a"}\n  \n{"type": "theme", "code": "b"}\n', "utf-8")
    assert [r["code"] for r in read_jsonl(path)] == ["a", "b"]


def test_a_list_source_serves_documents_by_kind_and_code() -> None:
    docs = documents_from_records(RECORDS)
    source = ListSource(docs)
    assert source.count() == len(docs) == 3
    assert [d.code for d in source.documents("item", ["YB-1", "NOPE", "GA-1"])] == ["YB-1", "GA-1"]
    assert source.documents("bundle", ["GA-1"]) == []
    assert source.latest_change_id() == 0 and source.changes_after(0) == []
    assert list(source.all_documents()) == docs


# --- the database -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_source_reads_items_with_their_department_themes_and_materials() -> None:
    department = DepartmentFactory(name="广州市医疗保障局")
    theme = ThemeFactory(name="医疗保障", phrase="我要办医保")
    item = ServiceItemFactory(
        name="医保参保登记",
        aliases=["办医保"],
        department=department,
        themes=[theme],
        with_materials=True,
        result={"name": "参保凭证"},
    )
    ServiceItemFactory(suspended=True)
    doc = DatabaseSource().documents("item", [item.code])[0]
    assert (doc.name, doc.aliases, doc.department, doc.department_name) == (
        "医保参保登记",
        ["办医保"],
        department.code,
        "广州市医疗保障局",
    )
    assert doc.themes == [theme.code] and doc.theme_text == ["医疗保障", "我要办医保"]
    assert doc.materials == ["营业执照", "健康证明", "居民身份证"]
    assert (doc.result, doc.region, doc.audience, doc.item_kind) == ("参保凭证", item.region_id, ["person"], "permit")


@pytest.mark.django_db
def test_the_database_source_counts_and_lists_active_items_and_every_bundle() -> None:
    items = [ServiceItemFactory() for _ in range(3)]
    suspended = ServiceItemFactory(suspended=True)
    BundleFactory(items=items[:2])
    source = DatabaseSource()
    assert source.count() == 4
    keys = {d.key for d in source.all_documents()}
    assert keys == {*(f"item:{i.code}" for i in items), "bundle:" + BundleFactory._meta.model.objects.get().code}
    assert source.documents("item", [suspended.code]) == []
    assert source.documents("theme", ["x"]) == []


@pytest.mark.django_db
def test_a_bundle_from_the_database_lists_its_members_in_order() -> None:
    first = ServiceItemFactory(name="甲事项", online_depth=3, max_visits=1, visit_reason="核验")
    second = ServiceItemFactory(name="乙事项", audience=["legal_person"])
    ServiceItem.objects.filter(pk=second.pk).update(popularity=9)
    bundle = BundleFactory(items=[second, first], themes=[ThemeFactory(name="开店", phrase="我要开店")])
    doc = DatabaseSource().documents("bundle", [bundle.code])[0]
    assert doc.members == ["乙事项", "甲事项"]
    assert (doc.online_depth, doc.popularity, doc.audience) == (3, 9, ["legal_person", "person"])
    assert doc.theme_text == ["开店", "我要开店"]


@pytest.mark.django_db
def test_the_change_log_is_read_in_order_from_after_an_id() -> None:
    ServiceItemFactory(code="CHG-1")
    ServiceItemFactory(code="CHG-2")
    source = DatabaseSource()
    latest = source.latest_change_id()
    assert latest == CatalogChange.objects.order_by("-id").first().pk
    changes = source.changes_after(0)
    assert [c.code for c in changes if c.kind == "item"] == ["CHG-1", "CHG-2"]
    assert [c.id for c in changes] == sorted(c.id for c in changes)
    assert source.changes_after(latest) == []
    assert len(source.changes_after(0, limit=1)) == 1


@pytest.mark.django_db
def test_a_theme_change_reaches_its_items_and_bundles() -> None:
    theme = ThemeFactory()
    item = ServiceItemFactory(themes=[theme])
    ServiceItemFactory()
    bundle = BundleFactory(themes=[theme])
    assert DatabaseSource().codes_for_theme(theme.code) == ([item.code], [bundle.code])


@pytest.mark.django_db
def test_an_empty_catalogue_has_no_changes() -> None:
    assert DatabaseSource().latest_change_id() == 0
    assert DatabaseSource().count() == 0
