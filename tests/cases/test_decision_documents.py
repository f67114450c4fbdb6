"""办理结果文书: every decision produces its document (a PDF in a CJK font), worded by the item's kind,
downloadable by the applicant (portal and API) and by staff who may see the case (audited)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from tests.cases.conftest import LINES, MARKET, _item, submit, upload
from tests.cases.test_api import token_client
from tests.cases.test_handling import fresh, run_to_approval
from tests.conftest import staff_client
from tongban.cases import decision_documents, selectors, services
from tongban.cases.models import Case, CaseStatus, DecisionDocument, Supplement
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.masking import mask_id_number
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db

FOOD_BASIS = "《中华人民共和国食品安全法》第三十五条"
KINDS = [
    # code, name, kind, legal basis
    ("TEST-DJ-001", "出生登记（测试）", "confirmation", "《中华人民共和国户口登记条例》第七条"),
    ("TEST-QR-001", "工伤认定（测试）", "confirmation", "《工伤保险条例》第十七条"),
    ("TEST-GF-001", "失业保险金申领（测试）", "payment", "《失业保险条例》第十四条"),
    ("TEST-GG-001", "老年人免费乘车卡办理（测试）", "public_service", "《广东省老年人权益保障条例》"),
    ("TEST-BA-001", "公章刻制备案（测试）", "other_power", "《印铸刻字业暂行管理规则》"),
]


@pytest.fixture
def kinds(catalogue):
    """Items of several kinds (with 设定依据) handled by the market department's clerks."""
    from tongban.catalog.importer import import_catalogue

    lines = [_item(code, name, MARKET, kind=kind, legal_basis=basis) for code, name, kind, basis in KINDS]
    food = next(line for line in LINES if line["code"] == "TEST-SJ-001")
    lines.append({**food, "legal_basis": FOOD_BASIS})  # its form, materials and result, with its 设定依据
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    report = import_catalogue(stream=io.StringIO(text), actor=None)
    assert report.written, report.errors
    return {code: ServiceItem.objects.get(code=code) for code, *_rest in KINDS}


