import pytest
from django.test import Client

from tests.conftest import current_totp, staff_client
from tongban.accounts.models import User
from tongban.core.models import AuditEntry
from tongban.demo.people import DEMO_PASSWORD
from tongban.notices.models import OutgoingSms

pytestmark = pytest.mark.django_db


def test_citizen_logs_in_with_username_or_phone(demo):
    for login_name in ("zhangsan", "13800000001"):
        client = Client()
        response = client.post("/login/", {"action": "password", "username": login_name, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/account/"
        assert "138****0001" in client.get("/account/").content.decode()
    assert AuditEntry.objects.filter(action="account.login").count() == 2


def test_wrong_password_says_so_without_saying_which_part(demo):
    response = Client().post("/login/", {"action": "password", "username": "zhangsan", "password": "wrong-one"})
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()


def test_account_is_locked_after_five_failures_even_with_the_right_password(demo):
    client = Client()
    for _ in range(5):
        client.post("/login/", {"action": "password", "username": "zhangsan", "password": "wrong-one"})
    response = client.post("/login/", {"action": "password", "username": "zhangsan", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    other_address = Client(REMOTE_ADDR="10.9.9.9")
    response = other_address.post("/login/", {"action": "password", "username": "zhangsan", "password": DEMO_PASSWORD})
    assert response.status_code == 429, "lock-out is per account, not only per address"


def test_staff_cannot_use_the_portal_login(demo):
    response = Client().post("/login/", {"action": "password", "username": "banli", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "工作台" in response.content.decode()


def test_staff_need_the_totp_code(demo):
    client = Client()
    response = client.post("/console/login/", {"username": "banli", "password": DEMO_PASSWORD, "otp": "000000"})
    assert response.status_code == 200
    assert "动态验证码不正确" in response.content.decode()
    assert client.get("/console/").status_code == 302


def test_staff_without_a_verified_second_factor_are_sent_to_log_in(demo):
    client = Client()
    client.force_login(User.objects.get(username="banli"), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/console/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_staff_log_in_with_password_and_totp(demo):
    client = staff_client("banli")
    page = client.get("/console/").content.decode()
    assert "待办" in page and "业务办理员" in page


def test_sms_code_login(demo, django_capture_on_commit_callbacks, sms_handset):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/login/", {"action": "send_code", "phone": "13800000001"})
    assert "138****0001" in response.content.decode()
    sms = OutgoingSms.objects.get()
    assert sms.status == OutgoingSms.Status.SENT
    code = sms_handset.last_code("13800000001")
    wrong = client.post(
        "/login/", {"action": "sms_login", "phone": "13800000001", "code": "999999" if code != "999999" else "000000"}
    )
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    response = client.post("/login/", {"action": "sms_login", "phone": "13800000001", "code": code})
    assert response.status_code == 302
    reused = Client().post("/login/", {"action": "sms_login", "phone": "13800000001", "code": code})
    assert reused.status_code == 200, "a code works once"


def test_sms_code_for_an_unknown_number_answers_the_same_and_sends_nothing(demo):
    response = Client().post("/login/", {"action": "send_code", "phone": "13700000009"})
    assert "137****0009" in response.content.decode()
    assert OutgoingSms.objects.count() == 0


def test_invalid_phone_gets_a_field_message(demo):
    response = Client().post("/login/", {"action": "send_code", "phone": "12345"})
    assert "手机号码应为 11 位数字" in response.content.decode()


def test_current_totp_helper_matches_device(demo):
    assert len(current_totp(User.objects.get(username="banli"))) == 6


def _wrong(code: str) -> str:
    return "999999" if code != "999999" else "000000"


def _send(client: Client, phone: str = "13800000001"):
    return client.post("/login/", {"action": "send_code", "phone": phone})


def test_sms_codes_are_limited_per_phone(demo):
    assert _send(Client()).status_code == 200
    again = _send(Client(REMOTE_ADDR="10.1.1.1"))  # another address does not help
    assert again.status_code == 429
    assert "获取验证码过于频繁" in again.content.decode() and "分钟后再试" in again.content.decode()
    assert OutgoingSms.objects.count() == 1, "nothing is sent over the limit"


def test_unknown_numbers_are_limited_the_same_way(demo):
    assert _send(Client(), "13700000009").status_code == 200
    assert _send(Client(), "13700000009").status_code == 429


def test_sms_codes_are_limited_per_address(demo):
    client = Client(REMOTE_ADDR="10.2.2.2")
    for n in range(20):
        assert _send(client, f"1370000{n:04d}").status_code == 200, n
    refused = _send(client, "13700009999")
    assert refused.status_code == 429 and "获取验证码过于频繁" in refused.content.decode()
    assert _send(Client(REMOTE_ADDR="10.3.3.3"), "13700009998").status_code == 200, "other addresses unaffected"


def test_wrong_sms_codes_count_toward_lock_out(demo, django_capture_on_commit_callbacks, sms_handset):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _send(client)
    code = sms_handset.last_code("13800000001")
    for attempt in range(4):
        response = client.post("/login/", {"action": "sms_login", "phone": "13800000001", "code": _wrong(code)})
        assert response.status_code == 200, attempt
    fifth = client.post("/login/", {"action": "sms_login", "phone": "13800000001", "code": _wrong(code)})
    assert fifth.status_code == 429 and "锁定" in fifth.content.decode()
    password = Client(REMOTE_ADDR="10.9.9.9").post(
        "/login/", {"action": "password", "username": "zhangsan", "password": DEMO_PASSWORD}
    )
    assert password.status_code == 429, "the account is locked, whatever the way in"


def test_wrong_passwords_and_wrong_codes_add_up(demo, django_capture_on_commit_callbacks, sms_handset):
    client = Client()
    for _ in range(3):
        client.post("/login/", {"action": "password", "username": "13800000001", "password": "wrong-one"})
    with django_capture_on_commit_callbacks(execute=True):
        _send(client)
    code = sms_handset.last_code("13800000001")
    client.post("/login/", {"action": "sms_login", "phone": "13800000001", "code": _wrong(code)})
    locked = client.post("/login/", {"action": "sms_login", "phone": "13800000001", "code": _wrong(code)})
    assert locked.status_code == 429
    right = Client(REMOTE_ADDR="10.8.8.8").post(
        "/login/", {"action": "sms_login", "phone": "13800000001", "code": code}
    )
    assert right.status_code == 429, "a locked account cannot log in by SMS code either"
