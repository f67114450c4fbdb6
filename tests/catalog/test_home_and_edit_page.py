"""The catalogue on the portal home page, and what the console edit page shows before anything is changed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    RegionFactory,
    ServiceItemFactory,
    StaffFactory,
    ThemeFactory,
    console_client,
    portal_client,
)
from tongban.catalog.models import ServiceItem
from tongban.catalog.selectors import POPULAR_COUNT

pytestmark = pytest.mark.django_db


def home() -> str:
    response = Client().get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_offers_themes_for_people_and_businesses() -> None:
    person = ThemeFactory(name="户籍办理", phrase="我要办户口", audience="person")
    business = ThemeFactory(name="开办企业", phrase="我要开公司", audience="legal_person")
    page = home()
    assert f'href="/themes/{person.code}/"' in page and "我要办户口" in page
    assert f'href="/themes/{business.code}/"' in page and "我要开公司" in page
    assert page.index("个人办事") < page.index("我要办户口") < page.index("企业办事") < page.index("我要开公司")


def test_the_home_page_lists_the_most_used_services_first() -> None:
    items = [ServiceItemFactory(name=f"常用事项{i}", department=DepartmentFactory(name=f"第{i}局")) for i in range(10)]
    for views, item in enumerate(items):
        ServiceItem.objects.filter(pk=item.pk).update(popularity=views)
    ServiceItem.objects.filter(pk=items[0].pk).update(popularity=1000, status="suspended")
    page = home()
    shown = [item for item in items if f'href="/services/{item.code}/"' in page]
    assert len(shown) == POPULAR_COUNT
    assert items[0] not in shown  # suspended
    assert page.index("常用事项9") < page.index("常用事项8")
    assert "第9局" in page


def test_an_empty_catalogue_leaves_the_sections_out() -> None:
    page = home()
    assert "常用服务" not in page and "企业办事" not in page


def test_the_edit_page_shows_the_item_as_stored() -> None:
    city = RegionFactory()
    department = DepartmentFactory(region=city)
    other = DepartmentFactory(region=city)
    item = ServiceItemFactory(
        department=department,
        aliases=["办证", "上牌"],
        fee=True,
        with_materials=True,
        parallel=True,
        departments=[department, other],
        phone="020-8888",
        complaint_phone="12345",
    )
    admin = StaffFactory(administrator=True, scope=city)
    response = console_client(admin).get(f"/console/catalog/items/{item.code}/")
    initial = response.context["form"].initial
    assert initial["aliases"] == "办证\n上牌"
    assert initial["fee_charged"] is True and initial["fee_amount"] == "20.00"
    assert initial["review_departments"] == f"{department.code}\n{other.code}"
    assert (initial["phone"], initial["complaint_phone"]) == ("020-8888", "12345")
    assert initial["process"] == "parallel_review"
    names = [row["name"] for row in response.context["formset"].initial]
    assert names == ["营业执照", "健康证明", "居民身份证"]
    page = response.content.decode()
    assert item.name in page and 'name="materials-0-name"' in page


def test_the_catalogue_console_is_for_administrators_only() -> None:
    item = ServiceItemFactory()
    assert console_client(StaffFactory(supervisor=True)).get("/console/catalog/").status_code == 403
    assert console_client(StaffFactory(head=True)).get(f"/console/catalog/items/{item.code}/").status_code == 403
    response = portal_client(CitizenFactory()).get("/console/catalog/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_a_saved_edit_says_so_and_stays_on_the_page() -> None:
    city = RegionFactory()
    item = ServiceItemFactory(department=DepartmentFactory(region=city))
    client = console_client(StaffFactory(administrator=True, scope=city))
    url = f"/console/catalog/items/{item.code}/"
    response = client.get(url)
    data = {k: v for k, v in response.context["form"].initial.items() if v is not None and v is not False}
    data |= {"name": "改过的名称", "materials-TOTAL_FORMS": "1", "materials-INITIAL_FORMS": "0"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "已保存。" in response.content.decode()
    assert ServiceItem.objects.get(pk=item.pk).name == "改过的名称"
