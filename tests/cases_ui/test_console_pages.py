"""Console pages of cases over HTTP: the right clerk, a clerk of another department, a citizen, anonymous."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases_ui.conftest import ITEM, ITEM_FORM_DATA, pdf_bytes
from tests.conftest import staff_client
from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _accepted(case: Case) -> Case:
    services.accept_case(case=case, clerk=User.objects.get(username="chuangkou"), expected_version=case.version)
    case.refresh_from_db()
    return case


def test_console_pages_need_a_verified_member_of_staff(submitted, citizen_client):
    for url in ("/console/cases/", f"/console/cases/{submitted.number}/", "/console/cases/window/"):
        for client in (Client(), citizen_client):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/console/login/"), url


def test_todo_list_of_the_intake_clerk(submitted):
    client = staff_client("chuangkou")
    html = client.get("/console/cases/").content.decode()
    assert submitted.number in html
    assert "*三" in html and "张三" not in html
    assert "即将超期 0 件" in html and "已超期 0 件" in html
    assert "⚠" in html and "×" in html
    assert "认领" in html
    assert client.get("/console/cases/?status=claimed").content.decode().count(submitted.number) == 0
    home = client.get("/console/").content.decode()
    assert "/console/cases/counts/" in home
    assert "已超期" in client.get("/console/cases/counts/").content.decode()


def test_clerk_of_another_department_sees_nothing(submitted):
    gongan = staff_client("gongan")
    assert submitted.number not in gongan.get("/console/cases/").content.decode()
    assert gongan.get(f"/console/cases/{submitted.number}/").status_code == 404
    material = submitted.materials.first()
    assert gongan.get(f"/console/cases/{submitted.number}/materials/{material.pk}/").status_code == 404
    response = gongan.post(
        f"/console/cases/{submitted.number}/act/accept/", {"plain-expected_version": submitted.version}
    )
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED


def test_case_page_shows_request_materials_clock_history_and_actions(submitted):
    client = staff_client("chuangkou")
    before = AuditEntry.objects.count()
    html = client.get(f"/console/cases/{submitted.number}/").content.decode()
    assert AuditEntry.objects.count() > before, "reading the case is a data access"
    for words in ("申请内容", "申请材料", "法定时限", "办理历史", "可进行的操作", "受理", "不予受理", "一次性告知补正"):
        assert words in html, words
    material = submitted.materials.order_by("pk").first()
    assert material.sha256[:12] in html and "上传" in html
    download = client.get(f"/console/cases/{submitted.number}/materials/{material.pk}/")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


def test_claim_and_accept_then_a_stale_action_is_a_conflict_with_nothing_lost(submitted):
    client = staff_client("chuangkou")
    task = submitted.tasks.get(status="open")
    response = client.post(
        f"/console/cases/{submitted.number}/act/claim/",
        {"task": task.pk, "expected_version": task.version, "next": "todo"},
    )
    assert response.status_code == 302 and response["Location"] == "/console/cases/"
    stale = submitted.version
    accepted = client.post(f"/console/cases/{submitted.number}/act/accept/", {"plain-expected_version": stale})
    assert accepted.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.ACCEPTED
    banli = staff_client("banli")
    html = banli.get(f"/console/cases/{submitted.number}/").content.decode()
    assert "一次性告知补正" in html
    response = banli.post(
        f"/console/cases/{submitted.number}/act/request_supplement/",
        {"supplement-expected_version": stale, "supplement-other": "平面图比例不清楚"},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "该办件已被其他工作人员处理，请刷新后查看最新状态。" in page
    assert "平面图比例不清楚" in page, "what the clerk typed is kept"
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.ACCEPTED


def test_supplement_request_needs_at_least_one_item(submitted):
    case = _accepted(submitted)
    banli = staff_client("banli")
    response = banli.post(
        f"/console/cases/{case.number}/act/request_supplement/",
        {"supplement-expected_version": case.version, "supplement-note": "说明"},
    )
    assert response.status_code == 400
    assert "请至少勾选一项材料或写明一个问题" in response.content.decode()
    name = case.materials.order_by("pk").first().material_name
    response = banli.post(
        f"/console/cases/{case.number}/act/request_supplement/",
        {"supplement-expected_version": case.version, "supplement-materials": [name]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED


def test_refuse_at_intake_needs_reasons_and_legal_basis(submitted):
    client = staff_client("chuangkou")
    response = client.post(
        f"/console/cases/{submitted.number}/act/refuse_at_intake/",
        {"refuse-expected_version": submitted.version, "refuse-reasons": "不属于本部门职权"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "请写明法律依据" in html and "不属于本部门职权" in html
    response = client.post(
        f"/console/cases/{submitted.number}/act/refuse_at_intake/",
        {
            "refuse-expected_version": submitted.version,
            "refuse-reasons": "不属于本部门职权",
            "refuse-legal_basis": "《行政许可法》第三十二条",
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.REFUSED_AT_INTAKE


def test_review_and_decide_forms(submitted):
    case = _accepted(submitted)
    banli = staff_client("banli")
    assert (
        banli.post(f"/console/cases/{case.number}/act/review/", {"review-expected_version": case.version}).status_code
        == 400
    )
    response = banli.post(
        f"/console/cases/{case.number}/act/review/",
        {"review-expected_version": case.version, "review-agree": "yes", "review-comment": "材料齐全"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    kezhang = staff_client("kezhang")
    html = kezhang.get(f"/console/cases/{case.number}/").content.decode()
    assert "作出决定" in html
    response = kezhang.post(
        f"/console/cases/{case.number}/act/decide/",
        {"decide-expected_version": case.version, "decide-approve": "yes", "decide-decision_text": "准予许可。"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.decision == "approved"


def test_special_procedure_and_transfer_forms_are_there_for_the_head(submitted):
    case = _accepted(submitted)
    client = staff_client("kezhang")
    html = client.get(f"/console/cases/{case.number}/").content.decode()
    assert "特别程序（暂停计时）" in html and "转交其他部门" in html
    response = client.post(
        f"/console/cases/{case.number}/act/start_special_procedure/",
        {"special-kind": "expert_review", "special-reason": "需要专家论证", "special-expected_version": case.version},
    )
    assert response.status_code == 302
    html = client.get(f"/console/cases/{case.number}/").content.decode()
    assert "需要专家论证" in html and "结束特别程序" in html


def test_window_intake_files_for_a_person_at_the_window(catalogue):
    client = staff_client("chuangkou")
    picker = client.get("/console/cases/window/?q=食品经营").content.decode()
    assert ITEM in picker
    form = client.get(f"/console/cases/window/?item={ITEM}").content.decode()
    assert "已核验身份证原件，申请人同意由窗口代为提交" in form
    inputs = re.findall(r'name="(material-\d+)"', form)
    key = str(uuid.uuid4())
    data = {
        "item": ITEM,
        "idempotency_key": key,
        "person-person_name": "赵六",
        "person-id_number": "",
        "person-phone": "13800000009",
        **ITEM_FORM_DATA,
    }
    refused = client.post("/console/cases/window/", data)
    assert refused.status_code == 400
    assert "请核验身份证原件并征得申请人同意后勾选" in refused.content.decode()
    assert 'value="赵六"' in refused.content.decode()
    from tongban.demo.codes import id_number

    data["person-id_number"] = id_number("440104", "20000229", 77)
    data["person-consent"] = "on"
    for name in inputs:
        data[name] = SimpleUploadedFile("doc.pdf", pdf_bytes(), content_type="application/pdf")
    done = client.post("/console/cases/window/", data)
    html = done.content.decode()
    assert done.status_code == 200, html[:2000]
    case = Case.objects.get()
    assert case.number in html and re.search(r'id="query-code">[0-9A-Z]{10}<', html)
    assert "138****0009" in html and "短信" in html
    assert case.channel == "window"


def test_window_is_for_intake_clerks_only(catalogue):
    assert staff_client("gongan").get("/console/cases/window/").status_code == 403
