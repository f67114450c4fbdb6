"""The catalogue as people read it: the guide page, theme and bundle pages, and the selectors behind them."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from tests.factories import (
    BundleFactory,
    DepartmentFactory,
    RegionFactory,
    ServiceHallFactory,
    ServiceItemFactory,
    ThemeFactory,
)
from tongban.catalog import selectors
from tongban.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db


def guide(item: ServiceItem) -> str:
    response = Client().get(f"/services/{item.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_guide_answers_the_questions_people_ask():
    department = DepartmentFactory(name="测试市场监管局", phone="020-12315")
    item = ServiceItemFactory(
        name="食品经营许可",
        department=department,
        with_materials=True,
        summary="从事食品销售和餐饮服务。",
        conditions="有与经营相适应的场所。",
        legal_basis="《中华人民共和国食品安全法》",
        committed_days=10,
        statutory_days=20,
        result={"name": "食品经营许可证"},
    )
    page = guide(item)
    for text in (
        "食品经营许可",
        "从事食品销售和餐饮服务。",
        "全程网办",
        "不用跑现场（零跑动）。",
        "营业执照",
        "其中 1 项政府部门已有，您无需提交。",
        "承诺 10 个工作日内办结。",
        "法定时限 20 个工作日。",
        "不收费。",
        "测试市场监管局",
        "有与经营相适应的场所。",
        "食品经营许可证",
        "《中华人民共和国食品安全法》",
        'href="tel:020-12315"',
        f'href="/apply/{item.code}/"',
        "事项类型代码 01",
    ):
        assert text in page, text


def test_a_charged_item_shows_its_fee_and_basis():
    page = guide(ServiceItemFactory(fee=True))
    assert "收费：20.00 元" in page and "《测试收费标准》" in page
    assert "不收费。" not in page


def test_an_instant_item_is_decided_on_the_spot():
    assert "即办件：材料齐全，当场办结。" in guide(ServiceItemFactory(instant=True))


def test_a_window_only_item_sends_people_to_a_hall_and_says_why():
    county = RegionFactory(county=True)
    hall = ServiceHallFactory(region=county, name="测试区政务服务中心", phone="020-38622222")
    ServiceHallFactory(region=RegionFactory(county=True), name="别处的中心")
    item = ServiceItemFactory(window_only=True, department=DepartmentFactory(region=county))
    page = guide(item)
    assert "最多跑 1 次现场。" in page and "需核验原件" in page
    assert "请带齐材料到下面的办理地点办理。" in page
    assert f'href="/apply/{item.code}/"' not in page
    assert hall.name in page and hall.address in page and "别处的中心" not in page


def test_a_suspended_item_says_so_and_offers_no_application():
    item = ServiceItemFactory(suspended=True)
    page = guide(item)
    assert "该事项暂停办理" in page
    assert f'href="/apply/{item.code}/"' not in page


def test_a_main_item_lists_its_active_situations_and_a_sub_item_links_back():
    main = ServiceItemFactory(name="户口迁移")
    moving_in = ServiceItemFactory(name="户口迁入", parent=main, situation="新设")
    ServiceItemFactory(name="停用的情形", parent=main, situation="注销", suspended=True)
    page = guide(main)
    assert "请选择您的情形" in page and "户口迁入（新设）" in page and "停用的情形" not in page
    assert f'href="/services/{main.code}/"' in guide(moving_in)


def test_the_guide_links_its_themes_and_bundles():
    theme = ThemeFactory(phrase="我要办户口")
    item = ServiceItemFactory(themes=[theme])
    bundle = BundleFactory(name="出生一件事", items=[item, ServiceItemFactory()])
    page = guide(item)
    assert f'href="/themes/{theme.code}/"' in page and "我要办户口" in page
    assert f'href="/bundles/{bundle.code}/"' in page


def test_an_unknown_item_is_not_found():
    assert Client().get("/services/NO-SUCH-ITEM/").status_code == 404
    with pytest.raises(Http404):
        selectors.item_for_guide("NO-SUCH-ITEM")


def test_opening_a_guide_counts_a_view_but_a_head_request_does_not():
    item = ServiceItemFactory()
    Client().get(f"/services/{item.code}/")
    Client().head(f"/services/{item.code}/")
    assert ServiceItem.objects.get(pk=item.pk).popularity == 1
    assert Client().post(f"/services/{item.code}/").status_code == 405


def test_halls_are_those_of_the_region_above_and_below():
    city = RegionFactory()
    county = RegionFactory(county=True, parent=city)
    at_city, at_county = ServiceHallFactory(region=city), ServiceHallFactory(region=county)
    ServiceHallFactory(region=RegionFactory())
    item = ServiceItemFactory(department=DepartmentFactory(region=city))
    assert selectors.halls_for(item) == [at_county, at_city]  # the nearest (lowest level) first
    assert len(selectors.halls_for(item, limit=1)) == 1


def test_theme_page_lists_active_items_most_used_first_and_its_bundles():
    theme = ThemeFactory(name="户籍办理", phrase="我要办户口")
    quiet = ServiceItemFactory(name="户口迁移", themes=[theme])
    busy = ServiceItemFactory(name="出生登记", themes=[theme])
    ServiceItem.objects.filter(pk=busy.pk).update(popularity=50)
    ServiceItemFactory(name="停办事项", themes=[theme], suspended=True)
    bundle = BundleFactory(themes=[theme])
    found, items, bundles = selectors.theme_with_entries(theme.code)
    assert found == theme and [i.pk for i in items] == [busy.pk, quiet.pk] and bundles == [bundle]
    page = Client().get(f"/themes/{theme.code}/").content.decode()
    assert page.index("出生登记") < page.index("户口迁移") and "停办事项" not in page
    assert Client().get("/themes/none/").status_code == 404


def test_theme_counts_are_of_active_items():
    theme = ThemeFactory()
    ServiceItemFactory(themes=[theme])
    ServiceItemFactory(themes=[theme], suspended=True)
    empty = ThemeFactory()
    counts = {t.code: t.item_count for t in selectors.themes_with_counts()}
    assert counts[theme.code] == 1 and counts[empty.code] == 0


def test_home_entries_split_themes_by_audience_and_rank_items_by_use():
    person = ThemeFactory(audience="person")
    company = ThemeFactory(audience="legal_person")
    items = [ServiceItemFactory() for _ in range(3)]
    ServiceItem.objects.filter(pk=items[2].pk).update(popularity=9)
    ServiceItemFactory(suspended=True)
    entries = selectors.home_entries(popular=2)
    assert entries["person"] == [person] and entries["legal_person"] == [company]
    assert [i.pk for i in entries["popular"]] == [items[2].pk, items[0].pk]


def test_a_bundle_keeps_its_items_in_order_and_asks_each_material_once():
    birth_certificate = {
        "name": "出生医学证明（原件）",
        "required": False,
        "source": "applicant",
        "certificate_type": "birth_medical_certificate",
    }
    first = ServiceItemFactory(name="出生登记", materials=[birth_certificate, {"name": "户口簿", "required": True}])
    second = ServiceItemFactory(
        name="医保参保",
        materials=[
            {**birth_certificate, "name": "出生医学证明", "required": True, "source": "government"},
            {"name": "户 口 簿（复印件）", "required": False},
            {"name": "参保登记表", "required": True},
        ],
    )
    bundle = BundleFactory(items=[second, first], committed_days=5)
    _found, items = selectors.bundle_with_items(bundle.code)
    assert [i.name for i in items] == ["医保参保", "出生登记"]
    merged = {m.name: m for m in selectors.merged_materials(items)}
    assert list(merged) == ["出生医学证明", "户 口 簿（复印件）", "参保登记表"]
    certificate = merged["出生医学证明"]
    assert certificate.required and certificate.government_held and certificate.item_names == ["医保参保", "出生登记"]
    household = merged["户 口 簿（复印件）"]
    assert household.required  # one item requires it
    page = Client().get(f"/bundles/{bundle.code}/").content.decode()
    assert page.count("参保登记表") == 1 and "出生登记" in page


def test_material_keys_ignore_spaces_and_remarks_and_prefer_certificates():
    from tongban.catalog.models import Material

    assert selectors.material_key(Material(name="户口簿（原件）")) == selectors.material_key(Material(name="户口 簿"))
    assert selectors.material_key(Material(name="甲", certificate_type="id")) == "cert:id"
    assert selectors.material_key(Material(name="居民身份证[复印件]")) == "name:居民身份证"


def test_an_unknown_bundle_is_not_found():
    assert Client().get("/bundles/none/").status_code == 404
