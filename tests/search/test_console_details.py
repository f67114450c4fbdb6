"""Details of the search console pages and the index task: what the staff read there is what is stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import ServiceItemFactory, StaffFactory, console_client
from tongban.core.models import AuditEntry
from tongban.search import services
from tongban.search.models import SearchQueryLog, SearchSynonym
from tongban.search.tasks import update_search_index

pytestmark = pytest.mark.django_db


def test_the_query_log_shows_counts_and_the_click_rate() -> None:
    SearchQueryLog.objects.create(query="营业执照", normalized="营业执照", searches=40, clicks=2)
    html = console_client(StaffFactory(data_officer=True)).get("/console/search/queries/").content.decode()
    row = html[html.index("<td>营业执照</td>") :]
    assert row.startswith("<td>营业执照</td><td>40</td><td>0</td><td>2</td><td>5%</td>")


def test_an_empty_query_log_says_so() -> None:
    html = console_client(StaffFactory(administrator=True)).get("/console/search/queries/").content.decode()
    assert "没有记录。" in html


def test_old_searches_drop_out_of_the_chosen_window() -> None:
    SearchQueryLog.objects.create(
        query="去年的查询",
        normalized="去年的查询",
        searches=3,
        zero_results=3,
        day=timezone.localdate() - dt.timedelta(days=40),
    )
    client = console_client(StaffFactory(administrator=True))
    assert "去年的查询" not in client.get("/console/search/queries/").content.decode()
    assert "去年的查询" in client.get("/console/search/queries/", {"days": "60"}).content.decode()


def test_the_synonym_search_keeps_its_text_across_pages() -> None:
    for i in range(60):
        SearchSynonym.objects.create(phrase=f"测试说法{i:02d}", expansion="测试规范词")
    html = (
        console_client(StaffFactory(administrator=True))
        .get("/console/search/synonyms/", {"text": "测试"})
        .content.decode()
    )
    assert "text=%E6%B5%8B%E8%AF%95&amp;page=2" in html
    assert "测试说法00" in html and "测试说法59" not in html


def test_who_changed_a_synonym_is_recorded() -> None:
    officer = StaffFactory(data_officer=True)
    client = console_client(officer)
    client.post("/console/search/synonyms/", {"phrase": "图章", "expansion": "印章", "enabled": "on"})
    client.post("/console/search/synonyms/", {"phrase": "图章", "expansion": "公章"})  # unticked: disabled
    synonym = SearchSynonym.objects.get(phrase="图章")
    assert (synonym.expansion, synonym.enabled, synonym.updated_by) == ("公章", False, officer)
    actions = list(AuditEntry.objects.filter(actor=officer).values_list("action", flat=True))
    assert actions == ["search.synonym_add", "search.synonym_change"]
    assert "停用" in client.get("/console/search/synonyms/", {"text": "图章"}).content.decode()


def test_a_saved_synonym_says_so() -> None:
    client = console_client(StaffFactory(administrator=True))
    response = client.post(
        "/console/search/synonyms/", {"phrase": "图章", "expansion": "印章", "enabled": "on"}, follow=True
    )
    assert "已保存：图章" in response.content.decode()
    synonym = SearchSynonym.objects.get(phrase="图章")
    response = client.post(f"/console/search/synonyms/{synonym.pk}/delete/", follow=True)
    assert "已删除：图章" in response.content.decode()


def test_the_index_task_applies_pending_catalogue_changes(index_dir: Path) -> None:
    services.rebuild_index()
    ServiceItemFactory(name="犬只登记")
    ServiceItemFactory(name="犬只年检")
    result = update_search_index.enqueue()
    assert result.return_value == 2
    assert {h.name for h in services.search("犬只", log=False)} == {"犬只登记", "犬只年检"}
    assert update_search_index.enqueue().return_value == 0
