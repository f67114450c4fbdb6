"""Regions and departments through `orgs.services`: created, changed, audited; the platform department."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import DepartmentFactory, RegionFactory, StaffFactory
from tongban.core.models import AuditEntry
from tongban.demo.codes import credit_code
from tongban.orgs.models import Department, Region, RegionLevel
from tongban.orgs.services import (
    PLATFORM_DEPARTMENT_SUFFIX,
    ensure_platform_department,
    upsert_department,
    upsert_region,
)

pytestmark = pytest.mark.django_db


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_a_region_gets_the_path_of_its_ancestors():
    province = upsert_region(code="440000", name="广东省", level=RegionLevel.PROVINCE, parent=None)
    city = upsert_region(code="440100", name="广州市", level=RegionLevel.CITY, parent=province)
    county = upsert_region(code="440106", name="天河区", level=RegionLevel.COUNTY, parent=city)
    town = upsert_region(code="440106005", name="石牌街道", level=RegionLevel.TOWN, parent=county)
    assert province.path == "440000"
    assert town.path == "440000/440100/440106/440106005"
    assert list(city.children.all()) == [county]
    assert str(county) == "天河区"


def test_creating_a_region_is_audited_with_who_did_it():
    admin = StaffFactory(administrator=True)
    region = upsert_region(code="440200", name="韶关市", level=RegionLevel.CITY, parent=None, actor=admin)
    entry = audit("region.create")[-1]
    assert entry.subject_id == str(region.pk)
    assert entry.actor == admin


def test_renaming_a_region_records_only_what_changed():
    region = RegionFactory(name="旧名市")
    changed = upsert_region(code=region.code, name="新名市", level=region.level, parent=region.parent)
    assert changed.pk == region.pk
    assert Region.objects.get(pk=region.pk).name == "新名市"
    entry = audit("region.update")[-1]
    assert entry.details == {"changed": {"name": ["旧名市", "新名市"]}}


def test_an_unchanged_region_writes_nothing():
    region = RegionFactory()
    before = AuditEntry.objects.count()
    upsert_region(code=region.code, name=region.name, level=region.level, parent=region.parent)
    assert AuditEntry.objects.count() == before


def test_moving_a_region_records_the_parent_by_id_and_the_new_path():
    old_parent = RegionFactory()
    new_parent = RegionFactory()
    county = RegionFactory(county=True, parent=old_parent)
    moved = upsert_region(code=county.code, name=county.name, level=county.level, parent=new_parent)
    assert moved.path == f"{new_parent.path}/{county.code}"
    changed = audit("region.update")[-1].details["changed"]
    assert changed["parent"] == [old_parent.pk, new_parent.pk]
    assert changed["path"] == [county.path, moved.path]


def test_a_department_is_created_with_a_checked_credit_code():
    region = RegionFactory()
    code = credit_code("11", region.code, 42)
    department = upsert_department(code=f"  {code} ", name="测试局", region=region, credit_code=code.lower())
    assert department.code == code  # stripped
    assert department.credit_code == code  # checked and upper-cased
    assert audit("department.create")[-1].subject_id == str(department.pk)


def test_a_department_with_a_wrong_credit_code_is_refused_and_not_written():
    region = RegionFactory()
    code = credit_code("11", region.code, 43)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        upsert_department(code=wrong, name="测试局", region=region, credit_code=wrong)
    assert caught.value.code == "credit_checksum"
    assert not Department.objects.filter(code=wrong).exists()


def test_a_department_without_a_credit_code_keeps_its_local_code():
    department = upsert_department(code="GZ-LOCAL-01", name="本地代码部门", region=RegionFactory())
    assert department.credit_code is None


def test_changing_a_department_moves_it_and_is_audited():
    department = DepartmentFactory(phone="020-1")
    other = RegionFactory()
    upsert_department(
        code=department.code,
        name=department.name,
        region=other,
        short_name=department.short_name,
        phone="020-2",
        credit_code=department.credit_code,
    )
    department.refresh_from_db()
    assert department.region == other and department.phone == "020-2"
    changed = audit("department.update")[-1].details["changed"]
    assert set(changed) == {"region", "phone"}


def test_the_platform_department_sits_at_the_root_and_is_made_once():
    root = RegionFactory(province=True)
    RegionFactory()  # a city below: not a root
    first = ensure_platform_department()
    second = ensure_platform_department()
    assert first.pk == second.pk
    assert first.region == root
    assert first.code == root.code + PLATFORM_DEPARTMENT_SUFFIX
    assert "广东省" in first.name
    assert len(audit("department.create")) == 1


def test_no_platform_department_without_a_region():
    with pytest.raises(ValidationError) as caught:
        ensure_platform_department()
    assert caught.value.code == "no_region"


def test_no_platform_department_when_two_regions_claim_the_top():
    upsert_region(code="440000", name="广东省", level=RegionLevel.PROVINCE, parent=None)
    upsert_region(code="450000", name="广西壮族自治区", level=RegionLevel.PROVINCE, parent=None)
    with pytest.raises(ValidationError) as caught:
        ensure_platform_department()
    assert caught.value.code == "many_root_regions"
    assert not Department.objects.exists()
