"""Journey: 督办 — the supervisor (电子监察员) logs in, goes from the console home to the oversight
page, issues a 督办 on a red case to the handling clerk with a two-working-day reply deadline; the
clerk finds it flagged on the to-do list and replies from the case page; the supervisor sees the reply."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.conftest import _Quiet
from tests.e2e.conftest import console_page, save_step, serious_violations
from tongban.cases.models import Case, Supervision
from tongban.timelimits import calendar

pytestmark = pytest.mark.django_db(transaction=True)

JOURNEY = "supervision"
INSTRUCTION = "该件已超期，请于两个工作日内说明原因并尽快办结"
REPLY = "申请人补充的平面图今日已核实，明日作出决定"


@pytest.fixture
def red_case(demo, settings, tmp_path) -> Case:
    """The demo, with its red case (李四's 天河区食品经营许可, accepted 12 working days ago)."""
    from tongban.demo import cases, catalog, workflow

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    cases.load(stdout=_Quiet())
    case = Case.objects.get(idempotency_key="demo-red")
    assert case.clock_state == "red"
    return case


def test_supervision_journey(red_case, browser, live_server):
    number = red_case.number
    due = calendar.add_working_days(timezone.localdate(), 2).isoformat()

    # 1. the supervisor's home leads to the oversight page
    supervisor_context, supervisor = console_page(browser, live_server, "jiancha")
    assert serious_violations(supervisor) == []
    save_step(supervisor, JOURNEY, "01-supervisor-home")
    supervisor.get_by_role("link", name="查看预警与超期办件").click()
    supervisor.wait_for_url("**/console/cases/oversight/")
    row = supervisor.locator("tr", has=supervisor.get_by_role("link", name=number, exact=True))
    assert "已超期" in row.inner_text() or "超期" in row.inner_text()
    assert serious_violations(supervisor) == []
    save_step(supervisor, JOURNEY, "02-oversight")

    # 2. 督办 on the red case, to the handling clerk, reply within two working days
    row.get_by_role("link", name="督办").click()
    supervisor.wait_for_url(f"**/console/cases/{number}/**")
    supervisor.get_by_label("督办意见（必填）").fill(INSTRUCTION)
    supervisor.get_by_label("答复期限（工作日，必填）").fill("2")
    supervisor.get_by_label("督办对象").select_option(label="刘办理（业务办理员）")
    save_step(supervisor, JOURNEY, "03-supervise-form")
    supervisor.get_by_role("button", name="发出督办").click()
    supervisor.get_by_text("督办已发出").wait_for()
    supervisions = supervisor.locator("#supervisions").inner_text()
    assert INSTRUCTION in supervisions and due in supervisions and "待答复" in supervisions
    assert "督办" in supervisor.locator("ol.timeline").inner_text()
    save_step(supervisor, JOURNEY, "04-supervised")

    # 3. the clerk finds it flagged on the to-do list, with its deadline, and answers from the case page
    clerk_context, clerk = console_page(browser, live_server, "banli")
    clerk.goto("/console/cases/")
    flagged = clerk.locator("tr.supervision", has=clerk.get_by_role("link", name=number, exact=True))
    text = flagged.inner_text()
    assert "督办" in text and f"答复期限 {due}" in text and INSTRUCTION[:20] in text
    assert serious_violations(clerk) == []
    save_step(clerk, JOURNEY, "05-clerk-todo")
    flagged.get_by_role("link", name="答复督办").click()
    clerk.wait_for_url(f"**/console/cases/{number}/**")
    clerk.get_by_label("答复内容（必填）").fill(REPLY)
    clerk.get_by_role("button", name="提交督办答复").click()
    clerk.get_by_text("督办答复已提交。").wait_for()
    save_step(clerk, JOURNEY, "06-clerk-replied")
    clerk.goto("/console/cases/")
    assert clerk.locator("tr.supervision").count() == 0, "answered: off the to-do list"
    clerk_context.close()

    # 4. the supervisor sees the reply, on the case and on the oversight page
    supervisor.goto(f"/console/cases/{number}/")
    assert REPLY in supervisor.locator("#supervisions").inner_text()
    supervisor.goto("/console/cases/oversight/")
    row = supervisor.locator("tr", has=supervisor.get_by_role("link", name=number, exact=True))
    assert "已答复" in row.inner_text()
    save_step(supervisor, JOURNEY, "07-supervisor-sees-reply")
    supervisor_context.close()
    supervision = Supervision.objects.get(case=red_case)
    assert supervision.reply == REPLY and supervision.clerk.username == "banli"
