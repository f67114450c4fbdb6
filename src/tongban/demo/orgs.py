"""Demo regions (广东省 › 广州市 › 天河区/越秀区 › 石牌街道 › 华师社区), departments, a hall."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.demo.codes import credit_code
from tongban.orgs.models import Department, Region, RegionLevel, ServiceHall, Window
from tongban.orgs.services import upsert_department, upsert_region

REGIONS = [
    ("440000", "广东省", RegionLevel.PROVINCE, None),
    ("440100", "广州市", RegionLevel.CITY, "440000"),
    ("440106", "天河区", RegionLevel.COUNTY, "440100"),
    ("440104", "越秀区", RegionLevel.COUNTY, "440100"),
    ("440106005", "石牌街道", RegionLevel.TOWN, "440106"),
    ("440106005001", "华师社区", RegionLevel.VILLAGE, "440106005"),
]

# (serial, name, short name, region, phone)
DEPARTMENTS = [
    (1, "广州市公安局", "市公安局", "440100", "020-83118888"),
    (2, "广州市人力资源和社会保障局", "市人社局", "440100", "020-12333"),
    (3, "广州市医疗保障局", "市医保局", "440100", "020-12393"),
    (4, "广州市卫生健康委员会", "市卫健委", "440100", "020-81080000"),
    (5, "广州市民政局", "市民政局", "440100", "020-83108888"),
    (6, "广州市市场监督管理局", "市市场监管局", "440100", "020-12315"),
    (7, "国家税务总局广州市税务局", "市税务局", "440100", "020-12366"),
    (8, "广州市教育局", "市教育局", "440100", "020-83862000"),
    (9, "广州市住房和城乡建设局", "市住建局", "440100", "020-83125566"),
    (10, "广州市住房公积金管理中心", "市公积金中心", "440100", "020-12329"),
    (11, "广州市交通运输局", "市交通局", "440100", "020-83330000"),
    (12, "广州市政务服务和数据管理局", "市政数局", "440100", "020-12345"),
    (13, "广州市规划和自然资源局", "市规自局", "440100", "020-83191234"),
    (14, "广州市天河区政务服务和数据管理局", "天河区政数局", "440106", "020-38622222"),
    (15, "广州市公安局天河区分局", "天河公安分局", "440106", "020-85526110"),
    (16, "广州市天河区市场监督管理局", "天河区市场监管局", "440106", "020-38622345"),
    (17, "广州市越秀区政务服务和数据管理局", "越秀区政数局", "440104", "020-83000000"),
]


def department_code(serial: int) -> str:
    region = next(r for s, _n, _sn, r, _p in DEPARTMENTS if s == serial)
    return credit_code("11", region, serial)


@transaction.atomic
def load(*, stdout: Any) -> None:
    regions: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        regions[code] = upsert_region(code=code, name=name, level=level, parent=regions.get(parent or ""))
    for serial, name, short, region, phone in DEPARTMENTS:
        code = credit_code("11", region, serial)
        upsert_department(
            code=code,
            credit_code=code,
            name=name,
            short_name=short,
            region=regions[region],
            phone=phone,
        )
    hall, _ = ServiceHall.objects.get_or_create(
        code="440106-HALL",
        defaults={
            "name": "天河区政务服务中心",
            "region": regions["440106"],
            "address": "广州市天河区天府路 1 号",
            "opening_hours": "周一至周五 9:00–12:00，13:30–17:30（法定节假日除外）",
            "phone": "020-38622222",
        },
    )
    for number in ("01", "02", "03"):
        Window.objects.get_or_create(hall=hall, number=number, defaults={"name": f"综合窗口 {number}"})
    stdout.write(f"regions: {Region.objects.count()}, departments: {Department.objects.count()}, halls: 1")
