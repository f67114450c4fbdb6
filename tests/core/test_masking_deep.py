"""Issue 9, finding 8 (quality.md S3): an ID or phone number inside a free-text answer, padded with
spaces, or inside a list or an object came back whole to the applicant, the handler and the supervisor,
and forms took fields they do not declare. Now every personal number in an answer is masked, at any
depth, on every page and API answer of each of them; and a field the form does not declare is refused
on a single item's, a bundle's and a window's submission (the bundle's own questions still accepted).
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import staff_client
from tongban.accounts.models import User
from tongban.accounts.services import issue_api_token
from tongban.cases import services
from tongban.cases.models import Case
from tongban.cases.schema import validate_answers
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.masking import mask_personal_data, mask_personal_numbers
from tongban.demo.codes import id_number
from tongban.demo.orgs import department_code

pytestmark = pytest.mark.django_db

MARKET = department_code(16)  # 天河区市场监管局: banli handles, jiancha (city supervisor) oversees
ID = "110105194912311234"
ID_GROUPED = "440104 19851215 4567"
PHONE = "13800001234"
PHONE_GROUPED = "139 0000 5678"
PHONE_IN_LIST = "13600002222"
CARD_GROUPED = "6222 0212 3456 7890 123"
CARD = "6217001234567890"
PHONE_AS_NUMBER = 13700001111
WHOLE = [
    ID,
    ID_GROUPED,
    ID_GROUPED.replace(" ", ""),
    PHONE,
    PHONE_GROUPED,
    PHONE_GROUPED.replace(" ", ""),
    PHONE_IN_LIST,
    CARD_GROUPED,
    CARD_GROUPED.replace(" ", ""),
    CARD,
    str(PHONE_AS_NUMBER),
]

FORM = {
    "type": "object",
    "title": "困难补助申请表",
    "properties": {
        "situation": {"type": "string", "title": "情况说明", "maxLength": 500},
        "contact": {"type": "string", "title": "联系方式"},
        "members": {
            "type": "array",
            "title": "家庭成员",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "title": "成员"},
                    "document": {"type": "string", "title": "证件"},
                    "note": {"type": "string", "title": "备注"},
                },
            },
        },
        "payee": {
            "type": "object",
            "title": "收款信息",
            "properties": {"account": {"type": "string"}, "phone": {"type": "integer"}},
        },
    },
}
ANSWERS = {
    "situation": f"我的身份证号是{ID}，电话 {PHONE}，银行卡 {CARD_GROUPED}，请联系。",
    "contact": f"   {PHONE_GROUPED}   ",
    "members": [{"name": "王小明", "document": f"  {ID_GROUPED} "}, {"name": "王小红", "note": f"电话{PHONE_IN_LIST}"}],
    "payee": {"account": CARD, "phone": PHONE_AS_NUMBER},
}


def _item(code: str, **extra: object) -> dict[str, object]:
    return {
        "type": "item",
        "code": code,
        "name": f"困难补助（{code}）",
        "kind": "payment",
        "department": MARKET,
        "region": "440106",
        "audience": ["person"],
        "handling": "committed",
        "statutory_days": 20,
        "committed_days": 10,
        "online_depth": 4,
        "max_visits": 0,
        "channels": ["web", "mobile", "window"],
        "fee": {"charged": False},
        **extra,
    }


LINES = [
    _item("MASK-001", form=FORM),
    _item("MASK-002", form={"type": "object", "properties": {"contact": {"type": "string", "title": "联系方式"}}}),
    {
        "type": "bundle",
        "code": "mask-bundle",
        "name": "困难帮扶一件事（测试）",
        "items": ["MASK-001", "MASK-002"],
        "committed_days": 10,
        "form": {"type": "object", "properties": {"visit_time": {"type": "string", "title": "方便上门的时间"}}},
    },
]


@pytest.fixture
def item(demo, settings, tmp_path):
    from tongban.catalog.importer import import_catalogue
    from tongban.workflow.services import ensure_builtin_processes

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    ensure_builtin_processes()
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in LINES) + "\n"
    report = import_catalogue(stream=io.StringIO(text), actor=None)
    assert report.written, report.errors
    return ServiceItem.objects.get(code="MASK-001")


@pytest.fixture
def case(item) -> Case:
    applicant = User.objects.get(username="zhangsan")
    return services.submit_application(applicant=applicant, item=item, answers=ANSWERS, idempotency_key="mask")


def _whole_numbers_in(text: str) -> list[str]:
    return [number for number in WHOLE if number in text]


def _token_client(username: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(user=User.objects.get(username=username), name='m')}")


# --- the masking itself ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"身份证{ID}，谢谢", "身份证110***********1234，谢谢"),
        (f"  {ID}  ", "  110***********1234  "),
        (ID_GROUPED, "440***********4567"),
        (f"手机 {PHONE_GROUPED}", "手机 139****5678"),
        ("+86 138-0000-1234", "+86 138****1234"),
        ("电话１３８００００１２３４", "电话138****1234"),
        (f"卡号 {CARD_GROUPED}", "卡号 622202*********0123"),
        (f"{PHONE} {PHONE_IN_LIST}", "138****1234 136****2222"),
        ("办件 SJ-20261208-0001，面积 42.5 平方米，2026-12-08，座机 020-12345678", None),
    ],
)
def test_personal_numbers_in_free_text_are_masked_and_the_rest_kept(text, masked):
    assert mask_personal_numbers(text) == (text if masked is None else masked)


def test_personal_numbers_are_masked_at_any_depth():
    value = {"a": [{"b": [f" {ID} ", {PHONE: PHONE_AS_NUMBER}]}], "n": 42, "yes": True, "area": 3.5}
    masked = mask_personal_data(value)
    assert not _whole_numbers_in(json.dumps(masked, ensure_ascii=False))
    assert masked["n"] == 42 and masked["yes"] is True and masked["area"] == 3.5


# --- every reader who does not need them whole ------------------------------------------------------------


def test_the_applicant_sees_every_number_masked_on_the_case_page_and_in_the_api(case):
    client = Client()
    client.force_login(User.objects.get(username="zhangsan"), backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/my/cases/{case.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "情况说明" in html and "110***********1234" in html
    assert not _whole_numbers_in(html)
    answer = _token_client("zhangsan").get(f"/api/v1/cases/mine/{case.number}")
    assert answer.status_code == 200
    assert not _whole_numbers_in(answer.content.decode())
    assert answer.json()["answers"]["contact"].strip() == "139****5678"
    assert answer.json()["answers"]["payee"] == {"account": "621700******7890", "phone": "137****1111"}


@pytest.mark.parametrize("username", ["banli", "jiancha"])  # the handler, the supervisor
def test_staff_see_every_number_masked_on_the_console_and_in_the_api(case, username):
    page = staff_client(username).get(f"/console/cases/{case.number}/")
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    assert "家庭成员" in html and "440***********4567" in html
    assert not _whole_numbers_in(html)
    answer = _token_client(username).get(f"/api/v1/cases/staff/cases/{case.number}")
    assert answer.status_code == 200, answer.content
    assert not _whole_numbers_in(answer.content.decode())


def test_the_case_keeps_the_whole_answers_for_the_services(case):
    stored = Case.objects.get(pk=case.pk).answers
    assert ID in stored["situation"] and stored["payee"]["account"] == CARD


# --- undeclared fields ------------------------------------------------------------------------------------


def test_a_single_submission_with_an_undeclared_field_is_refused(item):
    zhang = User.objects.get(username="zhangsan")
    for answers in (
        {**ANSWERS, "is_admin": True},
        {**ANSWERS, "members": [{"name": "王小明", "salary": 100000}]},
        {**ANSWERS, "payee": {"account": CARD, "routing": "x"}},
    ):
        with pytest.raises(ValidationError) as info:
            services.submit_application(applicant=zhang, item=item, answers=answers, idempotency_key="u")
        assert info.value.code == "invalid_answers"
        assert re.search("“(is_admin|salary|routing)”", " ".join(info.value.messages)), info.value.messages
    assert not Case.objects.exists()


def test_the_api_refuses_an_undeclared_field_with_a_message(item):
    response = _token_client("zhangsan").post(
        "/api/v1/cases/submit",
        {"item_code": item.code, "answers": {**ANSWERS, "status": "approved"}},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-u",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_answers" and "“status”" in response.json()["message"]
    assert not Case.objects.exists()


def test_a_bundle_takes_its_items_and_its_own_questions_but_nothing_else(item):
    zhang = User.objects.get(username="zhangsan")
    bundle = Bundle.objects.get(code="mask-bundle")
    with pytest.raises(ValidationError) as info:
        services.submit_bundle(
            applicant=zhang, bundle=bundle, answers={"contact": PHONE, "priority": "high"}, idempotency_key="b1"
        )
    assert "“priority”" in " ".join(info.value.messages)
    assert not Case.objects.exists()
    parent = services.submit_bundle(
        applicant=zhang,
        bundle=bundle,
        answers={"situation": "说明", "contact": PHONE, "visit_time": "工作日下午"},
        idempotency_key="b2",
    )
    assert parent.answers["visit_time"] == "工作日下午"


def test_a_window_submission_with_an_undeclared_field_is_refused(item):
    with pytest.raises(ValidationError) as info:
        services.file_at_window(
            clerk=User.objects.get(username="chuangkou"),
            person_name="赵六",
            id_number=id_number("440104", "20000229", 77),
            phone="13800000099",
            item=item,
            answers={"situation": "说明", "fee_waived": True},
            consent=True,
            idempotency_key="w",
        )
    assert "“fee_waived”" in " ".join(info.value.messages)
    assert not Case.objects.exists()


def test_a_correction_keeps_answers_the_case_already_holds():
    form = {"type": "object", "properties": {"area": {"type": "number"}}}
    assert validate_answers(form, {"area": 3, "legacy": "x"}, kept={"legacy"}) == {"area": 3, "legacy": "x"}
    with pytest.raises(ValidationError):
        validate_answers(form, {"area": 3, "legacy": "x"})


def test_a_form_that_allows_other_fields_keeps_its_word():
    form = {"type": "object", "properties": {"area": {"type": "number"}}, "additionalProperties": {"type": "string"}}
    assert validate_answers(form, {"area": 3, "note": "x"}) == {"area": 3, "note": "x"}
