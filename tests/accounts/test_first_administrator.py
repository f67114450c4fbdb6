"""The first administrator outside demo mode: createsuperuser, then enrol-totp, then the console."""

import io
import re
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import Client
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts.models import StaffRole, User
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "First-Admin-2026!"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _createsuperuser(monkeypatch, username: str = "root") -> User:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    _run("createsuperuser", "--noinput", "--username", username)
    return User.objects.get(username=username)


def _secret_from(output: str) -> bytes:
    uri = re.search(r"otpauth://\S+", output).group(0)
    assert urlparse(uri).netloc == "totp"
    return b32decode(parse_qs(urlparse(uri).query)["secret"][0])


def _code(key: bytes) -> str:
    return f"{totp(key):06d}"


def _next_code(key: bytes) -> str:
    """The code of the step after the last one the confirmed device accepted (a used code never works twice)."""
    last_t = TOTPDevice.objects.filter(confirmed=True).get(key=key.hex()).last_t
    counter = TOTP(key)
    counter.time = (last_t + 1) * counter.step
    return f"{counter.token():06d}"


def _console_login(code: str, username: str = "root") -> tuple[Client, HttpResponse]:
    client = Client()
    return client, client.post("/console/login/", {"username": username, "password": PASSWORD, "otp": code})


@pytest.fixture
def root_region():
    _run("add_region", "440000", "广东省", "--level", "province")


def test_createsuperuser_needs_a_root_region_and_says_so(monkeypatch):
    with pytest.raises(CommandError, match="tongban add-region"):
        _createsuperuser(monkeypatch)
    assert not User.objects.exists()


def test_createsuperuser_makes_an_administrator_over_the_root_region(monkeypatch, root_region):
    user = _createsuperuser(monkeypatch)
    assert user.is_staff and user.is_superuser and user.check_password(PASSWORD)
    (assignment,) = user.assignments.select_related("department", "scope")
    assert assignment.role == StaffRole.ADMINISTRATOR and assignment.scope.code == "440000"
    assert assignment.department.region.code == "440000"
    assert AuditEntry.objects.filter(action="staff.create_administrator", subject_id=str(user.pk)).exists()


def test_console_says_how_to_enrol_before_a_device_is_confirmed(monkeypatch, root_region):
    _createsuperuser(monkeypatch)
    _client, response = _console_login("123456")
    assert response.status_code == 200 and "tongban enrol-totp root" in response.content.decode()


def test_enrol_totp_prints_the_uri_once_and_the_first_code_confirms_it(monkeypatch, root_region):
    _createsuperuser(monkeypatch)
    output = _run("enrol_totp", "root", "--no-input")
    assert "otpauth://totp/Tongban%3Aroot?" in output and "--confirm" in output
    key = _secret_from(output)
    assert _console_login(_code(key))[1].status_code == 200, "not usable before it is confirmed"

    confirmed = _run("enrol_totp", "root", "--confirm", _code(key))
    assert "otpauth" not in confirmed, "the secret is never printed again"

    client, response = _console_login(_next_code(key))  # the confirming code itself cannot be replayed
    assert response.status_code == 302
    home = client.get("/console/").content.decode()
    assert "系统管理员" in home and "/console/workflow/" in home
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"staff.totp_enrolment_start", "staff.totp_enrolment_confirm"} <= actions


def test_a_wrong_first_code_confirms_nothing(monkeypatch, root_region):
    _createsuperuser(monkeypatch)
    key = _secret_from(_run("enrol_totp", "root", "--no-input"))
    wrong = "000000" if _code(key) != "000000" else "111111"
    with pytest.raises(CommandError, match="动态验证码不正确"):
        _run("enrol_totp", "root", "--confirm", wrong)
    assert not User.objects.get(username="root").totpdevice_set.filter(confirmed=True).exists()


def test_re_enrolment_keeps_the_old_device_until_the_new_one_is_confirmed(monkeypatch, root_region):
    _createsuperuser(monkeypatch)
    old = _secret_from(_run("enrol_totp", "root", "--no-input"))
    _run("enrol_totp", "root", "--confirm", _code(old))
    new = _secret_from(_run("enrol_totp", "root", "--no-input"))
    assert new != old
    assert _console_login(_next_code(old))[1].status_code == 302, "old phone still works"
    _run("enrol_totp", "root", "--confirm", _code(new))
    assert User.objects.get(username="root").totpdevice_set.get().bin_key == new


def test_enrol_totp_refuses_citizens_and_unknown_names(demo):
    for username in ("zhangsan", "nobody"):
        with pytest.raises(CommandError, match="没有这个工作人员账号"):
            _run("enrol_totp", username, "--no-input")


def test_add_region_is_idempotent_and_audits_a_rename(root_region):
    _run("add_region", "440000", "广东省", "--level", "province")
    assert AuditEntry.objects.filter(action="region.create").count() == 1
    assert not AuditEntry.objects.filter(action="region.update").exists()
    _run("add_region", "440000", "广东省人民政府辖区", "--level", "province")
    entry = AuditEntry.objects.get(action="region.update")
    assert entry.details == {"changed": {"name": ["广东省", "广东省人民政府辖区"]}}
