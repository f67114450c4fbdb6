"""The console log-in page: password and TOTP code together; nothing opens without both."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp

from tests.factories import CitizenFactory, StaffFactory
from tests.factories.accounts import PASSWORD
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def code_of(user, *, offset: int = 0) -> str:
    device = user.totpdevice_set.get(confirmed=True)
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{(value + offset) % 10**6:06d}"


def log_in(client: Client, username: str, password: str, otp: str, **extra: str):
    return client.post("/console/login/", {"username": username, "password": password, "otp": otp, **extra})


def logged_in(client: Client) -> bool:
    return client.get("/console/").status_code == 200


def test_the_log_in_page_asks_for_the_three_fields():
    response = Client().get("/console/login/?next=/console/cases/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ('name="username"', 'name="password"', 'name="otp"'):
        assert name in page
    assert 'autocomplete="one-time-code"' in page
    assert 'value="/console/cases/"' in page  # where to go afterwards is carried in the form


def test_password_and_current_code_log_in_and_open_the_console():
    staff = StaffFactory()
    client = Client()
    response = log_in(client, staff.username, PASSWORD, code_of(staff))
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert logged_in(client)
    entry = AuditEntry.objects.filter(action="account.login").get()
    assert entry.actor == staff and entry.details == {"method": "password+totp"}


def test_log_in_goes_on_to_the_page_asked_for_on_this_site_only():
    staff, other = StaffFactory(), StaffFactory()  # a code is good once: two people log in
    response = log_in(Client(), staff.username, PASSWORD, code_of(staff), next="/console/cases/")
    assert response["Location"] == "/console/cases/"
    response = log_in(Client(), other.username, PASSWORD, code_of(other), next="https://evil.example/")
    assert response["Location"] == "/console/"


def test_a_code_is_good_for_one_log_in_only():
    staff = StaffFactory()
    code = code_of(staff)
    assert log_in(Client(), staff.username, PASSWORD, code).status_code == 302
    replay = Client()
    assert log_in(replay, staff.username, PASSWORD, code).status_code == 200
    assert not logged_in(replay)


@pytest.mark.parametrize("wrong", ["password", "code", "both"])
def test_a_wrong_password_or_code_opens_nothing(wrong):
    staff = StaffFactory()
    client = Client()
    password = "not-the-password" if wrong in ("password", "both") else PASSWORD
    otp = code_of(staff, offset=500_000) if wrong in ("code", "both") else code_of(staff)
    response = log_in(client, staff.username, password, otp)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
    assert not logged_in(client)
    assert not AuditEntry.objects.filter(action="account.login").exists()


def test_a_citizen_cannot_log_in_to_the_console_even_with_the_right_password():
    citizen = CitizenFactory()
    client = Client()
    response = log_in(client, citizen.username, PASSWORD, "123456")
    assert response.status_code == 200
    assert not logged_in(client)


def test_staff_without_a_confirmed_authenticator_cannot_log_in():
    staff = StaffFactory()
    code = code_of(staff)
    staff.totpdevice_set.update(confirmed=False)
    client = Client()
    response = log_in(client, staff.username, PASSWORD, code)
    assert response.status_code == 200
    assert "enrol-totp" in response.content.decode()  # the page says how to get one
    assert not logged_in(client)


def test_the_code_must_have_six_digits():
    staff = StaffFactory()
    response = log_in(Client(), staff.username, PASSWORD, "123")
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="account.login").exists()


def test_log_out_is_a_post_and_ends_the_session():
    staff = StaffFactory()
    client = Client()
    log_in(client, staff.username, PASSWORD, code_of(staff))
    assert client.get("/console/logout/").status_code == 405
    assert logged_in(client)
    response = client.post("/console/logout/")
    assert response.status_code == 302 and response["Location"] == "/console/login/"
    assert not logged_in(client)
