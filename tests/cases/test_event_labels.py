"""办理过程 in the reader's language: the history stored in Chinese is shown by its action code in
English and 繁體 — statuses, events, comments and dates — on the pages and in the API."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from tests.cases.conftest import submit
from tongban.cases import event_labels, services
from tongban.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

ENGLISH_DATE = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
)


@pytest.fixture(autouse=True)
def _services_write_in_chinese():
    """A request in English leaves English active in this thread; the services called directly here
    would then store English labels (which is what they store for a clerk working in English)."""
    with translation.override("zh-hans"):
        yield


def accepted(people, item) -> Case:
    submitted = submit(people["zhangsan"], item)
    case = Case.objects.get(pk=submitted.pk)
    services.accept_case(case=case, clerk=people["chuangkou"], expected_version=case.version)
    case = Case.objects.get(pk=case.pk)
    case.query_code_plain = submitted.query_code_plain  # type: ignore[attr-defined]
    return case


def reader(language: str) -> Client:
    client = Client()
    client.cookies["tongban_lang"] = language
    return client


def progress_page(client: Client, case: Case) -> str:
    response = client.post("/progress/", {"number": case.number, "query_code": case.query_code_plain})
    assert response.status_code == 200
    return response.content.decode()


def test_english_progress_page_has_english_status_events_and_dates(item, people, media):
    case = accepted(people, item)
    page = progress_page(reader("en"), case)
    assert "Accepted" in page and "Application submitted" in page
    assert "To be concluded within 10 working days" in page
    assert ENGLISH_DATE.search(page), "the due date in English"
    result = page[page.index('id="progress-result"') :]
    assert "年" not in result and "申报" not in result and "已受理" not in result


def test_english_progress_api_has_english_events(item, people, media):
    case = accepted(people, item)
    response = reader("en").get("/api/v1/cases/progress", {"number": case.number, "code": case.query_code_plain})
    labels = [event["label"] for event in response.json()["timeline"]]
    assert labels == ["Application submitted", "Accepted"]
    assert response.json()["status_label"] == "Accepted"


def test_traditional_progress_page_converts_item_name_and_history(item, people, media):
    case = accepted(people, item)
    page = progress_page(reader("zh-hant"), case)
    assert "食品經營許可（測試）" in page and "食品经营许可" not in page
    assert "申報" in page and "已受理" in page and "承諾 10 個工作日內辦結" in page


def test_simplified_pages_read_as_before(item, people, media):
    case = accepted(people, item)
    page = progress_page(Client(), case)
    assert "申报" in page and "已受理" in page and "承诺 10 个工作日内办结" in page


def test_wording_the_table_does_not_know_is_shown_as_stored(item, people, media):
    case = submit(people["zhangsan"], item)
    event = CaseEvent.objects.create(case=case, action="note", label="窗口补录纸质材料", comment="已核对原件")
    with_translation = CaseEvent.objects.create(case=case, action="note", label="已受理")
    with translation.override("en"):
        assert event_labels.label_of(event) == "窗口补录纸质材料"
        assert event_labels.comment_of(event) == "已核对原件"
        assert event_labels.label_of(with_translation) == "Accepted", "an interface string is translated"
    with translation.override("zh-hant"):
        assert event_labels.label_of(event) == "窗口補錄紙質材料"


def test_parts_that_vary_are_read_back_out_and_kept(item, people, media):
    case = submit(people["zhangsan"], item)
    transfer = CaseEvent.objects.create(case=case, action="transfer", label="移交至天河区市场监管局")
    extend = CaseEvent.objects.create(
        case=case, action="extend", label="经负责人批准延期 5 个工作日，办结期限至 2026-12-22", comment="需要现场核查"
    )
    with translation.override("en"):
        assert event_labels.label_of(transfer) == "Transferred to 天河区市场监管局"
        assert (
            event_labels.label_of(extend)
            == "Extended by 5 working days with the head's approval; now due on 22 December 2026"
        )
        assert event_labels.comment_of(extend) == "需要现场核查"
    with translation.override("zh-hant"):
        assert event_labels.label_of(transfer) == "移交至天河區市場監管局"
