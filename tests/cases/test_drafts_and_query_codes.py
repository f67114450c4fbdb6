"""草稿 and 申报 rules the services keep whoever calls them, and the 查询码: drafts belong to their
applicant and end at submission, only listed materials are uploaded, closed items and companies one
does not represent are refused; a query code is read the way people type it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.factories import BundleFactory, CaseFactory, CitizenFactory, CompanyFactory, ServiceItemFactory
from tests.factories.cases import pdf_upload
from tongban.cases import numbers, services
from tongban.cases.models import Case, Draft, MaterialFile
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- drafts -------------------------------------------------------------------------------------------


def test_a_draft_is_for_one_item_or_one_bundle():
    citizen = CitizenFactory()
    with pytest.raises(ValidationError) as neither:
        services.save_draft(applicant=citizen, answers={})
    assert neither.value.code == "no_item"
    with pytest.raises(ValidationError) as both:
        services.save_draft(applicant=citizen, item=ServiceItemFactory(), bundle=BundleFactory(), answers={})
    assert both.value.code == "no_item"
    assert not Draft.objects.exists()


def test_a_new_draft_is_audited_and_later_saves_replace_the_answers():
    citizen = CitizenFactory()
    draft = services.save_draft(applicant=citizen, item=ServiceItemFactory(), answers={"shop_name": "甜"})
    assert AuditEntry.objects.filter(action="case.draft_create", subject_id=str(draft.pk)).exists()
    services.save_draft(applicant=citizen, draft=draft, answers={"shop_name": "甜心", "area": 20})
    draft.refresh_from_db()
    assert draft.answers == {"shop_name": "甜心", "area": 20}


@pytest.mark.parametrize(
    ("answers", "code"), [(["甜心"], "invalid_answers"), ({"x": "长" * 200_001}, "draft_too_large")]
)
def test_answers_that_are_not_a_form_or_too_long_are_refused(answers, code):
    with pytest.raises(ValidationError) as refused:
        services.save_draft(applicant=CitizenFactory(), item=ServiceItemFactory(), answers=answers)
    assert refused.value.code == code
    assert not Draft.objects.exists()


def test_nobody_else_saves_into_my_draft_or_uploads_to_it():
    owner = CitizenFactory()
    item = ServiceItemFactory(with_materials=True)
    draft = services.save_draft(applicant=owner, item=item, answers={"shop_name": "甜心"})
    other = CitizenFactory()
    with pytest.raises(PermissionDenied):
        services.save_draft(applicant=other, draft=draft, answers={"shop_name": "改"})
    with pytest.raises(PermissionDenied):
        services.attach_upload(applicant=other, draft=draft, material_name="营业执照", upload=pdf_upload())
    draft.refresh_from_db()
    assert draft.answers == {"shop_name": "甜心"} and not MaterialFile.objects.filter(draft=draft).exists()


def test_only_a_material_of_the_list_is_uploaded():
    owner = CitizenFactory()
    draft = services.save_draft(applicant=owner, item=ServiceItemFactory(with_materials=True), answers={})
    with pytest.raises(ValidationError) as refused:
        services.attach_upload(applicant=owner, draft=draft, material_name="户口本", upload=pdf_upload())
    assert refused.value.code == "unknown_material" and "户口本" in refused.value.messages[0]
    material = services.attach_upload(applicant=owner, draft=draft, material_name="健康证明", upload=pdf_upload())
    assert material.sha256 and material.size > 0 and material.case is None


def test_a_bundle_draft_takes_the_materials_of_any_of_its_items():
    owner = CitizenFactory()
    plain = ServiceItemFactory()
    bundle = BundleFactory(items=[plain, ServiceItemFactory(with_materials=True)])
    draft = services.save_draft(applicant=owner, bundle=bundle, answers={})
    services.attach_upload(applicant=owner, draft=draft, material_name="营业执照", upload=pdf_upload())
    assert MaterialFile.objects.filter(draft=draft, material_name="营业执照").exists()


def test_submitting_a_draft_takes_its_files_and_closes_it():
    owner = CitizenFactory(verified=True)
    item = ServiceItemFactory(with_materials=True)
    draft = services.save_draft(applicant=owner, item=item, answers={"shop_name": "甜心"})
    services.attach_upload(applicant=owner, draft=draft, material_name="营业执照", upload=pdf_upload())
    case = services.submit_application(
        applicant=owner, item=item, answers=draft.answers, draft=draft, idempotency_key="from-draft"
    )
    assert list(case.materials.values_list("material_name", flat=True)) == ["营业执照"]
    draft.refresh_from_db()
    assert draft.submitted_case == case
    with pytest.raises(ValidationError) as closed:
        services.save_draft(applicant=owner, draft=draft, answers={"shop_name": "再改"})
    assert closed.value.code == "draft_submitted"


def test_a_draft_of_another_item_is_not_submitted_for_this_one():
    owner = CitizenFactory(verified=True)
    draft = services.save_draft(applicant=owner, item=ServiceItemFactory(), answers={})
    with pytest.raises(PermissionDenied):
        services.submit_application(
            applicant=owner, item=ServiceItemFactory(), answers={}, draft=draft, idempotency_key="wrong-draft"
        )
    assert not Case.objects.exists()


# --- what may be applied for --------------------------------------------------------------------------


def test_a_suspended_item_takes_no_applications_online_or_at_the_window():
    item = ServiceItemFactory(suspended=True)
    with pytest.raises(ValidationError) as refused:
        CaseFactory(item=item)
    assert refused.value.code == "item_suspended" and item.name in refused.value.messages[0]
    with pytest.raises(ValidationError):
        CaseFactory(item=item, window=True)
    assert not Case.objects.exists()


def test_nobody_applies_for_a_company_they_do_not_represent():
    company = CompanyFactory()
    with pytest.raises(PermissionDenied):
        CaseFactory(acting_for=company)
    assert not Case.objects.exists()


def test_a_company_and_its_representative_each_have_their_own_open_case():
    company = CompanyFactory()
    item = ServiceItemFactory()
    own = CaseFactory(item=item, applicant=company.legal_representative)
    for_company = CaseFactory(item=item, applicant=company.legal_representative, acting_for=company)
    assert own.acting_for is None and for_company.acting_for == company


# --- 查询码 ---------------------------------------------------------------------------------------------


def test_a_query_code_is_ten_characters_without_look_alikes():
    codes = {numbers.new_query_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert len(code) == 10 and set(code) <= set(numbers.QUERY_CODE_ALPHABET)
        assert not set(code) & set("ILOU")


def test_a_query_code_is_read_the_way_people_type_it():
    assert numbers.normalise_query_code(" ab1o-il ") == "AB1011"
    number = "TEST-0001"
    stored = numbers.query_code_hash(number, "AB1011CDEF")
    assert numbers.query_code_matches(number, "ab1o-il cdef", stored)
    assert not numbers.query_code_matches(number, "AB1011CDEE", stored)
    assert not numbers.query_code_matches(number, "AB1011CDEF", "")  # a case without a code never matches
    assert not numbers.query_code_matches("TEST-0002", "AB1011CDEF", stored)  # the code of another case


def test_the_progress_page_takes_the_code_in_lower_case_with_spaces():
    case = CaseFactory()
    typed = " ".join([case.query_code_plain[:5].lower(), case.query_code_plain[5:].lower()])
    response = Client().post("/progress/", {"number": case.number.lower(), "query_code": typed})
    assert response.status_code == 200 and case.number in response.content.decode()
    wrong = Client().post("/progress/", {"number": case.number, "query_code": "0000000000"})
    assert wrong.status_code == 404 and case.item.name not in wrong.content.decode()
