"""The index follows the catalogue's own services: edits, deletions, suspensions, themes and bundles."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import BundleFactory, ServiceItemFactory, StaffFactory, ThemeFactory
from tests.factories.catalog import import_lines
from tongban.catalog import services as catalog
from tongban.search import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine(index_dir: Path):
    engine = services.get_engine()
    engine.check_interval = 0  # check the change log on every search
    return engine


def names(q: str, limit: int = 5) -> list[str]:
    return [h.name for h in services.search(q, limit=limit, log=False)]


def test_an_edited_name_is_found_and_the_old_one_is_not(engine) -> None:
    item = ServiceItemFactory(name="电动自行车登记上牌")
    services.rebuild_index()
    admin = StaffFactory(administrator=True, scope=item.region)
    catalog.update_item(item=item, actor=admin, changes={"name": "电动自行车号牌申领"})
    assert names("号牌申领")[:1] == ["电动自行车号牌申领"]
    assert "电动自行车登记上牌" not in names("登记上牌")


def test_a_deleted_item_leaves_the_index(engine) -> None:
    item = ServiceItemFactory(name="慈善组织公开募捐资格认定")
    services.rebuild_index()
    assert names("公开募捐")
    catalog.delete_item(item=item, actor=StaffFactory(administrator=True, scope=item.region))
    assert names("公开募捐") == []


def test_a_suspended_item_is_not_found(engine) -> None:
    item = ServiceItemFactory(name="古树名木迁移审批")
    services.rebuild_index()
    admin = StaffFactory(administrator=True, scope=item.region)
    catalog.update_item(item=item, actor=admin, changes={"status": "suspended"})
    assert names("古树名木") == []
    catalog.update_item(item=item, actor=admin, changes={"status": "active"})
    assert names("古树名木") == ["古树名木迁移审批"]


def test_new_aliases_find_the_item(engine) -> None:
    item = ServiceItemFactory(name="犬只登记")
    services.rebuild_index()
    assert names("小黄鸭") == []
    admin = StaffFactory(administrator=True, scope=item.region)
    catalog.update_item(item=item, actor=admin, changes={"aliases": ["小黄鸭"]})
    assert names("小黄鸭", limit=1) == ["犬只登记"]


def test_a_renamed_theme_finds_its_items_by_the_new_phrase(engine) -> None:
    theme = ThemeFactory(code="travel", name="出行", phrase="我要出门")
    ServiceItemFactory(name="港澳通行证签注", themes=[theme])
    services.rebuild_index()
    import_lines({"type": "theme", "code": "travel", "name": "出入境", "audience": "person", "phrase": "我要去香港"})
    assert names("我要去香港", limit=1) == ["港澳通行证签注"]


def test_a_new_bundle_is_found_by_its_name_and_members(engine) -> None:
    services.rebuild_index()
    BundleFactory(name="开办餐饮店一件事", items=[ServiceItemFactory(name="食品经营许可"), ServiceItemFactory()])
    hits = services.search("开餐饮店", limit=5, log=False)
    assert any(h.type == "bundle" and h.name == "开办餐饮店一件事" for h in hits)


def test_views_raise_popularity_and_the_index_learns_it(engine) -> None:
    quiet = ServiceItemFactory(name="测试证明开具甲")
    busy = ServiceItemFactory(name="测试证明开具乙")
    services.rebuild_index()
    for _ in range(8):
        catalog.record_item_view(item=busy)
    assert names("测试证明开具", limit=2) == ["测试证明开具乙", "测试证明开具甲"]
    assert quiet.name in names("测试证明开具")


def test_the_engine_follows_the_data_folder(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "one"
    first = services.get_engine()
    assert services.get_engine() is first
    settings.DATA_DIR = tmp_path / "two"
    second = services.get_engine()
    assert second is not first and second.root == tmp_path / "two" / "search-index"
    services._engine = None
