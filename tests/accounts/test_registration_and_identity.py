"""Registering, finding a person by phone or ID number, the real-name check against the local
population registry (人口库) and when the registry cannot answer, the permission layer's defaults."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from tests.factories import CitizenFactory, CompanyFactory, StaffFactory
from tongban.accounts import services
from tongban.accounts.identity import IdentityCheck, IdentityVerifier, LocalPopulationVerifier, verifiers
from tongban.accounts.models import IdType, RealNameLevel
from tongban.accounts.permissions import can, rule
from tongban.core.models import AuditEntry
from tongban.demo.codes import id_number

pytestmark = pytest.mark.django_db

WANG = id_number("440106", "19880808", 321)


def register(**overrides: str):
    fields = {"username": "wangwu", "password": "Tongban@2026!", "name": "王五", "phone": "13712340000"}
    return services.register_person(**{**fields, **overrides})


# --- registering and finding -----------------------------------------------------------------------


def test_registering_keeps_the_birth_date_and_indexes_phone_and_id_number():
    user = register(id_number=WANG)
    assert user.realname_level == RealNameLevel.REGISTERED
    assert str(user.birth_date) == "1988-08-08"
    assert services.find_by_phone("137 1234 0000") == user
    assert services.find_by_phone("+8613712340000") == user
    assert services.find_by_id_number(IdType.RESIDENT_ID, WANG) == user
    assert AuditEntry.objects.filter(action="account.register", subject_id=str(user.pk)).exists()


def test_a_phone_registers_once():
    register()
    with pytest.raises(ValidationError) as taken:
        register(username="other")
    assert taken.value.code == "phone_taken"


def test_an_invalid_id_number_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationError):
        register(id_number=WANG[:-1] + ("0" if WANG[-1] != "0" else "1"))
    assert services.find_by_phone("13712340000") is None


def test_other_documents_are_kept_upper_case_without_a_birth_date():
    user = register(id_type=IdType.PASSPORT, id_number=" e12345678 ")
    assert (user.id_number, user.birth_date) == ("E12345678", None)
    assert services.find_by_id_number(IdType.PASSPORT, "e12345678") == user


def test_a_number_that_is_not_a_mobile_finds_nobody_and_a_deactivated_account_neither():
    user = register()
    assert services.find_by_phone("020-12345") is None
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert services.find_by_phone("13712340000") is None


# --- the real-name check -----------------------------------------------------------------------------


def test_the_local_registry_answers_match_or_no_match_only():
    services.add_population_record(name="王五", id_number=WANG)
    verifier = LocalPopulationVerifier()
    assert verifier.verify(name=" 王五 ", id_number=WANG) is IdentityCheck.MATCH
    assert verifier.verify(name="王六", id_number=WANG) is IdentityCheck.NO_MATCH
    assert verifier.verify(name="王五", id_number=id_number("440106", "19880808", 322)) is IdentityCheck.NOT_FOUND


def test_a_population_record_is_added_once():
    first = services.add_population_record(name="王五", id_number=WANG)
    again = services.add_population_record(name="王五", id_number=WANG)
    assert first.pk == again.pk


def test_without_an_id_number_there_is_nothing_to_check():
    user = CitizenFactory(without_id=True)
    with pytest.raises(ValidationError) as missing:
        services.verify_real_name(user=user)
    assert missing.value.code == "id_missing"


def test_a_mismatch_is_refused_audited_and_leaves_the_level():
    user = register(id_number=WANG)
    services.add_population_record(name="王六", id_number=WANG)
    with pytest.raises(ValidationError) as refused:
        services.verify_real_name(user=user)
    assert refused.value.code == "identity_mismatch"
    user.refresh_from_db()
    assert user.realname_level == RealNameLevel.REGISTERED
    entry = AuditEntry.objects.get(action="account.verify_real_name", subject_id=str(user.pk))
    assert entry.details == {"result": "no_match"} and entry.data_subject == user


def test_an_unavailable_registry_says_try_later_and_changes_nothing(settings, monkeypatch):
    @verifiers.register("test-unavailable")
    class Unavailable(IdentityVerifier):
        def verify(self, *, name: str, id_number: str) -> IdentityCheck:
            return IdentityCheck.UNAVAILABLE

    monkeypatch.setattr(verifiers, "_plugins", dict(verifiers._plugins))
    settings.IDENTITY_VERIFIER = "test-unavailable"
    user = register(id_number=WANG)
    with pytest.raises(services.IdentityUnavailable):
        services.verify_real_name(user=user)
    user.refresh_from_db()
    assert user.realname_level == RealNameLevel.REGISTERED


def test_checking_again_keeps_the_level_and_audits_each_check():
    citizen = CitizenFactory(verified=True)
    services.verify_real_name(user=citizen)
    citizen.refresh_from_db()
    assert citizen.realname_level == RealNameLevel.BASIC
    assert AuditEntry.objects.filter(action="account.verify_real_name", subject_id=str(citizen.pk)).count() == 2


# --- permission defaults --------------------------------------------------------------------------


def test_no_rule_means_no_access_and_nobody_anonymous_or_inactive_is_allowed():
    citizen = CitizenFactory()
    assert not can(citizen, "no.such.action")
    assert can(citizen, "accounts.view_own_data", citizen)
    assert not can(AnonymousUser(), "accounts.view_own_data", citizen)
    assert not can(None, "accounts.view_own_data", citizen)
    citizen.is_active = False
    assert not can(citizen, "accounts.view_own_data", citizen)


def test_a_rule_is_asked_only_for_an_active_signed_in_user(monkeypatch):
    from tongban.accounts import permissions

    asked: list[object] = []
    monkeypatch.setattr(permissions, "_rules", dict(permissions._rules))
    rule("test.ask")(lambda user, obj: asked.append(user) or True)
    assert not can(AnonymousUser(), "test.ask")
    assert asked == []
    citizen = CitizenFactory()
    assert can(citizen, "test.ask") and asked == [citizen]


def test_only_the_representative_acts_for_the_company():
    company = CompanyFactory()
    assert can(company.legal_representative, "accounts.act_for", company)
    assert not can(CitizenFactory(), "accounts.act_for", company)


def test_only_intake_clerks_and_administrators_check_identities():
    assert can(StaffFactory(intake=True), "accounts.check_identity")
    assert can(StaffFactory(administrator=True), "accounts.check_identity")
    assert not can(StaffFactory(handling=True), "accounts.check_identity")
    assert not can(CitizenFactory(), "accounts.check_identity")


def test_the_console_is_for_staff_with_a_role():
    assert can(StaffFactory(supervisor=True), "console.enter")
    assert not can(CitizenFactory(), "console.enter")
