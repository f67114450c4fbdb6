"""一件事 fanned out: each item's case carries its share of the answers (the bundle's field map) and
every material it needs, names and links its bundle, is never due after it; the applicant hears from
the bundle once per stage; every form checks ID numbers, mobile numbers, credit codes and dates."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.cases.conftest import pdf_bytes
from tests.cases_ui.conftest import png_bytes
from tests.conftest import staff_client
from tongban.cases import schema, selectors, services
from tongban.cases.models import Case, CaseStatus, MaterialOrigin
from tongban.cases.schema import AnswersInvalid
from tongban.cases.services.bundles import implementation_code
from tongban.catalog.models import Bundle, ServiceItem
from tongban.demo.orgs import department_code
from tongban.demo.people import CITIZENS, COMPANY
from tongban.notices.models import Message, OutgoingSms
from tongban.timelimits import case_clock

pytestmark = pytest.mark.django_db

HEALTH, POLICE, SOCIAL, MEDICAL = (department_code(n) for n in (4, 1, 2, 3))  # 市卫健委 市公安局 市人社局 市医保局
HANDLERS = {HEALTH: "shiweijian", POLICE: "shigongan", SOCIAL: "shirenshe", MEDICAL: "shiyibao"}
ID_NUMBER = CITIZENS[0][3]
CERTIFICATE = "出生医学证明"
ID_CARD = {"name": "居民身份证", "required": True, "form": "original", "source": "government"}


def _item(code: str, name: str, department: str, days: int, **extra: object) -> dict[str, object]:
    line: dict[str, object] = {
        "type": "item",
        "code": code,
        "name": name,
        "kind": "public_service",
        "department": department,
        "region": "440100",
        "audience": ["person"],
        "handling": "committed",
        "statutory_days": 20,
        "committed_days": days,
        "online_depth": 4,
        "max_visits": 0,
        "channels": ["web", "mobile", "window"],
        "fee": {"charged": False},
    }
    line.update(extra)
    return line


LINES = [
    _item(
        "FAN-001",
        "出生医学证明签发（测试）",
        HEALTH,
        3,
        form={
            "type": "object",
            "required": ["child_name", "birth_date"],
            "properties": {
                "child_name": {"type": "string", "title": "新生儿姓名", "maxLength": 20},
                "birth_date": {"type": "string", "title": "出生日期", "format": "date"},
            },
        },
        materials=[ID_CARD],
        result={"name": CERTIFICATE, "certificate_type": "birth_medical_certificate"},
    ),
    _item(
        "FAN-002",
        "出生登记（测试）",
        POLICE,
        3,
        form={
            "type": "object",
            "required": ["baby", "applicant_id"],
            "properties": {
                "baby": {"type": "string", "title": "新生儿姓名"},
                "applicant_id": {"type": "string", "title": "申报人身份证号", "format": "id-number"},
            },
        },
        materials=[
            {"name": CERTIFICATE, "required": True, "form": "electronic", "source": "government"},
            {"name": "居民户口簿", "required": True, "form": "original", "source": "government"},
        ],
    ),
    _item(
        "FAN-003",
        "社会保障卡申领（测试）",
        SOCIAL,
        10,
        materials=[ID_CARD, {"name": "近期免冠彩色照片", "required": True, "form": "original", "source": "applicant"}],
    ),
    _item(
        "FAN-004",
        "生育津贴申领（测试）",
        MEDICAL,
        10,
        form={
            "type": "object",
            "properties": {
                "employer_code": {"type": "string", "title": "用人单位统一社会信用代码", "format": "credit-code"}
            },
        },
        materials=[
            {"name": CERTIFICATE, "required": True, "form": "electronic", "source": "government"},
            {"name": "本人银行账户信息", "required": True, "form": "copy", "source": "applicant"},
        ],
    ),
    {
        "type": "bundle",
        "code": "bundle-fan",
        "name": "出生一件事（测试）",
        "items": ["FAN-001", "FAN-002", "FAN-003", "FAN-004"],
        "committed_days": 5,
        "form": {
            "type": "object",
            "properties": {"contact_phone": {"type": "string", "title": "联系手机", "format": "mobile"}},
        },
        "field_map": {
            "FAN-002": {"baby": "child_name", "applicant_id": "parent_id"},
            "FAN-003": ["child_name", "birth_date", "parent_id", "contact_phone"],
            "FAN-004": ["parent_id"],
        },
    },
]

ANSWERS = {"child_name": "张小宝", "birth_date": "2026-01-05", "parent_id": ID_NUMBER, "contact_phone": "13800000001"}


@pytest.fixture
def catalogue(demo):
    from tongban.catalog.importer import import_catalogue
    from tongban.workflow.services import ensure_builtin_processes

    ensure_builtin_processes()
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in LINES) + "\n"
    report = import_catalogue(stream=io.StringIO(text), actor=None)
    assert report.written and not report.errors, report.errors
    return Bundle.objects.get(code="bundle-fan")


@pytest.fixture
def people(demo):
    from tongban.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def _files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [
        ("近期免冠彩色照片", SimpleUploadedFile("宝宝照片.png", png_bytes(), content_type="image/png")),
        ("本人银行账户信息", SimpleUploadedFile("银行卡.pdf", pdf_bytes(), content_type="application/pdf")),
    ]


def _submit(bundle, applicant, *, key="fan", answers=None, **kwargs) -> Case:
    return services.submit_bundle(
        applicant=applicant,
        bundle=bundle,
        answers=dict(ANSWERS if answers is None else answers),
        uploads=_files(),
        idempotency_key=key,
        **kwargs,
    )


def _parts(parent: Case) -> dict[str, Case]:
    return {c.item.code: c for c in selectors.children_of(case=parent)}


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _accept(case: Case, people) -> Case:
    case = _fresh(case)
    services.accept_case(case=case, clerk=people["shichuangkou"], expected_version=case.version)
    return _fresh(case)


def _approve(case: Case, people) -> Case:
    handler = people[HANDLERS[case.department.code]]
    case = _fresh(case)
    if case.status == CaseStatus.SUBMITTED:
        case = _accept(case, people)
    services.review_case(case=case, clerk=handler, agree=True, comment="材料齐全", expected_version=case.version)
    case = _fresh(case)
    services.decide_case(
        case=case, clerk=handler, approve=True, decision_text="准予办理。", expected_version=case.version
    )
    return _fresh(case)


# --- the share of each department -------------------------------------------------------------------


def test_merged_form_follows_the_field_map(catalogue):
    merged = schema.merged_form_for(catalogue)
    assert list(merged["properties"]) == [
        "child_name",
        "birth_date",
        "parent_id",
        "employer_code",
        "contact_phone",
        "remark",  # 申请说明 of the item without a form of its own, last
    ]
    assert merged["required"] == ["child_name", "birth_date", "parent_id"]
    assert merged["properties"]["parent_id"]["title"] == "申报人身份证号"  # FAN-002's applicant_id, renamed
    share = schema.share_form_for(catalogue, ServiceItem.objects.get(code="FAN-003"))
    assert list(share["properties"]) == ["remark", "child_name", "birth_date", "parent_id", "contact_phone"]


def test_each_child_carries_its_share_of_the_answers(catalogue, people, media):
    parent = _submit(catalogue, people["zhangsan"])
    parts = _parts(parent)
    assert parts["FAN-001"].answers == {"child_name": "张小宝", "birth_date": "2026-01-05"}
    assert parts["FAN-002"].answers == {"baby": "张小宝", "applicant_id": ID_NUMBER}  # under its own names
    assert parts["FAN-003"].answers == {
        "child_name": "张小宝",
        "birth_date": "2026-01-05",
        "parent_id": ID_NUMBER,
        "contact_phone": "13800000001",
    }
    assert parts["FAN-004"].answers == {"parent_id": ID_NUMBER}

    # 市人社局 sees its share of the form on its console page, titled and masked — not "申请表 无"
    page = staff_client("shirenshe").get(f"/console/cases/{parts['FAN-003'].number}/").content.decode()
    request = page.split('id="request-heading"')[1].split("</section>")[0]
    assert "新生儿姓名" in request and "张小宝" in request and "出生日期" in request and "联系手机" in request
    assert ID_NUMBER not in page and "138****0001" in request


def test_each_child_gets_every_material_it_needs_once_stored(catalogue, people, media):
    parent = _submit(catalogue, people["zhangsan"])
    uploads = {m.material_name: m for m in parent.materials.filter(source=MaterialOrigin.UPLOAD)}
    assert set(uploads) == {"近期免冠彩色照片", "本人银行账户信息"}
    parts = _parts(parent)
    for code, name in (("FAN-003", "近期免冠彩色照片"), ("FAN-004", "本人银行账户信息")):
        reused = parts[code].materials.get(material_name=name)
        assert reused.source == MaterialOrigin.REUSED and reused.source_case_id == parent.pk
        assert reused.file.name == uploads[name].file.name and reused.sha256 == uploads[name].sha256
    assert not parts["FAN-001"].materials.exists() and not parts["FAN-002"].materials.exists()

    clerk = staff_client("shirenshe")
    page = clerk.get(f"/console/cases/{parts['FAN-003'].number}/").content.decode()
    materials = page.split('id="materials-heading"')[1].split("</section>")[0]
    assert "近期免冠彩色照片" in materials and "宝宝照片.png" in materials
    assert "居民身份证：政府部门已有，免于提交" in materials  # listed, with why there is no file
    photo = parts["FAN-003"].materials.get(material_name="近期免冠彩色照片")
    download = clerk.get(f"/console/cases/{parts['FAN-003'].number}/materials/{photo.pk}/")
    assert download.status_code == 200 and b"".join(download) == png_bytes()

    # the birth certificate reaches the items that wait for it once 市卫健委 approved it
    assert (
        "由本一件事中的“出生医学证明签发（测试）”办结后复用"
        in staff_client("shigongan").get(f"/console/cases/{parts['FAN-002'].number}/").content.decode()
    )
    _approve(parts["FAN-001"], people)
    for code in ("FAN-002", "FAN-004"):
        child = _fresh(parts[code])
        assert child.status == CaseStatus.SUBMITTED
        assert child.materials.get(material_name=CERTIFICATE).source == MaterialOrigin.REUSED


def test_child_names_its_bundle_and_the_bundle_lists_its_items(catalogue, people, media):
    parent = _submit(catalogue, people["zhangsan"])
    parts = _parts(parent)
    social = parts["FAN-003"]

    page = staff_client("shirenshe").get(f"/console/cases/{social.number}/").content.decode()
    facts = page.split('id="parent-bundle"')[1].split("</dd>")[0]
    assert parent.number in facts and "出生一件事（测试）" in facts
    listing = page.split('id="bundle-parts"')[1].split("</section>")[0]
    assert "（本办件）" in listing
    assert "广州市公安局 · 待前序事项办结" in listing and "已办结 0 / 4 项" in listing

    # the city window, which may open the bundle, gets a link to it; the bundle lists its items
    window = staff_client("shichuangkou")
    page = window.get(f"/console/cases/{social.number}/").content.decode()
    assert f'href="/console/cases/{parent.number}/"' in page.split('id="parent-bundle"')[1].split("</dd>")[0]
    page = window.get(f"/console/cases/{parent.number}/").content.decode()
    listing = page.split('id="bundle-parts"')[1].split("</section>")[0]
    for child in parts.values():
        assert f'href="/console/cases/{child.number}/"' in listing
        assert f"{child.title} · {child.department.name} · {child.get_status_display()}" in listing

    # the applicant's page of an item links back to the bundle
    citizen = Client()
    citizen.force_login(people["zhangsan"], backend="django.contrib.auth.backends.ModelBackend")
    page = citizen.get(f"/my/cases/{social.number}/").content.decode()
    assert f'href="/my/cases/{parent.number}/"' in page.split('id="parent-bundle"')[1].split("</dd>")[0]


def test_the_bundle_concludes_with_one_combined_result(catalogue, people, media):
    parent = _submit(catalogue, people["zhangsan"])
    parts = _parts(parent)
    for code in ("FAN-001", "FAN-003", "FAN-002", "FAN-004"):
        _approve(parts[code], people)
    parent = _fresh(parent)
    assert parent.status == CaseStatus.APPROVED and parent.decision == "approved"
    assert "出生医学证明签发（测试）：办理完成，结果：《出生医学证明》" in parent.decision_text
    assert "出生登记（测试）：准予登记" in parent.decision_text  # each item in its own words
    citizen = Client()
    citizen.force_login(people["zhangsan"], backend="django.contrib.auth.backends.ModelBackend")
    page = citizen.get(f"/my/cases/{parent.number}/").content.decode()
    assert "一件事办结：各事项均已准予办理" in page


# --- the bundle's clock governs ----------------------------------------------------------------------


def test_no_child_is_due_after_its_bundle_even_after_a_pause(catalogue, people, media):
    parent = _submit(catalogue, people["zhangsan"])
    assert parent.limit_days == 5
    parts = _parts(parent)
    social = _accept(parts["FAN-003"], people)  # promises 10 days on its own
    assert social.limit_days == 5 and social.due_on is not None and social.due_on <= parent.due_on

    health = _accept(parts["FAN-001"], people)  # promises 3: its own date holds
    assert health.due_on < parent.due_on
    services.start_special_procedure(
        case=health, clerk=people["shiweijian"], kind="inspection", reason="现场核查", expected_version=health.version
    )
    health = _fresh(health)
    later = parent.due_on + timedelta(days=30)  # the pause lasted a month: its own clock would run past the bundle
    case_clock.refresh(health, later)
    assert health.due_on == parent.due_on and health.clock_state == "red"

    services.scan_deadlines(today=later)  # the daily scan keeps the cap too
    for child in selectors.children_of(case=parent):
        if child.due_on is not None:
            assert child.due_on <= parent.due_on, child.item.code


# --- numbers ----------------------------------------------------------------------------------------


def test_bundle_numbers_follow_the_case_number_scheme(catalogue, people, media):
    from django.utils import timezone

    parent = _submit(catalogue, people["zhangsan"])
    day = f"{timezone.localdate():%Y%m%d}"
    assert implementation_code(catalogue) == "YJS-FAN"
    assert re.fullmatch(rf"YJS-FAN{day}\d{{6}}", parent.number), parent.number
    for child in selectors.children_of(case=parent):
        assert re.fullmatch(rf"{child.item.code}{day}\d{{6}}", child.number)
    catalogue.extra = {**catalogue.extra, "implementation_code": "11440100mb2c91234x-yjs-001"}
    assert implementation_code(catalogue) == "11440100MB2C91234X-YJS-001"


# --- one message per stage --------------------------------------------------------------------------


def _inbox(person) -> list[Message]:
    return list(Message.objects.filter(recipient=person).order_by("pk"))


def test_the_bundle_speaks_once_per_stage(catalogue, people, media):
    zhang = people["zhangsan"]
    sms_before = OutgoingSms.objects.count()
    parent = _submit(catalogue, zhang)
    parts = _parts(parent)
    assert [m.title for m in _inbox(zhang)] == ["出生一件事（测试）：已收到您的一件事申请"]

    _approve(parts["FAN-001"], people)  # accepted, reviewed, decided: no message of its own
    _accept(parts["FAN-003"], people)
    _accept(parts["FAN-002"], people)
    assert len(_inbox(zhang)) == 1
    _accept(parts["FAN-004"], people)  # the last item accepted: the bundle is accepted
    assert [m.title for m in _inbox(zhang)][1:] == ["出生一件事（测试）：各事项均已受理"]

    social = _fresh(parts["FAN-003"])
    services.request_supplement(
        case=social,
        clerk=people["shirenshe"],
        items=[{"material": "近期免冠彩色照片", "reason": "照片不清晰"}],
        note="",
        expected_version=social.version,
    )
    supplement = _inbox(zhang)[-1]
    assert supplement.title == "出生一件事（测试）：待补正"
    assert "社会保障卡申领（测试）" in supplement.body and "近期免冠彩色照片" in supplement.body

    citizen = Client()
    citizen.force_login(zhang, backend="django.contrib.auth.backends.ModelBackend")
    page = citizen.get(f"/my/cases/{parent.number}/").content.decode()
    assert f'href="/my/cases/{social.number}/supplement/"' in page  # the bundle's page leads to it

    services.withdraw_case(case=_fresh(social), applicant=zhang, reason="社保卡另行办理")
    _approve(parts["FAN-002"], people)
    _approve(parts["FAN-004"], people)
    inbox = _inbox(zhang)
    assert [m.title for m in inbox] == [
        "出生一件事（测试）：已收到您的一件事申请",
        "出生一件事（测试）：各事项均已受理",
        "出生一件事（测试）：待补正",
        "出生一件事（测试）：一件事办结",
    ]
    assert all(parent.number in m.body for m in inbox)
    assert not any(c.number in m.title + m.body for m in inbox for c in parts.values())
    assert "3 个事项准予办理，共 4 个" in inbox[-1].body
    assert OutgoingSms.objects.count() - sms_before == len(inbox)


# --- field formats on every form --------------------------------------------------------------------


def _refused(call) -> dict[str, list[str]]:
    with pytest.raises(AnswersInvalid) as caught:
        call()
    return caught.value.message_dict


def test_bundle_form_refuses_bad_id_phone_and_date_naming_the_field(catalogue, people, media):
    errors = _refused(
        lambda: _submit(
            catalogue,
            people["zhangsan"],
            answers={**ANSWERS, "parent_id": "123456", "contact_phone": "12345", "birth_date": "2026-02-30"},
        )
    )
    assert errors["parent_id"] == ["“申报人身份证号”：身份证号码应为 18 位：前 17 位是数字，最后一位是数字或 X。"]
    assert errors["contact_phone"] == ["“联系手机”：手机号码应为 11 位数字，以 1 开头。"]
    assert errors["birth_date"] == ["“出生日期”：日期应按 年-月-日 填写且真实存在，例如 2026-01-31。"]
    wrong_check = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    errors = _refused(lambda: _submit(catalogue, people["zhangsan"], answers={**ANSWERS, "parent_id": wrong_check}))
    assert "校验位" in errors["parent_id"][0]
    assert not Case.objects.exists()

    # the page: the message stands next to the field, what was typed is kept
    client = Client()
    client.force_login(people["zhangsan"], backend="django.contrib.auth.backends.ModelBackend")
    names = [need.name for need in selectors.merged_materials_for(catalogue)]
    files = {f"material-{names.index(name)}": upload for name, upload in _files()}
    response = client.post(
        "/bundles/bundle-fan/apply/",
        {
            "action": "submit",
            "answers-child_name": "张小宝",
            "answers-birth_date": "2026-01-05",
            "answers-parent_id": "123456",
            **files,
        },
    )
    text = response.content.decode()
    assert "“申报人身份证号”：身份证号码应为 18 位" in text and 'value="123456"' in text
    assert not Case.objects.exists()


def test_single_item_form_refuses_bad_credit_code_and_id_and_normalises_good_ones(catalogue, people, media):
    zhang = people["zhangsan"]
    benefit = ServiceItem.objects.get(code="FAN-004")
    errors = _refused(
        lambda: services.submit_application(
            applicant=zhang,
            item=benefit,
            answers={"employer_code": "91440106MA5ABCDEF0"},
            uploads=[],
            idempotency_key="one",
        )
    )
    assert errors["employer_code"][0].startswith("“用人单位统一社会信用代码”：统一社会信用代码")
    registration = ServiceItem.objects.get(code="FAN-002")
    errors = _refused(
        lambda: services.submit_application(
            applicant=zhang,
            item=registration,
            answers={"baby": "张小宝", "applicant_id": "123456"},
            idempotency_key="two",
        )
    )
    assert errors["applicant_id"][0].startswith("“申报人身份证号”：")
    clean = schema.validate_answers(
        schema.form_schema_for(registration), {"baby": "张小宝", "applicant_id": ID_NUMBER.lower() + " "}
    )
    assert clean["applicant_id"] == ID_NUMBER


def test_window_form_refuses_a_bad_id_number_naming_the_field(catalogue, people, media):
    registration = ServiceItem.objects.get(code="FAN-002")
    errors = _refused(
        lambda: services.file_at_window(
            clerk=people["shichuangkou"],
            person_name="张三",
            id_number=ID_NUMBER,
            phone="13800000001",
            item=registration,
            answers={"baby": "张小宝", "applicant_id": "123456"},
            consent=True,
            idempotency_key="window",
        )
    )
    assert errors["applicant_id"][0].startswith("“申报人身份证号”：身份证号码应为 18 位")
    assert not Case.objects.exists()


# --- acting for a company ---------------------------------------------------------------------------


def test_a_representative_applies_for_a_bundle_on_behalf_of_the_company(catalogue, people, media):
    company = people[COMPANY[0]]
    with pytest.raises(PermissionDenied):
        _submit(catalogue, people["zhangsan"], key="not-theirs", acting_for=company)
    assert not Case.objects.exists()
    parent = _submit(catalogue, people["lisi"], key="for-company", acting_for=company)
    assert parent.acting_for_id == company.pk
    assert all(c.acting_for_id == company.pk for c in selectors.children_of(case=parent))
    assert list(selectors.cases_of(applicant=people["lisi"])) == [parent]  # its items fold into it


def test_a_draft_of_another_person_is_refused(catalogue, people, media):
    draft = services.save_draft(applicant=people["lisi"], bundle=catalogue, answers={})
    with pytest.raises(PermissionDenied):
        _submit(catalogue, people["zhangsan"], draft=draft)
    with pytest.raises(ValidationError):
        _submit(catalogue, people["zhangsan"], answers={"child_name": "张小宝"})
