"""一件事: one merged form, one material list, a parent with children in parallel or in order."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.cases.conftest import upload
from tongban.cases import selectors, services
from tongban.cases.models import Case, CaseStatus, MaterialOrigin
from tongban.catalog.models import Bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(catalogue):
    return Bundle.objects.get(code="test-bundle")


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_merged_form_and_materials(bundle):
    form = selectors.merged_form_for(bundle)
    assert list(form["properties"]) == ["shop_name", "seal_count", "remark"]
    assert form["required"] == ["shop_name", "seal_count"]
    needs = {n.name: n for n in selectors.merged_materials_for(bundle)}
    assert list(needs) == ["设立登记通知书", "营业执照"]
    assert needs["设立登记通知书"].produced_by == "TEST-B-001" and not needs["设立登记通知书"].must_upload
    assert needs["营业执照"].must_upload


def test_bundle_runs_parallel_and_in_order(bundle, people, media):
    zhang = people["zhangsan"]
    with pytest.raises(ValidationError):
        services.submit_bundle(
            applicant=zhang,
            bundle=bundle,
            answers={"shop_name": "甜心"},
            uploads=[("营业执照", upload())],
            idempotency_key="b",
        )
    parent = services.submit_bundle(
        applicant=zhang,
        bundle=bundle,
        answers={"shop_name": "甜心", "seal_count": 2},
        uploads=[("营业执照", upload())],
        idempotency_key="b",
    )
    again = services.submit_bundle(
        applicant=zhang,
        bundle=bundle,
        answers={"shop_name": "甜心", "seal_count": 2},
        uploads=[("营业执照", upload())],
        idempotency_key="b",
    )
    assert again.pk == parent.pk
    assert parent.bundle_id == bundle.pk and parent.limit_days == 5 and parent.due_on
    first, seal, tax = selectors.children_of(case=parent)
    assert first.status == CaseStatus.SUBMITTED and tax.status == CaseStatus.SUBMITTED
    assert seal.status == CaseStatus.WAITING and seal.waits_for_id == first.pk
    assert seal.answers == {"shop_name": "甜心", "seal_count": 2} and first.answers == {"shop_name": "甜心"}
    assert seal.department.code != first.department.code
    view = selectors.progress(number=parent.number, query_code=parent.query_code_plain)
    assert view is not None and len(view.parts) == 3

    from tests.cases.test_handling import run_to_approval

    run_to_approval(first, people)
    seal = fresh(seal)
    assert seal.status == CaseStatus.SUBMITTED
    assert seal.materials.get(material_name="设立登记通知书").source == MaterialOrigin.REUSED
    assert fresh(parent).status == CaseStatus.ACCEPTED
    # the police station accepts its part through its own intake (comprehensive window covers it)
    services.accept_case(case=seal, clerk=people["chuangkou"], expected_version=seal.version)
    seal = fresh(seal)
    services.review_case(case=seal, clerk=people["gongan"], agree=True, comment="", expected_version=seal.version)
    services.withdraw_case(case=fresh(tax), applicant=zhang, reason="税务另行办理")
    assert fresh(parent).status == CaseStatus.ACCEPTED  # the seal part still waits for a decision


def test_refused_predecessor_stops_the_follower(bundle, people, media):
    parent = services.submit_bundle(
        applicant=people["zhangsan"],
        bundle=bundle,
        answers={"shop_name": "甜心", "seal_count": 1},
        uploads=[("营业执照", upload())],
        idempotency_key="c",
    )
    first, seal, tax = selectors.children_of(case=parent)
    services.refuse_at_intake(
        case=first,
        clerk=people["chuangkou"],
        reasons=["名称不合规"],
        legal_basis="《企业名称登记管理规定》",
        expected_version=first.version,
    )
    assert fresh(seal).status == CaseStatus.CONCLUDED
    services.withdraw_case(case=fresh(tax), applicant=people["zhangsan"], reason="")
    parent = fresh(parent)
    assert parent.status == CaseStatus.CONCLUDED and parent.decision == "refused"
