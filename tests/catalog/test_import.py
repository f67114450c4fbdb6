"""Import and export of catalogue files (catalogue-format.md)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.catalog.conftest import DEPT, bundle, department, item, jsonl, small_catalogue, stream, theme
from tongban.catalog.models import (
    Bundle,
    CatalogChange,
    ItemTheme,
    Material,
    ServiceItem,
    Theme,
)
from tongban.catalog.services import export_catalogue, import_catalogue
from tongban.core.models import AuditEntry
from tongban.orgs.models import Department, Region, RegionLevel

pytestmark = pytest.mark.django_db


def run(*lines, **options):
    return import_catalogue(stream=stream(*lines), actor=None, **options)


def catalogue_state() -> dict:
    """Everything an import writes, to compare two states."""
    return {
        "items": list(ServiceItem.objects.order_by("code").values()),
        "materials": list(Material.objects.order_by("item_id", "position").values()),
        "themes": list(Theme.objects.order_by("code").values()),
        "links": list(ItemTheme.objects.order_by("pk").values("item_id", "theme_id")),
        "bundles": list(Bundle.objects.order_by("code").values()),
        "departments": list(Department.objects.order_by("code").values()),
    }


def test_import_a_valid_file(imported):
    assert imported.counts["item"].created == 4
    assert imported.counts["department"].created == 2
    assert imported.counts["theme"].created == 2
    assert imported.counts["bundle"].created == 1
    birth = ServiceItem.objects.get(code="440100-GA-001")
    assert birth.name == "出生登记"
    assert birth.kind_code == "07"
    assert birth.department.name == "广州市公安局"
    assert birth.aliases == ["新生儿上户口", "报户口"]
    assert [m.name for m in birth.materials.all()] == ["出生医学证明", "父母居民身份证"]
    assert birth.materials.first().government_held
    assert list(birth.themes.values_list("code", flat=True)) == ["hukou"]
    child = ServiceItem.objects.get(code="440100-GA-002-01")
    assert child.parent.code == "440100-GA-002" and child.situation == "新设"
    assert list(Bundle.objects.get().items.order_by("bundle_links__position").values_list("code", flat=True)) == [
        "440100-GA-001",
        "440100-YB-020",
    ]
    assert AuditEntry.objects.filter(action="catalog.import").count() == 1


def test_department_code_with_a_wrong_check_character_still_imports(imported):
    department = Department.objects.get(code=DEPT)
    assert department.credit_code is None  # not a valid credit code: kept as a local code only


def test_valid_credit_codes_are_recorded_as_credit_codes(db):
    from tongban.demo.codes import credit_code

    code = credit_code("11", "440100", 99)
    assert run(department(code)).written
    assert Department.objects.get(code=code).credit_code == code


def test_unknown_regions_are_created_under_their_parents(db):
    report = run(
        department("D-SZ", region="440300"),
        department("D-NS", region="440305"),
        item("ITEM-NS", department="D-NS", region="440305", themes=[]),
    )
    assert report.written
    assert set(report.regions_created) == {"440300", "440305"}
    city, county = Region.objects.get(code="440300"), Region.objects.get(code="440305")
    assert city.level == RegionLevel.CITY and county.level == RegionLevel.COUNTY
    assert county.parent == city and county.path == f"{city.path}/440305"


def test_import_twice_changes_nothing(imported):
    before = catalogue_state()
    changes = CatalogChange.objects.count()
    again = run(*small_catalogue())
    assert again.written
    assert again.counts["item"].unchanged == 4 and again.counts["item"].created == again.counts["item"].updated == 0
    assert again.counts["theme"].unchanged == 2 and again.counts["bundle"].unchanged == 1
    assert again.counts["department"].unchanged == 2
    assert catalogue_state() == before
    assert CatalogChange.objects.count() == changes


def test_a_changed_item_is_updated_in_place(imported):
    material_ids = list(Material.objects.filter(item_id="440100-GA-001").values_list("pk", flat=True))
    lines = small_catalogue()
    lines[4] = item(name="出生登记（新）", materials=[{"name": "出生医学证明", "required": False}])
    report = run(*lines)
    assert report.counts["item"].updated == 1 and report.counts["item"].unchanged == 3
    birth = ServiceItem.objects.get(code="440100-GA-001")
    assert birth.name == "出生登记（新）"
    assert [(m.pk, m.name, m.required) for m in birth.materials.all()] == [(material_ids[0], "出生医学证明", False)]
    assert CatalogChange.objects.filter(kind="item", code="440100-GA-001").count() == 2


def test_popularity_survives_a_reimport(imported):
    ServiceItem.objects.filter(code="440100-GA-001").update(popularity=42)
    lines = small_catalogue()
    lines[4] = item(name="出生登记（改）")
    run(*lines)
    assert ServiceItem.objects.get(code="440100-GA-001").popularity == 42


def test_every_problem_is_reported_with_its_line_and_nothing_is_written(db):
    report = run(
        department(),
        theme(),
        '{"type": "item", "code": "broken",',  # line 3: not JSON
        {k: v for k, v in item("NO-NAME").items() if k != "name"},  # line 4: missing field
        item("NO-DEPT", department="NOT-THERE"),  # line 5: unknown department
        item("TOO-LONG", handling="committed", statutory_days=5, committed_days=10),  # line 6: rule
        "// a comment",
        "",
        item("OK-1"),  # line 9: fine
    )
    assert not report.written
    found = {(p.line, p.field) for p in report.errors}
    assert (3, "") in found
    assert (4, "name") in found
    assert (5, "department") in found
    assert (6, "committed_days") in found
    assert all(p.line != 9 for p in report.errors)
    messages = [str(p) for p in report.errors]
    assert "第 6 行 committed_days：承诺办结时限不能超过法定办结时限" in messages
    assert any("第 5 行 department：部门 NOT-THERE 不存在" in m for m in messages)
    assert ServiceItem.objects.count() == Department.objects.count() == Theme.objects.count() == 0
    assert CatalogChange.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"handling": "instant", "committed_days": 3}, "committed_days"),
        ({"handling": "committed", "committed_days": 0}, "handling"),
        ({"online_depth": 4, "max_visits": 1, "visit_reason": "核验"}, "max_visits"),
        ({"fee": {"charged": False, "online_payment": True}}, "fee"),
        ({"fee": {"charged": False, "amount": "20.00"}}, "fee.amount"),
        ({"phone": "020-12345678", "complaint_phone": "02012345678"}, "complaint_phone"),
        (
            {
                "kind": "permit",
                "handling": "committed",
                "committed_days": 5,
                "steps": [{"name": "受理", "days": 1}, {"name": "审查", "days": 5}],
            },
            "steps",
        ),
    ],
)
def test_consistency_rules_on_import(db, fields, field):
    report = run(department(), theme(), item(**fields))
    assert not report.written
    assert [(p.line, p.field) for p in report.errors] == [(3, field)]


def test_a_missing_visit_reason_is_only_a_warning_on_import(db):
    report = run(department(), theme(), item(online_depth=3, max_visits=1))
    assert report.written
    assert [(p.line, p.field) for p in report.warnings] == [(3, "visit_reason")]


def test_references_resolve_across_the_whole_file_in_any_order(db):
    lines = list(reversed(small_catalogue()))
    assert run(*lines).written
    assert ServiceItem.objects.count() == 4


def test_references_to_entries_already_in_the_database(imported):
    report = run(item("440100-GA-003", name="死亡户口注销", department="11440100MB2C95678Y", themes=["yibao"]))
    assert report.written and report.counts["item"].created == 1


def test_duplicate_codes_in_one_file_are_errors(db):
    report = run(department(), theme(), item(), item())
    assert [(p.line, p.field) for p in report.errors] == [(4, "code")]
    assert "与第 3 行重复" in report.errors[0].message


def test_a_bundle_naming_an_unknown_item(db):
    report = run(department(), theme(), item(), bundle(items=["440100-GA-001", "NOPE"]))
    assert [(p.line, p.field) for p in report.errors] == [(4, "items")]


def test_skip_invalid_imports_the_valid_lines_and_lists_the_others(db):
    report = run(
        department(),
        theme(),
        item("GOOD-1"),
        item("BAD-1", committed_days=3),
        item("BAD-2", department="NOT-THERE"),
        item("GOOD-2", parent="BAD-2"),  # its parent was skipped: imported without it, with a warning
        bundle(items=["GOOD-1"]),
        bundle("BAD-BUNDLE", items=["GOOD-1", "BAD-1"]),
        skip_invalid=True,
    )
    assert report.written
    assert set(ServiceItem.objects.values_list("code", flat=True)) == {"GOOD-1", "GOOD-2"}
    assert ServiceItem.objects.get(code="GOOD-2").parent is None
    assert (6, "parent") in {(p.line, p.field) for p in report.warnings}
    assert [(s["line"], s["code"]) for s in report.skipped] == [(4, "BAD-1"), (5, "BAD-2"), (8, "BAD-BUNDLE")]
    assert list(Bundle.objects.values_list("code", flat=True)) == ["birth-bundle"]


def test_unknown_themes_and_parents_are_dropped_with_a_warning(db):
    report = run(
        department(parent="NO-SUCH-DEPT"),
        item(themes=["hukou"], parent="NO-SUCH-ITEM"),
        bundle(themes=["nope"]),
    )
    assert report.written and not report.errors
    assert {(p.line, p.field) for p in report.warnings} == {(1, "parent"), (2, "themes"), (2, "parent"), (3, "themes")}
    birth = ServiceItem.objects.get()
    assert birth.parent is None and not birth.themes.exists()
    assert (
        run(department(parent="NO-SUCH-DEPT"), item(themes=["hukou"], parent="NO-SUCH-ITEM")).counts["item"].unchanged
        == 1
    )


def test_prune_deletes_what_the_file_no_longer_holds(imported):
    lines = [line for line in small_catalogue() if line.get("code") not in ("440100-GA-002-01", "yibao")]
    lines = [
        {**line, "themes": [t for t in line.get("themes", []) if t != "yibao"]} if line["type"] == "item" else line
        for line in lines
    ]
    kept = run(*lines)
    assert kept.counts["item"].deleted == 0 and ServiceItem.objects.filter(code="440100-GA-002-01").exists()
    refused = run(*lines, prune=True)  # 1 of 4 items and 1 of 2 themes: more than 10 %
    assert not refused.written and refused.prune_plan is not None and refused.prune_plan.count == 2
    assert ServiceItem.objects.filter(code="440100-GA-002-01").exists()
    pruned = run(*lines, prune=True, confirm_prune=2)
    assert pruned.counts["item"].deleted == 1 and pruned.counts["theme"].deleted == 1
    assert not ServiceItem.objects.filter(code="440100-GA-002-01").exists()
    assert not Theme.objects.filter(code="yibao").exists()
    assert CatalogChange.objects.filter(kind="item", code="440100-GA-002-01", deleted=True).exists()
    assert CatalogChange.objects.filter(kind="theme", code="yibao", deleted=True).exists()


def test_export_round_trips_what_was_imported_including_unknown_fields(db):
    lines = small_catalogue()
    lines[0] = department(local_level="市级", contacts={"fax": None})
    lines[2] = theme(icon="baby")
    lines[4] = item(
        handling_place="天河区政务服务中心",
        materials=[{"name": "出生医学证明", "required": True, "sample_url": "/s.pdf"}],
        fee={"charged": True, "amount": "20.00", "basis": "粤价〔2020〕1 号", "reductions": ["低保户免收"]},
    )
    lines[-1] = bundle(items=["440100-GA-001", "440100-YB-020"], poster={"a": [1, 2]})
    assert run(*lines).written
    first = catalogue_state()
    out = io.BytesIO()
    report = export_catalogue(stream=out)
    assert report.counts == {"department": 2, "theme": 2, "item": 4, "bundle": 1}
    exported = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    by_code = {(line["type"], line["code"]): line for line in exported}
    assert by_code[("item", "440100-GA-001")]["handling_place"] == "天河区政务服务中心"
    assert by_code[("item", "440100-GA-001")]["materials"][0]["sample_url"] == "/s.pdf"
    assert by_code[("item", "440100-GA-001")]["fee"]["reductions"] == ["低保户免收"]
    assert by_code[("department", DEPT)]["contacts"] == {"fax": None}
    assert by_code[("theme", "hukou")]["icon"] == "baby"
    assert by_code[("bundle", "birth-bundle")]["poster"] == {"a": [1, 2]}

    # the export, imported again, changes nothing …
    again = import_catalogue(stream=io.BytesIO(out.getvalue()), actor=None)
    assert sum(c.created + c.updated for c in again.counts.values()) == 0
    # … and rebuilds the same catalogue from nothing
    ServiceItem.objects.all().delete()
    Bundle.objects.all().delete()
    Theme.objects.all().delete()
    assert import_catalogue(stream=io.BytesIO(out.getvalue()), actor=None).written
    second = catalogue_state()
    strip = lambda rows, *keys: [{k: v for k, v in row.items() if k not in keys} for row in rows]  # noqa: E731
    assert strip(second["items"], "id", "created_at", "updated_at") == strip(
        first["items"], "id", "created_at", "updated_at"
    )
    assert strip(second["materials"], "id") == strip(first["materials"], "id")
    assert strip(second["themes"], "id") == strip(first["themes"], "id")
    assert strip(second["bundles"], "id") == strip(first["bundles"], "id")


def test_text_streams_and_unseekable_streams_are_read(db):
    text = io.StringIO(jsonl(*small_catalogue()).decode())
    assert import_catalogue(stream=text, actor=None).written

    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            return self.inner.readinto(buffer)

    pipe = io.BufferedReader(Pipe(jsonl(*small_catalogue())))
    report = import_catalogue(stream=pipe, actor=None)
    assert report.written and report.counts["item"].unchanged == 4


def test_the_progress_callback_sees_both_passes(db):
    seen = []
    import_catalogue(stream=stream(*small_catalogue()), actor=None, progress=lambda *a: seen.append(a))
    assert {phase for phase, _, _ in seen} == {"check", "write"}
    assert all(done == total for _, done, total in seen)


def test_the_commands(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl(*small_catalogue()))
    call_command("import_catalogue", str(source))
    assert ServiceItem.objects.count() == 4
    target = tmp_path / "out.jsonl"
    call_command("export_catalogue", str(target))
    assert len(target.read_text().splitlines()) == 2 + 2 + 4 + 1

    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(jsonl(department(), item("X", committed_days=2)))
    with pytest.raises(CommandError) as failure:
        call_command("import_catalogue", str(broken))
    assert failure.value.returncode == 1
    assert "第 2 行 committed_days" in capsys.readouterr().err
    call_command("import_catalogue", str(broken), "--skip-invalid")
    assert not ServiceItem.objects.filter(code="X").exists()
    call_command("import_catalogue", str(broken), "--prune", "--skip-invalid", "--confirm-prune", "7")
    assert ServiceItem.objects.count() == 0


def test_prune_keeps_entries_the_file_still_refers_to(imported):
    # a file with one item that uses the theme "yibao" and the department of the database only
    lines = [item("440100-GA-009", name="户口簿补领", themes=["yibao"], parent="440100-GA-002")]
    report = run(*lines, prune=True, confirm_prune=5)  # 3 items, 1 theme, 1 bundle
    assert report.written
    assert set(ServiceItem.objects.values_list("code", flat=True)) == {"440100-GA-009", "440100-GA-002"}
    assert set(Theme.objects.values_list("code", flat=True)) == {"yibao"}
    assert Bundle.objects.count() == 0
