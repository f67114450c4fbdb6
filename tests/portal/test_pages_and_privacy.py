"""Every demo page and API answer, as each role: no whole ID number or phone where it is not needed.

The pages come from the URL list itself (every route without parameters, plus the detail routes
of the demo's own objects: cases, items, bundles, themes, departments, messages), so a new page is
checked without anyone adding it here. The data is the whole demo (orgs, people, catalogue,
processes, cases).
"""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import _Quiet, staff_client, verified_client
from tongban.accounts.models import User, UserKind
from tongban.core import audit
from tongban.demo.orgs import department_code
from tongban.orgs.models import Department

pytestmark = pytest.mark.django_db

#: Routes not fetched: they only redirect or act (and refuse GET anyway).
SKIPPED = {"set_language", "portal:logout", "console:logout", "search:go"}

#: (role, route name) pairs that may show a person's whole ID or phone number, with the reason.
#: Empty: no demo role needs a whole number on a page; the "check" form is enough.
NEEDS_WHOLE_DATA: dict[tuple[str, str], str] = {}


@pytest.fixture
def full_demo(db):
    """The whole demo data set, loaded through the services as `tongban demo` does."""
    from tongban.demo import cases, catalog, orgs, people, workflow

    for loader in (orgs, people, catalog, workflow, cases):
        loader.load(stdout=_Quiet())


def _routes(patterns: list, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _demo_objects() -> dict[str, list[dict[str, object]]]:
    """Parameters of the demo's objects, by the name of the route that shows them."""
    from tongban.cases.models import Case
    from tongban.catalog.models import Bundle, ServiceItem, Theme
    from tongban.notices.models import Message

    cases = [{"number": n} for n in Case.objects.values_list("number", flat=True)]
    case_item = Case.objects.values_list("item__code", flat=True).first()
    items = [{"code": c} for c in {case_item, ServiceItem.objects.values_list("code", flat=True).first()} if c]
    bundles = [{"code": c} for c in Bundle.objects.values_list("code", flat=True)[:1]]
    themes = [{"code": c} for c in Theme.objects.values_list("code", flat=True)[:1]]
    departments = [{"code": department_code(n)} for n in (12, 14, 16)]
    messages = [{"pk": pk} for pk in Message.objects.values_list("pk", flat=True)]
    return {
        "api:department_staff": departments,
        "console:department_staff": departments,
        "api:get_item": items,
        "catalog:item": items,
        "cases:apply": items,
        "catalog_console:item_edit": items,
        "api:get_bundle": bundles,
        "catalog:bundle": bundles,
        "cases:apply_bundle": bundles,
        "catalog:theme": themes,
        "api:my_case": cases,
        "api:staff_case": cases,
        "cases:case_detail": cases,
        "cases:submitted": cases,
        "cases:supplement": cases,
        "cases:withdraw": cases,
        "cases:case_link": cases,
        "cases_console:case": cases,
        "portal:message_detail": messages,
    }


def _urls() -> list[tuple[str, str]]:
    """(route name, URL) of every GET-able page and API answer of the demo."""
    objects = _demo_objects()
    urls = []
    for name, pattern in _routes(get_resolver().url_patterns):
        if name in SKIPPED:
            continue
        if not pattern.pattern.converters and "<" not in str(pattern.pattern):
            urls.append((name, reverse(name)))
        else:
            urls += [(name, reverse(name, kwargs=kwargs)) for kwargs in objects.get(name, [])]
    assert len(urls) > 60, "the URL list was read"
    return urls


def _secrets() -> list[str]:
    values = []
    for user in User.objects.exclude(kind=UserKind.LEGAL_PERSON):
        values += [v for v in (user.id_number, user.phone) if v]
    return values


def _check(client: Client, role: str, urls: list[tuple[str, str]], secrets: list[str], credit_codes: set[str]) -> int:
    fetched = 0
    for name, url in urls:
        response = client.get(url)
        assert response.status_code < 500, (role, url, response.status_code)
        if response.status_code != 200 or (role, name) in NEEDS_WHOLE_DATA:
            continue
        fetched += 1
        text = response.content.decode(errors="replace")
        for value in secrets:
            assert value not in text, f"{url} shows a whole ID or phone number to {role}"
        for match in re.finditer(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])", text):
            assert match.group(0) in credit_codes, f"{url} shows {role} something shaped like an ID number"
    return fetched


@pytest.fixture
def pages(full_demo):
    credit_codes = set(Department.objects.values_list("code", flat=True))
    credit_codes |= set(User.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    return _urls(), _secrets(), credit_codes


def test_every_page_as_anonymous(pages):
    urls, secrets, credit_codes = pages
    assert _check(Client(), "anonymous", urls, secrets, credit_codes) > 15


def test_every_page_as_each_citizen_and_company(pages):
    urls, secrets, credit_codes = pages
    for username in ("zhangsan", "lisi", "wangfang", "naichadian"):
        client = Client()
        client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        assert _check(client, username, urls, secrets, credit_codes) > 20, username


def test_every_page_as_each_staff_role(pages):
    from tongban.demo.people import STAFF

    urls, secrets, credit_codes = pages
    seen_roles = set()
    for username, *_rest, role, _scope in STAFF:
        client = verified_client(User.objects.get(username=username))
        assert _check(client, f"{username} ({role})", urls, secrets, credit_codes) > 20, username
        seen_roles.add(role)
    assert len(seen_roles) == 6, "every staff role is tried"


def test_who_used_my_data_lists_staff_reads(citizen_client, citizen, demo):
    clerk = User.objects.get(username="chuangkou")
    audit.record_data_access(
        actor=clerk, data_subject=citizen, purpose="窗口核验身份", what="id_number", department_code=department_code(14)
    )
    page = citizen_client.get("/account/data-uses/").content.decode()
    assert "窗口核验身份" in page and "广州市天河区政务服务和数据管理局" in page
    assert "综合窗口受理员" in page and "*晓窗" not in page, "staff by role and number, not by a masked name"
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
