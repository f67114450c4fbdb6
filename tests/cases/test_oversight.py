"""电子监察: supervisors see the yellow and red cases of their regions, heads their department's."""

from __future__ import annotations

import pytest

from tests.cases.conftest import MARKET, POLICE, _item, submit
from tests.cases.test_parallel_review import _import
from tests.conftest import staff_client
from tongban.accounts.models import StaffRole
from tongban.cases import selectors, services
from tongban.cases.models import Case, ClockState
from tongban.demo.orgs import department_code
from tongban.orgs.models import Department, Region

pytestmark = pytest.mark.django_db

YUEXIU = department_code(17)  # 越秀区政数局 (440104): outside 天河


def _accepted(people, code, answers=None, key="k", applicant="zhangsan"):
    from tongban.catalog.models import ServiceItem

    item = ServiceItem.objects.get(code=code)
    case = submit(people[applicant], item, key=key, answers=answers or {"shop_name": "x"}, files=[])
    case = Case.objects.get(pk=case.pk)
    clerk = people["chuangkou"] if item.department.region.code == "440106" else people["shichuangkou"]
    services.accept_case(case=case, clerk=clerk, expected_version=case.version)
    return Case.objects.get(pk=case.pk)


def _flag(case, state):
    Case.objects.filter(pk=case.pk).update(clock_state=state)


@pytest.fixture
def flagged(catalogue, people, media):
    form = {"type": "object", "properties": {"shop_name": {"type": "string", "title": "店铺名称"}}}
    _import(
        _item("TEST-OV-001", "天河市场监管事项", MARKET, form=form),
        _item("TEST-OV-002", "天河公安事项", POLICE, form=form),
        _item("TEST-OV-003", "越秀事项", YUEXIU, region="440104", form=form),
    )
    cases = {
        "market_yellow": _accepted(people, "TEST-OV-001", key="a"),
        "market_green": _accepted(people, "TEST-OV-001", key="b", applicant="lisi"),  # one open case a person
        "police_red": _accepted(people, "TEST-OV-002", key="c"),
        "yuexiu_red": _accepted(people, "TEST-OV-003", key="d"),
    }
    _flag(cases["market_yellow"], ClockState.YELLOW)
    _flag(cases["police_red"], ClockState.RED)
    _flag(cases["yuexiu_red"], ClockState.RED)
    return cases


def _numbers(user, **kwargs):
    cases, counts = selectors.oversight_for(user=user, **kwargs)
    return {c.number for c in cases}, counts


def _tianhe_supervisor():
    from tongban.accounts import services as accounts

    user, _device = accounts.create_staff(
        username="thjiancha",
        password="Tongban@2026!",
        name="天河监察",
        phone="13900000099",
        roles=[
            (Department.objects.get(code=department_code(14)), StaffRole.SUPERVISOR, Region.objects.get(code="440106"))
        ],
    )
    return user


def test_scoping_by_region_and_department(flagged, people):
    n = {k: c.number for k, c in flagged.items()}
    city, counts = _numbers(people["jiancha"])  # supervisor of 广州市
    assert city == {n["market_yellow"], n["police_red"], n["yuexiu_red"]}
    assert counts == {"total": 3, "yellow": 1, "red": 2}

    tianhe, counts = _numbers(_tianhe_supervisor())
    assert tianhe == {n["market_yellow"], n["police_red"]}
    assert counts == {"total": 2, "yellow": 1, "red": 1}

    head, counts = _numbers(people["kezhang"])  # head of 天河区市场监管局
    assert head == {n["market_yellow"]} and counts["red"] == 0

    for clerk in ("banli", "gongan", "zhangsan"):
        assert _numbers(people[clerk])[0] == set()

    red_only, _counts = _numbers(people["jiancha"], state="red")
    assert red_only == {n["police_red"], n["yuexiu_red"]}


def test_concluded_cases_leave_the_list(flagged, people):
    case = Case.objects.get(pk=flagged["police_red"].pk)
    services.withdraw_case(case=case, applicant=people["zhangsan"], reason="不办了")
    assert flagged["police_red"].number not in _numbers(people["jiancha"])[0]


def test_console_page_and_api(flagged, people):
    client = staff_client("kezhang")
    page = client.get("/console/cases/oversight/")
    assert page.status_code == 200
    text = page.content.decode()
    assert flagged["market_yellow"].number in text and flagged["police_red"].number not in text
    assert "即将超期 1 件" in text
    assert "/console/cases/oversight/" in client.get("/console/cases/").content.decode()

    assert staff_client("banli").get("/console/cases/oversight/").status_code == 403

    api = staff_client("jiancha")
    answer = api.get("/api/v1/cases/staff/oversight?state=red")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["counts"] == {"total": 3, "yellow": 1, "red": 2}
    assert {c["number"] for c in body["cases"]} == {flagged["police_red"].number, flagged["yuexiu_red"].number}
    assert staff_client("gongan").get("/api/v1/cases/staff/oversight").status_code == 403
