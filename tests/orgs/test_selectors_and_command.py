"""Reads of the region tree, and the `tongban add-region` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import DepartmentFactory, RegionFactory
from tongban.orgs.models import Region, RegionLevel
from tongban.orgs.selectors import departments_within, regions_within, root_region
from tongban.orgs.services import upsert_region

pytestmark = pytest.mark.django_db


def test_a_region_is_within_itself_and_its_ancestors_only():
    city = RegionFactory()
    county = RegionFactory(county=True, parent=city)
    other_city = RegionFactory()
    assert county.is_within(county) and county.is_within(city)
    assert county.is_within(city.parent)  # the province
    assert not city.is_within(county)
    assert not county.is_within(other_city)


def test_a_code_that_only_starts_like_a_region_is_not_inside_it():
    province = RegionFactory(province=True)
    short = upsert_region(code="4401", name="甲", level=RegionLevel.CITY, parent=province)
    longer = upsert_region(code="440123", name="乙", level=RegionLevel.CITY, parent=province)
    assert not longer.is_within(short)  # "440000/440123" starts with "440000/4401" but is not below it
    assert list(regions_within(short)) == [short]


def test_regions_within_a_city_are_the_city_and_everything_below():
    city = RegionFactory()
    counties = [RegionFactory(county=True, parent=city) for _ in range(2)]
    town = upsert_region(code=counties[0].code + "001", name="街道", level=RegionLevel.TOWN, parent=counties[0])
    RegionFactory()  # elsewhere
    assert set(regions_within(city)) == {city, *counties, town}


def test_departments_within_a_region_include_those_of_its_subdivisions():
    city = RegionFactory()
    county = RegionFactory(county=True, parent=city)
    at_city, at_county = DepartmentFactory(region=city), DepartmentFactory(region=county)
    DepartmentFactory()  # another city
    assert set(departments_within(city)) == {at_city, at_county}
    assert list(departments_within(county)) == [at_county]


def test_the_root_region_is_the_one_without_a_parent():
    county = RegionFactory(county=True)
    assert root_region() == Region.objects.get(code="440000")
    assert county.parent.parent == root_region()


def test_add_region_command_creates_a_root_and_a_child():
    out = StringIO()
    call_command("add_region", "440000", "广东省", "--level", "province", stdout=out)
    call_command("add_region", "440100", " 广州市 ", "--level", "city", "--parent", "440000", stdout=out)
    city = Region.objects.get(code="440100")
    assert city.parent.code == "440000" and city.name == "广州市" and city.level == RegionLevel.CITY
    assert city.path == "440000/440100"
    assert "440100 广州市 (市)" in out.getvalue()


def test_add_region_command_renames_an_existing_region():
    call_command("add_region", "440000", "广东", "--level", "province", stdout=StringIO())
    call_command("add_region", "440000", "广东省", "--level", "province", stdout=StringIO())
    assert Region.objects.get(code="440000").name == "广东省"
    assert Region.objects.count() == 1


def test_add_region_command_refuses_an_unknown_parent():
    with pytest.raises(CommandError, match="no region with code 449900"):
        call_command("add_region", "449901", "某区", "--level", "county", "--parent", "449900", stdout=StringIO())
    assert not Region.objects.exists()


def test_add_region_command_refuses_an_unknown_level():
    with pytest.raises(CommandError):
        call_command("add_region", "440000", "广东省", "--level", "planet", stdout=StringIO())
