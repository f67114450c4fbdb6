"""Demo cases for the demo citizen and clerks: one per state, including a yellow and a red one.

Idempotent: each scenario carries its own idempotency key and is skipped once it exists.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.models import Case
from tongban.catalog.models import ServiceItem
from tongban.demo.codes import credit_code
from tongban.timelimits import calendar
from tongban.timelimits import case_clock as clock

ITEM = "THSJ-002"  # 天河区食品经营许可 (天河区市场监管局: banli, kezhang)
#: 食品经营许可申请书 as a small milk-tea shop fills it in (the item's form asks what the real one asks)
ANSWERS = {
    "operator_name": "广州市天河区甜心奶茶店",
    "credit_code": credit_code("92", "440106", 20260002),  # 92: 个体工商户
    "shop_name": "甜心奶茶",
    "person_in_charge": "张三",
    "address": "广州市天河区天河路 1 号首层 101 铺",
    "area": 40,
    "business_type": "餐饮服务经营者",
    "business_items": ["自制饮品制售", "预包装食品销售（含冷藏冷冻食品）"],
    "safety_manager": "张三",
    "employees": 3,
    "phone": "13800000001",
}


def _pdf(name: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def _uploads() -> list[tuple[str, SimpleUploadedFile]]:
    return [("经营场所布局平面图", _pdf("布局平面图.pdf")), ("食品安全管理制度", _pdf("管理制度.pdf"))]


def _answers_of(applicant: User) -> dict[str, Any]:
    """The form as this applicant fills it: their own name as the person in charge, their phone."""
    return {**ANSWERS, "person_in_charge": applicant.name, "safety_manager": applicant.name, "phone": applicant.phone}


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def _backdate(case: Case, working_days_ago: int) -> None:
    """Demo only: pretend the case was accepted some working days ago and refresh its clock."""
    day = timezone.localdate()
    while working_days_ago > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            working_days_ago -= 1
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    Case.objects.filter(pk=case.pk).update(accepted_at=moment, submitted_at=moment)
    case = _fresh(case)
    clock.refresh(case)
    case.save(update_fields=["due_on", "warn_on", "clock_state"])


def load(*, stdout: Any) -> None:
    item = ServiceItem.objects.filter(code=ITEM).first()
    if item is None:
        stdout.write(f"cases: item {ITEM} not in the catalogue, skipped")
        return
    people = {
        u.username: u for u in User.objects.filter(username__in=["zhangsan", "lisi", "chuangkou", "banli", "kezhang"])
    }
    zhang, clerk, handler, head = people["zhangsan"], people["chuangkou"], people["banli"], people["kezhang"]

    def accepted(case: Case) -> Case:
        services.accept_case(case=case, clerk=clerk, expected_version=case.version)
        return _fresh(case)

    def yellow(case: Case) -> None:
        _backdate(accepted(case), item.committed_days - 1)

    def red(case: Case) -> None:
        _backdate(accepted(case), item.committed_days + 2)

    def supplement(case: Case) -> None:
        case = accepted(case)
        services.request_supplement(
            case=case,
            clerk=handler,
            items=[{"material": "食品安全管理制度", "reason": "未加盖公章"}],
            note="请一次性补正以上材料",
            expected_version=case.version,
        )

    def approved(case: Case) -> None:
        case = accepted(case)
        services.review_case(case=case, clerk=handler, agree=True, comment="材料齐全", expected_version=case.version)
        case = _fresh(case)
        services.decide_case(
            case=case, clerk=head, approve=True, decision_text="准予食品经营许可", expected_version=case.version
        )

    scenarios: list[tuple[str, Any, Callable[[Case], None] | None]] = [
        ("demo-submitted", zhang, None),
        ("demo-yellow", zhang, yellow),
        ("demo-red", people["lisi"], red),
        ("demo-supplement", zhang, supplement),
        ("demo-approved", zhang, approved),
    ]
    made = 0
    for key, applicant, then in scenarios:
        if Case.objects.filter(applicant=applicant, idempotency_key=key).exists():
            continue
        with transaction.atomic():
            case = services.submit_application(
                applicant=applicant, item=item, answers=_answers_of(applicant), uploads=_uploads(), idempotency_key=key
            )
            if then is not None:
                then(_fresh(case))
        made += 1
    stdout.write(f"cases: {Case.objects.count()} ({made} new)")
