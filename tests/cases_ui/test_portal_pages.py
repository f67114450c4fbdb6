"""Portal pages of cases over HTTP: the right citizen, another citizen, anonymous."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases_ui.conftest import ITEM, ITEM_FORM_DATA, pdf_bytes, png_bytes
from tongban.accounts.models import User
from tongban.cases.models import Case, CaseStatus, Draft

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _material_inputs(html: str) -> list[str]:
    return re.findall(r'type="file" id="id_(material-\d+)"', html)


def _apply_post(key: str, html: str, **extra: object) -> dict[str, object]:
    names = _material_inputs(html)
    data: dict[str, object] = {"idempotency_key": key, "action": "submit", **ITEM_FORM_DATA}
    data["answers-address"] = "门店在天河路 1 号"
    data[names[0]] = SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf")
    data[names[1]] = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    data.update(extra)
    return data


def test_apply_needs_login(catalogue):
    response = Client().get(f"/apply/{ITEM}/")
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/apply/{ITEM}/"


def test_apply_page_lists_form_and_materials(catalogue, citizen_client):
    response = citizen_client.get(f"/apply/{ITEM}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "已由政府部门核发，平台自动调取" in html
    assert len(_material_inputs(html)) == 2
    assert re.search(r'name="idempotency_key" value="[0-9a-f-]{36}"', html)
    assert 'hx-post="/apply/THSJ-002/draft/"' in html
    assert 'aria-live="polite"' in html


def test_required_fields_say_so_in_words_and_errors_keep_what_was_typed(catalogue, citizen_client):
    page = citizen_client.get("/apply/GA-001/").content.decode()
    assert "新生儿姓名（必填）" in page
    key = str(uuid.uuid4())
    response = citizen_client.post(
        "/apply/GA-001/",
        {
            "idempotency_key": key,
            "action": "submit",
            "answers-child_name": "张小宝",
            "answers-birth_date": "2026-13-45",
            "answers-gender": "女",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="张小宝"' in html, "nothing typed is lost"
    assert re.search(r'<option value="女" selected>', html)
    error = re.search(r'id="id_answers-birth_date_error">([^<]+)<', html)
    assert error and "出生日期" in error.group(1)
    assert 'aria-describedby="id_answers-birth_date_error"' in html or "id_answers-birth_date_error" in html
    assert "请填写“申报人身份证号”" in html
    assert f'value="{key}"' in html, "the same idempotency key is kept for the retry"
    assert not Case.objects.exists()
    assert Draft.objects.filter(applicant__username="zhangsan").get().answers["child_name"] == "张小宝"


def test_double_submit_with_the_same_key_creates_one_case(catalogue, citizen_client):
    html = citizen_client.get(f"/apply/{ITEM}/").content.decode()
    key = str(uuid.uuid4())
    first = citizen_client.post(f"/apply/{ITEM}/", _apply_post(key, html))
    second = citizen_client.post(f"/apply/{ITEM}/", _apply_post(key, html))
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    case = Case.objects.get()
    assert case.materials.count() == 2
    done = citizen_client.get(first["Location"]).content.decode()
    assert "请记下办件编号和查询码" in done
    assert case.number in done
    assert re.search(r'id="query-code">[0-9A-Z]{10}<', done)


def test_missing_upload_is_named_next_to_the_material(catalogue, citizen_client):
    html = citizen_client.get(f"/apply/{ITEM}/").content.decode()
    names = _material_inputs(html)
    data = _apply_post(str(uuid.uuid4()), html)
    del data[names[1]]
    response = citizen_client.post(f"/apply/{ITEM}/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(rf'id="{names[1]}-error">请上传', page)
    assert "已上传：plan.pdf" in page, "the good file is kept in the draft"
    assert 'value="门店在天河路 1 号"' in page or "门店在天河路 1 号" in page


def test_bad_file_is_refused_next_to_the_material(catalogue, citizen_client):
    html = citizen_client.get(f"/apply/{ITEM}/").content.decode()
    names = _material_inputs(html)
    data = _apply_post(str(uuid.uuid4()), html)
    data[names[0]] = SimpleUploadedFile("plan.pdf", b"not a pdf at all", content_type="application/pdf")
    response = citizen_client.post(f"/apply/{ITEM}/", data)
    assert response.status_code == 400
    assert re.search(rf'id="{names[0]}-error">[^<]*(PDF|格式)', response.content.decode())
    assert not Case.objects.exists()


def test_draft_autosave_fragment_and_resume_on_another_device(catalogue, citizen_client):
    response = citizen_client.post(f"/apply/{ITEM}/draft/", {"answers-shop_name": "草稿内容"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "草稿已自动保存" in fragment
    draft = Draft.objects.get()
    assert f'value="{draft.key}"' in fragment and 'hx-swap-oob="true"' in fragment
    # another device: a fresh session of the same person
    other = _client("zhangsan")
    mine = other.get("/my/cases/").content.decode()
    assert f"?draft={draft.key}" in mine
    resumed = other.get(f"/apply/{ITEM}/?draft={draft.key}").content.decode()
    assert "草稿内容" in resumed


def test_plain_save_draft_button_works_without_javascript(catalogue, citizen_client):
    response = citizen_client.post(
        f"/apply/{ITEM}/", {"action": "save_draft", "answers-shop_name": "没有脚本", "idempotency_key": "x"}
    )
    assert response.status_code == 200
    assert "草稿已保存" in response.content.decode()
    assert Draft.objects.get().answers == {"shop_name": "没有脚本"}


def test_another_citizens_draft_is_not_resumed(catalogue, citizen_client):
    citizen_client.post(f"/apply/{ITEM}/draft/", {"answers-shop_name": "张三的草稿"})
    draft = Draft.objects.get()
    page = _client("lisi").get(f"/apply/{ITEM}/?draft={draft.key}").content.decode()
    assert "张三的草稿" not in page


def test_my_cases_and_case_page(submitted, citizen_client):
    listing = citizen_client.get("/my/cases/").content.decode()
    assert submitted.number in listing and "已申报" in listing
    detail = citizen_client.get(f"/my/cases/{submitted.number}/")
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "办理过程" in html and "申报" in html
    assert "plan.pdf" in html
    assert submitted.query_code_plain in html
    assert "撤回申请" in html


def test_staff_are_sent_from_the_applicants_page_to_the_console(submitted):
    from tests.conftest import staff_client

    for username in ("admin", "banli"):
        response = staff_client(username).get(f"/my/cases/{submitted.number}/")
        assert response.status_code == 302 and response["Location"] == f"/console/cases/{submitted.number}/", username


def test_another_citizen_gets_404_and_anonymous_is_sent_to_log_in(submitted):
    other = _client("lisi")
    for url in (
        f"/my/cases/{submitted.number}/",
        f"/my/cases/{submitted.number}/supplement/",
        f"/my/cases/{submitted.number}/withdraw/",
        f"/my/cases/{submitted.number}/submitted/",
    ):
        assert other.get(url).status_code == 404, url
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/?next="), url
    assert other.post(f"/my/cases/{submitted.number}/withdraw/", {"reason": "x"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED, "a refused request changed nothing"


def test_withdraw_asks_for_confirmation_then_withdraws(submitted, citizen_client):
    confirm = citizen_client.get(f"/my/cases/{submitted.number}/withdraw/").content.decode()
    assert "确定要撤回" in confirm and 'method="post"' in confirm
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED
    response = citizen_client.post(f"/my/cases/{submitted.number}/withdraw/", {"reason": "不办了"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.WITHDRAWN


def test_supplement_page_lists_exactly_what_to_fix(submitted, citizen_client):
    from tongban.cases import services

    chuangkou = User.objects.get(username="chuangkou")
    name = submitted.materials.order_by("pk").first().material_name
    services.request_supplement(
        case=submitted,
        clerk=chuangkou,
        items=[{"material": name, "reason": "照片模糊"}],
        note="请重新拍照",
        expected_version=submitted.version,
    )
    page = citizen_client.get(f"/my/cases/{submitted.number}/supplement/").content.decode()
    assert "照片模糊" in page and "请重新拍照" in page
    assert page.count('type="file"') == 1
    assert "去补正" in citizen_client.get("/my/cases/").content.decode()
    empty = citizen_client.post(f"/my/cases/{submitted.number}/supplement/", {})
    assert empty.status_code == 400 and "还没有补正：请上传替换文件或填写说明" in empty.content.decode()
    response = citizen_client.post(
        f"/my/cases/{submitted.number}/supplement/",
        {"file-0": SimpleUploadedFile("new.pdf", pdf_bytes(), content_type="application/pdf")},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED


def test_progress_without_log_in(submitted):
    cache.clear()
    client = Client()
    page = client.post("/progress/", {"number": submitted.number, "query_code": submitted.query_code_plain})
    html = page.content.decode()
    assert page.status_code == 200
    assert "*三" in html and "张三" not in html, "the applicant is masked"
    assert "申报" in html
    wrong = client.post("/progress/", {"number": submitted.number, "query_code": "0000000000"})
    unknown = client.post("/progress/", {"number": "NOPE20260101000001", "query_code": "0000000000"})
    message = "没有找到这个办件，或查询码不正确"
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert wrong.status_code == unknown.status_code == 404


def test_progress_is_rate_limited_with_a_plain_message(submitted):
    cache.clear()
    client = Client()
    statuses = [
        client.post("/progress/", {"number": submitted.number, "query_code": "0000000000"}).status_code
        for _ in range(12)
    ]
    assert statuses[-1] == 429
    last = client.post("/progress/", {"number": submitted.number, "query_code": submitted.query_code_plain})
    assert last.status_code == 429 and "查询太频繁" in last.content.decode()
    cache.clear()


def test_bundle_apply_merges_form_and_materials(catalogue, citizen_client):
    response = citizen_client.get("/bundles/bundle-birth/apply/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "新生儿出生一件事" in html
    assert html.count("新生儿姓名") == 1, "a field asked by several items is asked once"
    assert "出生登记" in html and "社会保障卡申领" in html
