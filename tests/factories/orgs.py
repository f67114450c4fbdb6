"""Regions, departments, halls and windows.

Regions hang under one province (广东省, 440000): the platform has one root region, which the
administrator's department needs. `RegionFactory()` is a city (44xx00) under it,
`RegionFactory(county=True)` a county (district) under a new city.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from tongban.demo.codes import credit_code
from tongban.orgs.models import Department, Region, RegionLevel, ServiceHall, Window
from tongban.orgs.services import upsert_department, upsert_region

PROVINCE = "440000"


def _city_code(n: int) -> str:
    return f"44{n % 89 + 10:02d}00"


class RegionFactory(DjangoModelFactory):
    """行政区划, created with `upsert_region` (its path follows the parent)."""

    class Meta:
        model = Region

    class Params:
        province = factory.Trait(code=PROVINCE, name="广东省", level=RegionLevel.PROVINCE, parent=None)
        county = factory.Trait(
            code=factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code[:4]}{n % 98 + 1:02d}"),
            name=factory.Sequence(lambda n: f"测试{n}区"),
            level=RegionLevel.COUNTY,
            parent=factory.SubFactory("tests.factories.orgs.RegionFactory"),
        )

    code = factory.Sequence(_city_code)
    name = factory.Sequence(lambda n: f"测试{n}市")
    level = RegionLevel.CITY
    parent = factory.SubFactory("tests.factories.orgs.RegionFactory", province=True)

    @classmethod
    def _create(cls, model_class: type[Region], *args: Any, **kwargs: Any) -> Region:
        return upsert_region(**kwargs)


class DepartmentFactory(DjangoModelFactory):
    """部门, with a credit code that passes the GB 32100 check, created with `upsert_department`."""

    class Meta:
        model = Department

    region = factory.SubFactory(RegionFactory)
    code = factory.LazyAttributeSequence(lambda o, n: credit_code("11", o.region.code, 700 + n))
    name = factory.Sequence(lambda n: f"测试市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")
    phone = "020-12345"

    @classmethod
    def _create(cls, model_class: type[Department], *args: Any, **kwargs: Any) -> Department:
        return upsert_department(credit_code=kwargs["code"], **kwargs)


class ServiceHallFactory(DjangoModelFactory):
    """政务服务大厅 (the platform has no service for halls yet: rows are written directly)."""

    class Meta:
        model = ServiceHall

    code = factory.Sequence(lambda n: f"HALL-{n}")
    name = factory.Sequence(lambda n: f"测试{n}政务服务中心")
    region = factory.SubFactory(RegionFactory, county=True)
    address = "广州市天河区天府路 1 号"
    opening_hours = "周一至周五 9:00–17:00"


class WindowFactory(DjangoModelFactory):
    """窗口 of a hall; comprehensive (综合窗口) unless `is_comprehensive=False`."""

    class Meta:
        model = Window

    hall = factory.SubFactory(ServiceHallFactory)
    number = factory.Sequence(lambda n: f"{n % 100:02d}")
    name = factory.LazyAttribute(lambda o: f"综合窗口 {o.number}")
