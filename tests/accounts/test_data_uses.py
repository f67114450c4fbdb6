"""谁用了我的数据 through HTTP: every use listed, newest first, paged, in plain words.

Reads of a case are made as staff make them (the console's case page and material download,
the staff API); volumes and exact times come from the audit factories, which write what the
case pages write.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import START, CaseActionFactory, CaseReadFactory
from tests.cases.conftest import LINES, submit, upload
from tests.conftest import staff_client
from tongban.accounts.data_uses import staff_number
from tongban.accounts.models import User
from tongban.demo.orgs import department_code

pytestmark = pytest.mark.django_db

MARKET = "广州市天河区市场监督管理局"  # banli (handling), kezhang (head)
POLICE = "广州市公安局天河区分局"  # gongan (handling)
WINDOW = "广州市天河区政务服务和数据管理局"  # chuangkou (intake)


@pytest.fixture
def catalogue(demo):
    """A small catalogue (an item of the market regulator, a bundle with a police item) and processes."""
    from tongban.catalog.importer import import_catalogue
    from tongban.workflow.services import ensure_builtin_processes

    ensure_builtin_processes()
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in LINES) + "\n"
    assert import_catalogue(stream=io.StringIO(text), actor=None).written


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def zhang(demo) -> User:
    return User.objects.get(username="zhangsan")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _cards(html: str) -> list[str]:
    """The cards of the list, as text with tags (one per use)."""
    return [part.split("</li>")[0] for part in html.split('<li class="card data-use">')[1:]]


def _page(client: Client, number: int = 1) -> str:
    response = client.get("/account/data-uses/", {"page": number})
    assert response.status_code == 200
    return response.content.decode()


def _next_page(html: str) -> int | None:
    found = re.search(r'rel="next" href="\?page=(\d+)"', html)
    return int(found.group(1)) if found else None


def _times(cards: list[str]) -> list[str]:
    return [found for card in cards for found in re.findall(r'<time datetime="([^"]+)"', card)[:1]]


# --- reads made as staff make them -------------------------------------------------------------


def test_a_clerks_reads_in_the_console_show_department_role_staff_number_and_case(catalogue, media, zhang):
    from tongban.catalog.models import ServiceItem

    case = submit(zhang, ServiceItem.objects.get(code="TEST-SJ-001"), files=[("营业执照", upload())])
    material = case.materials.exclude(file="").get()
    clerk = staff_client("banli")
    assert clerk.get(f"/console/cases/{case.number}/").status_code == 200
    assert clerk.get(f"/console/cases/{case.number}/materials/{material.pk}/").status_code == 200

    html = _page(_client(zhang))
    cards = _cards(html)
    banli = _user("banli")
    download, read = cards[0], cards[1]
    for card in (read, download):
        assert MARKET in card
        assert "业务办理员" in card and f"编号 {staff_number(banli.pk)}" in card
        assert f'<a href="/my/cases/{case.number}/">{case.number}</a>' in card
    assert "查看了您的办件" in read and "办件办理" in read
    assert "查阅申请材料" in download
    assert department_code(16) not in html, "the department by name, never its credit code"
    assert banli.masked_name not in html, "staff by role and number, not a masked name"
    assert _client(zhang).get(f"/my/cases/{case.number}/").status_code == 200, "the link opens the case"


def test_reads_of_a_bundle_child_by_its_department_are_listed(catalogue, media, zhang):
    from tongban.cases import services
    from tongban.catalog.models import Bundle

    parent = services.submit_bundle(
        applicant=zhang,
        bundle=Bundle.objects.get(code="test-bundle"),
        answers={"shop_name": "甜心", "seal_count": 2},
        uploads=[("营业执照", upload())],
        idempotency_key="bundle-1",
    )
    child = parent.children.get(department__code=department_code(15))
    assert staff_client("gongan").get(f"/console/cases/{child.number}/").status_code == 200

    card = _cards(_page(_client(zhang)))[0]
    assert POLICE in card and "业务办理员" in card and f"编号 {staff_number(_user('gongan').pk)}" in card
    assert f'href="/my/cases/{child.number}/"' in card


def test_a_case_filed_for_me_at_the_window_names_the_window_clerks_department(catalogue, media, zhang):
    from tongban.cases import services
    from tongban.catalog.models import ServiceItem

    case = services.file_at_window(
        clerk=_user("chuangkou"),
        person_name=zhang.name,
        id_number=zhang.id_number,
        phone=zhang.phone,
        item=ServiceItem.objects.get(code="TEST-SJ-001"),
        answers={"shop_name": "甜心奶茶", "area": 42},
        uploads=[("营业执照", upload())],
        consent=True,
        idempotency_key="window-1",
    )

    filed = next(card for card in _cards(_page(_client(zhang))) if "在窗口为您提交了申请" in card)
    assert WINDOW in filed and MARKET not in filed, "the clerk works for the window, not the item's department"
    assert "综合窗口受理员" in filed and "综合窗口受理" in filed and f'href="/my/cases/{case.number}/"' in filed


def test_reads_through_the_staff_api_are_listed(catalogue, media, zhang):
    from tongban.accounts import services as accounts
    from tongban.catalog.models import ServiceItem

    case = submit(zhang, ServiceItem.objects.get(code="TEST-SJ-001"))
    token = accounts.issue_api_token(user=_user("kezhang"), name="test")
    response = Client().get(f"/api/v1/cases/staff/cases/{case.number}", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200

    card = _cards(_page(_client(zhang)))[0]
    assert MARKET in card and "部门负责人" in card and case.number in card


# --- paging, order, grouping ----------------------------------------------------------------------


def test_more_than_200_uses_are_all_reachable_by_paging_newest_first(zhang):
    clerks = [_user("banli"), _user("gongan"), _user("chuangkou")]
    for n in range(230):
        CaseReadFactory(actor=clerks[n % 3], data_subject=zhang, case_number=f"CASE-{n % 7}", hours_ago=n + 1)
    client = _client(zhang)

    seen: list[str] = []
    number: int | None = 1
    while number is not None:
        html = _page(client, number)
        seen += _times(_cards(html))
        number = _next_page(html)
    assert len(seen) == 230
    assert seen == sorted(seen, reverse=True), "newest first, on every page and across pages"
    assert seen[0] == timezone.localtime(START - timedelta(hours=1)).isoformat()
    assert "共 230 条" in _page(client)


def test_repeated_reads_of_one_case_by_one_person_within_an_hour_are_one_card_with_a_count(zhang):
    banli, gongan = _user("banli"), _user("gongan")
    hour = START.replace(minute=0) - timedelta(hours=5)  # a clock hour, five hours ago
    for minute in (5, 20, 50):
        CaseReadFactory(actor=banli, data_subject=zhang, case_number="CASE-A", at=hour + timedelta(minutes=minute))
    CaseReadFactory(actor=banli, data_subject=zhang, case_number="CASE-A", at=hour + timedelta(minutes=70))
    CaseReadFactory(actor=gongan, data_subject=zhang, case_number="CASE-A", at=hour + timedelta(minutes=30))
    CaseReadFactory(actor=banli, data_subject=zhang, case_number="CASE-B", at=hour + timedelta(minutes=40))

    cards = _cards(_page(_client(zhang)))
    assert len(cards) == 4, "three reads folded into one; the next hour, another person, another case apart"
    folded = [c for c in cards if "共查看" in c]
    assert len(folded) == 1
    assert "共查看 3 次" in folded[0] and "CASE-A" in folded[0] and f"编号 {staff_number(banli.pk)}" in folded[0]
    first, last = timezone.localtime(hour + timedelta(minutes=5)), timezone.localtime(hour + timedelta(minutes=50))
    assert f"{first:%H:%M}–{last:%H:%M} 共查看 3 次" in folded[0]


def test_steps_on_a_case_name_the_role_the_step_needs_and_the_platform_acts_as_itself(zhang):
    head = _user("shiyibao")  # handling clerk and department head of 广州市医疗保障局
    CaseActionFactory(
        actor=None,
        data_subject=zhang,
        step="auto_accept",
        case_number="CASE-C",
        department_code=department_code(3),
        hours_ago=2,
    )
    CaseActionFactory(
        actor=head,
        data_subject=zhang,
        step="decide",
        case_number="CASE-C",
        department_code=department_code(3),
        hours_ago=1,
    )

    decided, system = _cards(_page(_client(zhang)))
    assert "对您的办件作出了决定" in decided and "广州市医疗保障局" in decided
    assert "部门负责人" in decided and "业务办理员" not in decided
    assert "平台自动处理" in system and "依法视为受理" in system and "编号 S" not in system


def test_another_citizen_never_sees_my_data_uses(zhang):
    CaseReadFactory(actor=_user("banli"), data_subject=zhang, case_number="CASE-ZHANG")
    lisi = _client(_user("lisi"))
    assert "CASE-ZHANG" not in _page(lisi)
    assert lisi.get("/api/v1/accounts/me/data-uses").json()["count"] == 0
    assert "CASE-ZHANG" in _page(_client(zhang))


def test_a_page_costs_the_same_queries_however_many_uses(zhang, django_assert_max_num_queries):
    clerks = [_user(name) for name in ("banli", "gongan", "chuangkou", "kezhang", "shiyibao", "shirenshe")]
    for n in range(240):
        CaseReadFactory(
            actor=clerks[n % 6],
            data_subject=zhang,
            case_number=f"CASE-{n}",
            hours_ago=n + 1,
            department_code=department_code(16) if n % 2 else "",
        )
    client = _client(zhang)
    # session, user, unread count; then count, page, staff, their assignments, departments by code
    for number in (1, 5, 12):
        with django_assert_max_num_queries(8):
            html = _page(client, number)
        assert len(_cards(html)) == 20


# --- the API ----------------------------------------------------------------------------------------


def test_the_api_pages_the_same_uses(zhang):
    banli = _user("banli")
    for n in range(45):
        CaseReadFactory(actor=banli, data_subject=zhang, case_number=f"CASE-{n}", hours_ago=n + 1)
    client = _client(zhang)

    first = client.get("/api/v1/accounts/me/data-uses").json()
    assert (first["count"], first["page"], first["pages"], len(first["items"])) == (45, 1, 3, 20)
    use = first["items"][0]
    assert use["case_number"] == "CASE-0" and use["department"] == MARKET
    assert use["role"] == "业务办理员" and use["staff_number"] == staff_number(banli.pk) and use["times"] == 1
    numbers = []
    for page in (1, 2, 3):
        numbers += [u["case_number"] for u in client.get(f"/api/v1/accounts/me/data-uses?page={page}").json()["items"]]
    assert numbers == [f"CASE-{n}" for n in range(45)]
    assert client.get("/api/v1/accounts/me/data-uses?page=4").json()["items"] == []
    assert client.get("/api/v1/accounts/me/data-uses?page=0").status_code == 422
    assert Client().get("/api/v1/accounts/me/data-uses").status_code == 401