def pdf_text(data: bytes) -> str:
    """The text of every page, lines joined (a long line wraps anywhere in Chinese text)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text().replace("\n", "") for page in reader.pages)


def document_text(case: Case) -> str:
    document = DecisionDocument.objects.get(case=case)
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and document.size == len(data)
    return pdf_text(data)


def _decide(case, people, *, approve: bool, text: str):
    case = fresh(case)
    services.accept_case(case=case, clerk=people["chuangkou"], expected_version=case.version)
    case = fresh(case)
    services.review_case(case=case, clerk=people["banli"], agree=True, comment="", expected_version=case.version)
    case = fresh(case)
    services.decide_case(
        case=case, clerk=people["kezhang"], approve=approve, decision_text=text, expected_version=case.version
    )
    return fresh(case)


def _labels(case) -> list[str]:
    return [e.label for e in case.events.filter(public=True)]


def _assert_document(case, *, title: str, decision: str, basis: str) -> str:
    text = document_text(case)
    applicant = case.applicant
    today = timezone.localdate()
    for expected in (
        title,
        case.number,
        case.item.name,
        "张三",  # addressed to the applicant by name: only they and the case's staff download it
        mask_id_number(applicant.id_number),
        case.department.name,
        decision,
        basis,
        f"{today.year}年{today.month}月{today.day}日",
    ):
        assert expected in text, (expected, text)
    assert applicant.id_number not in text
    return text


@pytest.mark.parametrize(
    ("code", "approve", "title", "label"),
    [
        ("TEST-DJ-001", True, "准予登记通知书", "准予登记，办结"),
        ("TEST-DJ-001", False, "不予登记通知书", "不予登记"),
        ("TEST-QR-001", False, "不予确认决定书", "不予确认"),
        ("TEST-GF-001", True, "给付决定书", "准予给付，办结"),
        ("TEST-GG-001", True, "办理结果告知书", "办理完成，办结"),
        ("TEST-BA-001", True, "备案通知书", "准予备案，办结"),
    ],
)
def test_each_kind_of_item_words_its_decision_and_document(kinds, people, media, code, approve, title, label):
    item = kinds[code]
    decision = "经核查，材料真实有效。" if approve else "申请材料与事实不符。"
    case = _decide(
        submit(people["zhangsan"], item, key=code, answers={}, files=[]), people, approve=approve, text=decision
    )
    assert case.status == (CaseStatus.APPROVED if approve else CaseStatus.REFUSED)
    assert label in _labels(case)
    assert not any("许可" in lab for lab in _labels(case)), "no 准予/不予许可 for anything but a licence"
    text = _assert_document(case, title=title, decision=decision, basis=item.legal_basis)
    assert ("行政复议" in text) == (not approve and item.kind != "public_service")
    assert decision_documents.outcome_word(case) == label.split("，")[0]


def test_a_licence_is_granted_and_refused_in_the_words_of_the_licensing_law(kinds, people, media):
    item = ServiceItem.objects.get(code="TEST-SJ-001")
    granted = run_to_approval(submit(people["zhangsan"], item, key="g"), people)
    assert "准予许可，办结" in _labels(granted)
    text = _assert_document(granted, title="准予行政许可决定书", decision="准予许可", basis=FOOD_BASIS)
    assert "决定准予行政许可" in text and "《食品经营许可证》" in text and "行政复议" not in text
    assert "甜心奶茶" not in text, "the document carries no answers"

    refused = _decide(submit(people["zhangsan"], item, key="r"), people, approve=False, text="经营场所与许可条件不符。")
    assert "不予许可" in _labels(refused)
    text = _assert_document(refused, title="不予行政许可决定书", decision="经营场所与许可条件不符。", basis=FOOD_BASIS)
    assert "行政复议" in text and "行政诉讼" in text


def test_a_refusal_at_intake_gives_the_reasons_and_basis_in_its_document(kinds, people, media):
    item = ServiceItem.objects.get(code="TEST-SJ-001")
    case = submit(people["zhangsan"], item, key="n")
    services.refuse_at_intake(
        case=case,
        clerk=people["chuangkou"],
        reasons=["不属于本机关职权范围"],
        legal_basis="《中华人民共和国行政许可法》第三十二条",
        expected_version=fresh(case).version,
    )
    case = fresh(case)
    assert case.status == CaseStatus.REFUSED_AT_INTAKE and "不予受理" in _labels(case)
    text = _assert_document(case, title="不予受理决定书", decision="不属于本机关职权范围", basis=FOOD_BASIS)
    assert "行政许可法》第三十二条" in text and "行政复议" in text


def test_an_instant_decision_by_rules_has_its_document(catalogue, people, media):
    item = ServiceItem.objects.get(code="TEST-MZ-001")  # 高龄津贴, a benefit decided by rules (秒批)
    case = fresh(
        submit(
            people["zhangsan"],
            item,
            key="rules",
            answers={"age": 85, "local_household": True, "already_receiving": False},
            files=[],
        )
    )
    assert case.status == CaseStatus.APPROVED and case.rule
    assert "准予给付，办结" in _labels(case)
    text = document_text(case)
    assert "给付决定书" in text and case.number in text and "（事项目录未载明）" in text


def test_a_supplement_never_answered_ends_with_a_notice(kinds, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "SUPPLEMENT_DEADLINE_DAYS": 5}
    item = ServiceItem.objects.get(code="TEST-SJ-001")
    case = submit(people["zhangsan"], item, key="s")
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    services.request_supplement(
        case=fresh(case),
        clerk=people["banli"],
        items=[{"material": "营业执照", "reason": "已过期"}],
        note="",
        expected_version=fresh(case).version,
    )
    asked_on = timezone.localdate(Supplement.objects.get(case=case).requested_at)
    assert services.scan_deadlines(today=asked_on + timedelta(days=6))["not_supplemented"] == [case.number]
    case = fresh(case)
    assert "补正不来办结" in _labels(case)
    text = document_text(case)
    assert "终止办理告知书" in text and "未在规定期限内补正" in text and case.number in text


def test_a_withdrawal_produces_no_document(kinds, people, media):
    case = submit(people["zhangsan"], ServiceItem.objects.get(code="TEST-SJ-001"), key="w")
    services.withdraw_case(case=fresh(case), applicant=people["zhangsan"], reason="不办了")
    assert fresh(case).status == CaseStatus.WITHDRAWN
    assert not DecisionDocument.objects.filter(case=case).exists()


def test_without_a_chinese_font_the_decision_fails_clearly_and_nothing_is_written(kinds, people, media, settings):
    item = ServiceItem.objects.get(code="TEST-SJ-001")
    case = submit(people["zhangsan"], item, key="f")
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    services.review_case(
        case=fresh(case), clerk=people["banli"], agree=True, comment="", expected_version=fresh(case).version
    )
    settings.DOCUMENT_FONT = "/nonexistent/font.ttf"
    with pytest.raises(decision_documents.DocumentFontMissing, match="TONGBAN_DOCUMENT_FONT"):
        services.decide_case(
            case=fresh(case),
            clerk=people["kezhang"],
            approve=True,
            decision_text="准予",
            expected_version=fresh(case).version,
        )
    case = fresh(case)
    assert case.status == CaseStatus.IN_REVIEW and case.decided_at is None
    assert not DecisionDocument.objects.exists()
    assert not list((media / "cases" / "results").rglob("*.pdf")), "no document file either"


# --- downloads and who may have them -------------------------------------------------------------------


@pytest.fixture
def decided(kinds, people, media):
    item = ServiceItem.objects.get(code="TEST-SJ-001")
    return run_to_approval(submit(people["zhangsan"], item, key="d"), people)


def _reads_by(user) -> int:
    return AuditEntry.objects.filter(action="personal_data.read", actor_id=user.pk).count()


def _is_pdf(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-")


def test_the_applicant_sees_the_result_and_downloads_it_from_the_portal(decided, people):
    citizen = Client()
    citizen.force_login(people["zhangsan"])
    page = citizen.get(f"/my/cases/{decided.number}/").content.decode()
    assert "办理结果" in page and "准予许可" in page
    assert f"/my/cases/{decided.number}/result/" in page and "下载《准予行政许可决定书》" in page
    response = citizen.get(f"/my/cases/{decided.number}/result/")
    assert response.status_code == 200 and _is_pdf(response)
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]


def test_the_applicant_downloads_it_through_the_api(decided, people):
    api = token_client(people["zhangsan"])
    detail = api.get(f"/api/v1/cases/mine/{decided.number}").json()
    assert detail["result"]["title"] == "准予行政许可决定书"
    assert detail["result"]["url"] == f"/api/v1/cases/{decided.number}/result"
    response = api.get(detail["result"]["url"])
    assert response.status_code == 200 and _is_pdf(response)
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/cases/{number}/result"]["get"]
    assert "application/pdf" in operation["responses"]["200"]["content"] and "404" in operation["responses"]


def test_an_open_case_has_no_result_yet(kinds, people, media):
    case = submit(people["zhangsan"], ServiceItem.objects.get(code="TEST-SJ-001"), key="o")
    api = token_client(people["zhangsan"])
    assert api.get(f"/api/v1/cases/mine/{case.number}").json()["result"] is None
    answer = api.get(f"/api/v1/cases/{case.number}/result")
    assert answer.status_code == 404 and answer.json()["code"] == "no_result"
    citizen = Client()
    citizen.force_login(people["zhangsan"])
    assert citizen.get(f"/my/cases/{case.number}/result/").status_code == 404


def test_another_citizen_and_another_department_get_nothing_and_nothing_is_recorded(decided, people):
    stranger, police = people["lisi"], people["gongan"]
    before = (_reads_by(stranger), _reads_by(police))
    other = Client()
    other.force_login(stranger)
    assert other.get(f"/my/cases/{decided.number}/result/").status_code == 404
    answer = token_client(stranger).get(f"/api/v1/cases/{decided.number}/result")
    assert answer.status_code == 404 and answer.json()["code"]
    assert "%PDF" not in answer.content.decode(errors="ignore")
    assert staff_client("gongan").get(f"/console/cases/{decided.number}/result/").status_code == 404
    assert token_client(police).get(f"/api/v1/cases/{decided.number}/result").status_code == 404
    assert (_reads_by(stranger), _reads_by(police)) == before == (0, 0)


def test_the_clerk_downloads_it_and_the_read_is_recorded_for_the_applicant(decided, people):
    clerk = people["banli"]
    console = staff_client("banli")
    page = console.get(f"/console/cases/{decided.number}/").content.decode()
    assert "办理结果" in page and f"/console/cases/{decided.number}/result/" in page
    before = _reads_by(clerk)
    response = console.get(f"/console/cases/{decided.number}/result/")
    assert response.status_code == 200 and _is_pdf(response)
    read = AuditEntry.objects.filter(action="personal_data.read", actor_id=clerk.pk).order_by("-pk").first()
    assert _reads_by(clerk) == before + 1
    assert read is not None and read.data_subject_id == people["zhangsan"].pk and read.purpose == "查阅办理结果文书"
    api = token_client(clerk)
    assert api.get(f"/api/v1/cases/staff/cases/{decided.number}").json()["result"]["title"] == "准予行政许可决定书"
    assert _is_pdf(api.get(f"/api/v1/cases/{decided.number}/result"))
    # staff who open the portal link are sent to the console's
    portal = Client()
    portal.force_login(clerk)
    assert portal.get(f"/my/cases/{decided.number}/result/")["Location"].endswith(
        f"/console/cases/{decided.number}/result/"
    )


# --- bundles --------------------------------------------------------------------------------------------


def test_a_bundle_gets_one_combined_document_listing_each_items_outcome(catalogue, people, media):
    bundle = Bundle.objects.get(code="test-bundle")
    parent = services.submit_bundle(
        applicant=people["zhangsan"],
        bundle=bundle,
        answers={"shop_name": "甜心", "seal_count": 2},
        uploads=[("营业执照", upload())],
        idempotency_key="bundle",
    )
    first, seal, tax = selectors.children_of(case=parent)
    run_to_approval(first, people)
    seal = fresh(seal)
    services.refuse_at_intake(
        case=seal,
        clerk=people["chuangkou"],
        reasons=["印章式样不符合规定"],
        legal_basis="《印铸刻字业暂行管理规则》",
        expected_version=seal.version,
    )
    assert not DecisionDocument.objects.filter(case=parent).exists(), "not before every item has ended"
    services.withdraw_case(case=fresh(tax), applicant=people["zhangsan"], reason="另行办理")
    parent = fresh(parent)
    assert parent.status in (CaseStatus.APPROVED, CaseStatus.CONCLUDED) and parent.concluded_at
    text = document_text(parent)
    assert "一件事办理结果告知书" in text and parent.number in text and "开店一件事（测试）" in text
    assert "张三" in text and applicant_id_whole_absent(text, parent)
    for child, outcome in ((first, "准予许可"), (seal, "不予受理"), (tax, "已撤回")):
        assert child.title in text and child.number in text, child.title
        assert outcome in text, outcome
    assert "《准予行政许可决定书》" in text and "《不予受理决定书》" in text
    # each item's own decision has its own document too; the withdrawn one has none
    assert DecisionDocument.objects.get(case=first).title == "准予行政许可决定书"
    assert DecisionDocument.objects.get(case=seal).title == "不予受理决定书"
    assert not DecisionDocument.objects.filter(case=tax).exists()
    citizen = Client()
    citizen.force_login(people["zhangsan"])
    assert _is_pdf(citizen.get(f"/my/cases/{parent.number}/result/"))


def test_a_clerk_working_in_english_still_issues_the_official_chinese_document(kinds, people, media):
    from django.utils import translation

    item = ServiceItem.objects.get(code="TEST-SJ-001")
    case = submit(people["zhangsan"], item, key="en")
    with translation.override("en"):
        refused = _decide(case, people, approve=False, text="经营场所与许可条件不符。")
    text = document_text(refused)
    assert "不予行政许可决定书" in text and "编号：" in text and "行政复议" in text
    assert "No." not in text and "reconsideration" not in text
    assert "不予许可" in _labels(refused), "history is stored in Chinese and shown in the reader's language"


def test_start_up_checks_warn_when_the_font_is_missing(settings):
    from tongban.cases.checks import document_font_check

    assert document_font_check() == []
    settings.DOCUMENT_FONT = "/nonexistent/font.ttf"
    assert [m.id for m in document_font_check()] == ["cases.W001"]


def applicant_id_whole_absent(text: str, case) -> bool:
    """The ID number never stands whole in a document (masked in the strong form)."""
    number = case.applicant.id_number
    return not number or number not in text
