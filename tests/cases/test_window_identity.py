"""综合窗口: who the citizen at the window is (their account, or the population registry), whether
the window accepts on the spot (its scope covers the department) or files for the department to
accept, and an item decided by rules concluded at the window at once."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError

from tests.factories import CitizenFactory, RegionFactory, ServiceItemFactory, StaffFactory
from tests.factories.accounts import staff_of
from tongban.accounts import services as accounts
from tongban.accounts.identity import IdentityCheck, IdentityVerifier, verifiers
from tongban.accounts.models import StaffRole, User
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus
from tongban.cases.selectors import get_case_for
from tongban.demo.codes import id_number
from tongban.notices.models import OutgoingSms

pytestmark = pytest.mark.django_db

NEWCOMER = id_number("440106", "19750505", 505)


def file(item, *, clerk=None, name: str, number: str, phone: str = "13600000001", answers=None) -> Case:
    return services.file_at_window(
        clerk=clerk or staff_of(item.department, StaffRole.INTAKE_CLERK),
        person_name=name,
        id_number=number,
        phone=phone,
        item=item,
        answers=answers or {},
        consent=True,
        idempotency_key=uuid.uuid4().hex,
    )


def test_a_registered_citizen_is_recognised_by_id_number_and_name():
    citizen = CitizenFactory(verified=True)
    case = file(ServiceItemFactory(), name=f" {citizen.name} ", number=citizen.id_number.lower())
    assert case.applicant == citizen
    assert User.objects.filter(id_number_index=citizen.id_number_index).count() == 1


def test_a_name_that_is_not_the_accounts_is_refused():
    citizen = CitizenFactory(verified=True)
    with pytest.raises(ValidationError) as refused:
        file(ServiceItemFactory(), name="冒名者", number=citizen.id_number)
    assert refused.value.code == "identity_mismatch"
    assert not Case.objects.exists()


def test_someone_the_registry_does_not_know_is_refused_and_no_account_is_made():
    with pytest.raises(ValidationError) as refused:
        file(ServiceItemFactory(), name="无名氏", number=NEWCOMER)
    assert refused.value.code == "identity_not_found"  # said as it is: unknown, not "the name does not match"
    assert not User.objects.filter(name="无名氏").exists()


def test_a_newcomer_in_the_registry_gets_an_account_without_a_password_and_the_sms():
    accounts.add_population_record(name="钱七", id_number=NEWCOMER)
    case = file(ServiceItemFactory(), name="钱七", number=NEWCOMER, phone="13600000077")
    person = case.applicant
    assert (person.name, person.phone) == ("钱七", "13600000077")
    assert not person.has_usable_password() and person.username.startswith("p")
    sms = OutgoingSms.objects.get(phone_masked="136****0077")
    assert case.number in sms.text and "查询码 ******" in sms.text


def test_when_the_registry_cannot_answer_the_window_says_try_later(settings, monkeypatch):
    monkeypatch.setattr(verifiers, "_plugins", dict(verifiers._plugins))

    @verifiers.register("test-down")
    class Down(IdentityVerifier):
        def verify(self, *, name: str, id_number: str) -> IdentityCheck:
            return IdentityCheck.UNAVAILABLE

    settings.IDENTITY_VERIFIER = "test-down"
    with pytest.raises(ValidationError) as refused:
        file(ServiceItemFactory(), name="钱七", number=NEWCOMER)
    assert refused.value.code == "identity_unavailable"
    assert not Case.objects.exists()


def test_a_wrong_id_number_is_refused_before_anything_else():
    with pytest.raises(ValidationError):
        file(ServiceItemFactory(), name="钱七", number="123456")
    assert not Case.objects.exists()


def test_a_window_that_does_not_cover_the_department_files_it_for_the_department_to_accept():
    item = ServiceItemFactory()
    other_city_window = StaffFactory(intake=True, department__region=RegionFactory())
    citizen = CitizenFactory(verified=True)
    case = file(item, clerk=other_city_window, name=citizen.name, number=citizen.id_number)
    assert case.status == CaseStatus.SUBMITTED and case.filed_by == other_city_window
    assert case.tasks.get().bpmn_id == "accept"
    message = citizen.messages.order_by("-pk").first()
    assert "已收件，待承办部门受理" in message.body
    assert get_case_for(user=other_city_window, number=case.number) == case


def test_an_item_decided_by_rules_is_concluded_at_the_window():
    item = ServiceItemFactory(decided_by_rules=True)
    citizen = CitizenFactory(verified=True)
    case = file(
        item,
        name=citizen.name,
        number=citizen.id_number,
        answers={"age": 81, "local_household": True, "already_receiving": False},
    )
    assert case.status == CaseStatus.APPROVED and case.rule
    assert not case.tasks.exclude(status="done").exists()


def test_the_same_citizen_cannot_be_filed_twice_for_one_item_at_once():
    item = ServiceItemFactory()
    citizen = CitizenFactory(verified=True)
    first = file(item, name=citizen.name, number=citizen.id_number)
    with pytest.raises(ValidationError) as twice:
        file(item, name=citizen.name, number=citizen.id_number)
    assert twice.value.code == "already_open" and first.number in twice.value.messages[0]
