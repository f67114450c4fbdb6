"""Every demo page and API answer, as each role: no whole ID number or phone where it is not needed."""

import re

import pytest
from django.test import Client

from tests.conftest import staff_client
from tongban.accounts.models import User
from tongban.core import audit
from tongban.demo.orgs import department_code
from tongban.orgs.models import Department

pytestmark = pytest.mark.django_db

PORTAL_PAGES = ["/", "/login/", "/login/?mode=sms", "/account/", "/account/data-uses/", "/messages/", "/demo/outbox/"]
API_ANSWERS = ["/api/v1/accounts/me", "/api/v1/accounts/me/data-uses", "/api/v1/orgs/departments"]
CONSOLE_PAGES = ["/console/", *(f"/console/departments/{department_code(n)}/staff/" for n in (12, 14, 15, 16))]
STAFF = ["chuangkou", "banli", "gongan", "kezhang", "jiancha", "shuju", "admin"]


def _secrets() -> list[str]:
    values = []
    for user in User.objects.all():
        values += [v for v in (user.id_number, user.phone) if v and user.kind != "legal_person"]
    return values


def _assert_no_whole_personal_data(text: str, where: str, secrets: list[str]) -> None:
    for value in secrets:
        assert value not in text, f"{where} shows a whole ID or phone number"
    credit_codes = set(Department.objects.values_list("code", flat=True))
    for match in re.finditer(r"(?<!\d)\d{17}[\dX](?!\d)", text):
        assert match.group(0) in credit_codes, f"{where} shows something shaped like an ID number"


def test_portal_pages_and_api_as_each_citizen(demo):
    secrets = _secrets()
    for username in ("zhangsan", "lisi", "wangfang", "naichadian"):
        client = Client()
        client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        for url in PORTAL_PAGES + API_ANSWERS:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            _assert_no_whole_personal_data(response.content.decode(), f"{url} as {username}", secrets)


def test_console_pages_as_each_staff_role(demo):
    secrets = _secrets()
    for username in STAFF:
        client = staff_client(username)
        for url in CONSOLE_PAGES:
            response = client.get(url)
            assert response.status_code in (200, 403), (username, url)
            _assert_no_whole_personal_data(response.content.decode(), f"{url} as {username}", secrets)


def test_anonymous_pages(demo):
    secrets = _secrets()
    client = Client()
    for url in ["/", "/login/", "/console/login/", "/demo/outbox/", *API_ANSWERS[2:]]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_whole_personal_data(response.content.decode(), url, secrets)


def test_who_used_my_data_lists_staff_reads(citizen_client, citizen, demo):
    clerk = User.objects.get(username="chuangkou")
    audit.record_data_access(
        actor=clerk, data_subject=citizen, purpose="窗口核验身份", what="id_number", department_code=department_code(14)
    )
    page = citizen_client.get("/account/data-uses/").content.decode()
    assert "窗口核验身份" in page and "*晓窗" in page
    data = citizen_client.get("/api/v1/accounts/me/data-uses").json()
    assert data["items"][0]["purpose"] == "窗口核验身份"


def test_own_reads_are_not_listed_as_uses_by_others(citizen_client, citizen):
    audit.record_data_access(actor=citizen, data_subject=citizen, purpose="self", what="id_number")
    assert "self" not in citizen_client.get("/account/data-uses/").content.decode()


def test_messages_inbox_and_mark_read(citizen_client, citizen):
    from tongban.notices.services import post_message

    message = post_message(recipient=citizen, title="办件已受理", body="您的办件已受理。")
    assert "未读" in citizen_client.get("/messages/").content.decode()
    assert "您的办件已受理" in citizen_client.get(f"/messages/{message.pk}/").content.decode()
    assert "未读" not in citizen_client.get("/messages/").content.decode()


def test_another_persons_message_is_not_found(demo, citizen):
    from tongban.notices.services import post_message

    message = post_message(recipient=User.objects.get(username="lisi"), title="t", body="b")
    client = Client()
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"/messages/{message.pk}/").status_code == 404


def test_elder_mode_is_one_switch_and_remembered(client):
    response = client.post("/elder-mode/", {"next": "/"})
    assert response.status_code == 302 and response.cookies["tongban_elder"].value == "1"
    assert '<body class="elder' in client.get("/").content.decode()
    client.post("/elder-mode/", {"next": "/"})
    assert '<body class="elder' not in client.get("/").content.decode()


def test_elder_mode_redirect_refuses_other_sites(client):
    response = client.post("/elder-mode/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert 'lang="zh-HK"' in client.get("/").content.decode()


def test_security_headers(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_csrf_is_enforced_on_forms(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"action": "password", "username": "zhangsan", "password": "x"})
    assert response.status_code == 403


def test_viewport_never_blocks_zoom(client):
    page = client.get("/").content.decode()
    assert "user-scalable=no" not in page and "maximum-scale" not in page


def test_console_home_links_configuration_pages_by_role(demo):
    admin = staff_client("admin")
    admin_page = admin.get("/console/").content.decode()
    for url in ("/console/catalog/", "/console/search/synonyms/", "/console/calendar/", "/console/workflow/"):
        assert url in admin_page
        assert admin.get(url).status_code == 200, url
    clerk_page = staff_client("banli").get("/console/").content.decode()
    assert "/console/workflow/" not in clerk_page
