"""Journey: the supplement loop (补正) — the handling clerk asks, at once, for a material again and
about one other problem; 张三, on a 360 px phone, answers the material with a photo and the other
problem in words; the clerk sees both answers next to the items and agrees in the review."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cases_ui.conftest import ITEM, ITEM_ANSWERS, png_bytes, uploads_for_item
from tests.conftest import _Quiet
from tests.e2e.conftest import console_page, log_in_on_the_portal, no_sideways_scroll, save_step, serious_violations
from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus
from tongban.catalog.models import ServiceItem
from tongban.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

JOURNEY = "supplement-loop"
MATERIAL = "食品安全管理制度"
PROBLEM = "门店是否临街？请说明并附门头照片"
REPLY = "门店临街，位于天河路一侧，门头照片已上传"


@pytest.fixture
def accepted(demo, settings, tmp_path) -> Case:
    """zhangsan's 天河区食品经营许可, accepted at the window: in review with the handling clerk."""
    from tongban.demo import catalog, workflow

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    catalog.load(stdout=_Quiet())
    workflow.load(stdout=_Quiet())
    case = services.submit_application(
        applicant=User.objects.get(username="zhangsan"),
        item=ServiceItem.objects.get(code=ITEM),
        answers=ITEM_ANSWERS,
        uploads=uploads_for_item(),
        idempotency_key="supplement-loop",
    )
    case = Case.objects.get(pk=case.pk)
    services.accept_case(case=case, clerk=User.objects.get(username="chuangkou"), expected_version=case.version)
    return Case.objects.get(pk=case.pk)


def test_supplement_loop(accepted, browser, live_server, phone, tmp_path: Path):
    number = accepted.number
    photo = tmp_path / "门头.png"
    photo.write_bytes(png_bytes())

    # 1. the handling clerk tells everything at once: a material again, and one other problem
    context, clerk = console_page(browser, live_server, "banli")
    clerk.goto(f"/console/cases/{number}/")
    clerk.locator("summary", has_text="一次性告知补正").click()
    clerk.get_by_label(MATERIAL).check()
    clerk.get_by_label("其他需要补正的问题").fill(PROBLEM)
    clerk.get_by_role("button", name="发出补正告知").click()
    clerk.get_by_text("已一次性告知申请人").wait_for()
    assert "待补正" in clerk.locator("#case-status").inner_text()
    save_step(clerk, JOURNEY, "01-clerk-asks")

    # 2. 张三 on his phone: the notice lists both, each with a file and a reply
    phone.goto("/login/")
    log_in_on_the_portal(phone, "zhangsan", DEMO_PASSWORD)
    phone.goto("/my/cases/")
    phone.locator("main").get_by_role("link", name="去补正").first.click()
    phone.wait_for_url(f"**/my/cases/{number}/supplement/")
    notice = phone.locator("#notice-heading + ol").inner_text()
    assert MATERIAL in notice and PROBLEM in notice, "the notice lists everything at once"
    for what in (MATERIAL, "其他问题"):
        assert phone.get_by_label(f"上传替换文件：{what}").is_visible()
        assert phone.get_by_label(f"文字说明：{what}").is_visible()
    assert serious_violations(phone) == []
    assert no_sideways_scroll(phone)
    save_step(phone, JOURNEY, "02-phone-notice")

    # 3. he answers the material with a photo and the other problem in words
    phone.get_by_label(f"上传替换文件：{MATERIAL}").set_input_files(str(photo))
    phone.get_by_label("文字说明：其他问题").fill(REPLY)
    save_step(phone, JOURNEY, "03-phone-answers")
    phone.get_by_role("button", name="提交补正").click()
    phone.wait_for_url(f"**/my/cases/{number}/")
    assert "补正材料已提交" in phone.locator("body").inner_text()
    assert no_sideways_scroll(phone)
    save_step(phone, JOURNEY, "04-phone-sent")

    # 4. the clerk sees each answer next to its item, and agrees
    clerk.goto(f"/console/cases/{number}/")
    answers = clerk.locator("#supplements ol.supplement-items > li")
    material, other = answers.nth(0).inner_text(), answers.nth(1).inner_text()
    assert MATERIAL in material and "门头.png" in material
    assert PROBLEM in other and REPLY in other
    assert answers.nth(0).get_by_role("link", name="下载").is_visible()
    assert serious_violations(clerk) == []
    save_step(clerk, JOURNEY, "05-clerk-sees-answers")
    clerk.get_by_label("同意").check()
    clerk.get_by_label("意见说明").fill("补正材料齐全")
    clerk.get_by_role("button", name="提交审查意见").click()
    clerk.get_by_text("审查意见已提交。").wait_for()
    save_step(clerk, JOURNEY, "06-clerk-agrees")
    context.close()
    assert Case.objects.get(pk=accepted.pk).status == CaseStatus.IN_REVIEW
    assert accepted.tasks.filter(bpmn_id="review", outcome="pass").exists()
