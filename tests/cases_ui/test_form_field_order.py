"""A form's fields are shown in the order the catalogue gives them, on SQLite and on PostgreSQL.

PostgreSQL stores JSON as `jsonb`, which sorts an object's keys (by length, then bytes): the
catalogue's shop_name, area, open_date would read back as area, open_date, shop_name. Each page here
is checked with names whose sorted order differs from the catalogue's.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.factories import (
    BundleFactory,
    CaseFactory,
    CitizenFactory,
    ServiceItemFactory,
    StaffFactory,
    console_client,
    portal_client,
)

pytestmark = pytest.mark.django_db

SHOP_FORM: dict[str, Any] = {
    "type": "object",
    "title": "开业申请表",
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称"},
        "area": {"type": "number", "title": "经营面积"},
        "open_date": {"type": "string", "format": "date", "title": "开业日期"},
    },
    "required": ["shop_name"],
}
CATALOGUE_ORDER = ["shop_name", "area", "open_date"]


def _input_names(html: str) -> list[str]:
    """The answer fields of a form page, in the order the page lists them."""
    names = re.findall(r'name="answers-([a-z_]+)"', html)
    return list(dict.fromkeys(names))


def _shown_titles(html: str, titles: list[str]) -> list[str]:
    """Those of `titles` the page shows as a fact (<dt>), in the page's order."""
    found = [(html.find(f"<dt>{t}</dt>"), t) for t in titles]
    assert all(position >= 0 for position, _ in found), found
    return [t for _, t in sorted(found)]


def test_the_apply_page_asks_in_the_catalogues_order() -> None:
    item = ServiceItemFactory(form=SHOP_FORM)
    html = portal_client(CitizenFactory(verified=True)).get(f"/apply/{item.code}/").content.decode()
    assert _input_names(html) == CATALOGUE_ORDER


def test_a_bundles_apply_page_asks_in_the_catalogues_order() -> None:
    """The items' questions in item order, each in its form's order, then the bundle's own."""
    first = ServiceItemFactory(form=SHOP_FORM)
    second = ServiceItemFactory(
        form={
            "type": "object",
            "properties": {
                "staff_count": {"type": "integer", "title": "从业人数"},
                "area": {"type": "number", "title": "经营面积"},
                "fire_exit": {"type": "boolean", "title": "设有消防通道"},
            },
        }
    )
    bundle = BundleFactory(
        items=[first, second],
        form={"type": "object", "properties": {"signboard": {"type": "string"}, "email": {"type": "string"}}},
    )
    html = portal_client(CitizenFactory(verified=True)).get(f"/bundles/{bundle.code}/apply/").content.decode()
    assert _input_names(html) == [*CATALOGUE_ORDER, "staff_count", "fire_exit", "signboard", "email"]


def test_the_console_case_page_shows_the_answers_in_the_catalogues_order() -> None:
    item = ServiceItemFactory(form=SHOP_FORM)
    case = CaseFactory(item=item, answers={"open_date": "2026-03-01", "area": 20, "shop_name": "甜心奶茶店"})
    html = console_client(StaffFactory(head=True, department=case.department)).get(f"/console/cases/{case.number}/")
    assert html.status_code == 200
    assert _shown_titles(html.content.decode(), ["店铺名称", "经营面积", "开业日期"]) == [
        "店铺名称",
        "经营面积",
        "开业日期",
    ]


def test_the_portal_case_page_shows_the_answers_in_the_catalogues_order() -> None:
    item = ServiceItemFactory(form=SHOP_FORM)
    case = CaseFactory(item=item, answers={"open_date": "2026-03-01", "area": 20, "shop_name": "甜心奶茶店"})
    html = portal_client(case.applicant).get(f"/my/cases/{case.number}/").content.decode()
    assert _shown_titles(html, ["店铺名称", "经营面积", "开业日期"]) == ["店铺名称", "经营面积", "开业日期"]
