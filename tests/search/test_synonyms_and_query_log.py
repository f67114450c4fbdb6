"""The synonym table and the log of searches, through `search.services` and `search.selectors`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import StaffFactory
from tongban.core.models import AuditEntry
from tongban.search import selectors, services
from tongban.search.defaults import DEFAULT_SYNONYMS
from tongban.search.forms import SearchFilterForm, SynonymForm
from tongban.search.models import SearchQueryLog, SearchSynonym

pytestmark = pytest.mark.django_db


def test_a_new_synonym_is_stored_cleaned_and_audited():
    officer = StaffFactory(data_officer=True)
    synonym = services.save_synonym(actor=officer, phrase=" 图章 ", expansion="公章刻制/印章，  印鉴")
    assert synonym.phrase == "图章"
    assert synonym.expansion == "公章刻制/印章 印鉴"
    assert synonym.updated_by == officer
    entry = AuditEntry.objects.get(action="search.synonym_add")
    assert entry.actor == officer and entry.details["phrase"] == "图章"


def test_saving_an_existing_phrase_changes_it():
    services.save_synonym(actor=None, phrase="图章", expansion="印章")
    services.save_synonym(actor=None, phrase="图章", expansion="公章", enabled=False)
    synonym = SearchSynonym.objects.get(phrase="图章")
    assert (synonym.expansion, synonym.enabled) == ("公章", False)
    assert AuditEntry.objects.filter(action="search.synonym_change").count() == 1


def test_the_synonym_cache_sees_a_change_after_commit(django_capture_on_commit_callbacks):
    services.synonym_cache.invalidate()
    assert "图章" not in services.synonym_cache.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_synonym(actor=None, phrase="图章", expansion="印章")
    assert services.synonym_cache.get()["图章"] == "印章"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_synonym(actor=None, phrase="图章", expansion="印章", enabled=False)
    assert "图章" not in services.synonym_cache.get()  # disabled entries are not used


def test_deleting_a_synonym_is_audited():
    synonym = services.save_synonym(actor=None, phrase="图章", expansion="印章")
    services.delete_synonym(actor=None, synonym=synonym)
    assert not SearchSynonym.objects.filter(phrase="图章").exists()
    assert AuditEntry.objects.get(action="search.synonym_delete").details == {"phrase": "图章"}


def test_seeding_adds_the_missing_defaults_and_keeps_edits():
    SearchSynonym.objects.all().delete()  # the migration seeded them already
    services.save_synonym(actor=None, phrase="丢了", expansion="挂失")
    added = services.seed_default_synonyms()
    assert added == len(DEFAULT_SYNONYMS) - 1
    assert SearchSynonym.objects.get(phrase="丢了").expansion == "挂失"
    assert services.seed_default_synonyms() == 0
    assert AuditEntry.objects.filter(action="search.synonyms_seed").count() == 1


def test_every_default_expansion_parses_into_official_words():
    from tongban.search.analysis import parse_expansion

    for phrase, expansion in DEFAULT_SYNONYMS.items():
        assert phrase.strip() == phrase and len(phrase) <= 50
        assert parse_expansion(expansion), phrase
        assert len(expansion) <= 300


def test_searches_are_counted_per_normalised_query_and_day():
    services.record_search(query="身份證 丟了", results=3)
    services.record_search(query="身份证丢了", results=0)
    services.record_search(query="身份证，丢了！", results=0)
    rows = list(SearchQueryLog.objects.all())
    assert len(rows) == 2  # "身份证 丢了" and "身份证丢了" differ by a space only after normalising
    spaced = SearchQueryLog.objects.get(normalized="身份证 丢了")
    assert (spaced.searches, spaced.zero_results, spaced.last_results) == (2, 1, 0)


def test_an_empty_query_is_not_logged():
    services.record_search(query="？！", results=0)
    assert not SearchQueryLog.objects.exists()


def test_clicks_are_counted_on_todays_row():
    services.record_search(query="护照", results=2)
    services.record_click(query="护照")
    services.record_click(query="護照")
    services.record_click(query="没搜过")
    assert SearchQueryLog.objects.get(normalized="护照").clicks == 2
    assert SearchQueryLog.objects.count() == 1


def test_the_search_service_trims_and_logs():
    assert services.search("   ") == []
    assert not SearchQueryLog.objects.exists()


def _log(query: str, *, days_ago: int = 0, searches: int = 1, zero: int = 0, clicks: int = 0) -> None:
    SearchQueryLog.objects.create(
        query=query,
        normalized=query,
        day=timezone.localdate() - dt.timedelta(days=days_ago),
        searches=searches,
        zero_results=zero,
        clicks=clicks,
    )


def test_unmet_queries_are_those_without_results_or_rarely_clicked():
    _log("宠物狗办证", searches=5, zero=5)
    _log("护照", searches=50, clicks=40)  # found and used: not listed
    _log("营业执照", searches=40, clicks=2)  # found, rarely clicked
    _log("老旧事项", searches=9, zero=9, days_ago=60)  # too long ago
    rows = selectors.unmet_queries(days=30)
    assert [r["query"] for r in rows] == ["宠物狗办证", "营业执照"]
    assert rows[1]["click_rate"] == pytest.approx(0.05)
    assert next(r["query"] for r in selectors.unmet_queries(days=90)) == "老旧事项"  # more zero results first
    assert len(selectors.unmet_queries(days=90, limit=1)) == 1


def test_unmet_queries_add_up_the_days():
    _log("宠物狗办证", searches=2, zero=2, days_ago=1)
    _log("宠物狗办证", searches=3, zero=1, days_ago=2)
    (row,) = selectors.unmet_queries(days=30)
    assert (row["searches"], row["zero"]) == (5, 3)


def test_the_synonym_list_filters_by_phrase_or_expansion():
    SearchSynonym.objects.all().delete()
    services.save_synonym(actor=None, phrase="图章", expansion="印章")
    services.save_synonym(actor=None, phrase="刻章", expansion="公章刻制")
    assert [s.phrase for s in selectors.synonyms(text="章")] == ["刻章", "图章"]
    assert [s.phrase for s in selectors.synonyms(text="公章")] == ["刻章"]
    assert selectors.synonyms().count() == 2


def test_the_synonym_form_needs_at_least_one_official_word():
    assert not SynonymForm({"phrase": "图章", "expansion": " / "}).is_valid()
    assert not SynonymForm({"phrase": "图章", "expansion": "，；"}).is_valid()
    form = SynonymForm({"phrase": "图章", "expansion": "印章/公章", "enabled": "on"})
    assert form.is_valid() and form.cleaned_data["enabled"] is True


def test_the_filter_form_offers_the_catalogues_themes_departments_and_upper_regions():
    from tests.factories import DepartmentFactory, RegionFactory, ThemeFactory

    theme, department = ThemeFactory(name="医疗保障"), DepartmentFactory(name="医保局")
    county = RegionFactory(county=True)
    form = SearchFilterForm({"q": "医保", "theme": theme.code, "department": department.code})
    assert form.is_valid(), form.errors
    regions = dict(form.fields["region"].choices)
    assert county.parent.code in regions and county.code not in regions  # counties are too fine a filter
    assert not SearchFilterForm({"q": "医保", "theme": "nope"}).is_valid()
    assert not SearchFilterForm({"q": ""}).is_valid()
